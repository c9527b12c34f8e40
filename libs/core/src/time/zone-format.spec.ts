import { zoneFormatter } from './zone-format';

const SHAPE = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } as const;

describe('zoneFormatter', () => {
  it('formats in the zone and builds each (options, zone) once', () => {
    const paris = zoneFormatter('en-GB', SHAPE, 'Europe/Paris')!;
    expect(paris.format(new Date('2026-03-10T09:30:00Z'))).toBe('10:30');
    expect(zoneFormatter('en-GB', SHAPE, 'Europe/Paris')).toBe(paris);
    expect(zoneFormatter('en-GB', SHAPE, 'UTC')!.format(new Date('2026-03-10T09:30:00Z'))).toBe('09:30');
    expect(zoneFormatter('en-GB', { ...SHAPE }, 'Europe/Paris')).not.toBe(paris);
  });

  it('answers null for an unknown time zone, every time', () => {
    expect(zoneFormatter('en-GB', SHAPE, 'Mars/Olympus_Mons')).toBeNull();
    expect(zoneFormatter('en-GB', SHAPE, 'Mars/Olympus_Mons')).toBeNull();
  });
});
