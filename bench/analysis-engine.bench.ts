/* Analysis engine figures: signature mining lines/s (Loghub lines and generated lines), analyze() time on
 * 1M generated entries with a baseline, and diagnosis accuracy across scenarios × seeds. Never fails on a timing. */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { LogEntry } from '@app/contracts';
import { analyze } from '../libs/analysis/src/engine/analyze';
import { LOGHUB_SYSTEMS, parseStructuredCsv } from '../libs/analysis/src/engine/loghub';
import { SignatureMiner } from '../libs/analysis/src/engine/signature-miner';
import { generateMessages, generateScenario, SCENARIO_KINDS } from '../libs/analysis/src/engine/scenarios/incident-generator';

const out = (s: string) => process.stdout.write(`${s}\n`);
const repoRoot = path.resolve(__dirname, '..');
const dir = path.resolve(repoRoot, '..', 'shared', 'datasets', 'loghub-2k');

function mineRate(lines: string[], repeat: number): number {
  let total = 0;
  const t0 = process.hrtime.bigint();
  for (let k = 0; k < repeat; k++) {
    const m = new SignatureMiner();
    for (const l of lines) m.addId(l);
    total += lines.length;
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  return total / s;
}

// 1. Mining speed on Loghub lines (each system's 2k lines, fresh miner each time).
if (existsSync(dir)) {
  const all: string[][] = [];
  for (const sys of LOGHUB_SYSTEMS)
    all.push(parseStructuredCsv(readFileSync(path.join(dir, sys, `${sys}_2k.log_structured_corrected.csv`), 'utf8')).map((l) => l.content));
  mineRate(all.flat(), 1); // warm-up
  let lines = 0;
  const t0 = process.hrtime.bigint();
  for (let k = 0; k < 5; k++)
    for (const sys of all) {
      const m = new SignatureMiner();
      for (const l of sys) m.addId(l);
      lines += sys.length;
    }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  out(`mining, loghub-2k lines (16 systems × 2000, ×5): ${Math.round(lines / s).toLocaleString('en')} lines/s (Python Drain ≈ 9,000 lines/s)`);
} else out(`mining, loghub-2k lines: skipped, ${dir} not found`);

// 2. Mining speed on generated lines (unique ids, numbers, uuids in every line).
const gen = generateMessages(300_000, 42);
mineRate(gen.slice(0, 20_000), 1);
out(`mining, generated lines (300k): ${Math.round(mineRate(gen, 1)).toLocaleString('en')} lines/s`);

// 3. analyze() on 1M generated window entries + 500k baseline entries (generation not timed).
{
  const N = Number(process.env.BENCH_LINES ?? 1_000_000);
  const tg = Date.now();
  const s = generateScenario('upstream_timeout_chain', 7, { backgroundLines: N, baselineLines: Math.floor(N / 2) });
  const genMs = Date.now() - tg;
  const baseline = s.baseline;
  if (global.gc) global.gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const t0 = process.hrtime.bigint();
  const r = analyze({ entries: s.entries, baseline, window: s.window, services: s.services });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const heapAfter = process.memoryUsage().heapUsed;
  out(
    `analyze(): ${s.entries.length.toLocaleString('en')} window entries + ${baseline.length.toLocaleString('en')} baseline entries in ${(ms / 1000).toFixed(2)} s ` +
      `(${Math.round(((s.entries.length + baseline.length) / ms) * 1000).toLocaleString('en')} entries/s; generation ${(genMs / 1000).toFixed(1)} s; heap delta ${Math.round((heapAfter - heapBefore) / 1e6)} MB)`,
  );
  out(
    `  → origin ${r.rootCause.service} (expected ${s.expected.origin}), category ${r.rootCause.category} (expected ${s.expected.category}), confidence ${r.confidence}`,
  );
}

// 4. Diagnosis accuracy across scenarios × seeds.
{
  const seeds = Number(process.env.BENCH_SEEDS ?? 20);
  let originOk = 0;
  let catOk = 0;
  let both = 0;
  let n = 0;
  const misses: string[] = [];
  for (const kind of SCENARIO_KINDS) {
    let k = 0;
    for (let seed = 1000; seed < 1000 + seeds; seed++) {
      const s = generateScenario(kind, seed);
      const r = analyze({ entries: s.entries, baseline: s.baseline, window: s.window, services: s.services });
      const o = r.rootCause.service === s.expected.origin;
      const c = r.rootCause.category === s.expected.category;
      n++;
      if (o) originOk++;
      if (c) catOk++;
      if (o && c) {
        both++;
        k++;
      } else misses.push(`${kind}#${seed}: got ${r.rootCause.service}/${r.rootCause.category}, expected ${s.expected.origin}/${s.expected.category}`);
    }
    out(`  ${kind.padEnd(28)} ${k}/${seeds}`);
  }
  out(
    `diagnosis accuracy (${SCENARIO_KINDS.length} scenarios × ${seeds} seeds, unseen seeds 1000+): origin ${((originOk / n) * 100).toFixed(1)}%, category ${((catOk / n) * 100).toFixed(1)}%, both ${((both / n) * 100).toFixed(1)}%`,
  );
  for (const m of misses.slice(0, 10)) out(`  miss ${m}`);
}
