import { Link, useSearchParams } from 'react-router-dom';
import { EmptyState, ErrorBox, PageHeader, SeverityBadge, Spinner, StatusBadge } from '@/components/ui/feedback';
import { Pagination } from '@/components/ui/pagination';
import { formatDateTime, formatSpan, SEVERITIES_DESCENDING } from '@/lib/format';
import { usePermissions } from '@/features/auth/permissions';
import { useCurrentProject } from '@/features/projects/project-context';
import { useAnalyses } from '../api/analyses';

const STATUSES = ['pending', 'processing', 'complete', 'partial', 'failed'];

export function AnalysesListRoute() {
  const project = useCurrentProject();
  const { can } = usePermissions();
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number(params.get('page')) || 1);
  const status = params.get('status') ?? '';
  const severity = params.get('severity') ?? '';
  const list = useAnalyses(project.id, { page, status: status || undefined, severity: severity || undefined });
  const base = `/projects/${project.slug}/analyses`;

  function setFilter(k: string, v: string) {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    next.delete('page');
    setParams(next);
  }

  return (
    <>
      <PageHeader
        title="Analyses"
        subtitle="Log analyses of this project, newest first."
        actions={
          can('analysis:create') ? (
            <Link className="btn btn-primary" to={`${base}/new`} data-testid="analysis-new">
              New analysis
            </Link>
          ) : null
        }
      />
      <div className="filters" role="group" aria-label="Filters">
        <label>
          Status{' '}
          <select value={status} onChange={(e) => setFilter('status', e.target.value)} data-testid="analysis-filter-status">
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Severity{' '}
          <select value={severity} onChange={(e) => setFilter('severity', e.target.value)} data-testid="analysis-filter-severity">
            <option value="">any</option>
            {SEVERITIES_DESCENDING.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
      </div>
      {list.isPending ? (
        <Spinner />
      ) : list.error ? (
        <ErrorBox error={list.error} title="Could not load analyses" onRetry={() => list.refetch()} />
      ) : list.data.items.length === 0 ? (
        <EmptyState
          title={status || severity ? 'No analyses match these filters' : 'No analyses yet'}
          action={
            can('analysis:create') && !status && !severity ? (
              <Link className="btn btn-primary" to={`${base}/new`}>
                Run your first analysis
              </Link>
            ) : null
          }
        >
          {status || severity
            ? 'Clear a filter to see more.'
            : project.logSourceCount === 0
              ? 'Add a log source first, then describe a problem and a time window.'
              : 'Describe a problem and a time window, and SigSentry searches your logs for the cause.'}
        </EmptyState>
      ) : (
        <>
          <table className="table" data-testid="analysis-list">
            <thead>
              <tr>
                <th scope="col">Description</th>
                <th scope="col">Status</th>
                <th scope="col">Severity</th>
                <th scope="col">Window</th>
                <th scope="col">Trigger</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((a) => (
                <tr key={a.id}>
                  <td>
                    <Link to={`${base}/${a.id}`}>{truncate(a.description, 90)}</Link>
                    {a.summary ? <div className="small muted">{truncate(a.summary, 140)}</div> : null}
                  </td>
                  <td>
                    <StatusBadge status={a.status} />
                  </td>
                  <td>
                    <SeverityBadge severity={a.severity} />
                  </td>
                  <td className="nowrap">{formatSpan(a.timeStart, a.timeEnd)}</td>
                  <td>{a.trigger?.replace(/_/g, ' ')}</td>
                  <td className="nowrap">{formatDateTime(a.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pagination
            page={list.data.pagination.page}
            totalPages={list.data.pagination.totalPages}
            total={list.data.pagination.total}
            onPage={(p) => {
              const next = new URLSearchParams(params);
              next.set('page', String(p));
              setParams(next);
            }}
          />
        </>
      )}
    </>
  );
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
