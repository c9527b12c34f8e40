import { isLowConfidence, type TriageResult } from '@app/contracts';
import { escapeHtml, formatWindow, pct } from '@app/support-desk';
import type { IncidentRef } from './conversation-triaged.port';

/** The internal triage note (readable HTML). Every value from users is escaped. */
export function triageNote(
  t: TriageResult,
  o: {
    timezone: string;
    link: string;
    ref: string;
    updated?: { previousSeverity: string; previousService: string | null } | null;
    /** The incident the conversation was linked to (named by the seam), if any. */
    incident?: IncidentRef | null;
  },
): string {
  const title = o.updated ? 'SigSentry triage (updated)' : 'SigSentry triage';
  const changed = o.updated
    ? `<p>Changed after the customer's reply: severity ${escapeHtml(o.updated.previousSeverity.toUpperCase())} → <b>${escapeHtml(t.severity.toUpperCase())}</b>${o.updated.previousService !== t.affectedService ? `, service ${escapeHtml(o.updated.previousService ?? 'unknown')} → ${escapeHtml(t.affectedService ?? 'unknown')}` : ''}</p>`
    : '';
  const evidence = t.evidence
    .filter((e) => e.kind === 'severity' || e.kind === 'service' || e.kind === 'window' || e.kind === 'confidence' || e.kind === 'correction')
    .sort((a, b) => (a.kind === 'confidence' ? -1 : 0) - (b.kind === 'confidence' ? -1 : 0))
    .slice(0, 5)
    .map((e) => `<li>${escapeHtml(e.detail)}${e.match ? ` — “${escapeHtml(e.match.slice(0, 120))}”` : ''}</li>`)
    .join('');
  const incident = o.incident
    ? `<p>Incident: ${o.incident.url ? `<a href="${escapeHtml(o.incident.url)}">${escapeHtml(o.incident.title)}</a>` : `<b>${escapeHtml(o.incident.title)}</b>`}</p>`
    : '';
  return [
    `<p><b>${title}</b></p>`,
    changed,
    `<p>Severity: <b>${escapeHtml(t.severity.toUpperCase())}</b> · Service: <b>${escapeHtml(t.affectedService ?? 'unknown')}</b> · Confidence: ${pct(t.confidence)}${isLowConfidence(t.confidence) ? ' (<b>low confidence</b>)' : ''}</p>`,
    incident,
    `<p>Suggested window: ${escapeHtml(formatWindow(t.window, o.timezone))}</p>`,
    t.summary ? `<p>Summary: ${escapeHtml(t.summary)}</p>` : '',
    evidence ? `<p>Why:</p><ul>${evidence}</ul>` : '',
    `<p><a href="${escapeHtml(o.link)}">Open in SigSentry</a></p>`,
    `<p>Ref ${escapeHtml(o.ref)}</p>`,
  ].join('');
}
