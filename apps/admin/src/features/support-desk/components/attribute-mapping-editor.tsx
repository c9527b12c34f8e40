import type { AttributeMapping, WorkspaceAttribute } from '@app/contracts';
import { ATTRIBUTE_FIELDS, missingAttributes } from '../posting';

export function AttributeMappingEditor(props: {
  mapping: AttributeMapping;
  onChange: (m: AttributeMapping) => void;
  attributes: WorkspaceAttribute[] | undefined;
  attributesError?: string;
  readOnly?: boolean;
}) {
  const missing = new Set(missingAttributes(props.mapping, props.attributes));
  const byName = new Map((props.attributes ?? []).map((a) => [a.name, a]));
  return (
    <fieldset className="fieldset">
      <legend>Conversation attribute mapping</legend>
      <p className="hint">
        Writes SigSentry’s results into Intercom conversation attributes (usable in Intercom’s rules, e.g. route high severity to a team). The attribute must
        already exist in the workspace; leave a row empty to skip it.
      </p>
      {props.attributesError ? <div className="alert alert-warning">Could not load the workspace’s attributes: {props.attributesError}</div> : null}
      <datalist id="ws-attributes">
        {(props.attributes ?? []).map((a) => (
          <option key={a.name} value={a.name}>
            {a.dataType}
            {a.apiWritable ? '' : ' (not writable)'}
          </option>
        ))}
      </datalist>
      <table className="table mapping-table">
        <thead>
          <tr>
            <th scope="col">SigSentry field</th>
            <th scope="col">Intercom attribute</th>
          </tr>
        </thead>
        <tbody>
          {ATTRIBUTE_FIELDS.map((f) => {
            const value = props.mapping[f.key] ?? '';
            const attr = byName.get(value.trim());
            const inputId = `map-${f.key}`;
            return (
              <tr key={f.key}>
                <th scope="row">
                  <label htmlFor={inputId}>{f.label}</label>
                  <div className="small muted">{f.help}</div>
                </th>
                <td>
                  <input
                    id={inputId}
                    list="ws-attributes"
                    value={value}
                    readOnly={props.readOnly}
                    placeholder="not mapped"
                    aria-describedby={`${inputId}-note`}
                    aria-invalid={missing.has(f.key) ? true : undefined}
                    onChange={(e) => props.onChange({ ...props.mapping, [f.key]: e.target.value })}
                    data-testid={`mapping-${f.key}`}
                  />
                  <div id={`${inputId}-note`} className="small">
                    {missing.has(f.key) ? (
                      <span className="warn" data-testid={`mapping-missing-${f.key}`}>
                        ⚠ No attribute “{value.trim()}” in this workspace. It will be saved, and the health check will report it until you create it in
                        Intercom.
                      </span>
                    ) : attr ? (
                      <span className="muted">
                        {attr.dataType}
                        {attr.apiWritable ? '' : ' · not writable by apps'}
                      </span>
                    ) : null}
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </fieldset>
  );
}
