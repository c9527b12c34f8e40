import { useEffect, useState, type FormEvent } from 'react';
import { type ProjectView } from '@app/contracts';
import { useNavigate } from 'react-router-dom';
import { Field, hasErrors, mergeFieldErrors, type FieldErrors } from '@/components/ui/field';
import { ErrorBox, Notice, PageHeader } from '@/components/ui/feedback';
import { Dialog } from '@/components/ui/dialog';
import { usePermissions } from '@/features/auth/permissions';
import { useDeleteProject, useUpdateProject } from '../api/projects';
import { useCurrentProject } from '../project-context';
import { ServicesEditor } from '../components/services-editor';
import { LLM_CONTEXT_MAX, fromServiceRows, toServiceRows, validateProject, type ServiceRow } from '../validation';

export function ProjectSettingsRoute() {
  const project = useCurrentProject();
  const { can } = usePermissions();
  return (
    <>
      <PageHeader title="Project settings" subtitle={project.description ?? undefined} />
      <ProjectForm key={project.id} project={project} readOnly={!can('config:write')} />
      {can('project:delete') ? <DangerZone project={project} /> : null}
    </>
  );
}

function ProjectForm({ project, readOnly }: { project: ProjectView; readOnly: boolean }) {
  const navigate = useNavigate();
  const mut = useUpdateProject(project.id);
  const [name, setName] = useState(project.name);
  const [slug, setSlug] = useState(project.slug);
  const [description, setDescription] = useState(project.description ?? '');
  const [llmContext, setLlmContext] = useState(project.llmContext ?? '');
  const [rows, setRows] = useState<ServiceRow[]>(toServiceRows(project.services));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saved, setSaved] = useState(false);

  useEffect(() => setSaved(false), [name, slug, description, llmContext, rows]);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const local = validateProject({ name, slug, description, llmContext });
    const svc = fromServiceRows(rows);
    local.services = svc.error;
    setErrors(local);
    if (hasErrors(local)) return;
    try {
      const updated = await mut.mutateAsync({
        name: name.trim(),
        ...(project.isDefault ? {} : { slug: slug.trim() }),
        description: description.trim() || null,
        llmContext: llmContext.trim() ? llmContext : null,
        services: svc.services,
      });
      setSaved(true);
      if (updated.slug !== project.slug) navigate(`/projects/${updated.slug}`, { replace: true });
    } catch (err) {
      setErrors(mergeFieldErrors({}, err, ['name', 'slug', 'description', 'llmContext', 'services']));
    }
  }

  const remaining = LLM_CONTEXT_MAX - llmContext.length;
  return (
    <form className="panel" onSubmit={onSubmit} noValidate aria-label="Project settings">
      {readOnly ? <Notice>You can view these settings; changing them needs the config:write permission.</Notice> : null}
      <div className="grid-2">
        <Field label="Name" error={errors.name} required>
          {(p) => <input {...p} value={name} readOnly={readOnly} onChange={(e) => setName(e.target.value)} data-testid="project-settings-name" />}
        </Field>
        <Field
          label="Slug"
          error={errors.slug}
          hint={project.isDefault ? 'The default project’s slug is locked.' : 'Changing it changes this project’s URLs.'}
          required
        >
          {(p) => (
            <input {...p} value={slug} readOnly={readOnly || project.isDefault} onChange={(e) => setSlug(e.target.value)} data-testid="project-settings-slug" />
          )}
        </Field>
      </div>
      <Field label="Description" error={errors.description}>
        {(p) => <input {...p} value={description} readOnly={readOnly} onChange={(e) => setDescription(e.target.value)} />}
      </Field>
      <Field
        label="AI analysis context"
        error={errors.llmContext}
        hint={
          <>
            Prepended to every analysis and triage of this project: tech stack, critical paths (e.g. “Critical paths: /checkout”), known quirks, deploy cadence.{' '}
            <span className={remaining < 0 ? 'counter over' : 'counter'} aria-live="polite" data-testid="llm-context-counter">
              {llmContext.length} / {LLM_CONTEXT_MAX}
            </span>
          </>
        }
      >
        {(p) => (
          <textarea {...p} rows={6} value={llmContext} readOnly={readOnly} onChange={(e) => setLlmContext(e.target.value)} data-testid="project-llm-context" />
        )}
      </Field>
      <ServicesEditor rows={rows} onChange={setRows} readOnly={readOnly} />
      {errors.services ? (
        <div className="field-error" role="alert">
          {errors.services}
        </div>
      ) : null}
      {mut.error ? <ErrorBox error={mut.error} /> : null}
      {saved ? <Notice kind="success">Saved.</Notice> : null}
      {readOnly ? null : (
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={mut.isPending} data-testid="project-save">
            {mut.isPending ? 'Saving…' : 'Save changes'}
          </button>
        </div>
      )}
    </form>
  );
}

function DangerZone({ project }: { project: ProjectView }) {
  const navigate = useNavigate();
  const mut = useDeleteProject();
  const [open, setOpen] = useState(false);
  const [confirm, setConfirm] = useState('');
  return (
    <section className="panel danger-zone" aria-labelledby="danger-title">
      <h2 id="danger-title">Danger zone</h2>
      {project.isDefault ? (
        <p className="muted">The default project cannot be deleted.</p>
      ) : (
        <>
          <p>Deleting the project removes its log sources, support-desk connections and analyses. This cannot be undone.</p>
          <button type="button" className="btn btn-danger" onClick={() => setOpen(true)} data-testid="project-delete">
            Delete project
          </button>
        </>
      )}
      <Dialog open={open} title={`Delete ${project.name}?`} onClose={() => setOpen(false)} testId="project-delete-dialog">
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            if (confirm !== project.slug) return;
            await mut.mutateAsync({ id: project.id, slug: confirm }).then(
              () => navigate('/projects', { replace: true }),
              () => undefined,
            );
          }}
        >
          <Field
            label={
              <>
                Type the slug <code>{project.slug}</code> to confirm
              </>
            }
          >
            {(p) => <input {...p} value={confirm} onChange={(e) => setConfirm(e.target.value)} autoComplete="off" data-testid="project-delete-confirm" />}
          </Field>
          {mut.error ? <ErrorBox error={mut.error} /> : null}
          <div className="form-actions">
            <button type="submit" className="btn btn-danger" disabled={confirm !== project.slug || mut.isPending} data-testid="project-delete-submit">
              {mut.isPending ? 'Deleting…' : 'Delete forever'}
            </button>
            <button type="button" className="btn" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
        </form>
      </Dialog>
    </section>
  );
}
