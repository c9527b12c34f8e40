import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { Field, hasErrors, mergeFieldErrors, type FieldErrors } from '@/components/ui/field';
import { ErrorBox, Notice } from '@/components/ui/feedback';
import { ApiError } from '@/lib/api-client';
import { useSignup, getMe } from '../api/auth';
import { validateSignup } from '../validation';
import { AuthShell } from '../components/auth-shell';

export function SignupRoute() {
  const navigate = useNavigate();
  const mut = useSignup();
  const [form, setForm] = useState({ name: '', email: '', password: '', companyName: '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const set = (k: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement>) => setForm({ ...form, [k]: e.target.value });

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const local = validateSignup(form);
    setErrors(local);
    if (hasErrors(local)) return;
    try {
      await mut.mutateAsync({ ...form, name: form.name.trim(), email: form.email.trim(), companyName: form.companyName.trim() });
      const signedIn = await getMe().then(
        () => true,
        () => false,
      );
      navigate(signedIn ? '/projects' : '/login', { replace: true });
    } catch (err) {
      setErrors(mergeFieldErrors({}, err, ['name', 'email', 'password', 'companyName']));
    }
  }

  const disabled = mut.error instanceof ApiError && (mut.error.status === 403 || mut.error.status === 404);
  return (
    <AuthShell title="Create your organisation">
      {disabled ? (
        <Notice kind="warning">
          Sign-up is disabled on this server ({(mut.error as ApiError).message}). Ask an administrator to add you under Settings → Team.
        </Notice>
      ) : null}
      <form onSubmit={onSubmit} noValidate aria-label="Sign up">
        <Field label="Your name" error={errors.name} required>
          {(p) => <input {...p} autoComplete="name" value={form.name} onChange={set('name')} data-testid="signup-name" autoFocus />}
        </Field>
        <Field label="Work email" error={errors.email} required>
          {(p) => <input {...p} type="email" autoComplete="email" value={form.email} onChange={set('email')} data-testid="signup-email" />}
        </Field>
        <Field label="Password" error={errors.password} hint="At least 8 characters." required>
          {(p) => <input {...p} type="password" autoComplete="new-password" value={form.password} onChange={set('password')} data-testid="signup-password" />}
        </Field>
        <Field label="Company name" error={errors.companyName} required>
          {(p) => <input {...p} autoComplete="organization" value={form.companyName} onChange={set('companyName')} data-testid="signup-company" />}
        </Field>
        {mut.error && !disabled ? <ErrorBox error={mut.error} /> : null}
        <button type="submit" className="btn btn-primary btn-block" disabled={mut.isPending} data-testid="signup-submit">
          {mut.isPending ? 'Creating…' : 'Create account'}
        </button>
      </form>
      <p className="muted small center">
        Already have an account? <Link to="/login">Sign in</Link>
      </p>
    </AuthShell>
  );
}
