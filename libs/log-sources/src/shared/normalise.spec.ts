import { dateToNanos, getPath, levelFromText, nanosToIso, normaliseLevel, sortByTimestamp, toIsoTimestamp } from './normalise';

describe('normaliseLevel', () => {
  it.each([
    ['fatal', 'error'],
    ['CRITICAL', 'error'],
    ['error', 'error'],
    ['err', 'error'],
    ['emerg', 'error'],
    ['emergency', 'error'],
    ['alert', 'error'],
    ['warn', 'warn'],
    ['Warning', 'warn'],
    ['info', 'info'],
    ['debug', 'info'],
    ['notice', 'info'],
    ['ok', 'info'],
    ['trace', 'info'],
    ['', 'info'],
    [undefined, 'info'],
    [50, 'error'],
    [40, 'warn'],
    [30, 'info'],
    ['3', 'error'],
    [4, 'warn'],
    [6, 'info'],
  ])('%p → %p', (input, expected) => {
    expect(normaliseLevel(input)).toBe(expected);
  });
});

describe('levelFromText', () => {
  it('finds a leading level word or a level= field', () => {
    expect(levelFromText('ERROR something broke')).toBe('error');
    expect(levelFromText('[warn] disk at 90%')).toBe('warn');
    expect(levelFromText('2024-01-01T00:00:00Z WARNING slow')).toBe('warn');
    expect(levelFromText('ts=1 level=error msg=x')).toBe('error');
    expect(levelFromText('user logged in')).toBeUndefined();
  });
});

describe('timestamps', () => {
  it('converts ISO strings and epoch s/ms/µs/ns', () => {
    const iso = '2024-01-01T12:00:00.123Z';
    const ms = Date.parse(iso);
    expect(toIsoTimestamp(iso)).toBe(iso);
    expect(toIsoTimestamp(ms)).toBe(iso);
    expect(toIsoTimestamp(String(ms * 1000))).toBe(iso);
    expect(toIsoTimestamp(`${ms}000000`)).toBe(iso);
    expect(toIsoTimestamp(1704110400)).toBe('2024-01-01T12:00:00.000Z');
    expect(toIsoTimestamp('not a date')).toBeUndefined();
  });

  it('round-trips Loki nanoseconds exactly', () => {
    const d = new Date('2024-01-01T12:00:00.123Z');
    expect(dateToNanos(d)).toBe('1704110400123000000');
    expect(nanosToIso('1704110400123999999')).toBe('2024-01-01T12:00:00.123Z');
  });
});

describe('getPath / sortByTimestamp', () => {
  it('reads nested and flat dotted keys', () => {
    expect(getPath({ log: { level: 'x' } }, 'log.level')).toBe('x');
    expect(getPath({ 'log.level': 'y' }, 'log.level')).toBe('y');
    expect(getPath({ log: 'str' }, 'log.level')).toBeUndefined();
  });

  it('sorts oldest first and keeps ties stable', () => {
    const e = (t: string, m: string) => ({ timestamp: t, level: 'info' as const, service: 's', message: m, raw: m });
    expect(
      sortByTimestamp([
        e('2024-01-02T00:00:00.000Z', 'c'),
        e('2024-01-01T00:00:00.000Z', 'a'),
        e('2024-01-02T00:00:00.000Z', 'd'),
        e('2024-01-01T00:00:00.000Z', 'b'),
      ]).map((x) => x.message),
    ).toEqual(['a', 'b', 'c', 'd']);
  });
});
