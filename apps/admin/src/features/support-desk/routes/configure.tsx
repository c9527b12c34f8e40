import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import { Field } from '@/components/ui/field';
import { Badge, EmptyState, ErrorBox, Notice, PageHeader, Spinner, StatusBadge } from '@/components/ui/feedback';
import { Dialog } from '@/components/ui/dialog';
import { ApiError, errorMessage } from '@/lib/api-client';
import { formatDateTime } from '@/lib/format';
import { usePermissions } from '@/features/auth/permissions';
import { useCurrentProject } from '@/features/projects/project-context';
import { installUrl, useBinding, useBindingMutations, useWorkspaceAdmins, useWorkspaceAttributes } from '../api/bindings';
import { TIME_BUFFER_HOURS, type BindingView as Binding } from '@app/contracts';
import { AttributeMappingEditor } from '../components/attribute-mapping-editor';
import { PostingModeEditor } from '../components/posting-mode-editor';
import { TemplateEditor } from '../components/template-editor';
import { THRESHOLDS, cleanMapping } from '../posting';
import { templateProblem } from '../template';

export function ConfigureBindingRoute() {
  const { bindingId = '' } = useParams();
  const project = useCurrentProject();
  const binding = useBinding(project.id, bindingId);
  if (binding.isPending) return <Spinner label="Loading connection…" />;
  if (binding.error)
    return binding.error instanceof ApiError && binding.error.status === 404 ? (
      <EmptyState
        title="Connection not found"
        action={
          <Link className="btn" to={`/projects/${project.slug}/support-desk`}>
            Support desk
          </Link>
        }
      >
        This support-desk connection does not exist in the project {project.name}.
      </EmptyState>
    ) : (
      <ErrorBox error={binding.error} title="Could not load the connection" onRetry={() => binding.refetch()} />
    );
  return <ConfigureBinding key={binding.data.id} binding={binding.data} />;
}

