import { useState, type FormEvent } from 'react';
import { Field, hasErrors, mergeFieldErrors, type FieldErrors } from '@/components/ui/field';
import { Badge, EmptyState, ErrorBox, PageHeader, Spinner } from '@/components/ui/feedback';
import { Dialog } from '@/components/ui/dialog';
import { formatDateTime } from '@/lib/format';
import { usePermissions } from '@/features/auth/permissions';
import { EMAIL_RE, validatePassword } from '@/features/auth/validation';
import { ASSIGNABLE_ROLES, canManageMember, type TeamMemberView, type UserRole } from '@app/contracts';
import { keyCount, useMembers, useTeamMutations } from '../api/team';

export function TeamRoute() {
  const { can, me } = usePermissions();
  const members = useMembers();
  const { changeRole, remove } = useTeamMutations();
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<TeamMemberView | null>(null);
  const [removed, setRemoved] = useState<string | null>(null);
  const manage = can('team:manage');

  return (
    <>
      <PageHeader
        title="Team"
        subtitle={me ? `Members of ${me.tenant.name}.` : undefined}
        actions={
          manage && !adding ? (
            <button type="button" className="btn btn-primary" onClick={() => setAdding(true)} data-testid="member-new">
              Add member
            </button>
          ) : null
        }
      />
      {adding ? <AddMemberForm onDone={() => setAdding(false)} /> : null}
      {changeRole.error ? <ErrorBox error={changeRole.error} title="Role not changed" /> : null}
      {removed ? (
        <div className="alert alert-success" role="status" data-testid="member-removed">
          {removed}
        </div>
      ) : null}
      {members.isPending ? (
        <Spinner />
      ) : members.error ? (
        <ErrorBox error={members.error} title="Could not load the team" onRetry={() => members.refetch()} />
      ) : members.data.length === 0 ? (
        <EmptyState title="No members">Add teammates with “Add member”; give them their password yourself.</EmptyState>
      ) : (
        <table className="table" data-testid="member-list">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Added</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {members.data.map((m) => {
              const editable = me?.user ? manage && canManageMember(me.user, m) : false;
              return (
                <tr key={m.id}>
                  <td>
                    {m.name} {me?.user?.id === m.id ? <Badge>you</Badge> : null}
                  </td>
                  <td>{m.email}</td>
                  <td>
                    {editable ? (
                      <select
                        aria-label={`Role of ${m.name}`}
                        value={m.role}
                        disabled={changeRole.isPending}
                        onChange={(e) => changeRole.mutate({ id: m.id, role: e.target.value as UserRole })}
                        data-testid="member-role"
                      >
                        {ASSIGNABLE_ROLES.map((r) => (
                          <option key={r}>{r}</option>
                        ))}
                        {!(ASSIGNABLE_ROLES as readonly string[]).includes(m.role) ? <option>{m.role}</option> : null}
                      </select>
                    ) : (
                      <Badge tone={m.role === 'owner' ? 'info' : 'neutral'}>{m.role}</Badge>
                    )}
                  </td>
                  <td className="nowrap">{formatDateTime(m.createdAt)}</td>
                  <td>
                    {editable ? (
                      <button type="button" className="btn btn-small btn-danger-ghost" onClick={() => setRemoving(m)} data-testid="member-remove">
                        Remove
                      </button>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <p className="small muted">
        Roles: owner (one per organisation), admin (manages the team), member (runs analyses, edits configuration), viewer (read only).
      </p>
      <Dialog open={!!removing} title={`Remove ${removing?.name ?? ''}?`} onClose={() => setRemoving(null)} testId="member-remove-dialog">
        <p>Their access ends immediately. Their past activity is kept.</p>
        {removing?.activeApiKeys ? (
          <p data-testid="member-remove-keys">
            The {keyCount(removing.activeApiKeys)} they created will be revoked: scripts using {removing.activeApiKeys === 1 ? 'it' : 'them'} stop working.
          </p>
        ) : null}
        {remove.error ? <ErrorBox error={remove.error} /> : null}
        <div className="form-actions">
          <button
            type="button"
            className="btn btn-danger"
            disabled={remove.isPending}
            onClick={() =>
              removing &&
              remove.mutate(removing.id, {
                onSuccess: (m) => {
                  setRemoving(null);
                  const n = m?.revokedApiKeys ?? 0;
                  setRemoved(`${m?.name ?? 'The member'} was removed${n ? `; ${keyCount(n)} revoked` : ''}.`);
                },
              })
            }
            data-testid="member-remove-confirm"
          >
            Remove
          </button>
          <button type="button" className="btn" onClick={() => setRemoving(null)}>
            Cancel
          </button>
        </div>
      </Dialog>
    </>
  );
}

function AddMemberForm({ onDone }: { onDone: () => void }) {
  const { add } = useTeamMutations();
  const [form, setForm] = useState<{ name: string; email: string; password: string; role: UserRole }>({ name: '', email: '', password: '', role: 'member' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const set = (k: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setForm({ ...form, [k]: e.target.value });

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const local: FieldErrors = {
      name: form.name.trim() ? undefined : 'Enter a name',
      email: !form.email.trim() ? 'Enter an email' : EMAIL_RE.test(form.email.trim()) ? undefined : 'Enter a valid email address',
      password: validatePassword(form.password),
    };
    setErrors(local);
    if (hasErrors(local)) return;
    try {
      await add.mutateAsync({ ...form, name: form.name.trim(), email: form.email.trim() });
      onDone();
    } catch (err) {
      setErrors(mergeFieldErrors({}, err, ['name', 'email', 'password', 'role']));
    }
  }

  return (
    <form className="panel" onSubmit={onSubmit} noValidate aria-label="Add member">
      <h2>Add a member</h2>
      <p className="hint">There are no email invitations: set an initial password and share it with them securely.</p>
      <div className="grid-2">
        <Field label="Name" error={errors.name} required>
          {(p) => <input {...p} value={form.name} onChange={set('name')} autoFocus data-testid="member-name" />}
        </Field>
        <Field label="Email" error={errors.email} required>
          {(p) => <input {...p} type="email" value={form.email} onChange={set('email')} data-testid="member-email" />}
        </Field>
        <Field label="Initial password" error={errors.password} hint="At least 8 characters." required>
          {(p) => <input {...p} type="password" autoComplete="new-password" value={form.password} onChange={set('password')} data-testid="member-password" />}
        </Field>
        <Field label="Role" error={errors.role}>
          {(p) => (
            <select {...p} value={form.role} onChange={set('role')} data-testid="member-role-new">
              {ASSIGNABLE_ROLES.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          )}
        </Field>
      </div>
      {add.error ? <ErrorBox error={add.error} /> : null}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={add.isPending} data-testid="member-add">
          {add.isPending ? 'Adding…' : 'Add member'}
        </button>
        <button type="button" className="btn" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
