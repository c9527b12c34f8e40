import { useRef } from 'react';
import { useQuery } from '@tanstack/react-query';
import { ApiError } from '@/lib/api-client';
import { useDebouncedValue } from '@/lib/use-debounce';
import { previewTemplate, supportDeskKeys } from '../api/bindings';
import { DEFAULT_TEMPLATE, TEMPLATE_VARIABLES, insertVariable, templateProblem } from '../template';

export function TemplateEditor(props: {
  projectId: string;
  bindingId: string;
  value: string;
  onChange: (v: string) => void;
  readOnly?: boolean;
  serverError?: string;
}) {
  const ref = useRef<HTMLTextAreaElement>(null);
  const problem = templateProblem(props.value);
  const debounced = useDebouncedValue(props.value, 400);
  const preview = useQuery({
    queryKey: [...supportDeskKeys.binding(props.projectId, props.bindingId), 'template-preview', debounced],
    queryFn: ({ signal }) => previewTemplate(props.projectId, props.bindingId, debounced, signal),
    enabled: debounced.trim() !== '' && !templateProblem(debounced),
    staleTime: 60_000,
    retry: false,
  });

  function insert(name: string) {
    const el = ref.current;
    const { text, cursor } = insertVariable(props.value, name, el?.selectionStart ?? props.value.length, el?.selectionEnd ?? props.value.length);
    props.onChange(text);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(cursor, cursor);
    });
  }

  const error = problem ?? props.serverError;
  return (
    <fieldset className="fieldset">
      <legend>Public reply template</legend>
      <p className="hint">
        Sent to the customer in the <em>public</em> and <em>both</em> modes. Plain text with <code>{'{{ name }}'}</code> placeholders; values are escaped.
      </p>
      <label htmlFor="tpl-input" className="sr-only">
        Template text
      </label>
      <textarea
        id="tpl-input"
        ref={ref}
        rows={5}
        value={props.value}
        readOnly={props.readOnly}
        aria-invalid={error ? true : undefined}
        aria-describedby="tpl-vars tpl-err"
        onChange={(e) => props.onChange(e.target.value)}
        data-testid="template-input"
      />
      <div id="tpl-err" aria-live="polite">
        {error ? (
          <div className="field-error" role="alert" data-testid="template-error">
            {error}
          </div>
        ) : null}
      </div>
      <div id="tpl-vars" className="var-list">
        <span className="small muted">Variables{props.readOnly ? '' : ' (click to insert)'}:</span>
        <ul className="chip-list">
          {TEMPLATE_VARIABLES.map((v) => (
            <li key={v.name}>
              <button
                type="button"
                className="chip"
                title={v.help}
                disabled={props.readOnly}
                onClick={() => insert(v.name)}
                data-testid={`template-var-${v.name}`}
              >
                {`{{ ${v.name} }}`}
              </button>
            </li>
          ))}
        </ul>
        <dl className="var-help small">
          {TEMPLATE_VARIABLES.map((v) => (
            <div key={v.name}>
              <dt>
                <code>{v.name}</code>
              </dt>
              <dd>{v.help}</dd>
            </div>
          ))}
        </dl>
        {!props.readOnly && props.value !== DEFAULT_TEMPLATE ? (
          <button type="button" className="btn btn-small btn-ghost" onClick={() => props.onChange(DEFAULT_TEMPLATE)}>
            Reset to default
          </button>
        ) : null}
      </div>
      <div className="preview" data-testid="template-preview" aria-live="polite">
        <div className="small muted">Preview (sample conversation)</div>
        {props.value.trim() === '' ? (
          <p className="muted">Empty template: the default acknowledgement is used.</p>
        ) : problem ? (
          <p className="muted">Fix the template to see a preview.</p>
        ) : preview.isFetching && !preview.data ? (
          <p className="muted">Rendering…</p>
        ) : preview.error ? (
          <p className="bad">{preview.error instanceof ApiError ? preview.error.message : 'Preview failed'}</p>
        ) : preview.data ? (
          <p className="preview-text">{preview.data.rendered}</p>
        ) : null}
      </div>
    </fieldset>
  );
}
