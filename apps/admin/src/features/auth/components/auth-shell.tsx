import type { ReactNode } from 'react';

export function AuthShell({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="auth-page">
      <div className="auth-card">
        <div className="brand brand-large" aria-hidden="true">
          <span className="brand-mark">◆</span> SigSentry
        </div>
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  );
}
