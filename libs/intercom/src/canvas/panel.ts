/**
 * The SigSentry sidebar panel (contract §10, issue #7): a pure function from what the service loaded to a
 * Canvas Kit response. No I/O; time zone formatting with Intl.
 */
import { zoneFormatter } from '@app/core';
import { CanvasBuilder, bold, link, md } from './canvas-builder';
import type { CanvasResponse, ListItemInput } from './canvas-builder';

/** Component ids the submit handler routes on. */
export const RUN_ANALYSIS_ID = 'run_analysis';
export const REFRESH_ID = 'refresh';
export const RUN_AGAIN_ID = 'run_again';
/** "Correct triage" (issue 12): opens the form; the form saves or cancels. Its inputs come back in `input_values`. */
export const CORRECT_TRIAGE_ID = 'correct_triage';
export const SAVE_CORRECTION_ID = 'save_correction';
export const CANCEL_CORRECTION_ID = 'cancel_correction';
export const CORRECTION_INPUTS = { severity: 'triage_severity', service: 'triage_service' } as const;
/** Option ids of the correction form: keep = unchanged, none = no service, `service:<name>` = that service. */
export const KEEP_OPTION = 'keep';
export const NO_SERVICE_OPTION = 'none';
export const SERVICE_OPTION_PREFIX = 'service:';
/** Up to this many services the form offers a dropdown (Canvas Kit allows 10 options); beyond, a text field. */
export const CORRECTION_DROPDOWN_SERVICES = 8;
export const NOT_THIS_INCIDENT_ID = 'not_this_incident';
export const PANEL_COMPONENT_IDS = {
  runAnalysis: RUN_ANALYSIS_ID,
  refresh: REFRESH_ID,
  runAgain: RUN_AGAIN_ID,
  notThisIncident: NOT_THIS_INCIDENT_ID,
} as const;
export const CORRECTION_COMPONENT_IDS = { correctTriage: CORRECT_TRIAGE_ID, save: SAVE_CORRECTION_ID, cancel: CANCEL_CORRECTION_ID } as const;
export type PanelComponentId = (typeof PANEL_COMPONENT_IDS)[keyof typeof PANEL_COMPONENT_IDS];

/** Recent analyses listed before "and N more" (the builder trims further if 64 KB would be exceeded). */
export const PANEL_MAX_ANALYSES = 10;

export type PanelAnalysisStatus = 'pending' | 'processing' | 'complete' | 'partial' | 'failed';

export interface PanelAnalysis {
  id: string;
  status: PanelAnalysisStatus;
  severity: string | null;
  /** dashboard | api | support_desk | sidebar */
  trigger: string;
  /** ISO-8601 */
  createdAt: string;
  /** `$PUBLIC_URL/projects/<slug>/analyses/<id>` */
  url: string;
  errorMessage?: string | null;
  partialReasons?: string[];
}

export interface PanelTriage {
  severity: string;
  affectedService: string | null;
  /** ISO-8601 */
  window: { start: string; end: string };
  summary: string;
  /** 0–1 */
  confidence: number;
  createdAt: string;
}

/** The incident the conversation is linked to. */
export interface PanelIncident {
  ref: string;
  title: string;
  status: string;
  conversationCount: number;
  /** ISO-8601 */
  firstSeenAt: string;
  url: string;
}

export interface PanelView {
  state: 'ok' | 'not_connected' | 'needs_reinstall';
  /** the conversation's incident (its analyses are in `analyses`); Run analysis then runs the incident's */
  incident?: PanelIncident | null;
  /** the binding's IANA time zone (falls back to UTC when invalid) */
  timezone: string;
  triage: PanelTriage | null;
  /** analyses of this conversation, newest first */
  analyses: PanelAnalysis[];
  /** the analysis this panel started (named by `stored_data.analysisId`) */
  sidebarAnalysis: PanelAnalysis | null;
  /** false hides Run analysis / Run again (default true) */
  canRunAgain?: boolean;
  /** one extra line shown under the title (user-safe: it is escaped) */
  message?: string;
  messageStyle?: 'muted' | 'error';
  /** ISO-8601 "now"; when given, times under 48 h are relative ("5 min ago"), else absolute */
  now?: string;
  /** The project's service names: shown, the panel offers "Correct triage"; with `correcting`, the form is open. */
  services?: string[];
  correcting?: boolean;
}

const FINISHED: PanelAnalysisStatus[] = ['complete', 'partial', 'failed'];
export const isFinished = (s: PanelAnalysisStatus): boolean => FINISHED.includes(s);

const STATUS_LABEL: Record<PanelAnalysisStatus, string> = {
  pending: 'Queued',
  processing: 'Running',
  complete: 'Complete',
  partial: 'Partial',
  failed: 'Failed',
};

const TRIGGER_LABEL: Record<string, string> = {
  sidebar: 'from the Intercom panel',
  support_desk: 'auto-analysis',
  dashboard: 'from the dashboard',
  api: 'via the API',
};

