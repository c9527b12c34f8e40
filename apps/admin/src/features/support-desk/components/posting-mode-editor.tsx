import type { PostingMode } from '@app/contracts';
import { POSTING_MODES } from '../posting';

export function PostingModeEditor({ value, onChange, readOnly }: { value: PostingMode; onChange: (m: PostingMode) => void; readOnly?: boolean }) {
  return (
    <fieldset className="fieldset">
      <legend>Result posting mode</legend>
      <div className="radio-cards" role="radiogroup" aria-label="Posting mode">
        {POSTING_MODES.map((m) => (
          <label key={m.mode} className={`radio-card ${value === m.mode ? 'selected' : ''}`}>
            <input
              type="radio"
              name="postingMode"
              value={m.mode}
              checked={value === m.mode}
              disabled={readOnly}
              onChange={() => onChange(m.mode)}
              data-testid={`posting-mode-${m.mode}`}
            />
            <span className="radio-title">{m.label}</span>
            <span className="small muted">{m.use}</span>
          </label>
        ))}
      </div>
      <table className="table table-compact posting-table">
        <caption className="small muted">What is posted where</caption>
        <thead>
          <tr>
            <th scope="col">Mode</th>
            <th scope="col">At triage</th>
            <th scope="col">At analysis</th>
            <th scope="col">Updated triage (customer reply)</th>
          </tr>
        </thead>
        <tbody>
          {POSTING_MODES.map((m) => (
            <tr key={m.mode} className={value === m.mode ? 'row-selected' : ''} aria-current={value === m.mode ? 'true' : undefined}>
              <th scope="row">
                <code>{m.mode}</code>
              </th>
              <td>{m.triage}</td>
              <td>{m.analysis}</td>
              <td>{m.updated}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {value !== 'internal' ? <p className="hint warn">Public replies go straight to the customer: check the template below.</p> : null}
    </fieldset>
  );
}
