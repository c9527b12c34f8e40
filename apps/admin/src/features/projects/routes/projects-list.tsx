import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { Field, hasErrors, mergeFieldErrors, type FieldErrors } from '@/components/ui/field';
import { Badge, EmptyState, ErrorBox, PageHeader, Spinner } from '@/components/ui/feedback';
import { slugify } from '@/lib/format';
import { usePermissions } from '@/features/auth/permissions';
import { useCreateProject, useProjects } from '../api/projects';
import { validateProject } from '../validation';

export function ProjectsListRoute() {
  const projects = useProjects();
  const { can } = usePermissions();
  const [creating, setCreating] = useState(false);
  return (
    <>
      <PageHeader
        title="Projects"
        subtitle="A project groups log sources, support-desk connections and analyses."
        actions={
          can('config:write') && !creating ? (
            <button type="button" className="btn btn-primary" onClick={() => setCreating(true)} data-testid="project-new">
              New project
            </button>
          ) : null
        }
      />
      {creating ? <CreateProjectForm onDone={() => setCreating(false)} /> : null}
      {projects.isPending ? (
        <Spinner />
      ) : projects.error ? (
        <ErrorBox error={projects.error} title="Could not load projects" onRetry={() => projects.refetch()} />
      ) : projects.data.length === 0 ? (
        <EmptyState title="No projects yet">Create a project, then connect a log source and a support desk to it.</EmptyState>
      ) : (
        <ul className="card-grid" data-testid="project-list">
          {projects.data.map((p) => (
            <li key={p.id} className="card">
              <h2 className="card-title">
                <Link to={`/projects/${p.slug}`}>{p.name}</Link> {p.isDefault ? <Badge>default</Badge> : null}
              </h2>
              <div className="muted small">
                <code>{p.slug}</code>
              </div>
              {p.description ? <p>{p.description}</p> : null}
              <div className="card-stats small">
                <Link to={`/projects/${p.slug}/log-sources`}>
                  {p.logSourceCount} log source{p.logSourceCount === 1 ? '' : 's'}
                </Link>
                <Link to={`/projects/${p.slug}/analyses`}>
                  {p.analysisCount} analys{p.analysisCount === 1 ? 'is' : 'es'}
                </Link>
                <Link to={`/projects/${p.slug}/support-desk`}>Support desk</Link>
              </div>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function CreateProjectForm({ onDone }: { onDone: () => void }) {
  const mut = useCreateProject();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [slugTouched, setSlugTouched] = useState(false);
  const [description, setDescription] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const local = validateProject({ name, slug, description });
    setErrors(local);
    if (hasErrors(local)) return;
    try {
      const p = await mut.mutateAsync({ name: name.trim(), slug: slug.trim(), description: description.trim() || undefined });
      onDone();
      navigate(`/projects/${p.slug}`);
    } catch (err) {
      setErrors(mergeFieldErrors({}, err, ['name', 'slug', 'description']));
    }
  }

  return (
    <form className="panel" onSubmit={onSubmit} noValidate aria-label="New project">
      <h2>New project</h2>
      <div className="grid-2">
        <Field label="Name" error={errors.name} required>
          {(p) => (
            <input
              {...p}
              value={name}
              autoFocus
              data-testid="project-name"
              onChange={(e) => {
                setName(e.target.value);
                if (!slugTouched) setSlug(slugify(e.target.value));
              }}
            />
          )}
        </Field>
        <Field label="Slug" error={errors.slug} hint="Used in URLs. Lowercase letters, digits, hyphens." required>
          {(p) => (
            <input
              {...p}
              value={slug}
              data-testid="project-slug"
              onChange={(e) => {
                setSlugTouched(true);
                setSlug(e.target.value);
              }}
            />
          )}
        </Field>
      </div>
      <Field label="Description" error={errors.description}>
        {(p) => <input {...p} value={description} onChange={(e) => setDescription(e.target.value)} />}
      </Field>
      {mut.error ? <ErrorBox error={mut.error} /> : null}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={mut.isPending} data-testid="project-create">
          {mut.isPending ? 'Creating…' : 'Create project'}
        </button>
        <button type="button" className="btn" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
