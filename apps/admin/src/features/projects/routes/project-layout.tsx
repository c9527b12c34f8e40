import { NavLink, Outlet, useParams } from 'react-router-dom';
import { EmptyState, ErrorBox, Spinner } from '@/components/ui/feedback';
import { Link } from 'react-router-dom';
import { useProjects } from '../api/projects';
import { ProjectContext } from '../project-context';

export function ProjectLayout() {
  const { slug } = useParams();
  const projects = useProjects();
  if (projects.isPending) return <Spinner label="Loading project…" />;
  if (projects.error) return <ErrorBox error={projects.error} title="Could not load projects" onRetry={() => projects.refetch()} />;
  const project = projects.data.find((p) => p.slug === slug);
  if (!project)
    return (
      <EmptyState
        title="Project not found"
        action={
          <Link className="btn" to="/projects">
            All projects
          </Link>
        }
      >
        No project has the slug <code>{slug}</code> in this organisation. It may have been renamed or deleted.
      </EmptyState>
    );
  const base = `/projects/${project.slug}`;
  return (
    <ProjectContext.Provider value={project}>
      <div className="project-head">
        <div className="breadcrumbs">
          <Link to="/projects">Projects</Link> <span aria-hidden="true">/</span> <strong>{project.name}</strong>
        </div>
        <nav className="tabs" aria-label="Project sections">
          <NavLink end to={base}>
            Settings
          </NavLink>
          <NavLink to={`${base}/log-sources`}>Log sources</NavLink>
          <NavLink to={`${base}/support-desk`}>Support desk</NavLink>
          <NavLink to={`${base}/analyses`}>Analyses</NavLink>
          <NavLink to={`${base}/triage`}>Triage learning</NavLink>
        </nav>
      </div>
      <Outlet />
    </ProjectContext.Provider>
  );
}
