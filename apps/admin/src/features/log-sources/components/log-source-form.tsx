import { useState, type FormEvent } from 'react';
import { type LogSourceView, type LogSourceTypeMetadata } from '@app/contracts';
import { Field, hasErrors, mergeFieldErrors, type FieldErrors } from '@/components/ui/field';
import { ErrorBox } from '@/components/ui/feedback';
import { getDiscoveredSources, useLogSourceMutations } from '../api/log-sources';
import { buildLogSourceInput, initialFormState, parseSources } from '../form-model';
import { errorMessage } from '@/lib/api-client';

export function LogSourceForm(props: { projectId: string; types: LogSourceTypeMetadata[]; existing?: LogSourceView; onDone: () => void }) {
  const mode = props.existing ? 'edit' : 'create';
  const { create, update } = useLogSourceMutations(props.projectId);
  const mut = mode === 'create' ? create : update;
  const [typeKey, setTypeKey] = useState(props.existing?.type ?? props.types[0]?.type ?? '');
  const type = props.types.find((t) => t.type === typeKey);
  const [state, setState] = useState(() => initialFormState(type, props.existing));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [discovered, setDiscovered] = useState<{ id: string; name: string }[] | null>(null);
  const [discoverError, setDiscoverError] = useState<string | null>(null);

  function changeType(t: string) {
    setTypeKey(t);
    setState({ ...initialFormState(props.types.find((x) => x.type === t)), name: state.name });
    setErrors({});
  }

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!type) return;
    const { input, errors: local } = buildLogSourceInput(type, state, mode);
    setErrors(local);
    if (hasErrors(local)) return;
    try {
      if (mode === 'create') await create.mutateAsync(input);
      else await update.mutateAsync({ id: props.existing!.id, input });
      props.onDone();
    } catch (err) {
      setErrors(mergeFieldErrors({}, err, ['name', 'sources', 'region', ...type.fields.map((f) => f.key)]));
    }
  }

  async function discover() {
    setDiscoverError(null);
    try {
      setDiscovered(await getDiscoveredSources(props.projectId, props.existing!.id));
    } catch (err) {
      setDiscoverError(errorMessage(err));
    }
  }

  if (!type) return <p className="muted">No log source types are available.</p>;
  const current = parseSources(state.sources);
  return (
    <form className="panel" onSubmit={onSubmit} noValidate aria-label={mode === 'create' ? 'New log source' : `Edit ${props.existing!.name}`}>
      <h2>{mode === 'create' ? 'Add a log source' : `Edit ${props.existing!.name}`}</h2>
      <div className="grid-2">
        <Field label="Type" hint={mode === 'edit' ? 'The type cannot be changed.' : undefined}>
          {(p) => (
            <select {...p} value={typeKey} disabled={mode === 'edit'} onChange={(e) => changeType(e.target.value)} data-testid="log-source-type">
              {props.types.map((t) => (
                <option key={t.type} value={t.type}>
                  {t.displayName}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Name" error={errors.name} required>
          {(p) => (
            <input
              {...p}
              value={state.name}
              placeholder="e.g. prod-logs"
              onChange={(e) => setState({ ...state, name: e.target.value })}
              data-testid="log-source-name"
            />
          )}
        </Field>
      </div>
      {type.setupHint ? <p className="hint setup-hint">{type.setupHint}</p> : null}
      {props.existing?.folder ? (
        <p className="hint" data-testid="log-source-form-folder">
          This source reads the files in <code>{props.existing.folder}</code>; globs are relative to it.
        </p>
      ) : null}
      {mode === 'edit' && type.fields.some((f) => (f.location ?? 'credentials') === 'credentials') ? (
        <p className="hint">Saved credentials are never shown. Leave the credential fields empty to keep them; fill them all to replace them.</p>
      ) : null}
      <div className="grid-2">
        {type.fields.map((f) => {
          const isCred = (f.location ?? 'credentials') === 'credentials';
          const placeholder = mode === 'edit' && isCred ? (f.type === 'password' ? '•••••• (unchanged)' : '(unchanged)') : f.placeholder;
          return (
            <Field
              key={f.key}
              label={f.label}
              error={errors[f.key]}
              hint={f.help}
              required={f.required && (mode === 'create' || !isCred)}
              className={f.type === 'textarea' ? 'span-2' : ''}
            >
              {(p) =>
                f.type === 'textarea' ? (
                  <textarea
                    {...p}
                    rows={4}
                    value={state.values[f.key] ?? ''}
                    placeholder={placeholder}
                    onChange={(e) => setState({ ...state, values: { ...state.values, [f.key]: e.target.value } })}
                    data-testid={`log-source-field-${f.key}`}
                    spellCheck={false}
                  />
                ) : (
                  <input
                    {...p}
                    type={f.type === 'password' ? 'password' : 'text'}
                    autoComplete={f.type === 'password' ? 'new-password' : 'off'}
                    value={state.values[f.key] ?? ''}
                    placeholder={placeholder}
                    onChange={(e) => setState({ ...state, values: { ...state.values, [f.key]: e.target.value } })}
                    data-testid={`log-source-field-${f.key}`}
                  />
                )
              }
            </Field>
          );
        })}
      </div>
      <Field label={type.sourcesLabel || 'Sources'} error={errors.sources} hint="One per line." required>
        {(p) => (
          <textarea
            {...p}
            rows={3}
            value={state.sources}
            placeholder={type.sourcesPlaceholder}
            onChange={(e) => setState({ ...state, sources: e.target.value })}
            data-testid="log-source-sources"
            spellCheck={false}
          />
        )}
      </Field>
      {mode === 'edit' ? (
        <div className="discover">
          <button type="button" className="btn btn-small" onClick={discover} data-testid="log-source-discover">
            List available {type.sourcesLabel ? type.sourcesLabel.toLowerCase() : 'sources'}
          </button>
          {discoverError ? (
            <div className="field-error" role="alert">
              {discoverError}
            </div>
          ) : null}
          {discovered ? (
            discovered.length === 0 ? (
              <p className="muted small">Nothing found with the saved credentials.</p>
            ) : (
              <ul className="chip-list" aria-label="Available sources">
                {discovered.map((d) => (
                  <li key={d.id}>
                    <button
                      type="button"
                      className="chip"
                      disabled={current.includes(d.name)}
                      onClick={() => setState({ ...state, sources: [...current, d.name].join('\n') })}
                    >
                      + {d.name}
                    </button>
                  </li>
                ))}
              </ul>
            )
          ) : null}
        </div>
      ) : null}
      {mut.error ? <ErrorBox error={mut.error} /> : null}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={mut.isPending} data-testid="log-source-save">
          {mut.isPending ? 'Saving…' : mode === 'create' ? 'Add log source' : 'Save changes'}
        </button>
        <button type="button" className="btn" onClick={props.onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
