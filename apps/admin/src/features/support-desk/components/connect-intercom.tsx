import { useState } from 'react';
import { installUrl } from '../api/bindings';
import { INTERCOM_PERMISSIONS } from '../posting';

/** Explains what Intercom will ask, then leaves the SPA for the OAuth consent page (full-page navigation). */
export function ConnectIntercom({ projectId, label = 'Connect Intercom' }: { projectId: string; label?: string }) {
  const [open, setOpen] = useState(false);
  if (!open)
    return (
      <button type="button" className="btn btn-primary" onClick={() => setOpen(true)} data-testid="connect-intercom">
        {label}
      </button>
    );
  return (
    <div className="panel connect-panel" role="region" aria-label="Connect Intercom">
      <h2>Connect an Intercom workspace</h2>
      <p>You’ll be sent to Intercom to approve the SigSentry app. You need to be an admin of the workspace. Intercom will ask for:</p>
      <ul className="permission-list" data-testid="intercom-permissions">
        {INTERCOM_PERMISSIONS.map((p) => (
          <li key={p.name}>
            <strong>{p.name}</strong> — {p.why}
          </li>
        ))}
      </ul>
      <p className="hint">
        Events arrive through the app’s webhooks (new conversations and customer replies); nothing is subscribed per workspace. After you approve, you come back
        to this project’s configuration page.
      </p>
      <div className="form-actions">
        <a className="btn btn-primary" href={installUrl(projectId)} data-testid="connect-intercom-continue">
          Continue to Intercom
        </a>
        <button type="button" className="btn" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </div>
  );
}
