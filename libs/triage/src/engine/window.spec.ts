import { computeWindow } from './window';

const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('computeWindow (contract §8)', () => {
  const parisCreated = Date.parse('2026-03-10T09:30:00Z'); // 10:30 in Paris (UTC+1)

  it('"since 9am" in Europe/Paris → 08:55 local, end = createdAt', () => {
    const w = computeWindow('Checkout has been throwing 500s for everyone since 9am', parisCreated, 'Europe/Paris', 2);
    expect(iso(w.start)).toBe('2026-03-10T07:55:00.000Z');
    expect(w.end).toBe(parisCreated);
    expect(w.source).toBe('clock');
    expect(w.evidence[0]).toMatchObject({ kind: 'window', match: '9am' });
  });

  it('reads the same clock time in the conversation time zone', () => {
    const created = Date.parse('2026-03-10T05:00:00Z'); // 14:00 in Tokyo
    expect(iso(computeWindow('broken since 1pm', created, 'Asia/Tokyo', 2).start)).toBe('2026-03-10T03:55:00.000Z');
    const ny = Date.parse('2026-07-01T15:00:00Z'); // 11:00 EDT
    expect(iso(computeWindow('errors since 9:30 am', ny, 'America/New_York', 2).start)).toBe('2026-07-01T13:25:00.000Z');
  });

  it('"for the last 2 hours" → createdAt − 2 h − 5 min', () => {
    expect(computeWindow('search slow for the last 2 hours', parisCreated, 'Europe/Paris', 2).start).toBe(parisCreated - 125 * MIN);
  });

  it('"30 minutes ago" and "an hour ago" are durations', () => {
    expect(computeWindow('it started 30 minutes ago', parisCreated, 'UTC', 2).start).toBe(parisCreated - 35 * MIN);
    expect(computeWindow('failed for me an hour ago', parisCreated, 'UTC', 2).start).toBe(parisCreated - 65 * MIN);
    expect(computeWindow('down for about 45 mins now', parisCreated, 'UTC', 2).start).toBe(parisCreated - 50 * MIN);
  });

  it('"yesterday at 3pm" → the previous day 14:55 local', () => {
    const created = Date.parse('2026-03-11T14:00:00Z'); // 10:00 EDT
    expect(iso(computeWindow('Since yesterday at 3pm no labels print', created, 'America/New_York', 2).start)).toBe('2026-03-10T18:55:00.000Z');
  });

  it('a clock time later than createdAt means the day before, never the future', () => {
    const created = Date.parse('2026-03-06T23:30:00Z'); // 00:30 on the 7th in Paris
    const w = computeWindow('Since 11pm lots of shoppers cannot pay', created, 'Europe/Paris', 2);
    expect(iso(w.start)).toBe('2026-03-06T21:55:00.000Z');
    expect(w.start).toBeLessThanOrEqual(created);
    const tomorrow = computeWindow('we will restart it tomorrow at 9am', created, 'Europe/Paris', 2);
    expect(tomorrow.source).toBe('buffer');
  });

  it('falls back to createdAt − buffer when no onset is stated', () => {
    const w = computeWindow('How do I export a CSV?', parisCreated, 'Europe/Paris', 3);
    expect(w.start).toBe(parisCreated - 3 * 60 * MIN);
    expect(w.end).toBe(parisCreated);
    expect(w.source).toBe('buffer');
  });

  it.each([
    'This week a few customers saw wrong dates',
    'After 10 days of using the app, push stopped',
    'It failed earlier but works now',
    'Can I schedule the export to run at 6am every day?',
    'The page spins for 30 seconds before loading',
    'since last week the totals are off',
    "we've been customers for a couple of years",
  ])('"%s" does not move the window', (text) => {
    expect(computeWindow(text, parisCreated, 'Europe/Paris', 2).source).toBe('buffer');
  });

  it('"since 13h" (French style) is a clock time, not 13 hours', () => {
    const created = Date.parse('2026-03-06T13:00:00Z'); // 14:00 Paris
    expect(iso(computeWindow('since 13h all payments fail', created, 'Europe/Paris', 2).start)).toBe('2026-03-06T11:55:00.000Z');
  });

  it('the earliest stated onset wins', () => {
    const created = Date.parse('2026-03-10T16:00:00Z');
    const w = computeWindow('It went down around 2pm, and again for 5 minutes just now', created, 'UTC', 2);
    expect(iso(w.start)).toBe('2026-03-10T13:55:00.000Z');
  });
});

describe('computeWindow in many languages', () => {
  // 2026-10-14 10:00 in Paris/Berlin/Madrid/Amsterdam/Rome/Lisbon(09:00) — CEST (UTC+2), WEST (UTC+1).
  const created = Date.parse('2026-10-14T08:00:00Z');
  it.each([
    ['Seit 9 Uhr geht die Kasse nicht', 'Europe/Berlin', '2026-10-14T06:55:00.000Z'],
    ['Depuis 8h45 plus rien ne passe', 'Europe/Paris', '2026-10-14T06:40:00.000Z'],
    ['Desde las 9:30 no funciona el pago', 'Europe/Madrid', '2026-10-14T07:25:00.000Z'],
    ['desde as 8h o pix não funciona', 'Europe/Lisbon', '2026-10-14T06:55:00.000Z'],
    ['Sinds 9:15 werkt inloggen niet', 'Europe/Amsterdam', '2026-10-14T07:10:00.000Z'],
    ['Dalle 9:30 il carrello non va', 'Europe/Rome', '2026-10-14T07:25:00.000Z'],
    ['Sinds 8 uur vanochtend ligt alles plat', 'Europe/Amsterdam', '2026-10-14T05:55:00.000Z'],
  ])('%s (%s) → %s', (text, tz, start) => {
    expect(iso(computeWindow(text, created, tz, 2).start)).toBe(start);
  });

  it.each([
    ['Seit zwei Stunden kommen keine Mails an', 125],
    ['Depuis une heure le site est en panne', 65],
    ['No funciona desde hace 20 minutos', 25],
    ['O app está fora do ar há 40 minutos', 45],
    ['Sinds een kwartier ligt alles eruit', 20],
    ['Non funziona da due ore', 125],
    ['vor 30 Minuten ist es abgestürzt', 35],
    ['it has been like this for about an hour and a half', 95],
  ])('%s → createdAt − %i min', (text, minutes) => {
    expect(computeWindow(text, created, 'Europe/Paris', 2).start).toBe(created - minutes * MIN);
  });

  it.each(['Diese Woche war es langsam', 'La semaine dernière ça a planté une fois', 'Todos los días a las 6 se envía el informe', 'Funziona di nuovo adesso'])(
    '"%s" does not move the window',
    (text) => {
      expect(computeWindow(text, created, 'Europe/Paris', 2).source).toBe('buffer');
    },
  );
});
