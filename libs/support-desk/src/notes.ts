import type { AnalysisResult } from '@app/contracts';
import { zoneFormatter } from '@app/core';
import { escapeHtml } from './templates/reply-template';

/** Readable HTML notes (internal). Every value from users or logs is escaped. */

/** How notes show a moment: "02 Dec 2026, 09:30" in the binding's time zone. */
const NOTE_TIME: Readonly<Intl.DateTimeFormatOptions> = {
  year: 'numeric',
  month: 'short',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
};

export function formatInZone(iso: string, timeZone: string): string {
  const d = new Date(iso);
  const f = zoneFormatter('en-GB', NOTE_TIME, timeZone);
  if (!f) return d.toISOString();
  try {
    return f.format(d);
  } catch {
    return d.toISOString();
  }
}

export function formatWindow(w: { start: string; end: string }, timeZone: string): string {
  return `${formatInZone(w.start, timeZone)} – ${formatInZone(w.end, timeZone)} (${timeZone})`;
}

export const pct = (n: number) => `${Math.round(n * 100)}%`;

/** What an analysis note shows: the parts of a result it prints (never the log evidence). */
export interface AnalysisNoteContent {
  status: string;
  result: Pick<
    AnalysisResult,
    'summary' | 'severity' | 'confidence' | 'rootCause' | 'affectedServices' | 'suggestedActions' | 'logsScanned' | 'timeWindow'
  > | null;
  errorMessage: string | null;
  partialReasons: string[];
}

/** Cuts a finished analysis down to what its note shows (queued payloads stay small and carry no log excerpts). */
export function analysisNoteContent(a: {
  status: string;
  result: AnalysisResult | null;
  errorMessage: string | null;
  partialReasons: string[];
}): AnalysisNoteContent {
  const r = a.result;
  return {
    status: a.status,
    result: r
      ? {
          summary: r.summary,
          severity: r.severity,
          confidence: r.confidence,
          rootCause: r.rootCause,
          affectedServices: r.affectedServices.slice(0, 5),
          suggestedActions: r.suggestedActions.slice(0, 3),
          logsScanned: r.logsScanned,
          timeWindow: r.timeWindow,
        }
      : null,
    errorMessage: a.errorMessage,
    partialReasons: a.partialReasons ?? [],
  };
}

export function analysisNote(a: AnalysisNoteContent, o: { timezone: string; link: string; ref: string }): string {
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

/** The dashboard page of a conversation of a binding. */
export function conversationUrl(publicUrl: string, projectSlug: string, bindingId: string, conversationId: string): string {
  return `${publicUrl}/projects/${projectSlug}/support-desk/${bindingId}/conversations/${encodeURIComponent(conversationId)}`;
}
