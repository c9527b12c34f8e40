/* Pure: signature overlap between analysis results, on engine output for generated incidents. */
import { analyze } from '../engine/analyze';
import { generateScenario, type ScenarioKind } from '../engine/scenarios/incident-generator';
import { analysisSimilarity, matchedSignatures, MIN_SIMILARITY, prepareComparable, rankSimilar, templateWords } from './similarity';

const run = (kind: ScenarioKind, seed: number) => {
  const s = generateScenario(kind, seed, { backgroundLines: 600 });
  return analyze({ entries: s.entries, baseline: s.baseline, window: s.window, services: s.services });
};

describe('similarity', () => {
  it('template words drop variables and numbers, split camelCase', () => {
    expect([...templateWords('HikariPool-<*> - Connection is not available after <*>ms (active=42)')]).toEqual([
      'hikari',
      'pool',
      'connection',
      'is',
      'not',
      'available',
      'after',
      'ms',
      'active',
    ]);
  });

  it('is 1 for the same result, 0 without a shared signature, symmetric, within 0–1', () => {
    const a = run('db_pool_exhaustion', 5);
    expect(analysisSimilarity(a, a)).toBe(1);
    expect(analysisSimilarity({ signatures: [] }, a)).toBe(0);
    expect(analysisSimilarity({}, {})).toBe(0);
    const b = run('disk_full', 5);
    expect(analysisSimilarity(a, b)).toBe(analysisSimilarity(b, a));
    expect(analysisSimilarity(a, b)).toBeGreaterThanOrEqual(0);
    expect(analysisSimilarity(a, b)).toBeLessThanOrEqual(1);
  });

  it('ranks two runs of the same incident above an unrelated incident on the same services', () => {
    // Same seed → same services and wording; a second window of the same incident differs only in variables.
    const s = generateScenario('db_pool_exhaustion', 9, { backgroundLines: 600 });
    const half = Math.floor(s.entries.length / 2);
    const first = analyze({ entries: s.entries.slice(0, half), baseline: s.baseline, window: s.window, services: s.services });
    const second = analyze({ entries: s.entries.slice(half), baseline: s.baseline, window: s.window, services: s.services });
    const other = run('certificate_expiry', 9);
    expect(analysisSimilarity(first, second)).toBeGreaterThan(0.3);
    expect(analysisSimilarity(first, second)).toBeGreaterThan(analysisSimilarity(first, other));
  });

  it('matches templates of one service whose words mostly agree, never across services', () => {
    const a = [{ service: 'payments-api', template: 'could not acquire database connection from pool <*> within <*>ms' }];
    const b = [{ service: 'payments-api', template: "could not acquire database connection from pool 'primary' within <*>ms" }];
    const c = [{ service: 'orders-service', template: 'could not acquire database connection from pool <*> within <*>ms' }];
    expect(matchedSignatures(a, b)).toBe(1);
    expect(matchedSignatures(a, c)).toBe(0);
    expect(matchedSignatures(a, [{ service: 'payments-api', template: 'request <*> completed in <*>ms' }])).toBe(0);
    expect(matchedSignatures([{ template: 7, service: null } as never], a)).toBe(0);
  });
});

describe('rankSimilar', () => {
  it('keeps candidates at least MIN_SIMILARITY alike, most similar first, ties in input order, at most limit', () => {
    const a = run('db_pool_exhaustion', 12);
    const b = run('dns_failure', 12);
    const weak = { signatures: [...a.signatures!.slice(0, 1), ...b.signatures!] };
    const ranked = rankSimilar(a, [b, { ...a, id: 'copy-1' }, weak, { ...a, id: 'copy-2' }] as Array<typeof a & { id?: string }>, 2);
    expect(ranked.map((x) => x.candidate.id)).toEqual(['copy-1', 'copy-2']);
    expect(ranked.every((x) => x.similarity >= MIN_SIMILARITY)).toBe(true);
    expect(analysisSimilarity(a, weak)).toBeLessThan(MIN_SIMILARITY + 0.5);
    const calls: unknown[] = [];
    rankSimilar(a, [b], 1, (c) => {
      calls.push(c);
      return prepareComparable(c);
    });
    expect(calls).toEqual([b]);
  });
});
