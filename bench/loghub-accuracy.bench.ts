/* Grouping (GA) and parsing (PA) accuracy of the signature miner on Loghub-2k, one default configuration. */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { groupingAccuracy, groupingF1, LOGHUB_SYSTEMS, parseStructuredCsv, parsingAccuracy } from '../libs/analysis/src/engine/loghub';
import { mineAll } from '../libs/analysis/src/engine/mine-all';

const repoRoot = path.resolve(__dirname, '..');
const dir = path.resolve(repoRoot, '..', 'shared', 'datasets', 'loghub-2k');
if (!existsSync(dir)) {
  process.stdout.write(`loghub-accuracy: skipped, dataset folder not found at ${dir}\n`);
  process.exit(0);
}
const only = process.argv.slice(2);
let sumGA = 0;
let sumPA = 0;
let sumF1 = 0;
let n = 0;
process.stdout.write(`${'system'.padEnd(12)} ${'GA'.padStart(6)} ${'PA'.padStart(6)} ${'F1'.padStart(6)}  clusters/truth\n`);
for (const sys of LOGHUB_SYSTEMS) {
  if (only.length && !only.includes(sys)) continue;
  const file = path.join(dir, sys, `${sys}_2k.log_structured_corrected.csv`);
  if (!existsSync(file)) {
    process.stdout.write(`${sys}: skipped, ${file} not found\n`);
    continue;
  }
  const lines = parseStructuredCsv(readFileSync(file, 'utf8'));
  const mined = mineAll(lines.map((l) => l.content));
  const ga = groupingAccuracy(
    lines.map((l) => l.eventId),
    mined.map((m) => m.clusterId),
  );
  const pa = parsingAccuracy(
    lines.map((l) => l.template),
    mined.map((m) => m.template),
  );
  const f1 = groupingF1(
    lines.map((l) => l.eventId),
    mined.map((m) => m.clusterId),
  );
  const clusters = new Set(mined.map((m) => m.clusterId)).size;
  const truth = new Set(lines.map((l) => l.eventId)).size;
  sumGA += ga;
  sumPA += pa;
  sumF1 += f1;
  n++;
  process.stdout.write(`${sys.padEnd(12)} ${ga.toFixed(3).padStart(6)} ${pa.toFixed(3).padStart(6)} ${f1.toFixed(3).padStart(6)}  ${clusters}/${truth}\n`);
  if (process.env.LOGHUB_DEBUG) {
    const truthOf = new Map<string, Set<string>>();
    mined.forEach((m, i) => {
      const s = truthOf.get(m.clusterId) ?? new Set<string>();
      s.add(lines[i].eventId);
      truthOf.set(m.clusterId, s);
    });
    const predOf = new Map<string, Set<string>>();
    mined.forEach((m, i) => {
      const s = predOf.get(lines[i].eventId) ?? new Set<string>();
      s.add(m.clusterId);
      predOf.set(lines[i].eventId, s);
    });
    const tmplOfTruth = new Map(lines.map((l) => [l.eventId, l.template]));
    const tmplOfPred = new Map(mined.map((m) => [m.clusterId, m.template]));
    for (const [c, s] of truthOf)
      if (s.size > 1) process.stdout.write(`  MERGED ${tmplOfPred.get(c)}  <=  ${[...s].map((e) => tmplOfTruth.get(e)).join('  ||  ')}\n`);
    for (const [e, s] of predOf)
      if (s.size > 1) process.stdout.write(`  SPLIT ${tmplOfTruth.get(e)}  =>  ${[...s].map((c) => tmplOfPred.get(c)).join('  ||  ')}\n`);
  }
}
if (n)
  process.stdout.write(
    `${'average'.padEnd(12)} ${(sumGA / n).toFixed(3).padStart(6)} ${(sumPA / n).toFixed(3).padStart(6)} ${(sumF1 / n).toFixed(3).padStart(6)}  (${n} systems, one default configuration)\n`,
  );
