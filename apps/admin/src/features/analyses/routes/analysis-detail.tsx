import { Link, useParams } from 'react-router-dom';
import { Badge, ErrorBox, Notice, PageHeader, SeverityBadge, Spinner, StatusBadge } from '@/components/ui/feedback';
import { formatDateTime, formatDuration, formatPercent, formatSpan } from '@/lib/format';
import { useCurrentProject } from '@/features/projects/project-context';
import type { AnalysisResult } from '@app/contracts';
import { isRunning, useAnalysis } from '../api/analyses';
import { FeedbackPanel, LogEvidencePanel, RelatedPanel, ScreenshotPanel } from '../components/analysis-extras';
import { logsScannedHint } from '../window';

const PARTIAL_TEXT: Record<string, string> = {
  source_failed: 'a log source failed',
  source_timeout: 'a log source timed out',
  truncated: 'too many lines: the scan was truncated',
};

export function AnalysisDetailRoute() {
  const { id = '' } = useParams();
  const project = useCurrentProject();
  const q = useAnalysis(project.id, id);
  const base = `/projects/${project.slug}/analyses`;
  if (q.isPending) return <Spinner label="Loading analysis…" />;
  if (q.error) return <ErrorBox error={q.error} title="Could not load the analysis" onRetry={() => q.refetch()} />;
  const a = q.data;
  return (
    <>
      <PageHeader
        title={
          <>
            Analysis <StatusBadge status={a.status} /> {a.result ? <SeverityBadge severity={a.result.severity} /> : null}
          </>
        }
        subtitle={a.description}
        actions={
          <Link className="btn" to={base}>
            All analyses
          </Link>
        }
      />
      <dl className="kv panel small" data-testid="analysis-meta">
        <dt>Window</dt>
        <dd>
          {formatDateTime(a.timeStart)} → {formatDateTime(a.timeEnd)} ({formatSpan(a.timeStart, a.timeEnd)})
        </dd>
        <dt>Trigger</dt>
        <dd>{a.trigger?.replace(/_/g, ' ')}</dd>
        <dt>Created</dt>
        <dd>{formatDateTime(a.createdAt)}</dd>
        <dt>Completed</dt>
        <dd>
          {formatDateTime(a.completedAt)}
          {a.processingTimeMs != null ? ` (${formatDuration(a.processingTimeMs)})` : ''}
        </dd>
        {a.metadata && Object.keys(a.metadata).length > 0 ? (
          <>
            <dt>Metadata</dt>
            <dd className="mono">
              {Object.entries(a.metadata)
                .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
                .join(' · ')}
            </dd>
          </>
        ) : null}
      </dl>

      {isRunning(a.status) ? (
        <div className="panel" role="status" aria-live="polite" data-testid="analysis-running">
          <span className="spinner" aria-hidden="true" /> {a.status === 'pending' ? 'Queued…' : 'Reading logs and looking for the cause…'} This page updates by
          itself.
        </div>
      ) : null}
      {a.status === 'failed' ? (
        <div className="alert alert-error" role="alert" data-testid="analysis-error">
          <strong>The analysis failed.</strong> {a.error?.message ?? 'No reason was given.'}{' '}
          {a.error?.code ? <code className="code-tag">{a.error.code}</code> : null}
          {a.error?.code === 'LOG_SOURCE_NOT_CONFIGURED' ? (
            <div>
              <Link to={`/projects/${project.slug}/log-sources`}>Add a log source</Link> and run it again.
            </div>
          ) : null}
        </div>
      ) : null}
      {a.status === 'partial' ? (
        <Notice kind="warning">Partial result: {(a.partialReasons ?? []).map((r) => PARTIAL_TEXT[r] ?? r).join('; ') || 'some sources did not answer'}.</Notice>
      ) : null}
      {a.screenshot ? <ScreenshotPanel projectId={project.id} analysisId={a.id} info={a.screenshot} /> : null}
      {a.result ? <ResultView r={a.result} /> : null}
      <LogEvidencePanel lines={a.logEvidence ?? []} />
      <RelatedPanel ids={a.relatedIncidents ?? []} base={base} />
      <FeedbackPanel projectId={project.id} analysisId={a.id} entries={a.feedback ?? []} finished={!isRunning(a.status)} />
    </>
  );
}

