/* Triage engine accuracy (dev and holdout sets) and throughput. Prints figures; never fails on a timing. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluate, triage, type EvaluationCase, type EvaluationReport } from '../libs/triage/src/engine';
import type { TriageInput } from '@app/contracts';

const dataDir = join(__dirname, '..', 'libs', 'triage', 'data');
const load = <T>(f: string): T => JSON.parse(readFileSync(join(dataDir, f), 'utf8')) as T;
const catalogue = load<{ services: NonNullable<TriageInput['context']>['services']; llmContext: string; servicesSeenInLogs: string[] }>('catalogue.json');
const context: TriageInput['context'] = { services: catalogue.services, llmContext: catalogue.llmContext, servicesSeenInLogs: catalogue.servicesSeenInLogs };
const verbose = process.argv.includes('--verbose') || process.env.TRIAGE_BENCH_VERBOSE === '1';

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
function print(name: string, r: EvaluationReport, showMisses: boolean) {
  process.stdout.write(
    `${name.padEnd(8)} n=${String(r.total).padStart(3)}  severity exact ${pct(r.severityExact)}  within one ${pct(r.severityWithinOne)}  service ${pct(r.service)}  window ${pct(r.window)}\n`,
  );
  if (showMisses) for (const m of r.misses) process.stdout.write(`   miss ${m.id} ${m.field}: expected ${m.expected} got ${m.actual}\n`);
}

const dev = load<EvaluationCase[]>('conversations.dev.json');
const holdout = load<EvaluationCase[]>('conversations.holdout.json');
print('dev', evaluate(dev, triage, context), verbose);
// Holdout misses stay hidden unless asked for explicitly: the holdout is not for tuning.
print('holdout', evaluate(holdout, triage, context), process.argv.includes('--holdout-misses'));

// Throughput: all conversations, repeated, after a warm-up.
const inputs: TriageInput[] = [...dev, ...holdout].map((c) => ({
  text: c.text,
  subject: c.subject,
  createdAt: c.createdAt,
  timezone: c.timezone,
  timeBufferHours: 2,
  context,
}));
for (const i of inputs) triage(i);
const rounds = 15;
const t0 = process.hrtime.bigint();
for (let k = 0; k < rounds; k++) for (const i of inputs) triage(i);
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
process.stdout.write(`throughput ${Math.round((rounds * inputs.length) / secs)} conversations/s (${rounds * inputs.length} runs in ${secs.toFixed(2)} s)\n`);
