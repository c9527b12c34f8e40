import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { Field, mergeFieldErrors, type FieldErrors } from '@/components/ui/field';
import { ErrorBox, Notice, PageHeader } from '@/components/ui/feedback';
import { formatSpan } from '@/lib/format';
import { usePermissions } from '@/features/auth/permissions';
import { useCurrentProject } from '@/features/projects/project-context';
import { readFileAsDataUrl, useCreateAnalysis } from '../api/analyses';
import { checkScreenshotFile, formatBytes } from '../evidence';
import { DESCRIPTION_MAX, PRESETS, fromLocalInput, presetWindow, toLocalInput, validateDescription, validateWindow, type PresetKey } from '../window';

export function NewAnalysisRoute() {
  const project = useCurrentProject();
  const { can } = usePermissions();
  const navigate = useNavigate();
  const mut = useCreateAnalysis(project.id);
  const [description, setDescription] = useState('');
  const [mode, setMode] = useState<PresetKey | 'custom'>('1h');
  const [from, setFrom] = useState(() => toLocalInput(presetWindow('1h').start));
  const [to, setTo] = useState(() => toLocalInput(new Date()));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [screenshot, setScreenshot] = useState<File | null>(null);

  if (!can('analysis:create')) return <Notice kind="warning">Running analyses needs the analysis:create permission.</Notice>;

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const now = new Date();
    const win = mode === 'custom' ? { start: fromLocalInput(from), end: fromLocalInput(to) } : presetWindow(mode, now);
    const w = validateWindow(win.start, win.end, now);
    const local: FieldErrors = {
      description: validateDescription(description),
      timeStart: w.start,
      timeEnd: w.end,
      screenshot: screenshot ? checkScreenshotFile(screenshot) : undefined,
    };
    setErrors(local);
    if (Object.values(local).some(Boolean)) return;
    try {
      const a = await mut.mutateAsync({
        description: description.trim(),
        timeStart: win.start!.toISOString(),
        timeEnd: win.end!.toISOString(),
        ...(screenshot ? { screenshot: await readFileAsDataUrl(screenshot) } : {}),
      });
      navigate(`/projects/${project.slug}/analyses/${a.id}`);
    } catch (err) {
      setErrors(mergeFieldErrors({}, err, ['description', 'timeStart', 'timeEnd', 'screenshot']));
    }
  }

  const customStart = fromLocalInput(from);
  const customEnd = fromLocalInput(to);
  return (
    <>
      <PageHeader title="New analysis" subtitle={`Searches the active log sources of ${project.name} for the cause.`} />
      {project.logSourceCount === 0 ? (
        <Notice kind="warning">
          This project has no log source: the analysis will fail with “log source not configured”.{' '}
          <Link to={`/projects/${project.slug}/log-sources`}>Add one first</Link>.
        </Notice>
      ) : null}
      <form className="panel" onSubmit={onSubmit} noValidate aria-label="New analysis">
        <Field
          label="What is going wrong?"
          error={errors.description}
          required
          hint={
            <>
              Symptoms, affected feature, error messages, when it started.{' '}
              <span className={description.length > DESCRIPTION_MAX ? 'counter over' : 'counter'}>
                {description.length} / {DESCRIPTION_MAX}
              </span>
            </>
          }
        >
          {(p) => (
            <textarea
              {...p}
              rows={5}
              value={description}
              onChange={(e) => setDescription(e.target.value)}
              placeholder="e.g. Checkout returns 500 for some customers since about 14:00"
              data-testid="analysis-description"
              autoFocus
            />
          )}
        </Field>
        <fieldset className="fieldset">
          <legend>Time window</legend>
          <div className="radio-row" role="radiogroup" aria-label="Time window">
            {PRESETS.map((p) => (
              <label key={p.key} className={`pill ${mode === p.key ? 'selected' : ''}`} title={p.hint}>
                <input
                  type="radio"
                  name="window"
                  value={p.key}
                  checked={mode === p.key}
                  onChange={() => setMode(p.key)}
                  data-testid={`analysis-window-${p.key}`}
                />
                {p.label}
              </label>
            ))}
            <label className={`pill ${mode === 'custom' ? 'selected' : ''}`}>
              <input
                type="radio"
                name="window"
                value="custom"
                checked={mode === 'custom'}
                onChange={() => setMode('custom')}
                data-testid="analysis-window-custom"
              />
              Custom
            </label>
          </div>
          {mode === 'custom' ? (
            <div className="grid-2">
              <Field label="From" error={errors.timeStart}>
                {(p) => <input {...p} type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} data-testid="analysis-from" />}
              </Field>
              <Field
                label="To"
                error={errors.timeEnd}
                hint={
                  customStart && customEnd && customEnd > customStart
                    ? `Window: ${formatSpan(customStart.toISOString(), customEnd.toISOString())} (max 24 h)`
                    : 'Max 24 h'
                }
              >
                {(p) => <input {...p} type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} data-testid="analysis-to" />}
              </Field>
            </div>
          ) : (
            <>
              <p className="hint">{PRESETS.find((p) => p.key === mode)?.hint}. The window ends now.</p>
              {errors.timeStart || errors.timeEnd ? (
                <div className="field-error" role="alert">
                  {errors.timeStart ?? errors.timeEnd}
                </div>
              ) : null}
            </>
          )}
          <p className="hint">
            Tips: a known start → begin 5 minutes before it. Ongoing → last 15–30 minutes. Unknown → last hour, then tighten. Results jumping between unrelated
            services usually mean two incidents: narrow the window.
          </p>
        </fieldset>
        <Field
          label="Screenshot (optional)"
          error={errors.screenshot}
          hint={screenshot ? `${screenshot.name}, ${formatBytes(screenshot.size)}` : 'PNG, JPEG or WebP, at most 10 MB: what the customer saw.'}
        >
          {(p) => (
            <input
              {...p}
              type="file"
              accept="image/png,image/jpeg,image/webp"
              onChange={(e) => {
                const file = e.target.files?.[0] ?? null;
                setScreenshot(file);
                setErrors((prev) => ({ ...prev, screenshot: file ? checkScreenshotFile(file) : undefined }));
              }}
              data-testid="analysis-screenshot"
            />
          )}
        </Field>
        {mut.error ? <ErrorBox error={mut.error} /> : null}
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={mut.isPending} data-testid="analysis-submit">
            {mut.isPending ? 'Starting…' : 'Run analysis'}
          </button>
          <Link className="btn" to={`/projects/${project.slug}/analyses`}>
            Cancel
          </Link>
        </div>
      </form>
    </>
  );
}
