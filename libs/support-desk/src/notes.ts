import type { AnalysisResult, TriageResult } from '@app/contracts';
import { escapeHtml } from './templates/reply-template';

/** Readable HTML notes (internal). Every value from users or logs is escaped. */

export function formatInZone(iso: string, timeZone: string): string {
  const d = new Date(iso);
  try {
    return new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: 'short',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(d);
  } catch {
    return d.toISOString();
  }
}

export function formatWindow(w: { start: string; end: string }, timeZone: string): string {
  return `${formatInZone(w.start, timeZone)} – ${formatInZone(w.end, timeZone)} (${timeZone})`;
}

const pct = (n: number) => `${Math.round(n * 100)}%`;

export function triageNote(
  t: TriageResult,
  o: { timezone: string; link: string; ref: string; updated?: { previousSeverity: string; previousService: string | null } | null },
): string {
  const title = o.updated ? 'SigSentry triage (updated)' : 'SigSentry triage';
  const changed = o.updated
    ? `<p>Changed after the customer's reply: severity ${escapeHtml(o.updated.previousSeverity.toUpperCase())} → <b>${escapeHtml(t.severity.toUpperCase())}</b>${o.updated.previousService !== t.affectedService ? `, service ${escapeHtml(o.updated.previousService ?? 'unknown')} → ${escapeHtml(t.affectedService ?? 'unknown')}` : ''}</p>`
    : '';
  const evidence = t.evidence
    .filter((e) => e.kind === 'severity' || e.kind === 'service' || e.kind === 'window')
    .slice(0, 5)
    .map((e) => `<li>${escapeHtml(e.detail)}${e.match ? ` — “${escapeHtml(e.match.slice(0, 120))}”` : ''}</li>`)
    .join('');
  return [
    `<p><b>${title}</b></p>`,
    changed,
    `<p>Severity: <b>${escapeHtml(t.severity.toUpperCase())}</b> · Service: <b>${escapeHtml(t.affectedService ?? 'unknown')}</b> · Confidence: ${pct(t.confidence)}</p>`,
    `<p>Suggested window: ${escapeHtml(formatWindow(t.window, o.timezone))}</p>`,
    t.summary ? `<p>Summary: ${escapeHtml(t.summary)}</p>` : '',
    evidence ? `<p>Why:</p><ul>${evidence}</ul>` : '',
    `<p><a href="${escapeHtml(o.link)}">Open in SigSentry</a></p>`,
    `<p>Ref ${escapeHtml(o.ref)}</p>`,
  ].join('');
}

export function analysisNote(
  a: { status: string; result: AnalysisResult | null; errorMessage: string | null; partialReasons: string[] },
  o: { timezone: string; link: string; ref: string },
): string {
  const head = `<p><b>SigSentry analysis</b> · ${escapeHtml(a.status.toUpperCase())}</p>`;
  const foot = `<p><a href="${escapeHtml(o.link)}">Open the full analysis</a></p><p>Ref ${escapeHtml(o.ref)}</p>`;
  if (!a.result) return `${head}<p>The analysis could not run: ${escapeHtml(a.errorMessage ?? 'unknown error')}</p>${foot}`;
  const r = a.result;
  const services = r.affectedServices
    .slice(0, 5)
    .map((s) => `<li>${escapeHtml(s.serviceName)} (${escapeHtml(s.role)}, ${s.errorCount} errors)</li>`)
    .join('');
  const actions = r.suggestedActions
    .slice(0, 3)
    .map((s) => `<li>${escapeHtml(s.action)}</li>`)
    .join('');
  return [
    head,
    `<p>Severity: <b>${escapeHtml(r.severity.toUpperCase())}</b> · Confidence: ${pct(r.confidence)} · Logs scanned: ${r.logsScanned}</p>`,
    `<p>${escapeHtml(r.summary)}</p>`,
    `<p>Root cause (${escapeHtml(r.rootCause.category)}): ${escapeHtml(r.rootCause.description)} — service <b>${escapeHtml(r.rootCause.service)}</b>${r.rootCause.errorType ? `, ${escapeHtml(r.rootCause.errorType)}` : ''}</p>`,
    services ? `<p>Affected services:</p><ul>${services}</ul>` : '',
    actions ? `<p>Suggested actions:</p><ol>${actions}</ol>` : '',
    a.partialReasons?.length ? `<p>Partial: ${escapeHtml(a.partialReasons.join('; '))}</p>` : '',
    `<p>Window: ${escapeHtml(formatWindow(r.timeWindow, o.timezone))}</p>`,
    foot,
  ].join('');
}
