import { useEffect, useState } from 'react';
import { Navigate, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { ErrorBox, Spinner } from '@/components/ui/feedback';
import { ApiError, onUnauthorized } from '@/lib/api-client';
import { authKeys, useMe } from '@/features/auth/api/auth';
import { AuthShell } from '@/features/auth/components/auth-shell';
import { AppLayout } from './app-layout';

/**
 * Every app route sits behind this gate. No session → the login page (with `next`). A session that was valid and
 * then answers 401 → a clear "your session expired" screen instead of a silent redirect.
 */
export function AuthGate() {
  const me = useMe();
  const qc = useQueryClient();
  const location = useLocation();
  const [expired, setExpired] = useState(false);

  useEffect(
    () =>
      onUnauthorized(() => {
        if (qc.getQueryData(authKeys.me)) setExpired(true);
      }),
    [qc],
  );

  const here = location.pathname + location.search;
  if (expired || (me.error instanceof ApiError && me.error.status === 401 && me.data)) return <SessionExpired next={here} />;
  if (me.isPending) return <Spinner label="Checking your session…" />;
  if (me.error instanceof ApiError && me.error.status === 401) return <Navigate to={`/login?next=${encodeURIComponent(here)}`} replace />;
  if (me.error)
    return (
      <main className="auth-page">
        <div className="auth-card">
          <ErrorBox error={me.error} title="Could not reach SigSentry" onRetry={() => me.refetch()} />
        </div>
      </main>
    );
  return (
    <AppLayout>
      <Outlet />
    </AppLayout>
  );
}

function SessionExpired({ next }: { next: string }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  return (
    <AuthShell title="Your session expired">
      <p data-testid="session-expired">
        For your security, sessions end after 24 hours or when you sign out elsewhere. Sign in again to continue where you were.
      </p>
      <button
        type="button"
        className="btn btn-primary btn-block"
        autoFocus
        onClick={() => {
          qc.clear();
          navigate(`/login?expired=1&next=${encodeURIComponent(next)}`, { replace: true });
        }}
        data-testid="session-expired-login"
      >
        Sign in again
      </button>
    </AuthShell>
  );
}