const cap = (s: string) => (s ? s[0].toUpperCase() + s.slice(1) : s);

const TIME: Readonly<Intl.DateTimeFormatOptions> = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
const DAY_TIME: Readonly<Intl.DateTimeFormatOptions> = { day: 'numeric', month: 'short', year: 'numeric', ...TIME };

/** The zone itself when Intl knows it, else UTC. */
const validZone = (tz: string): string => (zoneFormatter('en-GB', TIME, tz) ? tz : 'UTC');

/** Callers pass a zone validZone accepted. */
const formatter = (tz: string, withDate: boolean): Intl.DateTimeFormat => zoneFormatter('en-GB', withDate ? DAY_TIME : TIME, tz)!;

const dayKey = (d: Date, tz: string) => formatter(tz, true).format(d).split(',')[0];

function parse(iso: string): Date | null {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** "24 Nov 2026, 14:05 – 16:05 (Europe/Paris)"; the end date is repeated only when it is another day. */
export function formatWindow(win: { start: string; end: string }, timezone: string): string {
  const tz = validZone(timezone);
  const s = parse(win.start);
  const e = parse(win.end);
  if (!s || !e) return '—';
  const sameDay = dayKey(s, tz) === dayKey(e, tz);
  return `${formatter(tz, true).format(s)} – ${formatter(tz, !sameDay).format(e)} (${tz})`;
}

/** Relative ("just now", "5 min ago", "3 h ago") under 48 h when `now` is known, else absolute in the zone. */
export function formatWhen(iso: string, timezone: string, now?: string): string {
  const tz = validZone(timezone);
  const d = parse(iso);
  if (!d) return '—';
  const n = now ? parse(now) : null;
  if (n) {
    const sec = Math.round((n.getTime() - d.getTime()) / 1000);
    if (sec >= -60 && sec < 60) return 'just now';
    if (sec >= 60 && sec < 3600) return `${Math.floor(sec / 60)} min ago`;
    if (sec >= 3600 && sec < 48 * 3600) return `${Math.floor(sec / 3600)} h ago`;
  }
  return formatter(tz, true).format(d);
}

function isHttpUrl(u: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(u).protocol);
  } catch {
    return false;
  }
}

function formatConfidence(c: number): string {
  if (!Number.isFinite(c)) return '—';
  const pct = c <= 1 ? c * 100 : c;
  return `${Math.round(Math.max(0, Math.min(100, pct)))}%`;
}

function analysisItem(a: PanelAnalysis, idBase: string, tz: string, now?: string): ListItemInput {
  const title = a.severity ? `${STATUS_LABEL[a.status]} · ${cap(a.severity)}` : STATUS_LABEL[a.status];
  const reason = whyLine(a);
  return {
    id: `${idBase}-${a.id}`,
    title,
    subtitle: `${formatWhen(a.createdAt, tz, now)} · ${TRIGGER_LABEL[a.trigger] ?? a.trigger}`,
    tertiaryText: reason,
    url: isHttpUrl(a.url) ? a.url : null,
  };
}

/** One line why a failed/partial analysis is not complete (null otherwise). */
function whyLine(a: PanelAnalysis): string | null {
  if (a.status === 'failed') return a.errorMessage?.trim() ? a.errorMessage : 'The analysis failed.';
  if (a.status === 'partial') {
    const r = (a.partialReasons ?? []).filter((x) => x && x.trim());
    return r.length ? r.join('; ') : 'Some log sources could not be read.';
  }
  return null;
}

