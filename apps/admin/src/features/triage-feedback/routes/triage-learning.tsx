import { Link, useSearchParams } from 'react-router-dom';
import type { TriageAgreementRow, TriageFeedbackView } from '@app/contracts';
import { EmptyState, ErrorBox, Notice, PageHeader, SeverityBadge, Spinner } from '@/components/ui/feedback';
import { Pagination } from '@/components/ui/pagination';
import { errorMessage } from '@/lib/api-client';
import { formatDateTime, formatPercent } from '@/lib/format';
import { usePermissions } from '@/features/auth/permissions';
import { useCurrentProject } from '@/features/projects/project-context';
import { useFeedbackList, useFeedbackMutations, useFeedbackStats } from '../api/feedback';

/** Per project: how often agents left triage as it was, what triage learned from their corrections, and the corrections. */
export function TriageLearningRoute() {
  const project = useCurrentProject();
  const { can } = usePermissions();
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number(params.get('page')) || 1);
  const stats = useFeedbackStats(project.id);
  const list = useFeedbackList(project.id, page);
  const m = useFeedbackMutations(project.id);
  const canWrite = can('analysis:create');
  const mutationError = m.undo.error ?? m.removeWord.error;

  return (
    <>
      <PageHeader
        title="Triage learning"
        subtitle="Agents correct triage from a conversation (here or in the Intercom panel); triage learns from those corrections for this project."
      />
      {mutationError ? <Notice kind="error">{errorMessage(mutationError)}</Notice> : null}
      <section className="panel" aria-labelledby="agree-title">
        <h2 id="agree-title">Agreement</h2>
        {stats.isPending ? (
          <Spinner />
        ) : stats.error ? (
          <ErrorBox error={stats.error} onRetry={() => stats.refetch()} />
        ) : (
          <>
            <div className="stat-row" data-testid="triage-agreement">
              <div>
                <div className="small muted">Left as triaged</div>
                <strong>{stats.data.agreement === null ? '—' : formatPercent(stats.data.agreement)}</strong>
              </div>
              <div>
                <div className="small muted">Conversations triaged</div>
                <strong>{stats.data.triaged}</strong>
              </div>
              <div>
                <div className="small muted">Corrected by agents</div>
                <strong>{stats.data.corrected}</strong>
              </div>
              <div>
                <div className="small muted">Corrections used</div>
                <strong>
                  {stats.data.corrections.used} / {stats.data.corrections.max}
                </strong>
              </div>
            </div>
            <div className="grid-2">
              <AgreementTable title="By severity triage chose" rows={stats.data.bySeverity} severity />
              <AgreementTable title="By service triage chose" rows={stats.data.byService} />
            </div>
            <AgreementTable title="Over time (week of the first triage)" rows={stats.data.overTime} />
          </>
        )}
      </section>

      <section className="panel" aria-labelledby="words-title">
        <h2 id="words-title">Learned words</h2>
        <p className="small muted">Words that kept appearing in conversations agents moved to one service. Remove one and it is not learned again.</p>
        {stats.data && stats.data.learnedWords.length === 0 ? (
          <p className="muted">Nothing learned yet.</p>
        ) : stats.data ? (
          <table className="table table-compact" data-testid="learned-words">
            <thead>
              <tr>
                <th scope="col">Word</th>
                <th scope="col">Points to</th>
                <th scope="col">Corrections</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {stats.data.learnedWords.map((w) => (
                <tr key={`${w.word}:${w.service}`}>
                  <td className="mono">{w.word}</td>
                  <td>{w.service}</td>
                  <td>{w.support}</td>
                  <td>
                    {canWrite ? (
                      <button type="button" className="btn btn-small" disabled={m.removeWord.isPending} onClick={() => m.removeWord.mutate(w.word)}>
                        Remove
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        {stats.data?.removedWords.length ? <p className="small muted">Removed: {stats.data.removedWords.join(', ')}</p> : null}
      </section>

      <section aria-labelledby="corr-title">
        <h2 id="corr-title">Corrections</h2>
        {list.isPending ? (
          <Spinner />
        ) : list.error ? (
          <ErrorBox error={list.error} onRetry={() => list.refetch()} />
        ) : list.data.items.length === 0 ? (
          <EmptyState title="No corrections yet">Open a conversation under Support desk and use “Correct triage”.</EmptyState>
        ) : (
          <>
            <table className="table" data-testid="corrections">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Conversation</th>
                  <th scope="col">Triage said</th>
                  <th scope="col">Agent set</th>
                  <th scope="col">By</th>
                  <th scope="col" />
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((c) => (
                  <CorrectionRow key={c.id} c={c} slug={project.slug} canWrite={canWrite} onUndo={() => m.undo.mutate(c.id)} busy={m.undo.isPending} />
                ))}
              </tbody>
            </table>
            <Pagination
              page={list.data.pagination.page}
              totalPages={list.data.pagination.totalPages}
              total={list.data.pagination.total}
              onPage={(p) => setParams({ page: String(p) })}
            />
          </>
        )}
      </section>
    </>
  );
}

function AgreementTable({ title, rows, severity }: { title: string; rows: TriageAgreementRow[]; severity?: boolean }) {
  if (!rows.length) return null;
  return (
    <table className="table table-compact">
      <caption className="small muted">{title}</caption>
      <thead>
        <tr>
          <th scope="col" />
          <th scope="col">Triaged</th>
          <th scope="col">Corrected</th>
          <th scope="col">Left as triaged</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={String(r.key)}>
            <td>{severity ? <SeverityBadge severity={r.key} /> : (r.key ?? 'no service')}</td>
            <td>{r.triaged}</td>
            <td>{r.corrected}</td>
            <td>{r.agreement === null ? '—' : formatPercent(r.agreement)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function CorrectionRow({ c, slug, canWrite, onUndo, busy }: { c: TriageFeedbackView; slug: string; canWrite: boolean; onUndo: () => void; busy: boolean }) {
  const label = (s: string | null) => s ?? 'no service';
  return (
    <tr className={c.undoneAt ? 'row-muted' : undefined} data-testid="correction-row">
      <td>{formatDateTime(c.createdAt)}</td>
      <td>
        <Link to={`/projects/${slug}/support-desk/${c.bindingId}/conversations/${encodeURIComponent(c.conversationId)}`}>{c.subject || c.conversationId}</Link>
        <div className="small muted">{c.excerpt}</div>
      </td>
      <td>
        <SeverityBadge severity={c.before.severity} /> {label(c.before.affectedService)}
      </td>
      <td>
        {c.set.severity ? <SeverityBadge severity={c.after.severity} /> : null} {c.set.affectedService ? label(c.after.affectedService) : null}
      </td>
      <td>
        {c.author.name ?? c.author.kind.replace('_', ' ')}
        {c.author.kind === 'intercom_admin' ? <div className="small muted">Intercom</div> : null}
      </td>
      <td>
        {c.undoneAt ? (
          <span className="small muted">undone {formatDateTime(c.undoneAt)}</span>
        ) : canWrite ? (
          <button type="button" className="btn btn-small" disabled={busy} onClick={onUndo} data-testid="correction-undo">
            Undo
          </button>
        ) : null}
      </td>
    </tr>
  );
}
