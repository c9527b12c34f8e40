import { useState } from 'react';
import type { Severity } from '@app/contracts';
import { Notice } from '@/components/ui/feedback';
import { errorMessage } from '@/lib/api-client';
import { SEVERITIES_DESCENDING } from '@/lib/format';
import { usePermissions } from '@/features/auth/permissions';
import { useCurrentProject } from '@/features/projects/project-context';
import { useCorrectTriage } from '../api/feedback';
import { correctionRequest, KEEP, NO_SERVICE } from '../correction-form';

/**
 * "Correct triage" on a conversation: pick the severity and/or the service. Saved as a labelled example of the
 * project; the conversation's attributes are rewritten, no note is posted.
 */
export function CorrectTriage(props: { bindingId: string; conversationId: string; current: { severity: Severity; affectedService: string | null } }) {
  const project = useCurrentProject();
  const { can } = usePermissions();
  const [open, setOpen] = useState(false);
  const [severity, setSeverity] = useState(KEEP);
  const [service, setService] = useState(KEEP);
  const [done, setDone] = useState<string | null>(null);
  const correct = useCorrectTriage(project.id, props.bindingId, props.conversationId);
  if (!can('analysis:create')) return null;
  const body = correctionRequest(severity, service);

  if (!open)
    return (
      <div className="row-between">
        {done ? <Notice kind="success">{done}</Notice> : <span />}
        <button type="button" className="btn btn-small" onClick={() => (setOpen(true), setDone(null))} data-testid="correct-triage-open">
          Correct triage
        </button>
      </div>
    );

  return (
    <form
      className="panel"
      aria-labelledby="correct-title"
      data-testid="correct-triage-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!body) return;
        correct.mutate(body, {
          onSuccess: (r) => {
            setOpen(false);
            setSeverity(KEEP);
            setService(KEEP);
            setDone(`Triage corrected: ${r.triage.severity}, ${r.triage.affectedService ?? 'no service'}. Triage learns from it for this project.`);
          },
        });
      }}
    >
      <h3 id="correct-title">Correct triage</h3>
      <p className="small muted">
        Now: {props.current.severity}, {props.current.affectedService ?? 'no service'}. Leave a field on “keep” to leave it as it is.
      </p>
      <div className="filters">
        <label>
          Severity{' '}
          <select value={severity} onChange={(e) => setSeverity(e.target.value)} data-testid="correct-severity">
            <option value={KEEP}>keep</option>
            {SEVERITIES_DESCENDING.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Service{' '}
          <select value={service} onChange={(e) => setService(e.target.value)} data-testid="correct-service">
            <option value={KEEP}>keep</option>
            <option value={NO_SERVICE}>no service</option>
            {(project.services ?? []).map((s) => (
              <option key={s.name} value={s.name}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      {correct.error ? <Notice kind="error">{errorMessage(correct.error)}</Notice> : null}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary btn-small" disabled={!body || correct.isPending} data-testid="correct-triage-save">
          {correct.isPending ? 'Saving…' : 'Save correction'}
        </button>
        <button type="button" className="btn btn-small" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
