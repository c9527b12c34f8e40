/**
 * Seeded generator of labelled training conversations in every supported language. The phrase
 * banks (`libs/triage/data/training/<lang>.json`) are written for this repository, independently
 * of any evaluation set; recipes combine them the way the rubric reads a message (a failure ×
 * its breadth × the service's importance × mitigators, or a positive "nothing is broken" cue),
 * in every register: chat one-liners, emails with greeting and signature, lower-case, ALL CAPS,
 * missing accents, pasted errors, missing punctuation.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceDefinition, Severity } from '@app/contracts';
import { CONCEPT_IDS, type ConceptId } from '../src/engine/languages/pack';
import { LANGUAGE_PACKS } from '../src/engine/languages/registry';

export const GENERATOR_SEED = 20261201;
const PER_LANGUAGE = 2400;

type Slot =
  | 'greet'
  | 'close'
  | 'fail'
  | 'down'
  | 'slow'
  | 'error'
  | 'errors'
  | 'all'
  | 'team'
  | 'many'
  | 'some'
  | 'one'
  | 'status'
  | 'others'
  | 'partial'
  | 'over'
  | 'blip'
  | 'workaround'
  | 'minor'
  | 'money'
  | 'security'
  | 'revenue'
  | 'impact'
  | 'howto'
  | 'request'
  | 'billing'
  | 'praise'
  | 'docs'
  | 'falseAlarm'
  | 'hearsay'
  | 'time'
  | 'urgent'
  | 'opsGreet'
  | 'opsClose'
  | 'opsFail'
  | 'opsAll'
  | 'opsAsk'
  | 'opsHowto'
  | 'opsProd'
  | 'teamSome'
  | 'siteDown';
type Bank = Partial<Record<Slot, string[]>> &
  Record<'greet' | 'close' | 'errors' | 'time' | 'urgent' | 'fail' | 'down' | 'howto' | 'billing' | 'request', string[]>;

export interface GeneratedConversation {
  id: string;
  lang: string;
  text: string;
  subject?: string;
  severity: Severity;
  services: ServiceDefinition[];
  llmContext: string | null;
  recipe: string;
}

/** Seeded PRNG (mulberry32): the generator, the trainer and the bench draw from it. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CRITICAL: ReadonlySet<ConceptId> = new Set(['auth', 'payment', 'checkout', 'transfer', 'deploy', 'database', 'card', 'api', 'delivery']);
/** Concepts a service can be named after: every concept but log wording (a log source, not a service). Same order. */
const SERVICE_CONCEPTS: readonly ConceptId[] = CONCEPT_IDS.filter((c) => c !== 'logs');

/** Recipes: the rubric's reasons, each a list of slot choices (a `|` between slots = one of them; `?` = sometimes). */
const RECIPES: { label: Severity; name: string; parts: string[]; critical?: boolean; noncritical?: boolean; ops?: boolean }[] = [
  // Business operations staff reporting to a vendor's help desk (formal, often non-native English).
  { label: 'medium', name: 'ops-issue', parts: ['opsFail', 'error?', 'opsAsk'], ops: true },
  { label: 'medium', name: 'ops-issue-one', parts: ['opsFail', 'one', 'opsAsk'], ops: true },
  { label: 'high', name: 'ops-production', parts: ['opsFail', 'opsProd', 'opsAsk'], ops: true },
  { label: 'high', name: 'ops-all', parts: ['opsFail', 'opsAll', 'opsAsk'], ops: true },
  // Scope × importance: the same breadth weighs more on a critical path.
  { label: 'high', name: 'critical-some', parts: ['fail', 'some', 'error?'], critical: true },
  { label: 'medium', name: 'others-noncritical', parts: ['fail', 'others', 'error?'], noncritical: true },
  { label: 'medium', name: 'team-feature', parts: ['fail', 'teamSome', 'error?'], noncritical: true },
  { label: 'info', name: 'howto', parts: ['howto', 'howto?'] },
  { label: 'info', name: 'request', parts: ['request', 'praise?'] },
  { label: 'info', name: 'billing', parts: ['billing', 'howto?'] },
  { label: 'info', name: 'praise', parts: ['praise'] },
  { label: 'info', name: 'docs', parts: ['docs', 'minor?'] },
  { label: 'info', name: 'false-alarm', parts: ['falseAlarm'] },
  { label: 'low', name: 'one-minor', parts: ['fail|slow', 'one', 'minor'] },
  { label: 'low', name: 'workaround', parts: ['fail', 'one?', 'workaround'] },
  { label: 'low', name: 'blip-over', parts: ['down|fail|slow', 'blip', 'over'] },
  { label: 'low', name: 'cosmetic', parts: ['minor', 'fail?'] },
  { label: 'low', name: 'one-user', parts: ['fail', 'one', 'error?'] },
  { label: 'low', name: 'hearsay', parts: ['hearsay'] },
  { label: 'medium', name: 'some', parts: ['fail|slow', 'some', 'error?', 'impact?'], noncritical: true },
  { label: 'medium', name: 'money-one', parts: ['money', 'one?', 'urgent?'] },
  { label: 'medium', name: 'feature-broken', parts: ['fail', 'error', 'impact?'] },
  { label: 'medium', name: 'slow-some', parts: ['slow', 'some'], noncritical: true },
  { label: 'high', name: 'fail-all-noncritical', parts: ['fail', 'all', 'error?'], noncritical: true },
  { label: 'critical', name: 'fail-all-critical', parts: ['fail', 'all', 'error?', 'impact?'], critical: true },
  { label: 'critical', name: 'critical-down', parts: ['down', 'error?', 'impact?'], critical: true },
  { label: 'critical', name: 'site-down', parts: ['siteDown', 'error?', 'all?', 'impact?'] },
  { label: 'high', name: 'noncritical-down', parts: ['down', 'error?'], noncritical: true },
  { label: 'medium', name: 'partial-noncritical', parts: ['fail', 'partial', 'some?'] },
  { label: 'high', name: 'many', parts: ['fail|down', 'many', 'error?', 'impact?'] },
  { label: 'high', name: 'team', parts: ['fail', 'team', 'error?'] },
  { label: 'high', name: 'critical-partial', parts: ['down|fail', 'partial', 'error?'], critical: true },
  { label: 'high', name: 'others-too', parts: ['fail', 'others', 'many?'], critical: true },
  { label: 'high', name: 'all-noncritical', parts: ['down', 'all', 'error?'], noncritical: true },
  { label: 'critical', name: 'critical-all', parts: ['down', 'all', 'error?', 'impact?'], critical: true },
  { label: 'critical', name: 'status-page', parts: ['down|fail', 'status', 'all?'], critical: true },
  { label: 'critical', name: 'security', parts: ['security', 'urgent?'] },
  { label: 'critical', name: 'revenue', parts: ['fail|down', 'revenue', 'error?'] },
];

