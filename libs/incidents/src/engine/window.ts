/** The window of an incident's analysis: the union of its conversations' windows, at most 24 h, never after now. */

const DAY = 24 * 3_600_000;

export function unionWindow(windows: ReadonlyArray<{ start: number; end: number }>, now: number, fallbackHours = 2): { start: number; end: number } {
  const valid = windows.filter((w) => Number.isFinite(w.start) && Number.isFinite(w.end));
  const end = Math.min(now, valid.length ? Math.max(...valid.map((w) => w.end)) : now);
  let start = valid.length ? Math.min(...valid.map((w) => w.start)) : end - fallbackHours * 3_600_000;
  if (end - start > DAY) start = end - DAY;
  if (start >= end) start = end - fallbackHours * 3_600_000;
  return { start, end };
}
