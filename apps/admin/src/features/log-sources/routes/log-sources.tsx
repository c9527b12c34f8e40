import { useState } from 'react';
import { type LogSourceView } from '@app/contracts';
import { Badge, EmptyState, ErrorBox, PageHeader, Spinner, StatusBadge } from '@/components/ui/feedback';
import { Dialog } from '@/components/ui/dialog';
import { formatDateTime } from '@/lib/format';
import { usePermissions } from '@/features/auth/permissions';
import { useCurrentProject } from '@/features/projects/project-context';
import { useLogSourceMutations, useLogSources, useLogSourceTypes, type TestResult } from '../api/log-sources';
import { LogSourceForm } from '../components/log-source-form';
import { testDetail } from '../form-model';

export function LogSourcesRoute() {
  const project = useCurrentProject();
  const { can } = usePermissions();
  const types = useLogSourceTypes();
  const sources = useLogSources(project.id);
  const muts = useLogSourceMutations(project.id);
  const [editing, setEditing] = useState<LogSourceView | 'new' | null>(null);
  const [results, setResults] = useState<Record<string, TestResult | { error: string }>>({});
  const [removing, setRemoving] = useState<LogSourceView | null>(null);

  const typeName = (t: string) => types.data?.find((x) => x.type === t)?.displayName ?? t;

  async function runTest(id: string) {
    try {
      const r = await muts.test.mutateAsync(id);
      setResults((m) => ({ ...m, [id]: r }));
    } catch (err) {
      setResults((m) => ({ ...m, [id]: { error: err instanceof Error ? err.message : 'Test failed' } }));
    }
  }

  return (
    <>
      <PageHeader
        title="Log sources"
        subtitle="Where analyses read logs from. Inactive sources are skipped."
        actions={
          can('config:write') && editing === null ? (
            <button type="button" className="btn btn-primary" onClick={() => setEditing('new')} disabled={!types.data?.length} data-testid="log-source-create">
              Add log source
            </button>
          ) : null
        }
      />
      {types.error ? <ErrorBox error={types.error} title="Could not load log source types" /> : null}
      {editing && types.data ? (
        <LogSourceForm
          key={editing === 'new' ? 'new' : editing.id}
          projectId={project.id}
          types={types.data}
          existing={editing === 'new' ? undefined : editing}
          onDone={() => setEditing(null)}
        />
      ) : null}
      {sources.isPending ? (
        <Spinner />
      ) : sources.error ? (
        <ErrorBox error={sources.error} title="Could not load log sources" onRetry={() => sources.refetch()} />
      ) : sources.data.length === 0 ? (
        <EmptyState title="No log sources yet">
          Analyses need at least one log source.{' '}
          {can('config:write') ? 'Use “Add log source” to connect one, then “Test” it.' : 'Ask someone with config:write to add one.'}
        </EmptyState>
      ) : (
        <ul className="stack" data-testid="log-source-list">
          {sources.data.map((s) => {
            const r = results[s.id];
            return (
              <li key={s.id} className="card" data-testid={`log-source-${s.name}`}>
                <div className="row-between">
                  <div>
                    <h2 className="card-title">
                      {s.name} <Badge>{typeName(s.type)}</Badge> <StatusBadge status={s.isActive ? 'active' : 'inactive'} />
                    </h2>
                    <div className="small muted">
                      {s.sources.join(', ')}
                      {s.region ? ` · ${s.region}` : ''}
                    </div>
                    {s.folder ? (
                      <div className="small" data-testid="log-source-folder">
                        Files are read from <code>{s.folder}</code>
                      </div>
                    ) : null}
                    <div className="small">
                      Last test:{' '}
                      {s.lastTestResult ? (
                        <span className={s.lastTestResult.success ? 'ok' : 'bad'}>
                          {s.lastTestResult.success ? 'connected' : 'failed'} — {testDetail(s.lastTestResult.message)} ({formatDateTime(s.lastTestedAt)})
                        </span>
                      ) : (
                        <span className="muted">never tested</span>
                      )}
                    </div>
                  </div>
                  <div className="btn-row">
                    <button
                      type="button"
                      className="btn btn-small"
                      onClick={() => runTest(s.id)}
                      disabled={muts.test.isPending && muts.test.variables === s.id}
                      data-testid="log-source-test"
                    >
                      {muts.test.isPending && muts.test.variables === s.id ? 'Testing…' : 'Test'}
                    </button>
                    {can('config:write') ? (
                      <>
                        <button
                          type="button"
                          className="btn btn-small"
                          onClick={() => muts.update.mutate({ id: s.id, input: { isActive: !s.isActive } })}
                          data-testid="log-source-toggle"
                        >
                          {s.isActive ? 'Deactivate' : 'Activate'}
                        </button>
                        <button type="button" className="btn btn-small" onClick={() => setEditing(s)} data-testid="log-source-edit">
                          Edit
                        </button>
                        <button type="button" className="btn btn-small btn-danger-ghost" onClick={() => setRemoving(s)} data-testid="log-source-delete">
                          Delete
                        </button>
                      </>
                    ) : null}
                  </div>
                </div>
                {r ? <TestOutcome result={r} /> : null}
              </li>
            );
          })}
        </ul>
      )}
      {muts.update.error && !editing ? <ErrorBox error={muts.update.error} /> : null}
      <Dialog open={!!removing} title={`Delete ${removing?.name ?? ''}?`} onClose={() => setRemoving(null)} testId="log-source-delete-dialog">
        <p>Analyses will no longer read this source. Past analyses are kept.</p>
        {muts.remove.error ? <ErrorBox error={muts.remove.error} /> : null}
        <div className="form-actions">
          <button
            type="button"
            className="btn btn-danger"
            disabled={muts.remove.isPending}
            onClick={() => removing && muts.remove.mutate(removing.id, { onSuccess: () => setRemoving(null) })}
            data-testid="log-source-delete-confirm"
          >
            Delete
          </button>
          <button type="button" className="btn" onClick={() => setRemoving(null)}>
            Cancel
          </button>
        </div>
      </Dialog>
    </>
  );
}

function TestOutcome({ result }: { result: TestResult | { error: string } }) {
  if ('error' in result)
    return (
      <div className="alert alert-error" role="alert">
        {result.error}
      </div>
    );
  return (
    <div className={`alert ${result.connected ? 'alert-success' : 'alert-error'}`} role="status" data-testid="log-source-test-result">
      <strong>{result.connected ? 'Connected' : 'Connection failed'}:</strong> {testDetail(result.message)}
      {result.sampleLogs.length > 0 ? (
        <table className="table table-compact">
          <caption className="sr-only">Sample logs</caption>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Level</th>
              <th scope="col">Service</th>
              <th scope="col">Message</th>
            </tr>
          </thead>
          <tbody>
            {result.sampleLogs.slice(0, 10).map((l, i) => (
              <tr key={i}>
                <td className="nowrap">{formatDateTime(l.timestamp)}</td>
                <td>{l.level}</td>
                <td className="nowrap">{l.service}</td>
                <td className="mono">{l.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : result.connected ? (
        <div className="small muted">No sample lines in the recent window.</div>
      ) : null}
    </div>
  );
}