function loadBank(lang: string): Bank {
  return JSON.parse(readFileSync(join(__dirname, '..', 'data', 'training', `${lang}.json`), 'utf8')) as Bank;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function generateConversations(seed = GENERATOR_SEED, perLanguage = PER_LANGUAGE): GeneratedConversation[] {
  const next = mulberry32(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(next() * a.length)];
  const chance = (p: number) => next() < p;
  const out: GeneratedConversation[] = [];
  for (const pack of LANGUAGE_PACKS) {
    const bank = loadBank(pack.code);
    const recipes = RECIPES.filter((r) => !r.ops || bank.opsFail);
    for (let n = 0; n < perLanguage; n++) {
      const recipe = pick(recipes);
      // A catalogue of six services named after concepts; aliases in this language and English.
      const concepts: ConceptId[] = [];
      while (concepts.length < 6) {
        const c = pick(SERVICE_CONCEPTS);
        if (!concepts.includes(c)) concepts.push(c);
      }
      const services: ServiceDefinition[] = concepts.map((c) => ({
        name: `${c}-service`.replace('-service', c.endsWith('s') ? '' : 's'),
        aliases: [...(pack.concepts[c] ?? []).slice(0, 4), ...(LANGUAGE_PACKS[0].concepts[c] ?? []).slice(0, 2)],
        critical: CRITICAL.has(c),
      }));
      let target = concepts[0];
      if (recipe.critical) target = concepts.find((c) => CRITICAL.has(c)) ?? concepts[0];
      else if (recipe.noncritical) target = concepts.find((c) => !CRITICAL.has(c)) ?? concepts[0];
      const words = pack.concepts[target] ?? [target];
      let noun = pick(words.slice(0, 4));
      if (pack.code === 'de' || pack.code === 'nl') noun = capitalize(noun);
      const fill = (s: string) =>
        s
          .replace('{s}', noun)
          .replace('{e}', pick(bank.errors))
          .replace('{a}', pick(['€89', '$240', '£35', '1.250 €', 'R$ 310', '€ 2.400']))
          .replace('{t}', pick(['9:40', '14:32', '11h15', '07:05', '16:20', '3pm']));
      const sentences: string[] = [];
      for (const part of recipe.parts) {
        const optional = part.endsWith('?');
        if (optional && !chance(0.5)) continue;
        const slot = pick(part.replace('?', '').split('|')) as Slot;
        const options = bank[slot];
        if (options?.length) sentences.push(fill(pick(options)));
      }
      // Failures: the broken thing first, then the rest; join some sentences with commas as people do.
      const isFailure = recipe.label !== 'info';
      if (isFailure && chance(0.35)) sentences.push(fill(pick(bank.time)));
      if (chance(0.1)) sentences.unshift(pick(bank.urgent));
      let body = '';
      sentences.forEach((s, i) => {
        const t = i === 0 || chance(0.6) ? capitalize(s) : s;
        if (i === 0) body = t;
        else body += chance(0.35) ? `, ${s}` : `${/[.!?]$/.test(body) ? '' : '.'} ${t}`;
      });
      if (!/[.!?]$/.test(body) && chance(0.6)) body += '.';
      const email = chance(0.45) || !!recipe.ops;
      let text = body;
      if (email) {
        if (chance(0.8)) text = `${pick(recipe.ops && bank.opsGreet ? bank.opsGreet : bank.greet)}\n\n${text}`;
        if (chance(0.7)) text = `${text}\n\n${pick(recipe.ops && bank.opsClose ? bank.opsClose : bank.close)}`;
      } else if (chance(0.25)) text = `${pick(bank.greet).replace(/,$/, '')} ${text}`;
      // Registers: lower-case chat, missing accents, ALL CAPS anger (the rubric ignores tone).
      const r = next();
      if (r < 0.15) text = text.toLowerCase();
      else if (r < 0.25) text = text.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
      else if (r < 0.3) text = text.toUpperCase();
      const subjectPool = !isFailure
        ? [...bank.howto, ...bank.billing, ...bank.request]
        : recipe.label === 'high' || recipe.label === 'critical'
          ? [...bank.fail, ...bank.down]
          : bank.fail;
      const subject =
        email && chance(0.6) && recipe.name !== 'praise' && recipe.name !== 'false-alarm'
          ? capitalize(fill(pick(subjectPool)).replace(/[.?!]$/, ''))
          : undefined;
      out.push({
        id: `gen-${pack.code}-${String(n).padStart(5, '0')}`,
        lang: pack.code,
        text,
        subject,
        severity: recipe.label,
        services,
        llmContext: null,
        recipe: recipe.name,
      });
    }
  }
  return out;
}
