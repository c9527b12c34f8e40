import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { Field, hasErrors, mergeFieldErrors, type FieldErrors } from '@/components/ui/field';
import { ErrorBox } from '@/components/ui/feedback';
import { ApiError } from '@/lib/api-client';
import { useLogin } from '../api/auth';
import { validateLogin } from '../validation';
import { AuthShell } from '../components/auth-shell';

/** Only same-app paths are followed after login (no open redirect). */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/login') || next.startsWith('/signup')) return '/projects';
  return next;
}

export function LoginRoute() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const loginMut = useLogin();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const local = validateLogin({ email, password });
    setErrors(local);
    if (hasErrors(local)) return;
    try {
      await loginMut.mutateAsync({ email: email.trim(), password });
      navigate(safeNext(params.get('next')), { replace: true });
    } catch (err) {
      setErrors(mergeFieldErrors({}, err, ['email', 'password']));
    }
  }

  const err = loginMut.error;
  return (
    <AuthShell title="Sign in to SigSentry">
      {params.get('expired') ? (
        <div className="alert alert-warning" role="alert">
          Your session expired. Sign in again to continue.
        </div>
      ) : null}
      <form onSubmit={onSubmit} noValidate aria-label="Sign in">
        <Field label="Email" error={errors.email} required>
          {(p) => (
            <input {...p} type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} data-testid="login-email" autoFocus />
          )}
        </Field>
        <Field label="Password" error={errors.password} required>
          {(p) => (
            <input
              {...p}
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              data-testid="login-password"
            />
          )}
        </Field>
        {err ? (
          <ErrorBox error={err instanceof ApiError && err.status === 401 ? new ApiError(401, err.code, err.message || 'Wrong email or password') : err} />
        ) : null}
        <button type="submit" className="btn btn-primary btn-block" disabled={loginMut.isPending} data-testid="login-submit">
          {loginMut.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p className="muted small center">
        New here? <Link to="/signup">Create an account</Link>
      </p>
      <p className="muted small center">
        First run? The start banner names the first login; its password is in <code>$DATA_DIR/initial-admin.txt</code>.
      </p>
    </AuthShell>
  );
}
