import type { ReactNode } from 'react';
import { ApiError } from '@/lib/api-client';

export function Spinner({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

/** Shows the server's message (and field errors, request id) for a failed call. */
export function ErrorBox({ error, title, onRetry }: { error: unknown; title?: string; onRetry?: () => void }) {
  if (!error) return null;
  const api = error instanceof ApiError ? error : null;
  const message = error instanceof Error ? error.message : 'Something went wrong';
  return (
    <div className="alert alert-error" role="alert" data-testid="error-box">
      {title ? <strong>{title}: </strong> : null}
      <span>{message}</span>
      {api && api.code && api.code !== 'HTTP_ERROR' ? <code className="code-tag">{api.code}</code> : null}
      {api && api.fields.length > 0 ? (
        <ul className="field-list">
          {api.fields.map((f) => (
            <li key={`${f.field}:${f.message}`}>
              <code>{f.field}</code>: {f.message}
            </li>
          ))}
        </ul>
      ) : null}
      {api?.requestId ? <div className="muted small">Request id: {api.requestId}</div> : null}
      {onRetry ? (
        <div>
          <button type="button" className="btn btn-small" onClick={onRetry}>
            Try again
          </button>
        </div>
      ) : null}
    </div>
  );
}

export function Notice({ kind = 'info', children }: { kind?: 'info' | 'success' | 'warning' | 'error'; children: ReactNode }) {
  return (
    <div className={`alert alert-${kind}`} role={kind === 'error' || kind === 'warning' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

export function EmptyState({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="empty">
      <h3>{title}</h3>
      {children ? <div className="muted">{children}</div> : null}
      {action ? <div className="empty-action">{action}</div> : null}
    </div>
  );
}

export function Badge({ tone = 'neutral', children, title }: { tone?: string; children: ReactNode; title?: string }) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {children}
    </span>
  );
}

const SEVERITY_TONE: Record<string, string> = { critical: 'danger', high: 'warning', medium: 'caution', low: 'info', info: 'neutral' };
export function SeverityBadge({ severity }: { severity: string | null | undefined }) {
  if (!severity) return <span className="muted">—</span>;
  return <Badge tone={SEVERITY_TONE[severity] ?? 'neutral'}>{severity}</Badge>;
}

const STATUS_TONE: Record<string, string> = {
  pending: 'neutral',
  processing: 'info',
  complete: 'success',
  partial: 'caution',
  failed: 'danger',
  active: 'success',
  inactive: 'neutral',
  needs_reinstall: 'warning',
};
export function StatusBadge({ status }: { status: string }) {
  return <Badge tone={STATUS_TONE[status] ?? 'neutral'}>{status.replace(/_/g, ' ')}</Badge>;
}

export function PageHeader({ title, subtitle, actions }: { title: ReactNode; subtitle?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="page-header">
      <div>
        <h1>{title}</h1>
        {subtitle ? <p className="muted">{subtitle}</p> : null}
      </div>
      {actions ? <div className="page-actions">{actions}</div> : null}
    </div>
  );
}
