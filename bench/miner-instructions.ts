/*
 * Work of the signature miner per distinct Loghub-2k line, for callgrind (instruction counts do not depend on what
 * else the machine runs). Not part of `npm run bench` (not a *.bench.ts). Mines each system's distinct lines with a
 * fresh miner and no exact-message cache: WARMUP passes, then MINER_REPS passes (default 20), and prints the line
 * count. Two runs, one with MINER_REPS=0, give the instructions of the warm mining alone:
 *
 *   for r in 0 20; do MINER_REPS=$r nice -n 19 valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.$r \
 *     node_modules/node/bin/node --single-threaded scripts/run-ts.cjs bench/miner-instructions.ts; done
 *   # instructions per line = (Collected of cg.20 - Collected of cg.0) / (20 × distinct lines)
 *
 * --single-threaded: V8 compiles and collects garbage on the main thread, so when optimised code arrives no longer
 * depends on how valgrind schedules threads (figures of the same code then agree within ~1.5 % instead of ~10 %); the
 * code is the same.
 * The warm-up passes take the miner's functions through every tier (after one pass, 10 more still cost ~20 % extra).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { LOGHUB_SYSTEMS, parseStructuredCsv, SignatureMiner } from '@app/analysis/engine';

const dir = path.resolve(__dirname, '..', '..', 'shared', 'datasets', 'loghub-2k');
const reps = Number(process.env.MINER_REPS ?? 20);
const WARMUP = 10;
const batches = LOGHUB_SYSTEMS.map((sys) => [
  ...new Set(parseStructuredCsv(readFileSync(path.join(dir, sys, `${sys}_2k.log_structured_corrected.csv`), 'utf8')).map((l) => l.content)),
]);
const mine = () => {
  let sum = 0;
  for (const b of batches) {
    const m = new SignatureMiner({ maxCacheEntries: 0 });
    for (const line of b) sum += m.addId(line);
  }
  return sum;
};
for (let r = 0; r < WARMUP; r++) mine();
for (let r = 0; r < reps; r++) mine();
process.stdout.write(`distinct lines per pass: ${batches.reduce((s, b) => s + b.length, 0)}, passes measured: ${reps}\n`);
