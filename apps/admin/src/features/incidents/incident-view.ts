/** Pure helpers of the Incidents pages (unit-tested): shapes come from @app/contracts only. */
import { checkIncidentMessage, checkIncidentTitle, INCIDENT_MESSAGE_MAX, type IncidentCustomerUpdate, type IncidentEventKind } from '@app/contracts';

/** An update is done when no conversation is waiting for its copy. */
export const updateDone = (u: Pick<IncidentCustomerUpdate, 'pending'>): boolean => u.pending === 0;

/** "12 of 40 posted · 1 failed · 3 skipped (closed)" */
export function updateProgressText(u: Pick<IncidentCustomerUpdate, 'conversations' | 'posted' | 'failed' | 'pending' | 'skipped'>): string {
  const parts = [`${u.posted} of ${u.conversations} posted`];
  if (u.pending) parts.push(`${u.pending} pending`);
  if (u.failed) parts.push(`${u.failed} failed`);
  if (u.skipped) parts.push(`${u.skipped} skipped (closed)`);
  return parts.join(' · ');
}

/** Local check of the message, the server's rule (contract §11): the error, or undefined. */
export function messageError(message: string): string | undefined {
  return checkIncidentMessage(message) ?? undefined;
}

export function titleError(title: string): string | undefined {
  return checkIncidentTitle(title) ?? undefined;
}

export const MESSAGE_MAX = INCIDENT_MESSAGE_MAX;

const EVENT_LABELS: Record<IncidentEventKind, string> = {
  opened: 'Opened',
  linked: 'Conversation linked',
  unlinked: 'Conversation taken out',
  escalated: 'Escalated',
  analysis_started: 'Analysis started',
  analysis_finished: 'Analysis finished',
  merged: 'Merged',
  title_changed: 'Title changed',
  resolved: 'Resolved',
  reopened: 'Reopened',
  update_sent: 'Update sent to customers',
  tracker_created: 'Tracker ticket created',
};
export const eventLabel = (k: IncidentEventKind): string => EVENT_LABELS[k] ?? k;

/** In-app path for a URL of ours from the API (absolute links to our own origin become SPA links), else the fallback. */
export function inAppPath(url: string, origin: string, fallback: string): string {
  try {
    const u = new URL(url, origin);
    if (u.origin === origin) return u.pathname;
  } catch {
    /* fall through */
  }
  return fallback;
}

/** Only http(s) links into the support platform are rendered as links. */
export function safeExternalUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.toString() : null;
  } catch {
    return null;
  }
}
