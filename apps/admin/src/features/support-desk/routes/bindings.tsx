import { Link } from 'react-router-dom';
import { Badge, EmptyState, ErrorBox, PageHeader, Spinner, StatusBadge } from '@/components/ui/feedback';
import { formatDateTime } from '@/lib/format';
import { usePermissions } from '@/features/auth/permissions';
import { useCurrentProject } from '@/features/projects/project-context';
import { useBindings } from '../api/bindings';
import { ConnectIntercom } from '../components/connect-intercom';

export function BindingsRoute() {
  const project = useCurrentProject();
  const { can } = usePermissions();
  const bindings = useBindings(project.id);
  const base = `/projects/${project.slug}/support-desk`;
  return (
    <>
      <PageHeader title="Support desk" subtitle="Connect Intercom so new conversations are triaged and, above your threshold, analysed against your logs." />
      {can('config:write') ? <ConnectIntercom projectId={project.id} /> : null}
      {bindings.isPending ? (
        <Spinner />
      ) : bindings.error ? (
        <ErrorBox error={bindings.error} title="Could not load connections" onRetry={() => bindings.refetch()} />
      ) : bindings.data.length === 0 ? (
        <EmptyState title="No support desk connected">
          {can('config:write')
            ? 'Use “Connect Intercom” to install the SigSentry app in your workspace.'
            : 'Ask someone with config:write to connect Intercom.'}
          {project.logSourceCount === 0 ? (
            <>
              {' '}
              Also <Link to={`/projects/${project.slug}/log-sources`}>add a log source</Link> so conversations can be analysed.
            </>
          ) : null}
        </EmptyState>
      ) : (
        <table className="table" data-testid="binding-list">
          <thead>
            <tr>
              <th scope="col">Workspace</th>
              <th scope="col">Status</th>
              <th scope="col">Health</th>
              <th scope="col">Posting</th>
              <th scope="col">Installed</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {bindings.data.map((b) => (
              <tr key={b.id}>
                <td>
                  <Link to={`${base}/${b.id}`}>{b.workspaceName || b.workspaceId}</Link>
                  <div className="small muted">
                    Intercom · {b.region} · {b.timezone}
                  </div>
                </td>
                <td>
                  <StatusBadge status={b.status} />
                </td>
                <td>
                  {b.health.ok ? <Badge tone="success">healthy</Badge> : <Badge tone="warning">{b.health.checks.filter((c) => !c.ok).length} issue(s)</Badge>}
                </td>
                <td>{b.postingMode}</td>
                <td className="nowrap">{formatDateTime(b.installedAt)}</td>
                <td className="btn-row">
                  <Link className="btn btn-small" to={`${base}/${b.id}`} data-testid="binding-configure">
                    Configure
                  </Link>
                  <Link className="btn btn-small" to={`${base}/${b.id}/conversations`}>
                    Conversations
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
