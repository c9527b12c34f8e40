import { describe, expect, it } from 'vitest';
import { MAX_WINDOW_MS, PRESETS, fromLocalInput, logsScannedHint, presetWindow, toLocalInput, validateDescription, validateWindow } from './window';

const now = new Date('2026-04-25T14:30:00Z');

describe('window presets', () => {
  it('offers 15m/30m/1h/6h/24h ending now', () => {
    expect(PRESETS.map((p) => p.key)).toEqual(['15m', '30m', '1h', '6h', '24h']);
    const w = presetWindow('30m', now);
    expect(w.end.toISOString()).toBe('2026-04-25T14:30:00.000Z');
    expect(w.start.toISOString()).toBe('2026-04-25T14:00:00.000Z');
    expect(presetWindow('24h', now).end.getTime() - presetWindow('24h', now).start.getTime()).toBe(MAX_WINDOW_MS);
  });

  it('every preset passes validation', () => {
    for (const p of PRESETS) {
      const w = presetWindow(p.key, now);
      expect(validateWindow(w.start, w.end, now)).toEqual({});
    }
  });
});

describe('validateWindow', () => {
  it('refuses more than 24 h, an end before the start and a missing side', () => {
    const start = new Date('2026-04-24T14:00:00Z');
    expect(validateWindow(start, new Date(start.getTime() + MAX_WINDOW_MS + 60_000), now).end).toMatch(/24 hours/);
    expect(validateWindow(now, new Date(now.getTime() - 1), now).end).toMatch(/after the start/);
    expect(validateWindow(null, now, now).start).toBeDefined();
    expect(validateWindow(now, null, now).end).toBeDefined();
  });

  it('refuses a start in the future', () => {
    const s = new Date(now.getTime() + 3_600_000);
    expect(validateWindow(s, new Date(s.getTime() + 60_000), now).start).toMatch(/in the past/);
  });

  it('follows the server: a start at "now" and an end more than a minute ahead are refused', () => {
    expect(validateWindow(now, new Date(now.getTime() + 30_000), now).start).toMatch(/in the past/);
    const s = new Date(now.getTime() - 3_600_000);
    expect(validateWindow(s, new Date(now.getTime() + 120_000), now).end).toMatch(/a minute from now/);
    expect(validateWindow(s, new Date(now.getTime() + 30_000), now)).toEqual({});
  });
});

describe('datetime-local conversion', () => {
  it('round-trips to the minute in local time', () => {
    const d = new Date(2026, 3, 25, 9, 5);
    expect(toLocalInput(d)).toBe('2026-04-25T09:05');
    expect(fromLocalInput('2026-04-25T09:05')!.getTime()).toBe(d.getTime());
    expect(fromLocalInput('garbage')).toBeNull();
    expect(fromLocalInput('')).toBeNull();
  });
});

describe('description', () => {
  it('needs 1–5000 characters', () => {
    expect(validateDescription('   ')).toBeDefined();
    expect(validateDescription('x'.repeat(5000))).toBeUndefined();
    expect(validateDescription('x'.repeat(5001))).toMatch(/5000/);
  });
});

describe('logsScannedHint (product §6.2)', () => {
  it.each([
    [0, 'too_narrow'],
    [9, 'too_narrow'],
    [10, 'borderline'],
    [49, 'borderline'],
    [50, 'good'],
    [500, 'good'],
    [501, 'plenty'],
    [5000, 'plenty'],
    [5001, 'too_wide'],
  ])('%i lines → %s', (n, verdict) => {
    expect(logsScannedHint(n).verdict).toBe(verdict);
  });
});
