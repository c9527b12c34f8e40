import { analyze } from '../analyze';
import { generateScenario, SCENARIO_KINDS } from './incident-generator';

const SEEDS = [1, 2, 3, 4];

describe('incident scenarios', () => {
  it('vary with the seed and are reproducible', () => {
    const a = generateScenario('db_pool_exhaustion', 1);
    const b = generateScenario('db_pool_exhaustion', 1);
    const c = generateScenario('db_pool_exhaustion', 2);
    expect(a.entries).toEqual(b.entries);
    expect(a.entries.length).not.toBe(c.entries.length);
    expect(a.baseline.length).toBeGreaterThan(1000);
    expect(a.entries.every((e) => e.timestamp >= a.window.start && e.timestamp < a.window.end)).toBe(true);
    expect(a.baseline.every((e) => e.timestamp < a.window.start)).toBe(true);
    const serviceSets = new Set(SEEDS.map((s) => generateScenario('upstream_timeout_chain', s).expected.origin));
    expect(serviceSets.size).toBeGreaterThan(1);
  });

  describe.each(SCENARIO_KINDS)('%s', (kind) => {
    it.each(SEEDS)('seed %i: finds the origin service and the category', (seed) => {
      const s = generateScenario(kind, seed, { backgroundLines: 2000 });
      const r = analyze({ entries: s.entries, baseline: s.baseline, window: s.window, services: s.services });
      expect({ service: r.rootCause.service, category: r.rootCause.category }).toEqual({ service: s.expected.origin, category: s.expected.category });
      expect(r.affectedServices.find((a) => a.role === 'origin')?.serviceName).toBe(s.expected.origin);
    });
  });
});
