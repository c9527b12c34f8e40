/** Analysis window presets, the form's wording of the window rules (the rules are libs/contracts'), and the logsScanned hint (product §6.2). Pure: unit-tested. */
import { checkAnalysisWindow, DESCRIPTION_MAX, type WindowRule } from '@app/contracts';

export { DESCRIPTION_MAX, MAX_WINDOW_MS } from '@app/contracts';

export const PRESETS = [
  { key: '15m', label: 'Last 15 min', ms: 15 * 60_000, hint: 'acute, ongoing incident' },
  { key: '30m', label: 'Last 30 min', ms: 30 * 60_000, hint: 'most incidents' },
  { key: '1h', label: 'Last hour', ms: 60 * 60_000, hint: 'start unknown: begin here, then tighten' },
  { key: '6h', label: 'Last 6 hours', ms: 6 * 60 * 60_000, hint: 'several deploys' },
  { key: '24h', label: 'Last 24 hours', ms: 24 * 60 * 60_000, hint: 'pattern matching only; noisy for one incident' },
] as const;

export type PresetKey = (typeof PRESETS)[number]['key'];

export function presetWindow(key: PresetKey, now: Date = new Date()): { start: Date; end: Date } {
  const p = PRESETS.find((x) => x.key === key);
  if (!p) throw new Error(`unknown preset ${key}`);
  return { start: new Date(now.getTime() - p.ms), end: new Date(now.getTime()) };
}

/** `<input type="datetime-local">` value (local time, minutes) ↔ Date. */
export function toLocalInput(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function fromLocalInput(s: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(s)) return null;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d;
}

export interface WindowErrors {
  start?: string;
  end?: string;
}

const WINDOW_TEXT: Record<WindowRule, string> = {
  start_not_past: 'The start must be in the past',
  end_not_after_start: 'The end must be after the start',
  window_too_long: 'The window can be at most 24 hours',
  end_in_future: 'The end can be at most a minute from now',
};

export function validateWindow(start: Date | null, end: Date | null, now: Date = new Date()): WindowErrors {
  const e: WindowErrors = {};
  if (!start) e.start = 'Enter a start time';
  if (!end) e.end = 'Enter an end time';
  if (start && end) {
    for (const err of checkAnalysisWindow(start, end, now.getTime())) {
      const key = err.field === 'timeStart' ? 'start' : 'end';
      e[key] ??= WINDOW_TEXT[err.rule];
    }
  }
  return e;
}

export function validateDescription(d: string): string | undefined {
  const t = d.trim();
  if (!t) return 'Describe what is going wrong';
  if (t.length > DESCRIPTION_MAX) return `At most ${DESCRIPTION_MAX} characters`;
  return undefined;
}

export type ScanVerdict = 'too_narrow' | 'borderline' | 'good' | 'plenty' | 'too_wide';

/** Product §6.2 guidance for `logsScanned`. */
export function logsScannedHint(n: number): { verdict: ScanVerdict; text: string; tone: 'warning' | 'info' | 'success' } {
  if (n < 10) return { verdict: 'too_narrow', text: 'The window is almost certainly too narrow: widen it 2–4×.', tone: 'warning' };
  if (n < 50) return { verdict: 'borderline', text: 'Borderline: widen the window if the result is generic.', tone: 'info' };
  if (n <= 500) return { verdict: 'good', text: 'Good range of evidence.', tone: 'success' };
  if (n <= 5000) return { verdict: 'plenty', text: 'Plenty of evidence.', tone: 'success' };
  return { verdict: 'too_wide', text: 'Probably too wide: tighten the window around the first symptom.', tone: 'warning' };
}
