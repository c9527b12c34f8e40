/** Time-zone helpers on top of Intl (no tz library). */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** True when Intl knows the IANA zone name. */
export function isValidTimeZone(tz: string | undefined | null): tz is string {
  if (!tz) return false;
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

export interface WallTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
}

interface Parts extends WallTime {
  second: number;
}
const partsCache = new Map<string, Parts>();

function partsAt(tz: string, ms: number): Parts {
  const key = `${tz}|${ms}`;
  const hit = partsCache.get(key);
  if (hit) return hit;
  const parts = formatter(tz).formatToParts(new Date(ms));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  const v = { year: get('year'), month: get('month'), day: get('day'), hour: get('hour') % 24, minute: get('minute'), second: get('second') };
  if (partsCache.size > 2048) partsCache.clear();
  partsCache.set(key, v);
  return v;
}

/** The wall-clock time in `tz` at instant `ms`. */
export function wallTime(tz: string, ms: number): WallTime {
  const p = partsAt(tz, ms);
  return { year: p.year, month: p.month, day: p.day, hour: p.hour, minute: p.minute };
}

/** Offset of `tz` from UTC in minutes at instant `ms` (Paris in winter: +60). */
export function offsetMinutes(tz: string, ms: number): number {
  const w = partsAt(tz, ms);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000);
}

/** The instant at which the wall clock in `tz` shows `w` (DST gaps resolve forward). */
export function wallTimeToUtc(tz: string, w: WallTime): number {
  const wall = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
  let guess = wall - offsetMinutes(tz, wall) * 60000;
  guess = wall - offsetMinutes(tz, guess) * 60000;
  return guess;
}
