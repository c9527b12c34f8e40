import type { TriageInput, TriageResult } from '@app/contracts';
import { evaluate, type EvaluationCase } from './evaluate';

const cases: EvaluationCase[] = [
  {
    id: 'a',
    text: 'x',
    createdAt: '2026-03-10T10:00:00Z',
    timezone: 'UTC',
    expected: { severity: 'high', service: 'checkout', windowStart: '2026-03-10T08:00:00Z' },
  },
  {
    id: 'b',
    text: 'y',
    createdAt: '2026-03-10T10:00:00Z',
    timezone: 'UTC',
    expected: { severity: 'info', service: null, windowStart: '2026-03-10T08:00:00Z' },
  },
];
const fake =
  (map: Record<string, Partial<TriageResult>>) =>
  (input: TriageInput): TriageResult => ({
    severity: 'info',
    affectedService: null,
    window: { start: '2026-03-10T08:00:30Z', end: input.createdAt },
    summary: '',
    keywords: [],
    confidence: 0.5,
    language: 'en',
    model: 'heuristic',
    evidence: [],
    ...map[input.text],
  });

describe('evaluate', () => {
  it('computes exact, within-one, service and window (±1 min) accuracy', () => {
    const r = evaluate(
      cases,
      fake({ x: { severity: 'critical', affectedService: 'checkout' }, y: { window: { start: '2026-03-10T07:58:00Z', end: '' } } }),
      undefined,
    );
    expect(r.total).toBe(2);
    expect(r.severityExact).toBe(0.5);
    expect(r.severityWithinOne).toBe(1);
    expect(r.service).toBe(1);
    expect(r.window).toBe(0.5);
    expect(r.confusion.high.critical).toBe(1);
    expect(r.misses).toEqual(
      expect.arrayContaining([
        { id: 'a', field: 'severity', expected: 'high', actual: 'critical' },
        { id: 'b', field: 'window', expected: '2026-03-10T08:00:00Z', actual: '2026-03-10T07:58:00Z' },
      ]),
    );
  });
});
