import { Link, useSearchParams } from 'react-router-dom';
import { INCIDENT_STATUSES, type IncidentStatus } from '@app/contracts';
import { EmptyState, ErrorBox, PageHeader, SeverityBadge, Spinner, StatusBadge } from '@/components/ui/feedback';
import { Pagination } from '@/components/ui/pagination';
import { formatDateTime } from '@/lib/format';
import { useCurrentProject } from '@/features/projects/project-context';
import { useIncidents } from '../api/incidents';

export function IncidentsListRoute() {
  const project = useCurrentProject();
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number(params.get('page')) || 1);
  const statusParam = params.get('status') ?? '';
  const status = (INCIDENT_STATUSES as readonly string[]).includes(statusParam) ? (statusParam as IncidentStatus) : undefined;
  const service = params.get('service') ?? '';
  const list = useIncidents(project.id, { page, status, service: service || undefined });
  const base = `/projects/${project.slug}/incidents`;
  const services = project.services.map((s) => s.name);

  function setFilter(k: string, v: string) {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    next.delete('page');
    setParams(next);
  }

  return (
    <>
      <PageHeader title="Incidents" subtitle="Conversations about one outage, grouped: one analysis each, one update to every customer." />
      <div className="filters" role="group" aria-label="Filters">
        <label>
          Status{' '}
          <select value={status ?? ''} onChange={(e) => setFilter('status', e.target.value)} data-testid="incident-filter-status">
            <option value="">any</option>
            {INCIDENT_STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Service{' '}
          <select value={service} onChange={(e) => setFilter('service', e.target.value)} data-testid="incident-filter-service">
            <option value="">any</option>
            {services.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
      </div>
      {list.isPending ? (
        <Spinner />
      ) : list.error ? (
        <ErrorBox error={list.error} title="Could not load incidents" onRetry={() => list.refetch()} />
      ) : list.data.items.length === 0 ? (
        <EmptyState title={status || service ? 'No incidents match these filters' : 'No incidents yet'}>
          {status || service
            ? 'Clear a filter to see more.'
            : 'When customers report the same problem through the support desk, their conversations are grouped here.'}
        </EmptyState>
      ) : (
        <>
          <table className="table" data-testid="incident-list">
            <thead>
              <tr>
                <th scope="col">Ref</th>
                <th scope="col">Title</th>
                <th scope="col">Service</th>
                <th scope="col">Severity</th>
                <th scope="col">Conversations</th>
                <th scope="col">First seen</th>
                <th scope="col">Last seen</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((i) => (
                <tr key={i.id} data-testid="incident-row">
                  <td className="nowrap">
                    <Link to={`${base}/${i.id}`}>{i.ref}</Link>
                  </td>
                  <td>{i.title}</td>
                  <td>{i.service ?? <span className="muted">unknown</span>}</td>
                  <td>
                    <SeverityBadge severity={i.severity} />
                  </td>
                  <td>{i.conversationCount}</td>
                  <td className="nowrap">{formatDateTime(i.firstSeenAt)}</td>
                  <td className="nowrap">{formatDateTime(i.lastSeenAt)}</td>
                  <td>
                    <StatusBadge status={i.status} />
                  </td>
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
