import type { LogEntry, LogLevel } from '@app/contracts';

const ERROR_WORDS = new Set(['fatal', 'critical', 'crit', 'error', 'err', 'emerg', 'emergency', 'alert', 'panic', 'severe']);
const WARN_WORDS = new Set(['warn', 'warning']);

/**
 * Map a platform level/severity/status to our three levels: fatal, critical, error, err, emerg, alert → error;
 * warn, warning → warn; anything else (info, debug, notice, trace, ok, unknown) → info.
 * Numeric syslog severities (0–3 error, 4 warn) and pino/bunyan levels (≥50 error, 40 warn) are understood too.
 */
export function normaliseLevel(value: unknown): LogLevel {
  if (value === undefined || value === null) return 'info';
  if (typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value.trim()))) {
    const n = Number(value);
    if (n >= 10) return n >= 50 ? 'error' : n >= 40 ? 'warn' : 'info';
    return n <= 3 ? 'error' : n === 4 ? 'warn' : 'info';
  }
  const word = String(value).trim().toLowerCase();
  if (ERROR_WORDS.has(word)) return 'error';
  if (WARN_WORDS.has(word)) return 'warn';
  return 'info';
}

/** Find a level word at the start of a text line ("ERROR ...", "[warn] ...", "level=error ..."); undefined when none. */
export function levelFromText(text: string): LogLevel | undefined {
  const m =
    /\b(?:level|lvl|severity)\s*[=:]\s*"?([a-z]+)/i.exec(text) ??
    /^\W{0,3}(?:\S+\s+){0,3}?\[?(fatal|critical|crit|error|err|emerg|alert|panic|warn|warning|info|debug|trace|notice)\]?\b/i.exec(text);
  if (!m) return undefined;
  return normaliseLevel(m[1]);
}

/** Any timestamp form a platform uses (ISO string, epoch s/ms/µs/ns as number or string, Date) → ISO-8601 UTC, or undefined. */
export function toIsoTimestamp(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  if (typeof value === 'number' || (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim()))) {
    const n = Number(value);
    let ms: number;
    if (n >= 1e17)
      ms = n / 1e6; // nanoseconds
    else if (n >= 1e14)
      ms = n / 1e3; // microseconds
    else if (n >= 1e11)
      ms = n; // milliseconds
    else ms = n * 1000; // seconds
    const d = new Date(ms);
    return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
  }
  const d = new Date(String(value));
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** Nanosecond epoch string (Loki) → ISO with millisecond precision, exact for 19-digit values. */
export function nanosToIso(ns: string): string {
  const ms = Number(BigInt(ns) / 1_000_000n);
  return new Date(ms).toISOString();
}

/** Date → nanosecond epoch string (Loki's `start`/`end`). */
export function dateToNanos(d: Date): string {
  return (BigInt(d.getTime()) * 1_000_000n).toString();
}

/** Read a dotted path (`log.level`) from a document, also accepting a flat key with dots. */
export function getPath(doc: unknown, path: string): unknown {
  if (!doc || typeof doc !== 'object') return undefined;
  const obj = doc as Record<string, unknown>;
  if (path in obj) return obj[path];
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** First present, non-empty value among dotted paths. */
export function firstPath(doc: unknown, paths: string[]): unknown {
  for (const p of paths) {
    const v = getPath(doc, p);
    if (v !== undefined && v !== null && v !== '') return v;
  }
  return undefined;
}

/** Normalised entries sort oldest first; ties keep their order. */
export function sortByTimestamp(entries: LogEntry[]): LogEntry[] {
  return entries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => (a.e.timestamp < b.e.timestamp ? -1 : a.e.timestamp > b.e.timestamp ? 1 : a.i - b.i))
    .map((x) => x.e);
}

/** The small recent window Test connection queries. */
export const TEST_WINDOW_MS = 15 * 60 * 1000;
/** Sample lines shown by Test connection. */
export const TEST_SAMPLE_SIZE = 5;

export function toSample(entries: LogEntry[], n = TEST_SAMPLE_SIZE): Array<Pick<LogEntry, 'timestamp' | 'level' | 'service' | 'message'>> {
  return entries.slice(-n).map(({ timestamp, level, service, message }) => ({ timestamp, level, service, message }));
}
