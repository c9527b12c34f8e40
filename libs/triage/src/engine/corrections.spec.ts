import type { TriageCorrection, TriageInput } from '@app/contracts';
import { learnedWords, MAX_CORRECTIONS, nearestCorrections, prepareCorrections, triage } from './index';

const createdAt = '2026-03-10T09:30:00.000Z';
const context: TriageInput['context'] = {
  services: [
    { name: 'checkout', critical: true, aliases: ['cart'] },
    { name: 'payouts', aliases: ['payout', 'earnings'] },
    { name: 'partner-portal', aliases: ['menu editor', 'portal'] },
  ],
};
const run = (text: string, corrections?: ReturnType<typeof prepareCorrections>) =>
  triage({ text, createdAt, timezone: 'UTC', timeBufferHours: 2, context }, { corrections });

const corr = (i: number, text: string, extra: Partial<TriageCorrection>): TriageCorrection => ({
  id: `c${i}`,
  conversationId: String(100 + i),
  text,
  createdAt: new Date(Date.UTC(2026, 2, 1, 10, i)).toISOString(),
  ...extra,
});

describe('corrections (agents teach triage, per project)', () => {
  const text = 'The tablet in our kitchen keeps beeping twice for every new order and the staff find it confusing.';

  it('a near-identical corrected conversation decides, with evidence naming it', () => {
    const before = run(text);
    const target = before.severity === 'high' ? 'medium' : 'high';
    const prepared = prepareCorrections({
      corrections: [
        corr(1, text, { severity: target, affectedService: 'partner-portal', before: { severity: before.severity, affectedService: before.affectedService } }),
      ],
    });
    const after = run(text, prepared);
    expect(after.severity).toBe(target);
    expect(after.affectedService).toBe('partner-portal');
    const ev = after.evidence.find((e) => e.kind === 'correction' && e.signal === 'correction.severity');
    expect(ev?.detail).toMatch(new RegExp(`like conversation 101 that an agent marked ${target}`));
  });

  it('unrelated corrections change nothing', () => {
    const prepared = prepareCorrections({
      corrections: [corr(1, 'How do I change the bank account for my weekly payout?', { severity: 'info', affectedService: 'payouts' })],
    });
    const plain = run('Checkout is down for everyone, nobody can pay.');
    const taught = run('Checkout is down for everyone, nobody can pay.', prepared);
    expect(taught.severity).toBe(plain.severity);
    expect(taught.affectedService).toBe(plain.affectedService);
    expect(taught.evidence.some((e) => e.kind === 'correction')).toBe(false);
  });

  it('learns words agents keep linking to one service, and forgets removed ones', () => {
    const corrections = [
      corr(1, 'The rider app shows the geofence in the wrong street again.', { affectedService: 'payouts' }),
      corr(2, 'Geofence misplaced for the third time today.', { affectedService: 'payouts' }),
      corr(3, 'the geofence is off by two blocks', { affectedService: 'payouts' }),
    ];
    const prepared = prepareCorrections({ corrections });
    const words = learnedWords(prepared)
      .filter((w) => w.service === 'payouts')
      .map((w) => w.word);
    expect(words).toContain('geofence');
    const r = run('The geofence is broken', prepared);
    expect(r.affectedService).toBe('payouts');
    expect(r.evidence.find((e) => e.kind === 'service')?.detail).toMatch(/agents/);
    const removed = prepareCorrections({ corrections, removedWords: ['Geofence'] });
    expect(learnedWords(removed).map((w) => w.word)).not.toContain('geofence');
  });

  it('is deterministic for the same snapshot, whatever the order it arrives in', () => {
    const list = Array.from({ length: 30 }, (_, i) =>
      corr(i, `Order ${i} was paid but the payout for it is missing, amount ${i * 3} EUR`, { severity: i % 2 ? 'medium' : 'high', affectedService: 'payouts' }),
    );
    const a = prepareCorrections({ corrections: list });
    const b = prepareCorrections({ corrections: [...list].reverse() });
    expect(a.fingerprint).toBe(b.fingerprint);
    const q = 'Order 7 was paid but the payout is missing';
    expect(nearestCorrections(a, q)).toEqual(nearestCorrections(b, q));
    expect(run(q, a)).toEqual(run(q, b));
  });

  it('uses only the newest corrections', () => {
    const many = Array.from({ length: MAX_CORRECTIONS + 5 }, (_, i) => corr(i, `note ${i}`, { severity: 'low' }));
    expect(prepareCorrections({ corrections: many }).examples.length).toBe(MAX_CORRECTIONS);
  });

  it('ignores services that are not in the catalogue any more, and tolerates an empty snapshot', () => {
    const prepared = prepareCorrections({ corrections: [corr(1, text, { affectedService: 'deleted-service' })] });
    expect(run(text, prepared).affectedService).not.toBe('deleted-service');
    expect(prepareCorrections(null).examples.length).toBe(0);
    expect(run(text, prepareCorrections({ corrections: [] }))).toEqual(run(text));
  });
});
