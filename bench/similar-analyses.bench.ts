/* relatedIncidents / GET …/similar: how well signature overlap finds the same incident again, and what one GET costs.
 * Data: generated incidents (libs/analysis/src/engine/scenarios), 10 kinds × 5 seeds per set, each analysed twice —
 * on the first and the second half of its window, as two reports of one incident would be. MIN_SIMILARITY was chosen
 * on the development set (seeds 101–105); the held-out set (seeds 201–205) was never used to choose anything.
 * Timing: ranking SIMILAR_CANDIDATES candidates, the most one GET compares. Never fails on a timing. */
import { analyze } from '@app/analysis';
import {
  generateScenario,
  MIN_SIMILARITY,
  prepareComparable,
  rankSimilar,
  SCENARIO_KINDS,
  SIMILAR_CANDIDATES,
  type PreparedComparable,
} from '@app/analysis/testing';
import type { AnalysisResult } from '@app/contracts';

const out = (s: string) => process.stdout.write(`${s}\n`);

interface Run {
  incident: string;
  half: 0 | 1;
  result: AnalysisResult;
}

function runsFor(seeds: number[]): Run[] {
  const runs: Run[] = [];
  for (const kind of SCENARIO_KINDS) {
    for (const seed of seeds) {
      const s = generateScenario(kind, seed, { backgroundLines: 1500 });
      const mid = Date.parse(s.window.start) + (Date.parse(s.window.end) - Date.parse(s.window.start)) / 2;
      const halves = [s.entries.filter((e) => Date.parse(e.timestamp) < mid), s.entries.filter((e) => Date.parse(e.timestamp) >= mid)];
      halves.forEach((entries, half) =>
        runs.push({
          incident: `${kind}/${seed}`,
          half: half as 0 | 1,
          result: analyze({ entries, baseline: s.baseline, window: s.window, services: s.services }),
        }),
      );
    }
  }
  return runs;
}

function evaluate(label: string, seeds: number[]): Run[] {
  const runs = runsFor(seeds);
  let found = 0;
  let top1 = 0;
  let falsePairs = 0;
  let otherPairs = 0;
  for (const a of runs.filter((r) => r.half === 1)) {
    const others = runs.filter((b) => b !== a);
    const ranked = rankSimilar(
      a.result,
      others.map((b) => ({ ...b.result, incident: b.incident })),
      others.length,
    );
    if (ranked.some((x) => x.candidate.incident === a.incident)) found++;
    if (ranked[0]?.candidate.incident === a.incident) top1++;
    otherPairs += others.filter((b) => b.incident !== a.incident).length;
    falsePairs += ranked.filter((x) => x.candidate.incident !== a.incident).length;
  }
  const n = runs.length / 2;
  const pct = (x: number, of: number) => `${x}/${of} (${((100 * x) / of).toFixed(1)} %)`;
  out(
    `${label}: ${n} generated incidents (${SCENARIO_KINDS.length} kinds × seeds ${seeds[0]}–${seeds.at(-1)}), two half-window analyses each, similarity ≥ ${MIN_SIMILARITY}`,
  );
  out(`  the other half is in relatedIncidents: ${pct(found, n)}`);
  out(`  the other half ranks first: ${pct(top1, n)}`);
  out(`  pairs of different incidents reported as related: ${pct(falsePairs, otherPairs)}`);
  return runs;
}

evaluate('development set (MIN_SIMILARITY chosen here)', [101, 102, 103, 104, 105]);
const held = evaluate('held-out set (never tuned on)', [201, 202, 203, 204, 205]);

// One GET: SIMILAR_CANDIDATES candidates. Cold = tokenising every candidate; warm = prepared once per process (the
// service caches them, finished results never change).
const pool = Array.from({ length: SIMILAR_CANDIDATES }, (_, i) => held[i % held.length].result);
const cache = new Map<number, PreparedComparable>();
const warmPrepare = (c: AnalysisResult & { n: number }) => cache.get(c.n) ?? cache.set(c.n, prepareComparable(c)).get(c.n)!;
const numbered = pool.map((r, n) => ({ ...r, n }));
const cold: number[] = [];
const warm: number[] = [];
for (let rep = 0; rep < 30; rep++) {
  const a = held[rep % held.length].result;
  let t0 = process.hrtime.bigint();
  rankSimilar(a, pool, 10);
  cold.push(Number(process.hrtime.bigint() - t0) / 1e6);
  rankSimilar(a, numbered, 10, warmPrepare);
  t0 = process.hrtime.bigint();
  rankSimilar(a, numbered, 10, warmPrepare);
  warm.push(Number(process.hrtime.bigint() - t0) / 1e6);
}
const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
out(
  `ranking ${SIMILAR_CANDIDATES} candidates for one GET (CPU only, without the SQL read): cold ${med(cold).toFixed(1)} ms, warm ${med(warm).toFixed(1)} ms median (same run: ${(med(cold) / med(warm)).toFixed(1)}×)`,
);
