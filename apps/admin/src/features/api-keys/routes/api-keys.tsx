import { useState, type FormEvent } from 'react';
import { type ApiKeyView, type KeyType, KEY_PERMISSIONS, PUBLIC_KEY_PERMISSIONS } from '@app/contracts';
import { Field, hasErrors, mergeFieldErrors, type FieldErrors } from '@/components/ui/field';
import { Badge, EmptyState, ErrorBox, Notice, PageHeader, Spinner } from '@/components/ui/feedback';
import { CopyButton } from '@/components/ui/copy-button';
import { Dialog } from '@/components/ui/dialog';
import { formatDateTime } from '@/lib/format';
import { usePermissions } from '@/features/auth/permissions';
import { useProjects } from '@/features/projects/api/projects';
import { creatorLabel, useApiKeyMutations, useApiKeys, validateKey } from '../api/api-keys';

const TYPE_HELP: Record<KeyType, string> = {
  secret: 'Server-side key for one project (ss_secret_…). Any permissions.',
  public: 'Browser/SDK key for one project (ss_pub_…). Only analysis:create and analysis:read.',
  org: 'Whole-organisation key (ss_org_…); name the project with the X-Project-Id header.',
};

export function ApiKeysRoute() {
  const { can } = usePermissions();
  const keys = useApiKeys();
  const projects = useProjects();
  const { revoke } = useApiKeyMutations();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<(ApiKeyView & { key: string }) | null>(null);
  const [revoking, setRevoking] = useState<ApiKeyView | null>(null);
  const projectName = (id: string | null) => (id ? (projects.data?.find((p) => p.id === id)?.name ?? id) : 'All projects');

  return (
    <>
      <PageHeader
        title="API keys"
        subtitle="Keys for scripts and integrations. A key does not inherit your role; it has only the permissions you give it."
        actions={
          can('apikey:write') && !creating ? (
            <button
              type="button"
              className="btn btn-primary"
              onClick={() => {
                setCreating(true);
                setCreated(null);
              }}
              data-testid="api-key-new"
            >
              New key
            </button>
          ) : null
        }
      />
      {created ? (
        <div className="alert alert-success" role="status" data-testid="api-key-created">
          <p>
            <strong>Key “{created.name}” created.</strong> Copy it now: it will not be shown again.
          </p>
          <div className="secret-row">
            <code className="secret" data-testid="api-key-value">
              {created.key}
            </code>
            <CopyButton text={created.key} testId="api-key-copy" />
          </div>
          <button type="button" className="btn btn-small btn-ghost" onClick={() => setCreated(null)}>
            Done, I stored it
          </button>
        </div>
      ) : null}
      {creating ? (
        <CreateKeyForm
          projects={projects.data?.map((p) => ({ id: p.id, name: p.name })) ?? []}
          onCancel={() => setCreating(false)}
          onCreated={(k) => {
            setCreated(k);
            setCreating(false);
          }}
        />
      ) : null}
      {keys.isPending ? (
        <Spinner />
      ) : keys.error ? (
        <ErrorBox error={keys.error} title="Could not load API keys" onRetry={() => keys.refetch()} />
      ) : keys.data.length === 0 ? (
        <EmptyState title="No API keys">
          {can('apikey:write') ? 'Create a key to call the API from scripts, CI or your backend.' : 'Nobody has created a key yet.'}
        </EmptyState>
      ) : (
        <table className="table" data-testid="api-key-list">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Key</th>
              <th scope="col">Scope</th>
              <th scope="col">Permissions</th>
              <th scope="col">Created</th>
              <th scope="col">Created by</th>
              <th scope="col">Last used</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.data.map((k) => (
              <tr key={k.id} className={k.revoked ? 'row-muted' : ''}>
                <td>{k.name}</td>
                <td className="mono">
                  {k.prefix}… <Badge>{k.type}</Badge>
                </td>
                <td>{projectName(k.projectId)}</td>
                <td className="small">{k.permissions.join(', ')}</td>
                <td className="nowrap">{formatDateTime(k.createdAt)}</td>
                <td data-testid="api-key-creator">{creatorLabel(k)}</td>
                <td className="nowrap">{k.lastUsedAt ? formatDateTime(k.lastUsedAt) : <span className="muted">never</span>}</td>
                <td>
                  {k.revoked ? (
                    <Badge tone="neutral">{k.revokedReason === 'creator_removed' ? 'revoked: creator removed' : 'revoked'}</Badge>
                  ) : (
                    <Badge tone="success">active</Badge>
                  )}
                </td>
                <td>
                  {can('apikey:write') && !k.revoked ? (
                    <button type="button" className="btn btn-small btn-danger-ghost" onClick={() => setRevoking(k)} data-testid="api-key-revoke">
                      Revoke
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Dialog open={!!revoking} title={`Revoke “${revoking?.name ?? ''}”?`} onClose={() => setRevoking(null)} testId="api-key-revoke-dialog">
        <p>Requests with this key fail immediately. This cannot be undone; the record stays for audit.</p>
        {revoke.error ? <ErrorBox error={revoke.error} /> : null}
        <div className="form-actions">
          <button
            type="button"
            className="btn btn-danger"
            disabled={revoke.isPending}
            onClick={() => revoking && revoke.mutate(revoking.id, { onSuccess: () => setRevoking(null) })}
            data-testid="api-key-revoke-confirm"
          >
            Revoke
          </button>
          <button type="button" className="btn" onClick={() => setRevoking(null)}>
            Cancel
          </button>
        </div>
      </Dialog>
    </>
  );
}

function CreateKeyForm(props: { projects: { id: string; name: string }[]; onCancel: () => void; onCreated: (k: ApiKeyView & { key: string }) => void }) {
  const { create } = useApiKeyMutations();
  const [name, setName] = useState('');
  const [type, setType] = useState<KeyType>('secret');
  const [projectId, setProjectId] = useState(props.projects[0]?.id ?? '');
  const [permissions, setPermissions] = useState<string[]>(['analysis:create', 'analysis:read']);
  const [errors, setErrors] = useState<FieldErrors>({});

  function changeType(t: KeyType) {
    setType(t);
    if (t === 'public') setPermissions((ps) => ps.filter((p) => (PUBLIC_KEY_PERMISSIONS as readonly string[]).includes(p)));
  }

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const local = validateKey({ name, type, projectId, permissions });
    setErrors(local);
    if (hasErrors(local)) return;
    try {
      const k = await create.mutateAsync({ name: name.trim(), type, permissions, ...(type === 'org' ? {} : { projectId }) });
      props.onCreated(k);
    } catch (err) {
      setErrors(mergeFieldErrors({}, err, ['name', 'type', 'projectId', 'permissions']));
    }
  }

  return (
    <form className="panel" onSubmit={onSubmit} noValidate aria-label="New API key">
      <h2>New API key</h2>
      <div className="grid-2">
        <Field label="Name" error={errors.name} required hint="Where it is used, e.g. “CI deploy hook”.">
          {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} autoFocus data-testid="api-key-name" />}
        </Field>
        <Field label="Type" hint={TYPE_HELP[type]}>
          {(p) => (
            <select {...p} value={type} onChange={(e) => changeType(e.target.value as KeyType)} data-testid="api-key-type">
              <option value="secret">Secret (one project)</option>
              <option value="public">Public (one project, SDK)</option>
              <option value="org">Organisation</option>
            </select>
          )}
        </Field>
      </div>
      {type !== 'org' ? (
        <Field label="Project" error={errors.projectId} required>
          {(p) => (
            <select {...p} value={projectId} onChange={(e) => setProjectId(e.target.value)} data-testid="api-key-project">
              {props.projects.length === 0 ? <option value="">No projects</option> : null}
              {props.projects.map((pr) => (
                <option key={pr.id} value={pr.id}>
                  {pr.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      ) : null}
      <fieldset className="fieldset" aria-describedby={errors.permissions ? 'perm-err' : undefined}>
        <legend>Permissions</legend>
        <div className="checkbox-row">
          {KEY_PERMISSIONS.map((perm) => {
            const locked = type === 'public' && !(PUBLIC_KEY_PERMISSIONS as readonly string[]).includes(perm);
            return (
              <label key={perm} className={locked ? 'muted' : ''}>
                <input
                  type="checkbox"
                  checked={permissions.includes(perm)}
                  disabled={locked}
                  onChange={(e) => setPermissions(e.target.checked ? [...permissions, perm] : permissions.filter((x) => x !== perm))}
                  data-testid={`api-key-perm-${perm}`}
                />{' '}
                <code>{perm}</code>
              </label>
            );
          })}
        </div>
        {errors.permissions ? (
          <div className="field-error" id="perm-err" role="alert">
            {errors.permissions}
          </div>
        ) : null}
      </fieldset>
      {create.error ? <ErrorBox error={create.error} /> : null}
      <Notice>The full key is shown once, right after you create it.</Notice>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={create.isPending} data-testid="api-key-create">
          {create.isPending ? 'Creating…' : 'Create key'}
        </button>
        <button type="button" className="btn" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
