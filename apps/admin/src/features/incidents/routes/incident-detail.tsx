import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import type { IncidentConversation, IncidentCustomerUpdate, IncidentDetail } from '@app/contracts';
import { Dialog } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { Badge, EmptyState, ErrorBox, Notice, PageHeader, SeverityBadge, Spinner, StatusBadge } from '@/components/ui/feedback';
import { formatDateTime } from '@/lib/format';
import { usePermissions } from '@/features/auth/permissions';
import { useCurrentProject } from '@/features/projects/project-context';
import { useIncident, useIncidentMutations, useIncidents, useIncidentUpdate } from '../api/incidents';
import { UpdateForm } from '../components/update-form';
import { eventLabel, inAppPath, safeExternalUrl, titleError, updateProgressText } from '../incident-view';

export function IncidentDetailRoute() {
  const { id = '' } = useParams();
  const project = useCurrentProject();
  const q = useIncident(project.id, id);
  const base = `/projects/${project.slug}/incidents`;
  return (
    <>
      <PageHeader
        title={q.data ? `${q.data.ref} · ${q.data.title}` : 'Incident'}
        subtitle={
          q.data ? (
            <>
              <StatusBadge status={q.data.status} /> <SeverityBadge severity={q.data.severity} /> {q.data.service ?? 'service unknown'} ·{' '}
              {q.data.conversationCount} conversation{q.data.conversationCount === 1 ? '' : 's'} · first seen {formatDateTime(q.data.firstSeenAt)} · last seen{' '}
              {formatDateTime(q.data.lastSeenAt)}
            </>
          ) : null
        }
        actions={
          <Link className="btn" to={base}>
            All incidents
          </Link>
        }
      />
      {q.isPending ? (
        <Spinner />
      ) : q.error ? (
        <ErrorBox error={q.error} title="Could not load the incident" onRetry={() => q.refetch()} />
      ) : (
        <IncidentBody incident={q.data} />
      )}
    </>
  );
}

