import type { ReactNode } from 'react';
import { Link, NavLink, useMatch, useNavigate } from 'react-router-dom';
import { useLogout, useMe } from '@/features/auth/api/auth';
import { useProjects } from '@/features/projects/api/projects';

export function AppLayout({ children }: { children: ReactNode }) {
  const me = useMe();
  const logout = useLogout();
  const navigate = useNavigate();
  const projects = useProjects();
  const match = useMatch('/projects/:slug/*');
  const currentSlug = match?.params.slug;
  const perms = me.data?.permissions ?? [];

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/projects" className="brand">
          <span className="brand-mark" aria-hidden="true">
            ◆
          </span>{' '}
          SigSentry
        </Link>
        {projects.data && projects.data.length > 0 ? (
          <label className="project-switch">
            <span className="sr-only">Current project</span>
            <select value={currentSlug ?? ''} onChange={(e) => e.target.value && navigate(`/projects/${e.target.value}`)} data-testid="project-switcher">
              <option value="">Choose a project…</option>
              {projects.data.map((p) => (
                <option key={p.id} value={p.slug}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <nav className="main-nav" aria-label="Main">
          <NavLink to="/projects" end>
            Projects
          </NavLink>
          <NavLink to="/settings/api-keys">API keys</NavLink>
          {perms.includes('team:read') || perms.includes('team:manage') ? <NavLink to="/settings/team">Team</NavLink> : null}
        </nav>
        <div className="user-menu">
          <span className="small" data-testid="current-user">
            {me.data?.user?.name}{' '}
            <span className="muted">
              · {me.data?.user?.role} · {me.data?.tenant.name}
            </span>
          </span>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => logout.mutate(undefined, { onSettled: () => navigate('/login', { replace: true }) })}
            data-testid="logout"
          >
            Sign out
          </button>
        </div>
      </header>
      <main id="main" className="content" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
