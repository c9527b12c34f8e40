import { isLowConfidence, type TriageResult } from '@app/contracts';
import { escapeHtml, formatInZone, formatWindow, pct } from '@app/support-desk';
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
  const incident = o.incident ? incidentLine(o.incident, o.timezone) : '';
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

/** "Incident: INC-3 · checkout errors — 12 conversations since 10 Mar 2026, 10:02 (UTC)", linked to its page. */
function incidentLine(i: IncidentRef, timezone: string): string {
  const name = [i.ref, i.title].filter(Boolean).join(' · ');
  const label = i.url ? `<a href="${escapeHtml(i.url)}">${escapeHtml(name)}</a>` : `<b>${escapeHtml(name)}</b>`;
  const count = i.conversationCount !== undefined ? `${i.conversationCount} conversation${i.conversationCount === 1 ? '' : 's'}` : '';
  const since = i.firstSeenAt ? `since ${formatInZone(i.firstSeenAt, timezone)} (${timezone})` : '';
  const tail = [count, since].filter(Boolean).join(' ');
  return `<p>Incident: ${label}${tail ? ` — ${escapeHtml(tail)}` : ''}</p>`;
}
