import type { ServiceRow } from '../validation';

/** Service catalogue: name, comma-separated aliases, critical flag. Used by triage to name the affected service. */
export function ServicesEditor({ rows, onChange, readOnly }: { rows: ServiceRow[]; onChange: (rows: ServiceRow[]) => void; readOnly?: boolean }) {
  const update = (i: number, patch: Partial<ServiceRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <fieldset className="fieldset">
      <legend>Service catalogue</legend>
      <p className="hint">
        Services triage can name as the affected service. Aliases are other words customers use for it (comma-separated). Critical services raise severity.
      </p>
      {rows.length === 0 ? <p className="muted">No services yet. Add the services your customers talk about.</p> : null}
      {rows.length > 0 ? (
        <table className="table services-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Aliases</th>
              <th scope="col">Critical</th>
              {readOnly ? null : (
                <th scope="col">
                  <span className="sr-only">Remove</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={i}>
                <td>
                  <input
                    aria-label={`Service ${i + 1} name`}
                    value={r.name}
                    readOnly={readOnly}
                    onChange={(e) => update(i, { name: e.target.value })}
                    data-testid={`service-name-${i}`}
                  />
                </td>
                <td>
                  <input
                    aria-label={`Service ${i + 1} aliases`}
                    value={r.aliases}
                    readOnly={readOnly}
                    placeholder="e.g. payments, billing"
                    onChange={(e) => update(i, { aliases: e.target.value })}
                  />
                </td>
                <td className="center">
                  <input
                    type="checkbox"
                    aria-label={`Service ${i + 1} is critical`}
                    checked={r.critical}
                    disabled={readOnly}
                    onChange={(e) => update(i, { critical: e.target.checked })}
                  />
                </td>
                {readOnly ? null : (
                  <td>
                    <button
                      type="button"
                      className="btn btn-small btn-ghost"
                      onClick={() => onChange(rows.filter((_, j) => j !== i))}
                      aria-label={`Remove service ${r.name || i + 1}`}
                    >
                      Remove
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {readOnly ? null : (
        <button
          type="button"
          className="btn btn-small"
          onClick={() => onChange([...rows, { name: '', aliases: '', critical: false }])}
          data-testid="service-add"
        >
          Add service
        </button>
      )}
    </fieldset>
  );
}
