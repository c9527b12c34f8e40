import { Link, useParams, useSearchParams } from 'react-router-dom';
import { EmptyState, ErrorBox, PageHeader, SeverityBadge, Spinner } from '@/components/ui/feedback';
import { Pagination } from '@/components/ui/pagination';
import { formatDateTime } from '@/lib/format';
import { useCurrentProject } from '@/features/projects/project-context';
import { useConversations } from '../api/bindings';

export function ConversationsRoute() {
  const { bindingId = '' } = useParams();
  const project = useCurrentProject();
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number(params.get('page')) || 1);
  const list = useConversations(project.id, bindingId, page);
  const base = `/projects/${project.slug}/support-desk/${bindingId}`;
  return (
    <>
      <PageHeader
        title="Triaged conversations"
        subtitle="Conversations this connection has triaged, newest first."
        actions={
          <Link className="btn" to={base}>
            Configure
          </Link>
        }
      />
      {list.isPending ? (
        <Spinner />
      ) : list.error ? (
        <ErrorBox error={list.error} title="Could not load conversations" onRetry={() => list.refetch()} />
      ) : list.data.items.length === 0 ? (
        <EmptyState title="No conversations triaged yet">
          When a customer starts a conversation in the connected Intercom workspace, its triage appears here within seconds.
        </EmptyState>
      ) : (
        <>
          <table className="table" data-testid="conversation-list">
            <thead>
              <tr>
                <th scope="col">Conversation</th>
                <th scope="col">Customer</th>
                <th scope="col">Severity</th>
                <th scope="col">Service</th>
                <th scope="col">Last triaged</th>
                <th scope="col">Analyses</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((c) => (
                <tr key={c.conversationId}>
                  <td>
                    <Link to={`${base}/conversations/${encodeURIComponent(c.conversationId)}`}>{c.subject || `Conversation ${c.conversationId}`}</Link>
                    <div className="small muted mono">{c.conversationId}</div>
                  </td>
                  <td>{c.customerName || <span className="muted">—</span>}</td>
                  <td>
                    <SeverityBadge severity={c.severity} />
                  </td>
                  <td>{c.affectedService || <span className="muted">—</span>}</td>
                  <td className="nowrap">{formatDateTime(c.lastTriagedAt)}</td>
                  <td>{c.analysisCount}</td>
                </tr>
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
    </>
  );
}
