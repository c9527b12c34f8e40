import { Link, useParams } from 'react-router-dom';
import { ErrorBox, PageHeader, SeverityBadge, Spinner, StatusBadge } from '@/components/ui/feedback';
import { formatDateTime, formatPercent, formatSpan } from '@/lib/format';
import { useCurrentProject } from '@/features/projects/project-context';
import type { ConversationTriage as Triage } from '@app/contracts';
import { useConversation, useConversationCanvas } from '../api/bindings';
import { CanvasRenderer } from '../components/canvas-renderer';
import { CorrectTriage } from '@/features/triage-feedback/components/correct-triage';

/** In-app path for an analysis URL from the API (absolute links to our own origin become SPA links). */
function analysisHref(url: string, slug: string, id: string): string {
  try {
    const u = new URL(url, window.location.origin);
    if (u.origin === window.location.origin) return u.pathname;
  } catch {
    /* fall through */
  }
  return `/projects/${slug}/analyses/${id}`;
}

export function ConversationRoute() {
  const { bindingId = '', conversationId = '' } = useParams();
  const project = useCurrentProject();
  const conv = useConversation(project.id, bindingId, conversationId);
  const canvas = useConversationCanvas(project.id, bindingId, conversationId);
  const base = `/projects/${project.slug}/support-desk/${bindingId}`;
  return (
    <>
      <PageHeader
        title={conv.data?.subject || `Conversation ${conversationId}`}
        subtitle={<span className="mono">{conversationId}</span>}
        actions={
          <Link className="btn" to={`${base}/conversations`}>
            All conversations
          </Link>
        }
      />
      <div className="split">
        <div>
          {conv.isPending ? (
            <Spinner />
          ) : conv.error ? (
            <ErrorBox error={conv.error} title="Could not load the conversation" onRetry={() => conv.refetch()} />
          ) : (
            <>
              <section className="panel" aria-labelledby="an-title">
                <h2 id="an-title">Analyses</h2>
                {conv.data.analyses.length === 0 ? (
                  <p className="muted">
                    No analysis yet. One runs automatically above the auto-analyze threshold, or from the Intercom sidebar’s “Run analysis”.
                  </p>
                ) : (
                  <table className="table table-compact">
                    <thead>
                      <tr>
                        <th scope="col">Created</th>
                        <th scope="col">Status</th>
                        <th scope="col">Severity</th>
                        <th scope="col">Trigger</th>
                      </tr>
                    </thead>
                    <tbody>
                      {conv.data.analyses.map((a) => (
                        <tr key={a.id}>
                          <td>
                            <Link to={analysisHref(a.url, project.slug, a.id)}>{formatDateTime(a.createdAt)}</Link>
                          </td>
                          <td>
                            <StatusBadge status={a.status} />
                          </td>
                          <td>
                            <SeverityBadge severity={a.severity} />
                          </td>
                          <td>{a.trigger.replace(/_/g, ' ')}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </section>
              <section aria-labelledby="tr-title">
                <h2 id="tr-title">Triage history</h2>
                {conv.data.triages[0] ? <CorrectTriage bindingId={bindingId} conversationId={conversationId} current={conv.data.triages[0]} /> : null}
                {conv.data.triages.length === 0 ? <p className="muted">Not triaged.</p> : conv.data.triages.map((t) => <TriageCard key={t.id} triage={t} />)}
              </section>
            </>
          )}
        </div>
        <aside aria-labelledby="canvas-title" className="canvas-aside">
          <h2 id="canvas-title">Sidebar panel preview</h2>
          <p className="small muted">What teammates see in the Intercom inbox.</p>
          {canvas.isPending ? <Spinner /> : canvas.error ? <ErrorBox error={canvas.error} /> : <CanvasRenderer canvas={canvas.data.canvas} />}
        </aside>
      </div>
    </>
  );
}

const REASON_LABEL: Record<Triage['reason'], string> = {
  created: 'New conversation',
  customer_reply: 'Customer reply',
  correction: 'Corrected by an agent',
  correction_undo: 'Correction undone',
};

function TriageCard({ triage: t }: { triage: Triage }) {
  return (
    <article className="card" data-testid="triage-card">
      <div className="row-between">
        <h3 className="card-title">
          <SeverityBadge severity={t.severity} /> {t.affectedService ?? 'no service identified'}
        </h3>
        <span className="small muted">
          {REASON_LABEL[t.reason] ?? t.reason} · {formatDateTime(t.createdAt)}
        </span>
      </div>
      <p>{t.summary}</p>
      <dl className="kv small">
        <dt>Window</dt>
        <dd>
          {formatDateTime(t.window.start)} → {formatDateTime(t.window.end)} ({formatSpan(t.window.start, t.window.end)})
        </dd>
        <dt>Confidence</dt>
        <dd>
          {formatPercent(t.confidence)} · model {t.model}
        </dd>
        <dt>Keywords</dt>
        <dd>{t.keywords.length ? t.keywords.join(', ') : '—'}</dd>
      </dl>
      {t.evidence.length > 0 ? (
        <details>
          <summary>Evidence ({t.evidence.length})</summary>
          <table className="table table-compact">
            <thead>
              <tr>
                <th scope="col">Kind</th>
                <th scope="col">Signal</th>
                <th scope="col">Match</th>
                <th scope="col">Detail</th>
                <th scope="col">Weight</th>
              </tr>
            </thead>
            <tbody>
              {t.evidence.map((e, i) => (
                <tr key={i}>
                  <td>{e.kind}</td>
                  <td>{e.signal}</td>
                  <td className="mono">{e.match}</td>
                  <td>{e.detail}</td>
                  <td>{e.weight ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ) : null}
    </article>
  );
}