function IncidentBody({ incident: inc }: { incident: IncidentDetail }) {
  const project = useCurrentProject();
  const { can } = usePermissions();
  const write = can('config:write');
  const base = `/projects/${project.slug}/incidents`;
  return (
    <>
      {inc.mergedIntoId ? (
        <Notice kind="info">
          Merged into <Link to={`${base}/${inc.mergedIntoId}`}>another incident</Link>; its conversations are there now.
        </Notice>
      ) : null}
      {write && !inc.mergedIntoId ? <Actions incident={inc} /> : null}
      <Conversations incident={inc} write={write && !inc.mergedIntoId} />
      <section className="panel" aria-labelledby="inc-an-title">
        <h2 id="inc-an-title">Analysis</h2>
        {inc.analyses.length === 0 ? (
          <p className="muted">No analysis yet: one runs when the incident reaches the auto-analyze threshold of a linked conversation&apos;s binding.</p>
        ) : (
          <table className="table table-compact" data-testid="incident-analyses">
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">Status</th>
                <th scope="col">Severity</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {inc.analyses.map((a) => (
                <tr key={a.id}>
                  <td>
                    <Link to={inAppPath(a.url, window.location.origin, `/projects/${project.slug}/analyses/${a.id}`)}>{formatDateTime(a.createdAt)}</Link>
                  </td>
                  <td>
                    <StatusBadge status={a.status} />
                  </td>
                  <td>
                    <SeverityBadge severity={a.severity} />
                  </td>
                  <td>{a.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <Updates updates={inc.updates} />
      <section className="panel" aria-labelledby="inc-tl-title">
        <h2 id="inc-tl-title">Timeline</h2>
        <ol className="timeline" data-testid="incident-timeline">
          {inc.timeline.map((e, i) => (
            <li key={i}>
              <span className="small muted nowrap">{formatDateTime(e.at)}</span> <strong>{eventLabel(e.kind)}</strong>
              {e.detail ? <span className="small"> — {e.detail}</span> : null}
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}

function Conversations({ incident: inc, write }: { incident: IncidentDetail; write: boolean }) {
  const project = useCurrentProject();
  const { unlink } = useIncidentMutations(project.id, inc.id);
  const [target, setTarget] = useState<IncidentConversation | null>(null);
  return (
    <section className="panel" aria-labelledby="inc-conv-title">
      <h2 id="inc-conv-title">Conversations ({inc.conversations.length})</h2>
      {inc.conversations.length === 0 ? (
        <p className="muted">No conversation is linked to this incident.</p>
      ) : (
        <table className="table table-compact" data-testid="incident-conversations">
          <thead>
            <tr>
              <th scope="col">Customer</th>
              <th scope="col">Subject</th>
              <th scope="col">Severity</th>
              <th scope="col">Linked</th>
              <th scope="col">Why</th>
              {write ? <th scope="col">Actions</th> : null}
            </tr>
          </thead>
          <tbody>
            {inc.conversations.map((c) => {
              const external = safeExternalUrl(c.platformUrl);
              return (
                <tr key={`${c.bindingId}/${c.conversationId}`} data-testid="incident-conversation">
                  <td>
                    <Link
                      to={inAppPath(c.url, window.location.origin, `/projects/${project.slug}/support-desk/${c.bindingId}/conversations/${c.conversationId}`)}
                    >
                      {c.customerName ?? 'Unknown customer'}
                    </Link>
                    {external ? (
                      <div className="small">
                        <a href={external} target="_blank" rel="noreferrer noopener">
                          Open in Intercom
                        </a>
                      </div>
                    ) : null}
                  </td>
                  <td>{c.subject ?? <span className="muted">—</span>}</td>
                  <td>
                    <SeverityBadge severity={c.severity} />
                  </td>
                  <td className="nowrap">
                    {formatDateTime(c.linkedAt)} <Badge>{c.linkedBy}</Badge>
                  </td>
                  <td className="small">{c.reason}</td>
                  {write ? (
                    <td>
                      <button type="button" className="btn btn-small" onClick={() => setTarget(c)} data-testid="incident-unlink">
                        Not this incident
                      </button>
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <Dialog open={!!target} title="Take this conversation out of the incident?" onClose={() => setTarget(null)} testId="incident-unlink-dialog">
        <p>
          {target?.customerName ?? 'The conversation'} leaves {inc.ref}: it gets its own triage path back (its own analysis when its severity meets the
          threshold) and is never linked back automatically.
        </p>
        <ErrorBox error={unlink.error} title="Not taken out" />
        <div className="form-actions">
          <button
            type="button"
            className="btn btn-danger"
            disabled={unlink.isPending}
            data-testid="incident-unlink-confirm"
            onClick={() =>
              target && unlink.mutate({ bindingId: target.bindingId, conversationId: target.conversationId }, { onSuccess: () => setTarget(null) })
            }
          >
            Take it out
          </button>
          <button type="button" className="btn" onClick={() => setTarget(null)}>
            Cancel
          </button>
        </div>
      </Dialog>
    </section>
  );
}

function Actions({ incident: inc }: { incident: IncidentDetail }) {
  const project = useCurrentProject();
  const m = useIncidentMutations(project.id, inc.id);
  const [dialog, setDialog] = useState<'title' | 'resolve' | 'merge' | null>(null);
  const [sentId, setSentId] = useState<string | null>(null);
  const close = () => setDialog(null);
  return (
    <section className="panel" aria-labelledby="inc-upd-title">
      <h2 id="inc-upd-title">Update all customers</h2>
      {inc.status === 'open' ? (
        <UpdateForm
          key={sentId ?? 'new'}
          submitLabel={`Send to ${inc.conversationCount} conversation${inc.conversationCount === 1 ? '' : 's'}`}
          pending={m.sendUpdate.isPending}
          error={m.sendUpdate.error}
          testId="incident-update"
          onSubmit={(message, key) => m.sendUpdate.mutate({ message, key }, { onSuccess: (r) => setSentId(r.id) })}
        />
      ) : (
        <p className="muted">The incident is resolved; reopen it to send another update.</p>
      )}
      {sentId ? <UpdateProgress incidentId={inc.id} updateId={sentId} /> : null}
      <div className="form-actions">
        <button type="button" className="btn" onClick={() => setDialog('title')} data-testid="incident-edit-title">
          Edit title
        </button>
        {inc.status === 'open' ? (
          <button type="button" className="btn" onClick={() => setDialog('resolve')} data-testid="incident-resolve">
            Resolve…
          </button>
        ) : (
          <button type="button" className="btn" disabled={m.change.isPending} onClick={() => m.change.mutate({ status: 'open' })} data-testid="incident-reopen">
            Reopen
          </button>
        )}
        <button type="button" className="btn" onClick={() => setDialog('merge')} data-testid="incident-merge">
          Merge another incident into this one…
        </button>
      </div>
      <ErrorBox error={m.change.error} title="Not changed" />
      <Dialog open={dialog === 'title'} title="Incident title" onClose={close} testId="incident-title-dialog">
        <TitleForm
          initial={inc.title}
          pending={m.change.isPending}
          error={m.change.error}
          onSubmit={(title) => m.change.mutate({ title }, { onSuccess: close })}
        />
      </Dialog>
      <Dialog open={dialog === 'resolve'} title={`Resolve ${inc.ref}`} onClose={close} testId="incident-resolve-dialog">
        <p>Send the customers a “fixed” update as you resolve it (recommended), or resolve without telling them.</p>
        <UpdateForm
          submitLabel="Resolve and send"
          initial="The problem you reported is fixed. Thank you for your patience."
          pending={m.sendUpdate.isPending}
          error={m.sendUpdate.error}
          testId="incident-resolve-update"
          onSubmit={(message, key) =>
            m.sendUpdate.mutate(
              { message, resolve: true, key },
              {
                onSuccess: (r) => {
                  setSentId(r.id);
                  close();
                },
              },
            )
          }
          onCancel={close}
        />
        <div className="form-actions">
          <button
            type="button"
            className="btn"
            disabled={m.change.isPending}
            onClick={() => m.change.mutate({ status: 'resolved' }, { onSuccess: close })}
            data-testid="incident-resolve-silently"
          >
            Resolve without an update
          </button>
        </div>
      </Dialog>
      <Dialog open={dialog === 'merge'} title={`Merge into ${inc.ref}`} onClose={close} testId="incident-merge-dialog">
        {dialog === 'merge' ? <MergeForm incident={inc} onDone={close} /> : null}
      </Dialog>
    </section>
  );
}

function UpdateProgress({ incidentId, updateId }: { incidentId: string; updateId: string }) {
  const project = useCurrentProject();
  const q = useIncidentUpdate(project.id, incidentId, updateId);
  if (q.isPending) return <Spinner label="Sending…" />;
  if (q.error) return <ErrorBox error={q.error} title="Could not read the update's progress" />;
  return <UpdateLine update={q.data} live />;
}

function UpdateLine({ update: u, live }: { update: IncidentCustomerUpdate; live?: boolean }) {
  return (
    <div className="card" data-testid="incident-update-progress" role={live ? 'status' : undefined} aria-live={live ? 'polite' : undefined}>
      <div className="row-between">
        <span>{updateProgressText(u)}</span>
        <span className="small muted">
          {formatDateTime(u.createdAt)}
          {u.resolve ? ' · resolved the incident' : ''}
        </span>
      </div>
      <p className="small">{u.message}</p>
      {u.failures.length > 0 ? (
        <ul className="field-list small" data-testid="incident-update-failures">
          {u.failures.map((f) => (
            <li key={`${f.bindingId}/${f.conversationId}`}>
              <code>{f.conversationId}</code>: {f.error}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function Updates({ updates }: { updates: IncidentCustomerUpdate[] }) {
  return (
    <section className="panel" aria-labelledby="inc-sent-title">
      <h2 id="inc-sent-title">Updates sent</h2>
      {updates.length === 0 ? <p className="muted">None yet.</p> : updates.map((u) => <UpdateLine key={u.id} update={u} />)}
    </section>
  );
}

function TitleForm(props: { initial: string; pending: boolean; error: unknown; onSubmit: (title: string) => void }) {
  const [title, setTitle] = useState(props.initial);
  const [touched, setTouched] = useState(false);
  const error = touched ? titleError(title) : undefined;
  function submit(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    if (titleError(title)) return;
    props.onSubmit(title.trim());
  }
  return (
    <form onSubmit={submit} noValidate>
      <Field label="Title" required error={error} hint="What customers see in updates. Plain text; never paste a customer's words here.">
        {(p) => <input {...p} value={title} onChange={(e) => setTitle(e.target.value)} data-testid="incident-title-input" />}
      </Field>
      <ErrorBox error={props.error} title="Not saved" />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={props.pending} data-testid="incident-title-save">
          Save
        </button>
      </div>
    </form>
  );
}

function MergeForm({ incident: inc, onDone }: { incident: IncidentDetail; onDone: () => void }) {
  const project = useCurrentProject();
  const open = useIncidents(project.id, { page: 1, status: 'open' });
  const { merge } = useIncidentMutations(project.id, inc.id);
  const [other, setOther] = useState('');
  const candidates = open.data?.items.filter((i) => i.id !== inc.id) ?? [];
  if (open.isPending) return <Spinner />;
  if (open.error) return <ErrorBox error={open.error} title="Could not load incidents" />;
  if (candidates.length === 0) return <EmptyState title="No other open incident">Only open incidents can be merged into this one.</EmptyState>;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (other) merge.mutate(other, { onSuccess: onDone });
      }}
    >
      <Field label="Incident to merge" required hint={`Its conversations move into ${inc.ref}; it is resolved and points here.`}>
        {(p) => (
          <select {...p} value={other} onChange={(e) => setOther(e.target.value)} data-testid="incident-merge-select">
            <option value="">Choose…</option>
            {candidates.map((i) => (
              <option key={i.id} value={i.id}>
                {i.ref} · {i.title} ({i.conversationCount})
              </option>
            ))}
          </select>
        )}
      </Field>
      <ErrorBox error={merge.error} title="Not merged" />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={!other || merge.isPending} data-testid="incident-merge-confirm">
          Merge
        </button>
        <button type="button" className="btn" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
