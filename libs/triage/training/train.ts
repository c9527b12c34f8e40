/**
 * Trains the triage severity model and writes it as a committed module
 * (`libs/triage/src/engine/model/weights.generated.ts`). Deterministic: the same inputs give the
 * same bytes (seeded order, fixed rounding).
 *
 * Inputs:
 *   - the generated conversations (`generate.ts`, seeded; seven languages, every register);
 *   - the repository's labelled development set (`libs/triage/data/conversations.dev.json`);
 *   - the tuning split of `../shared/datasets/triage-conversations` (read in place, never copied;
 *     the other split is never used here).
 *
 * Usage: npm run triage:train            rebuild the module
 *        npm run triage:train -- --check  fail when the committed module differs from a rebuild
 *        npm run triage:train -- --cv     2-fold cross-validation on the tuning split (no write)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as prettier from 'prettier';
import { join, resolve } from 'node:path';
import { SEVERITIES, type ServiceDefinition, type Severity } from '@app/contracts';
import { extractFeatures } from '../src/engine/model/features';
import { predict, type SeverityModel } from '../src/engine/model/model';
import { readMessage } from '../src/engine/reading';
import { decideService, findServiceMentions, serviceIndexFor } from '../src/engine/service';
import { fnv1a, loadRepoCatalogue, loadRepoSet, loadShared, sharedAvailable } from './datasets';
import { generateConversations, GENERATOR_SEED, mulberry32 } from './generate';

export const MODEL_FILE = join(__dirname, '..', 'src', 'engine', 'model', 'weights.generated.ts');
const MODEL_NAME = 'triage-lr-2';
const EPOCHS = 30;
const VOCAB = 6000;
const MIN_COUNT = 3;

export interface TrainingExample {
  id: string;
  text: string;
  subject?: string;
  severity: Severity | Severity[];
  services: ServiceDefinition[];
  llmContext?: string | null;
  weight: number;
  source: string;
}

interface Vectorised {
  x: [number, number][]; // feature index, value
  y: number[]; // soft target per class
  w: number;
  id: string;
  source: string;
}

function features(e: TrainingExample): Map<string, number> {
  const r = readMessage(e.text, e.subject);
  const idx = serviceIndexFor(e.services, undefined, e.llmContext);
  const svc = decideService(r, findServiceMentions(r, idx), idx);
  return extractFeatures(r, { found: svc.service !== null, critical: svc.critical });
}

function target(s: Severity | Severity[]): number[] {
  const list = Array.isArray(s) ? s : [s];
  return SEVERITIES.map((c) => (list.includes(c) ? 1 / list.length : 0));
}

export function collectExamples(): TrainingExample[] {
  const out: TrainingExample[] = [];
  for (const g of generateConversations(GENERATOR_SEED)) out.push({ ...g, weight: 1, source: `gen-${g.lang}` });
  const cat = loadRepoCatalogue();
  for (const c of loadRepoSet('dev'))
    out.push({
      id: c.id,
      text: c.text,
      subject: c.subject,
      severity: c.expected.severity,
      services: cat.services,
      llmContext: cat.llmContext,
      weight: 2,
      source: 'repo-dev',
    });
  if (sharedAvailable())
    for (const c of loadShared())
      if (c.split === 'tune')
        out.push({
          id: c.id,
          text: c.text,
          subject: c.subject,
          severity: c.expected.severity,
          services: c.context?.services ?? [],
          llmContext: c.context?.llmContext,
          weight: 3,
          source: 'shared-tune',
        });
  return out;
}

export interface Featurised {
  e: TrainingExample;
  f: Map<string, number>;
}

export function featurise(examples: TrainingExample[]): Featurised[] {
  return examples.map((e) => {
    const f = features(e);
    return { e, f };
  });
}

export function train(examples: TrainingExample[], seed = GENERATOR_SEED): SeverityModel {
  return trainOn(featurise(examples), seed);
}

export function trainOn(raw: Featurised[], seed = GENERATOR_SEED): SeverityModel {
  // Vocabulary: every non-word feature, and the most frequent words.
  const counts = new Map<string, number>();
  for (const { f } of raw) for (const k of f.keys()) counts.set(k, (counts.get(k) ?? 0) + 1);
  const cueFeatures = [...counts.keys()].filter((k) => !k.startsWith('w:')).sort();
  const words = [...counts.entries()]
    .filter(([k, c]) => k.startsWith('w:') && c >= MIN_COUNT)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, VOCAB)
    .map(([k]) => k)
    .sort();
  const names = [...cueFeatures, ...words];
  const index = new Map(names.map((n, i) => [n, i]));
  const isWord = names.map((n) => n.startsWith('w:'));
  const data: Vectorised[] = raw.map(({ e, f }) => ({
    x: [...f.entries()].filter(([k]) => index.has(k)).map(([k, v]) => [index.get(k)!, v] as [number, number]),
    y: target(e.severity),
    w: e.weight,
    id: e.id,
    source: e.source,
  }));
  // Hold out 15 % (by id hash) to fit the softmax temperature.
  const fit = data.filter((d) => fnv1a(d.id) % 100 >= 15);
  const held = data.filter((d) => fnv1a(d.id) % 100 < 15);
  const K = SEVERITIES.length;
  const W = names.map(() => new Array<number>(K).fill(0));
  const next = mulberry32(seed);
  const order = fit.map((_, i) => i);
  const l2Cue = 1e-4;
  const l2Word = 2e-3;
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    const lr = 0.08 / (1 + epoch * 0.25);
    for (const oi of order) {
      const d = fit[oi];
      const logits = new Array<number>(K).fill(0);
      for (const [fi, v] of d.x) for (let c = 0; c < K; c++) logits[c] += W[fi][c] * v;
      const max = Math.max(...logits);
      const ex = logits.map((l) => Math.exp(l - max));
      const s = ex.reduce((a, b) => a + b, 0);
      const g = ex.map((e, c) => (e / s - d.y[c]) * d.w);
      for (const [fi, v] of d.x) {
        const reg = isWord[fi] ? l2Word : l2Cue;
        const row = W[fi];
        for (let c = 0; c < K; c++) row[c] -= lr * (g[c] * v + reg * row[c]);
      }
    }
  }
  const weights: Record<string, number[]> = {};
  names.forEach((n, i) => {
    const row = W[i].map((x) => Math.round(x * 1e4) / 1e4);
    if (row.some((x) => Math.abs(x) >= 5e-4)) weights[n] = row.map((x) => (Object.is(x, -0) ? 0 : x));
  });
  const model: SeverityModel = { name: MODEL_NAME, classes: SEVERITIES, weights, temperature: 1 };
  // Temperature: the value with the lowest log-loss on the held-out part.
  let bestT = 1;
  let bestLoss = Infinity;
  // Calibrate on human-written text (the generated text is cleaner than real messages).
  const human = held.filter((d) => !d.source.startsWith('gen-'));
  const calib = human.length >= 20 ? human : held;
  for (let t = 0.5; t <= 6.001; t += 0.05) {
    let loss = 0;
    for (const d of calib) {
      const fv = new Map(d.x.map(([fi, v]) => [names[fi], v]));
      const p = predict({ ...model, temperature: t }, fv).probs;
      loss -= Math.log(
        Math.max(
          1e-9,
          d.y.reduce((a, y, c) => a + y * p[c], 0),
        ),
      );
    }
    if (loss < bestLoss - 1e-9) {
      bestLoss = loss;
      bestT = Math.round(t * 100) / 100;
    }
  }
  model.temperature = bestT;
  return model;
}

export function renderModule(model: SeverityModel, meta: { examples: number; sources: Record<string, number> }): string {
  const lines = Object.keys(model.weights)
    .sort()
    .map((k) => `    ${JSON.stringify(k)}: [${model.weights[k].join(', ')}],`);
  return `/* Generated by libs/triage/training/train.ts (npm run triage:train) — do not edit by hand. */