export function buildPanel(view: PanelView): CanvasResponse {
  const b = new CanvasBuilder();

  if (view.state === 'not_connected') {
    return b.header('SigSentry').text('This Intercom workspace is not connected to SigSentry.', { style: 'muted' }).build();
  }
  if (view.state === 'needs_reinstall') {
    return b
      .header('SigSentry')
      .text('SigSentry can no longer access this Intercom workspace. An Intercom admin must reinstall the SigSentry app.', { style: 'error' })
      .build();
  }

  const tz = validZone(view.timezone);
  const canRun = view.canRunAgain !== false;
  b.header('SigSentry');
  if (view.message?.trim()) b.text(view.message, { style: view.messageStyle ?? 'muted' });

  // ---- triage
  b.text(bold('Triage'));
  if (!view.triage) {
    b.text('No triage yet for this conversation.', { style: 'muted' });
  } else {
    const t = view.triage;
    b.dataTable([
      { field: 'Severity', value: cap(t.severity) },
      { field: 'Service', value: t.affectedService ?? 'Unknown' },
      { field: 'Time window', value: formatWindow(t.window, tz) },
      { field: 'Confidence', value: formatConfidence(t.confidence) },
    ]);
    if (t.summary?.trim()) b.text(t.summary, { style: 'muted', max: 500 });
    if (view.services && view.correcting) {
      correctionForm(b, view.services);
      if (view.sidebarAnalysis) b.storedData({ analysisId: view.sidebarAnalysis.id });
      return b.build();
    }
    if (view.services && canRun) b.submitButton(CORRECT_TRIAGE_ID, 'Correct triage', { style: 'secondary' });
  }

  // ---- the incident (contract §11): one analysis for all its conversations; the agent can take this one out
  if (view.incident) {
    const i = view.incident;
    b.divider();
    b.text(bold('Incident'));
    b.text(isHttpUrl(i.url) ? link(`${i.ref} · ${i.title}`, i.url) : md`${i.ref} · ${i.title}`);
    b.dataTable([
      { field: 'Conversations', value: String(i.conversationCount) },
      { field: 'Since', value: formatWhen(i.firstSeenAt, tz, view.now) },
      { field: 'Status', value: cap(i.status) },
    ]);
    b.submitButton(NOT_THIS_INCIDENT_ID, 'Not this incident', { style: 'secondary' });
  }

  // ---- the analysis this panel started, or the button to start one
  b.divider();
  const mine = view.sidebarAnalysis;
  if (mine) {
    b.text(bold('Analysis started here'));
    b.list([analysisItem(mine, 'sidebar', tz, view.now)], { trimmable: false });
    const why = whyLine(mine);
    if (why) b.text(md`${mine.status === 'failed' ? 'Failed' : 'Partial'}: ${why}`, { style: mine.status === 'failed' ? 'error' : 'muted' });
    if (!isFinished(mine.status)) b.submitButton(REFRESH_ID, 'Refresh', { style: 'secondary' });
    else if (canRun) b.submitButton(RUN_AGAIN_ID, 'Run again', { style: 'secondary' });
  } else if (canRun) {
    b.submitButton(RUN_ANALYSIS_ID, 'Run analysis');
  }

  // ---- recent analyses of the conversation (the panel's own one is shown above)
  b.divider();
  b.text(bold('Recent analyses'));
  const recent = view.analyses.filter((a) => !mine || a.id !== mine.id);
  if (!recent.length) b.text('No analyses yet.', { style: 'muted' });
  else {
    const shown = recent.slice(0, PANEL_MAX_ANALYSES).map((a) => analysisItem(a, 'analysis', tz, view.now));
    b.list(shown, { id: 'analyses', omitted: recent.length - shown.length });
  }

  if (mine) b.storedData({ analysisId: mine.id });
  return b.build();
}

/** The "Correct triage" form: severity and service, each "keep as triaged" by default. */
function correctionForm(b: CanvasBuilder, services: string[]): void {
  b.dropdown(
    CORRECTION_INPUTS.severity,
    'Severity',
    [{ id: KEEP_OPTION, text: 'Keep as triaged' }, ...['critical', 'high', 'medium', 'low', 'info'].map((s) => ({ id: s, text: cap(s) }))],
    KEEP_OPTION,
  );
  if (services.length <= CORRECTION_DROPDOWN_SERVICES)
    b.dropdown(
      CORRECTION_INPUTS.service,
      'Service',
      [
        { id: KEEP_OPTION, text: 'Keep as triaged' },
        { id: NO_SERVICE_OPTION, text: 'No service' },
        ...services.map((s) => ({ id: `${SERVICE_OPTION_PREFIX}${s}`, text: s })),
      ],
      KEEP_OPTION,
    );
  else b.input(CORRECTION_INPUTS.service, 'Service', { placeholder: 'A service name, "none", or empty to keep' });
  b.submitButton(SAVE_CORRECTION_ID, 'Save correction');
  b.submitButton(CANCEL_CORRECTION_ID, 'Cancel', { style: 'secondary' });
}

/** What a submitted correction form asks for (omitted = unchanged; null service = no service). */
export function readCorrectionForm(inputValues: unknown): { severity?: string; affectedService?: string | null } {
  const v = inputValues && typeof inputValues === 'object' && !Array.isArray(inputValues) ? (inputValues as Record<string, unknown>) : {};
  const out: { severity?: string; affectedService?: string | null } = {};
  const sev = typeof v[CORRECTION_INPUTS.severity] === 'string' ? (v[CORRECTION_INPUTS.severity] as string) : KEEP_OPTION;
  if (sev && sev !== KEEP_OPTION) out.severity = sev;
  const svc = typeof v[CORRECTION_INPUTS.service] === 'string' ? (v[CORRECTION_INPUTS.service] as string).trim() : '';
  if (svc === NO_SERVICE_OPTION || svc.toLowerCase() === 'none') out.affectedService = null;
  else if (svc.startsWith(SERVICE_OPTION_PREFIX)) out.affectedService = svc.slice(SERVICE_OPTION_PREFIX.length);
  else if (svc && svc !== KEEP_OPTION) out.affectedService = svc;
  return out;
}