function ResultView({ r }: { r: AnalysisResult }) {
  const hint = logsScannedHint(r.logsScanned);
  return (
    <div data-testid="analysis-result">
      <section className="panel" aria-labelledby="sum-title">
        <h2 id="sum-title">Summary</h2>
        <p>{r.summary}</p>
        <div className="stat-row">
          <div>
            <div className="small muted">Severity</div>
            <SeverityBadge severity={r.severity} />
          </div>
          <div>
            <div className="small muted">Confidence</div>
            <strong>{formatPercent(r.confidence)}</strong>
            {r.confidence < 0.5 ? <div className="small muted">Low: several causes are plausible; verify before acting.</div> : null}
          </div>
          <div>
            <div className="small muted">Logs scanned</div>
            <strong data-testid="logs-scanned">{r.logsScanned.toLocaleString()}</strong>
            <div className={`small ${hint.tone === 'warning' ? 'warn' : 'muted'}`} data-testid="logs-scanned-hint">
              {hint.text}
            </div>
          </div>
          <div>
            <div className="small muted">Window</div>
            {formatSpan(r.timeWindow.start, r.timeWindow.end)}
          </div>
        </div>
      </section>
      <section className="panel" aria-labelledby="rc-title">
        <h2 id="rc-title">Root cause</h2>
        <p>{r.rootCause.description}</p>
        <dl className="kv small">
          <dt>Service</dt>
          <dd>{r.rootCause.service || '—'}</dd>
          <dt>Error type</dt>
          <dd className="mono">{r.rootCause.errorType || '—'}</dd>
          <dt>Category</dt>
          <dd>
            <Badge>{r.rootCause.category}</Badge>
          </dd>
        </dl>
      </section>
      {r.suggestedActions.length ? (
        <section className="panel" aria-labelledby="act-title">
          <h2 id="act-title">Suggested actions</h2>
          <ol className="actions-list">
            {[...r.suggestedActions]
              .sort((x, y) => x.priority - y.priority)
              .map((s, i) => (
                <li key={i}>
                  <Badge tone="info">{s.type}</Badge> <strong>{s.action}</strong>
                  <div className="small muted">{s.rationale}</div>
                </li>
              ))}
          </ol>
        </section>
      ) : null}
      {r.affectedServices.length ? (
        <section className="panel" aria-labelledby="svc-title">
          <h2 id="svc-title">Affected services</h2>
          <table className="table table-compact">
            <thead>
              <tr>
                <th scope="col">Service</th>
                <th scope="col">Role</th>
                <th scope="col">Errors</th>
                <th scope="col">First seen</th>
                <th scope="col">Last seen</th>
              </tr>
            </thead>
            <tbody>
              {r.affectedServices.map((s) => (
                <tr key={s.serviceName}>
                  <td>{s.serviceName}</td>
                  <td>{s.role}</td>
                  <td>{s.errorCount}</td>
                  <td className="nowrap">{formatDateTime(s.firstSeen)}</td>
                  <td className="nowrap">{formatDateTime(s.lastSeen)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
      {r.timeline.length ? (
        <section className="panel" aria-labelledby="tl-title">
          <h2 id="tl-title">Timeline</h2>
          <ol className="timeline">
            {r.timeline.map((t, i) => (
              <li key={i} className={`tl-${t.level} ${t.isRootCause ? 'tl-root' : ''}`}>
                <span className="nowrap small muted">{formatDateTime(t.timestamp)}</span>{' '}
                <Badge tone={t.level === 'error' ? 'danger' : t.level === 'warn' ? 'caution' : 'neutral'}>{t.level}</Badge> <strong>{t.service}</strong>{' '}
                <span className="mono">{t.message}</span>
                {t.isRootCause ? (
                  <>
                    {' '}
                    <Badge tone="danger">root cause</Badge>
                  </>
                ) : null}
              </li>
            ))}
          </ol>
        </section>
      ) : null}
    </div>
  );
}