function ConfigureBinding({ binding }: { binding: Binding }) {
  const project = useCurrentProject();
  const { can } = usePermissions();
  const readOnly = !can('config:write') || binding.status === 'inactive';
  const live = binding.status !== 'inactive';
  const attrs = useWorkspaceAttributes(project.id, binding.id, live);
  const admins = useWorkspaceAdmins(project.id, binding.id, live);
  const { save, disconnect } = useBindingMutations(project.id, binding.id);

  const [postingMode, setPostingMode] = useState(binding.postingMode);
  const [threshold, setThreshold] = useState(binding.autoAnalyzeThreshold);
  const [buffer, setBuffer] = useState(String(binding.timeBufferHours));
  const [replyAs, setReplyAs] = useState(binding.replyAsAdminId ?? '');
  const [mapping, setMapping] = useState(binding.attributeMapping ?? {});
  const [template, setTemplate] = useState(binding.publicReplyTemplate ?? '');
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const [saved, setSaved] = useState(false);
  const [confirmOpen, setConfirmOpen] = useState(false);

  const base = `/projects/${project.slug}/support-desk`;

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    const n = Number(buffer);
    const local = {
      timeBufferHours:
        !/^\d+$/.test(buffer.trim()) || n < TIME_BUFFER_HOURS.min || n > TIME_BUFFER_HOURS.max
          ? `A whole number of hours from ${TIME_BUFFER_HOURS.min} to ${TIME_BUFFER_HOURS.max}`
          : undefined,
      publicReplyTemplate: templateProblem(template),
    };
    setErrors(local);
    if (Object.values(local).some(Boolean)) return;
    try {
      await save.mutateAsync({
        postingMode,
        autoAnalyzeThreshold: threshold,
        timeBufferHours: n,
        attributeMapping: cleanMapping(mapping),
        publicReplyTemplate: template,
        ...(replyAs ? { replyAsAdminId: replyAs } : {}),
      });
      setSaved(true);
    } catch (err) {
      if (err instanceof ApiError) {
        setErrors({
          timeBufferHours: err.fieldMessage('timeBufferHours'),
          publicReplyTemplate: err.fieldMessage('publicReplyTemplate') ?? err.fieldMessage('template'),
          replyAsAdminId: err.fieldMessage('replyAsAdminId'),
        });
      }
    }
  }

  return (
    <>
      <PageHeader
        title={
          <>
            {binding.workspaceName || binding.workspaceId} <StatusBadge status={binding.status} />
          </>
        }
        subtitle={`Intercom workspace ${binding.workspaceId} · region ${binding.region} · time zone ${binding.timezone}`}
        actions={
          <Link className="btn" to={`${base}/${binding.id}/conversations`} data-testid="binding-conversations">
            Conversations
          </Link>
        }
      />
      <div className="breadcrumbs small">
        <Link to={base}>Support desk</Link> / Configure
      </div>

      {binding.status === 'inactive' ? (
        <Notice kind="warning">
          This connection is inactive: Intercom access was revoked or the app was uninstalled. History is kept.{' '}
          {can('config:write') ? (
            <a href={installUrl(project.id)} data-testid="binding-reinstall">
              Reinstall to reactivate it
            </a>
          ) : null}
        </Notice>
      ) : null}
      {binding.status === 'needs_reinstall' ? (
        <Notice kind="warning">
          Intercom rejected the stored access.{' '}
          {can('config:write') ? (
            <a href={installUrl(project.id)} data-testid="binding-reinstall">
              Reinstall the app
            </a>
          ) : (
            'Ask an admin to reinstall the app'
          )}{' '}
          to resume triage.
        </Notice>
      ) : null}

      <HealthPanel binding={binding} />

      <section className="panel" aria-labelledby="install-title">
        <h2 id="install-title">Installation</h2>
        <dl className="kv">
          <dt>Installed</dt>
          <dd>
            {formatDateTime(binding.installedAt)}
            {binding.installedBy ? ` by ${binding.installedBy.name ?? binding.installedBy.email ?? `Intercom admin ${binding.installedBy.adminId}`}` : ''}
          </dd>
          <dt>Events</dt>
          <dd>
            {binding.subscriptions?.events?.join(', ') || '—'}{' '}
            <span className="muted small">({binding.subscriptions?.mode === 'app' ? 'app-level webhooks' : binding.subscriptions?.mode})</span>
          </dd>
          <dt>Topics</dt>
          <dd className="small mono">{binding.subscriptions?.topics?.join(', ') || '—'}</dd>
          <dt>Sidebar panel</dt>
          <dd className="small">In Intercom: Settings → Apps & integrations → Apps → SigSentry → Add to conversation details (“For teammates”).</dd>
        </dl>
      </section>

      <form className="panel" onSubmit={onSubmit} noValidate aria-label="Connection settings">
        <h2>Settings</h2>
        {readOnly && binding.status !== 'inactive' ? <Notice>You can view these settings; changing them needs the config:write permission.</Notice> : null}
        <PostingModeEditor value={postingMode} onChange={setPostingMode} readOnly={readOnly} />

        <div className="grid-2">
          <Field label="Auto-analyze threshold" hint={`Runs a full log analysis for ${THRESHOLDS.find((t) => t.value === threshold)?.analyzes}.`}>
            {(p) => (
              <select
                {...p}
                value={threshold}
                disabled={readOnly}
                onChange={(e) => setThreshold(e.target.value as Binding['autoAnalyzeThreshold'])}
                data-testid="binding-threshold"
              >
                {THRESHOLDS.map((t) => (
                  <option key={t.value} value={t.value}>
                    {t.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field
            label="Default time buffer (hours)"
            error={errors.timeBufferHours}
            hint="Log history searched before the conversation when the customer gives no time. 1–24."
          >
            {(p) => (
              <input
                {...p}
                type="number"
                min={1}
                max={24}
                step={1}
                value={buffer}
                readOnly={readOnly}
                onChange={(e) => setBuffer(e.target.value)}
                data-testid="binding-buffer"
              />
            )}
          </Field>
        </div>

        <Field
          label="Post as"
          error={errors.replyAsAdminId}
          hint={
            admins.error ? `Could not load the workspace’s admins: ${errorMessage(admins.error)}` : 'The Intercom teammate notes and replies are posted as.'
          }
        >
          {(p) => (
            <select {...p} value={replyAs} disabled={readOnly || !admins.data} onChange={(e) => setReplyAs(e.target.value)} data-testid="binding-reply-as">
              {!admins.data ? <option value={replyAs}>{admins.isPending && live ? 'Loading…' : replyAs || 'Installing admin'}</option> : null}
              {admins.data && replyAs && !admins.data.some((a) => a.id === replyAs) ? <option value={replyAs}>{replyAs} (no longer an admin)</option> : null}
              {admins.data?.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name} ({a.email})
                </option>
              ))}
            </select>
          )}
        </Field>

        <AttributeMappingEditor
          mapping={mapping}
          onChange={setMapping}
          attributes={attrs.data}
          attributesError={attrs.error ? errorMessage(attrs.error) : undefined}
          readOnly={readOnly}
        />

        <TemplateEditor
          projectId={project.id}
          bindingId={binding.id}
          value={template}
          onChange={setTemplate}
          readOnly={readOnly}
          serverError={errors.publicReplyTemplate}
        />

        {save.error ? <ErrorBox error={save.error} /> : null}
        {saved ? <Notice kind="success">Saved.</Notice> : null}
        {readOnly ? null : (
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" disabled={save.isPending} data-testid="binding-save">
              {save.isPending ? 'Saving…' : 'Save settings'}
            </button>
          </div>
        )}
      </form>

      {can('config:write') && binding.status !== 'inactive' ? (
        <section className="panel danger-zone" aria-labelledby="disconnect-title">
          <h2 id="disconnect-title">Disconnect</h2>
          <p>Stop triaging this workspace’s conversations.</p>
          <button type="button" className="btn btn-danger" onClick={() => setConfirmOpen(true)} data-testid="binding-disconnect">
            Disconnect Intercom
          </button>
        </section>
      ) : null}

      <Dialog
        open={confirmOpen}
        title={`Disconnect ${binding.workspaceName || 'this workspace'}?`}
        onClose={() => setConfirmOpen(false)}
        testId="disconnect-dialog"
      >
        <ul className="consequences">
          <li>SigSentry’s access is revoked and the app is uninstalled from this Intercom workspace.</li>
          <li>Webhooks stop: new conversations are no longer triaged or analysed.</li>
          <li>The SigSentry panel disappears from the inbox sidebar.</li>
          <li>This connection becomes inactive. Its history (triages, analyses, notes already posted in Intercom) is kept.</li>
        </ul>
        <p className="small muted">You can reconnect later with “Connect Intercom”; reinstalling into this project reactivates it.</p>
        {disconnect.error ? <ErrorBox error={disconnect.error} /> : null}
        <div className="form-actions">
          <button
            type="button"
            className="btn btn-danger"
            disabled={disconnect.isPending}
            onClick={() => disconnect.mutate(undefined, { onSuccess: () => setConfirmOpen(false) })}
            data-testid="binding-disconnect-confirm"
          >
            {disconnect.isPending ? 'Disconnecting…' : 'Disconnect'}
          </button>
          <button type="button" className="btn" onClick={() => setConfirmOpen(false)}>
            Cancel
          </button>
        </div>
      </Dialog>
    </>
  );
}

const CHECK_LABELS: Record<string, string> = {
  no_recent_events: 'Recent events',
  token_rejected: 'Intercom access',
  attribute_missing: 'Mapped attributes',
  reply_admin_missing: 'Posting admin',
  delivery_failing: 'Posting to Intercom',
};

function HealthPanel({ binding }: { binding: Binding }) {
  const checks = binding.health?.checks ?? [];
  return (
    <section className="panel" aria-labelledby="health-title" data-testid="binding-health">
      <h2 id="health-title">Health {binding.health?.ok ? <Badge tone="success">all good</Badge> : <Badge tone="warning">needs attention</Badge>}</h2>
      {checks.length === 0 ? (
        <p className="muted">No checks reported yet.</p>
      ) : (
        <ul className="health-list">
          {checks.map((c) => (
            <li key={c.code} className={c.ok ? 'ok' : 'bad'}>
              <span aria-hidden="true">{c.ok ? '✓' : '✗'}</span> <strong>{CHECK_LABELS[c.code] ?? c.code}</strong>
              <span className="sr-only">{c.ok ? ' passing' : ' failing'}</span>: {c.detail}
              {!c.ok && c.fix ? <div className="small">How to fix: {c.fix}</div> : null}
              {!c.ok && c.since ? <div className="small muted">Since {formatDateTime(c.since)}</div> : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
