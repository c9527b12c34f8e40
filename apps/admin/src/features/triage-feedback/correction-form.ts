import type { Severity, TriageFeedbackRequest } from '@app/contracts';

/** Select values of the "Correct triage" form: `keep` = unchanged, `none` = no service. */
export const KEEP = 'keep';
export const NO_SERVICE = '__none__';

/** The request a form state makes (omitted = unchanged); null when nothing would change. */
export function correctionRequest(severity: string, service: string): TriageFeedbackRequest | null {
  const body: TriageFeedbackRequest = {};
  if (severity !== KEEP) body.severity = severity as Severity;
  if (service === NO_SERVICE) body.affectedService = null;
  else if (service !== KEEP) body.affectedService = service;
  return Object.keys(body).length ? body : null;
}