/* Seed ${GENERATOR_SEED}; ${meta.examples} examples: ${Object.entries(meta.sources)
    .sort()
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}. */
import type { SeverityModel } from './model';

export const SEVERITY_MODEL: SeverityModel = {
  name: ${JSON.stringify(model.name)},
  classes: ['info', 'low', 'medium', 'high', 'critical'],
  temperature: ${model.temperature},
  weights: {
${lines.join('\n')}
  },
};
`;
}

function sourcesOf(examples: TrainingExample[]): Record<string, number> {
  const s: Record<string, number> = {};
  for (const e of examples) s[e.source] = (s[e.source] ?? 0) + 1;
  return s;
}

function crossValidate(examples: TrainingExample[]) {
  const all = featurise(examples);
  const tune = all.filter((x) => x.e.source === 'shared-tune');
  const rest = all.filter((x) => x.e.source !== 'shared-tune');
  let exact = 0;
  let within = 0;
  let n = 0;
  const perLang = new Map<string, [number, number]>();
  for (const fold of [0, 1]) {
    const test = tune.filter((x) => fnv1a(`cv${x.e.id}`) % 2 === fold);
    const model = trainOn([...rest, ...tune.filter((x) => fnv1a(`cv${x.e.id}`) % 2 !== fold)]);
    for (const { e, f } of test) {
      const p = predict(model, f).probs;
      const pick = SEVERITIES[p.indexOf(Math.max(...p))];
      const acc = Array.isArray(e.severity) ? e.severity : [e.severity];
      const ok = acc.includes(pick);
      const d = Math.min(...acc.map((a) => Math.abs(SEVERITIES.indexOf(a) - SEVERITIES.indexOf(pick))));
      exact += ok ? 1 : 0;
      if (!ok && process.argv.includes('--misses'))
        process.stdout.write(
          `miss ${e.id} exp=${acc.join('|')} got=${pick} p=${p.map((x) => x.toFixed(2)).join('/')} | ${(e.subject ?? '').slice(0, 60)} | ${e.text.replace(/\s+/g, ' ').slice(0, 260)}\n`,
        );
      within += d <= 1 ? 1 : 0;
      n++;
    }
  }
  process.stdout.write(
    `cv on the tuning split (model argmax, no rules): exact ${((exact / n) * 100).toFixed(1)} %, within one ${((within / n) * 100).toFixed(1)} % (n=${n})\n`,
  );
  void perLang;
}

/** The module as committed: rendered, then formatted with the repository's Prettier settings. */
export async function formattedModule(model: SeverityModel, meta: { examples: number; sources: Record<string, number> }): Promise<string> {
  const options = (await prettier.resolveConfig(MODEL_FILE)) ?? {};
  return prettier.format(renderModule(model, meta), { ...options, filepath: MODEL_FILE });
}

async function main() {
  const t0 = Date.now();
  const examples = collectExamples();
  if (process.argv.includes('--cv')) {
    crossValidate(examples);
  } else {
    const model = train(examples);
    const text = await formattedModule(model, { examples: examples.length, sources: sourcesOf(examples) });
    if (process.argv.includes('--check')) {
      const current = readFileSync(MODEL_FILE, 'utf8');
      if (current !== text) {
        process.stderr.write('the committed model differs from a rebuild: run `npm run triage:train`\n');
        process.exit(1);
      }
      process.stdout.write('committed model = rebuild (byte for byte)\n');
    } else {
      writeFileSync(MODEL_FILE, text);
      process.stdout.write(
        `wrote ${MODEL_FILE}: ${Object.keys(model.weights).length} features, temperature ${model.temperature}, ${(text.length / 1024).toFixed(0)} KiB\n`,
      );
    }
  }
  process.stdout.write(`${examples.length} examples (${JSON.stringify(sourcesOf(examples))}) in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === __filename) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
