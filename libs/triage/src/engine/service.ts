/**
 * Affected-service detection, independent of severity: catalogue names and aliases in any
 * language, matched with inflections (a language-neutral key: "Überweisungen" ~ "Überweisung",
 * "alertas" ~ "alerts"), closed compounds ("Kartenzahlung" contains "Zahlung"), missing accents
 * (folding), typos (one edit, through a deletion index that stays fast with 20,000 aliases),
 * service names split in parts, concept words in seven languages (a service named "transfers"
 * is what "virement" is about), words learned from agents' corrections, and services seen in
 * the project's logs. Mentions near a failure count more. Null when nothing fits.
 */
import type { ServiceDefinition, TriageEvidence } from '@app/contracts';
import type { ConceptId } from './languages/pack';
import { LANGUAGE_PACKS } from './languages/registry';
import type { Reading } from './reading';
import { editDistance, foldString } from './text';

type FormKind = 'name' | 'alias' | 'part' | 'logs' | 'concept' | 'learned';

interface Form {
  service: string;
  /** Keys of the form's tokens. */
  keys: string[];
  weight: number;
  kind: FormKind;
  label: string;
}

export interface ServiceIndex {
  /** first token key → forms starting with it */
  byFirst: Map<string, Form[]>;
  /** single-token forms by their compact key (also multi-token forms glued: "check out" → "checkout") */
  byCompact: Map<string, Form[]>;
  /** one-deletion variants of single-token keys → keys (typo matching) */
  deletions: Map<string, string[]>;
  /** keys long enough to look for inside compounds, by length (longest first) */
  compoundKeys: Set<string>;
  maxCompound: number;
  critical: Set<string>;
  names: string[];
  nameSet: Set<string>;
  /** first three letters of every key a glued word pair could form (cheap pre-check) */
  gluedHeads: Set<string>;
  /** token → what it matches on its own (memo; words repeat across messages) */
  tokenMemo: Map<string, TokenMatch | null>;
}

interface TokenMatch {
  forms: Form[];
  kind: 'exact' | 'prefix' | 'compound' | 'fuzzy';
  factor: number;
}

/** Suffixes that add nothing to a service name ("auth-service" is talked about as "auth"). */
const GENERIC_SUFFIX = new Set([
  'service',
  'services',
  'svc',
  'server',
  'srv',
  'backend',
  'frontend',
  'worker',
  'ms',
  'microservice',
  'v1',
  'v2',
  'prod',
  'api',
]);
/** Parts of names that are too generic to stand for the service alone. */
const GENERIC_PART = new Set([
  'app',
  'apps',
  'web',
  'api',
  'user',
  'users',
  'data',
  'portal',
  'service',
  'management',
  'customer',
  'partner',
  'mobile',
  'card',
  'edge',
  'scheduled',
  'support',
  'admin',
  'system',
  'center',
  'centre',
  'hub',
  'panel',
]);
/** Common words one edit away from service words ("stuck" ~ "stock"); never matched by typo. */
const FUZZY_STOP = new Set(
  'stuck stack stick shock start state store share short sales cards check admit email search reach repost report import export support sport profit paying playing placement tracing there their where these those which while would could should about after again other under never every being having thing think thank thanks login logs sings signs lines times hours since month money order orders works worked words world point place plate price prize print ports posts'.split(
    ' ',
  ),
);
const ENDINGS = ['ing', 'en', 'es', 'er', 'os', 'as', 'e', 'a', 'o', 'i', 'n'];
const keyMemo = new Map<string, string>();
/**
 * Words that name the medium more often than the broken part ("in the app it says…", "my card",
 * "the site"): as a lone alias they weigh less.
 */
const GENERIC_WORDS = new Set(
  'app apps application applications appli aplicacion aplicativo aplicacao applicazione phone telephone telefono telefoon handy celular telemovel portable mobile account accounts konto compte cuenta conta user users settings profile card cards karte carte tarjeta cartao carta kaart pas map board panel file files message messages system platform plattform plateforme plataforma piattaforma website site web page pagina seite data events interest goal pot code token build tablet iphone android browser screen'
    .split(' ')
    .map((w) => matchKey(w)),
);

/** A language-neutral matching key: folded, plural removed, then one inflection ending ("alertas" ~ "alerts"). */
export function matchKey(token: string): string {
  const hit = keyMemo.get(token);
  if (hit !== undefined) return hit;
  const k = computeKey(token);
  if (keyMemo.size > 100_000) keyMemo.clear();
  keyMemo.set(token, k);
  return k;
}

function computeKey(token: string): string {
  let w = token;
  // Plurals first: -iones → -ion, -ões → -ão (folded: oes → ao), -aux → -au, -ies → -y, then a final s.
  if (w.length > 6 && w.endsWith('iones')) w = w.slice(0, -2);
  else if (w.length > 5 && w.endsWith('oes')) w = w.slice(0, -3) + 'ao';
  else if (w.length > 4 && /[aeo]ux$/.test(w)) w = w.slice(0, -1);
  else if (w.length > 4 && w.endsWith('ies')) w = w.slice(0, -3) + 'y';
  else if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) w = w.slice(0, -1);
  for (const e of ENDINGS) {
    // A single vowel (or n) only comes off a long word: "carta" stays, "alerta" → "alert".
    if (w.endsWith(e) && w.length - e.length >= (e.length === 1 ? 5 : 4)) return w.slice(0, -e.length);
  }
  return w;
}

function tokensOf(s: string): string[] {
  return foldString(s).match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Concept words of every language, by concept, as key sequences. */
const CONCEPT_FORMS: Map<ConceptId, string[][]> = (() => {
  const m = new Map<ConceptId, string[][]>();
  for (const p of LANGUAGE_PACKS) {
    for (const [id, list] of Object.entries(p.concepts) as [ConceptId, readonly string[]][]) {
      const arr = m.get(id) ?? [];
      for (const w of list) {
        const keys = tokensOf(w).map(matchKey);
        if (keys.length) arr.push(keys);
      }
      m.set(id, arr);
    }
  }
  return m;
})();

const CRITICAL_WORDS =
  /\b(?:critical|core|most important|revenue|money|must never|business[- ]critical|key flows?|kritisch|critique|critico|critica|kritiek|essentiel|essencial|esencial|essenziale)\b/;
const NOT_CRITICAL = /\b(?:not critical|non-critical|can wait|internal|low priority)\b/;

export interface LearnedAlias {
  word: string;
  service: string;
  support: number;
}

export function buildServiceIndex(
  services: ServiceDefinition[],
  seenInLogs: string[],
  llmContext: string | null | undefined,
  learned: readonly LearnedAlias[] = [],
): ServiceIndex {
  const forms: Form[] = [];
  const seen = new Set<string>();
  const critical = new Set<string>();
  const names: string[] = [];
  const add = (service: string, text: string, weight: number, kind: FormKind) => {
    const keys = tokensOf(text).map(matchKey);
    if (keys.length === 0 || keys.join('').length < 2) return;
    if (keys.length === 1 && GENERIC_WORDS.has(keys[0]) && kind !== 'learned') weight *= kind === 'concept' ? 0.2 : 0.5;
    const k = `${service}|${keys.join(' ')}`;
    if (seen.has(k)) return;
    seen.add(k);
    forms.push({ service, keys, weight, kind, label: text });
  };
  const all: { name: string; aliases: string[]; kind: 'name' | 'logs' }[] = [];
  for (const s of services ?? []) {
    if (!s?.name) continue;
    all.push({ name: s.name, aliases: Array.isArray(s.aliases) ? s.aliases.filter((a) => typeof a === 'string') : [], kind: 'name' });
    if (s.critical) critical.add(s.name);
  }
  const known = new Set(all.map((s) => s.name.toLowerCase()));
  for (const n of seenInLogs ?? []) if (n && !known.has(n.toLowerCase())) all.push({ name: n, aliases: [], kind: 'logs' });
  // Parts of names ("card-payments" → "payments") count when no other service shares them.
  const partOwners = new Map<string, Set<string>>();
  for (const s of all) {
    names.push(s.name);
    add(s.name, s.name, s.kind === 'name' ? 1 : 0.85, s.kind === 'name' ? 'name' : 'logs');
    const parts = tokensOf(s.name);
    while (parts.length > 1 && GENERIC_SUFFIX.has(parts[parts.length - 1])) parts.pop();
    if (parts.length >= 1) add(s.name, parts.join(' '), s.kind === 'name' ? 1 : 0.85, s.kind === 'name' ? 'name' : 'logs');
    for (const p of parts)
      if (p.length >= 4 && !GENERIC_PART.has(p)) (partOwners.get(matchKey(p)) ?? partOwners.set(matchKey(p), new Set()).get(matchKey(p))!).add(s.name);
    for (const a of s.aliases) add(s.name, a, 0.95, 'alias');
  }
  for (const [key, owners] of partOwners) if (owners.size === 1) add([...owners][0], key, 0.6, 'part');
  for (const l of learned) add(l.service, l.word, 0.9, 'learned');
  // Concepts: a concept word points to the one service whose name or aliases belong to that concept.
  const keySets = new Map<string, Set<string>>();
  for (const f of forms) {
    if (f.kind === 'learned') continue;
    const set = keySets.get(f.service) ?? new Set<string>();
    set.add(f.keys.join(' '));
    for (const k of f.keys) set.add(k);
    keySets.set(f.service, set);
  }
  for (const [, variants] of CONCEPT_FORMS) {
    const owners = new Set<string>();
    for (const [svc, set] of keySets) if (variants.some((v) => set.has(v.join(' ')))) owners.add(svc);
    if (owners.size !== 1) continue;
    const svc = [...owners][0];
    for (const v of variants) add(svc, v.join(' '), 0.45, 'concept');
  }
  // Critical paths named in the project's AI context ("Critical paths: checkout, payments and login").
  if (llmContext) {
    for (const sentence of foldString(llmContext).split(/[.!?\n;]+/)) {
      if (!CRITICAL_WORDS.test(sentence)) continue;
      if (NOT_CRITICAL.test(sentence) && !/\bcritical paths?\b/.test(sentence)) continue;
      const toks = (sentence.match(/[\p{L}\p{N}]+/gu) ?? []).map(matchKey);
      for (const f of forms) if ((f.kind === 'name' || f.kind === 'alias') && containsSeq(toks, f.keys)) critical.add(f.service);
    }
  }
  const byFirst = new Map<string, Form[]>();
  const byCompact = new Map<string, Form[]>();
  const deletions = new Map<string, string[]>();
  const compoundKeys = new Set<string>();
  let maxCompound = 0;
  for (const f of forms) {
    push(byFirst, f.keys[0], f);
    const compact = f.keys.length === 1 ? f.keys[0] : tokensOf(f.label).join('');
    if (f.keys.length > 1) push(byCompact, compact, f);
    if (f.keys.length === 1 && f.kind !== 'concept') {
      const k = f.keys[0];
      if (k.length >= 5 && !/\d/.test(k)) {
        for (const d of deletionsOf(k)) {
          const list = deletions.get(d);
          if (!list) deletions.set(d, [k]);
          else if (!list.includes(k)) list.push(k);
        }
      }
      if (k.length >= 4) {
        compoundKeys.add(k);
        maxCompound = Math.max(maxCompound, k.length);
      }
    }
  }
  const gluedHeads = new Set<string>();
  for (const k of byCompact.keys()) gluedHeads.add(k.slice(0, 3));
  for (const k of byFirst.keys()) gluedHeads.add(k.slice(0, 3));
  return { byFirst, byCompact, deletions, compoundKeys, maxCompound, critical, names, nameSet: new Set(names), gluedHeads, tokenMemo: new Map() };
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V) {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

function deletionsOf(k: string): string[] {
  const out = [k];
  for (let i = 0; i < k.length; i++) out.push(k.slice(0, i) + k.slice(i + 1));
  return out;
}

function containsSeq(hay: string[], needle: string[]): boolean {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

const identityCache = new WeakMap<object, { key: string; idx: ServiceIndex }>();
const contentCache = new Map<string, ServiceIndex>();

/** Caches the index per catalogue (by identity, then by content) so repeated calls stay fast. */
export function serviceIndexFor(
  services: ServiceDefinition[] | undefined,
  seen: string[] | undefined,
  llmContext: string | null | undefined,
  learned: readonly LearnedAlias[] = [],
  learnedKey?: string,
): ServiceIndex {
  const extra = `${llmContext ?? ''}\u0000${seen && seen.length ? seen.join(',') : ''}\u0000${learnedKey ?? learned.map((l) => `${l.word}>${l.service}`).join(',')}`;
  const holder = services ?? seen;
  if (holder) {
    const hit = identityCache.get(holder);
    if (hit && hit.key === extra) return hit.idx;
  }
  const contentKey = `${JSON.stringify(services ?? [])}\u0000${extra}`;
  let idx = contentCache.get(contentKey);
  if (!idx) {
    idx = buildServiceIndex(services ?? [], seen ?? [], llmContext, learned);
    if (contentCache.size >= 32) contentCache.delete(contentCache.keys().next().value as string);
    contentCache.set(contentKey, idx);
  }
  if (holder) identityCache.set(holder, { key: extra, idx });
  return idx;
}

export interface ServiceMention {
  service: string;
  match: string;
  kind: FormKind | 'fuzzy' | 'compound';
  /** Offset in `Reading.text`. */
  offset: number;
  sentence: number;
  score: number;
}

interface Tok {
  raw: string;
  key: string;
  start: number;
  end: number;
}

/** English verbs that look like service words ("customers report …", "check out our docs"). */
const VERB_WORDS = new Set([
  'report',
  'reports',
  'reported',
  'reporting',
  'ship',
  'ships',
  'track',
  'tracks',
  'stocked',
  'searched',
  'order',
  'ordered',
  'book',
  'booked',
]);
const SUBJECT_BEFORE = new Set([
  'customer',
  'customers',
  'user',
  'users',
  'they',
  'people',
  'someone',
  'staff',
  'colleague',
  'colleagues',
  'i',
  'we',
  'also',
  'who',
  'to',
  'please',
  'and',
  'not',
  'can',
  'cannot',
  'couldn',
  'will',
  'would',
  'did',
  'didn',
]);
const OBJECT_AFTER = new Set([
  'that',
  'the',
  'their',
  'his',
  'her',
  'seeing',
  'getting',
  'issues',
  'problems',
  'errors',
  'an',
  'a',
  'it',
  'this',
  'same',
  'back',
  'having',
  'being',
  'our',
  'my',
  'your',
  'dinner',
  'lunch',
  'food',
  'anything',
]);

function isVerbUse(toks: Tok[], i: number): boolean {
  if (!VERB_WORDS.has(toks[i].raw)) return false;
  const prev = toks[i - 1]?.raw;
  const next = toks[i + 1]?.raw;
  return (prev !== undefined && SUBJECT_BEFORE.has(prev)) || (next !== undefined && OBJECT_AFTER.has(next));
}

function sentenceOf(r: Reading, offset: number): number {
  let lo = 0;
  let hi = r.sentences.length - 1;
  let ans = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (r.sentences[mid].start <= offset) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}

export function findServiceMentions(r: Reading, idx: ServiceIndex): ServiceMention[] {
  const f = r.folded.text;
  const toks: Tok[] = [];
  const re = /[\p{L}\p{N}]+/gu;
  let m: RegExpExecArray | null;
  while ((m = re.exec(f))) toks.push({ raw: m[0], key: matchKey(m[0]), start: m.index, end: m.index + m[0].length });
  const compounds = r.packs[0]?.compounds ?? false;
  const out: ServiceMention[] = [];
  const orig = (i: number) => r.folded.map[Math.min(i, r.folded.map.length - 1)];
  const emit = (service: string, fs: number, fe: number, kind: ServiceMention['kind'], score: number) => {
    const start = orig(fs);
    const end = fe >= f.length ? r.text.length : orig(fe);
    out.push({ service, match: r.text.slice(start, end), kind, offset: start, sentence: sentenceOf(r, start), score });
  };
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    let matched = false;
    // Multi-token and single-token forms starting here (longest first).
    const cands = idx.byFirst.get(t.key);
    if (cands) {
      let bestLen = 0;
      const found: Form[] = [];
      for (const c of cands) {
        const n = c.keys.length;
        if (i + n > toks.length || n < bestLen) continue;
        let ok = true;
        for (let j = 1; j < n; j++) if (toks[i + j].key !== c.keys[j]) ok = false;
        if (!ok) continue;
        if (n > bestLen) {
          bestLen = n;
          found.length = 0;
        }
        found.push(c);
      }
      if (found.length && !(bestLen === 1 && isVerbUse(toks, i))) {
        for (const c of found) emit(c.service, t.start, toks[i + bestLen - 1].end, c.kind, c.weight * (bestLen > 1 ? 1.05 : 1));
        matched = true;
        i += bestLen - 1;
      }
    }
    if (matched) continue;
    // Two tokens glued ("check out" → checkout, "e mail" → email) or a multi-word alias written as one.
    if (i + 1 < toks.length && idx.gluedHeads.has(t.raw.slice(0, 3))) {
      const glued = matchKey(t.raw + toks[i + 1].raw);
      const g = idx.byCompact.get(glued) ?? idx.byFirst.get(glued)?.filter((x) => x.keys.length === 1);
      if (
        g &&
        g.length &&
        !(t.raw === 'check' && /^\s+(?:the|this|that|our|my|your|it|these|those|why|what|how|if|whether|a|an)\b/.test(f.slice(toks[i + 1].end)))
      ) {
        for (const c of g) emit(c.service, t.start, toks[i + 1].end, c.kind, c.weight);
        i++;
        continue;
      }
    }
    const tm = tokenMatch(t, idx, compounds);
    if (!tm) continue;
    const kind: ServiceMention['kind'] | null = tm.kind === 'compound' ? 'compound' : tm.kind === 'fuzzy' ? 'fuzzy' : null;
    for (const c of tm.forms) emit(c.service, t.start, t.end, kind ?? c.kind, c.weight * tm.factor);
  }
  return out;
}

/** What one word matches on its own: a glued multi-word alias, an inflected key, a compound part, a typo. Memoised per index. */
function tokenMatch(t: Tok, idx: ServiceIndex, compounds: boolean): TokenMatch | null {
  const memoKey = compounds ? `${t.raw}\u0001` : t.raw;
  const hit = idx.tokenMemo.get(memoKey);
  if (hit !== undefined) return hit;
  const result = computeTokenMatch(t, idx, compounds);
  if (idx.tokenMemo.size > 50_000) idx.tokenMemo.clear();
  idx.tokenMemo.set(memoKey, result);
  return result;
}

function computeTokenMatch(t: Tok, idx: ServiceIndex, compounds: boolean): TokenMatch | null {
  const single = idx.byCompact.get(t.key);
  if (single) return { forms: single, kind: 'exact', factor: 1 };
  if (t.raw.length < 4 || /\d/.test(t.raw)) return null;
  // Inflected beyond the key ("deployments" ~ "deploy"): a known key plus a short ending.
  for (let cut = t.key.length - 1; cut >= Math.max(4, t.key.length - 5); cut--) {
    const head = t.key.slice(0, cut);
    if (idx.compoundKeys.has(head)) {
      const forms = (idx.byFirst.get(head) ?? []).filter((c) => c.keys.length === 1);
      if (forms.length) return { forms, kind: 'prefix', factor: 0.85 };
    }
  }
  // Closed compounds: a service word at the start or the end of a long word.
  if ((compounds || t.raw.length >= 12) && t.raw.length >= 8) {
    const part = compoundPart(t.raw, idx);
    if (part) {
      const forms = (idx.byFirst.get(part) ?? []).filter((c) => c.keys.length === 1 && c.kind !== 'concept');
      if (forms.length) return { forms, kind: 'compound', factor: 0.8 };
    }
  }
  // One typo.
  if (t.raw.length >= 5 && !FUZZY_STOP.has(t.raw)) {
    const keys = new Set<string>();
    for (const d of deletionsOf(t.raw)) for (const k of idx.deletions.get(d) ?? []) keys.add(k);
    for (const k of [...keys].sort()) {
      if (k === t.raw || Math.abs(k.length - t.raw.length) > 1) continue;
      if (editDistance(t.raw, k, 1) <= 1 || editDistance(t.key, k, 1) <= 1) {
        const forms = (idx.byFirst.get(k) ?? []).filter((c) => c.keys.length === 1 && c.kind !== 'concept');
        if (forms.length) return { forms, kind: 'fuzzy', factor: 0.6 };
      }
    }
  }
  return null;
}

function compoundPart(word: string, idx: ServiceIndex): string | null {
  // Longest known key at the start ("zahlungseingang" → "zahlung"), then at the end ("kartenzahlung" → "zahlung").
  for (let len = Math.min(idx.maxCompound, word.length - 3); len >= 4; len--) {
    const head = word.slice(0, len);
    if (idx.compoundKeys.has(head)) return head;
    if (head.endsWith('s') && idx.compoundKeys.has(head.slice(0, -1))) return head.slice(0, -1);
  }
  for (let len = Math.min(idx.maxCompound + 2, word.length - 3); len >= 4; len--) {
    const tail = matchKey(word.slice(word.length - len));
    if (idx.compoundKeys.has(tail)) return tail;
  }
  return null;
}

export interface ServiceDecision {
  service: string | null;
  critical: boolean;
  mentions: ServiceMention[];
  evidence: TriageEvidence[];
  /** 0–1: how clearly one service stood out. */
  strength: number;
}

const PROBLEM_CUES = ['failure', 'outage', 'slow', 'intermittent', 'dataWrong', 'blocked', 'security', 'money', 'http5xx', 'http4xx', 'errorCode'] as const;

/**
 * Picks the service: mention scores summed per service, doubled in a sentence that reports a
 * problem, raised in the subject, lowered where the sentence says that part works.
 */
export function decideService(r: Reading, mentions: ServiceMention[], idx: ServiceIndex): ServiceDecision {
  if (mentions.length === 0) return { service: null, critical: false, mentions, evidence: [], strength: 0 };
  const problemSentences = new Map<number, number>();
  for (const c of PROBLEM_CUES)
    for (const h of r.byCue.get(c) ?? []) {
      if (h.negated) continue;
      problemSentences.set(h.sentence, Math.max(problemSentences.get(h.sentence) ?? 0, h.hedged ? 0.6 : 1));
    }
  const fineSentences = new Set<number>();
  for (const c of ['partial', 'works', 'workaround'] as const) for (const h of r.byCue.get(c) ?? []) fineSentences.add(h.sentence);
  const totals = new Map<string, { score: number; first: number; best: ServiceMention; strong: boolean }>();
  // The first sentence that reports a problem is usually the complaint itself.
  let firstProblem = Infinity;
  for (const [i, v] of problemSentences) if (v >= 1 && i < firstProblem) firstProblem = i;
  for (const mm of mentions) {
    let s = mm.score;
    const p = problemSentences.get(mm.sentence) ?? 0;
    s *= 1 + p;
    if (mm.sentence === firstProblem) s *= 1.5;
    if (mm.offset < r.subjectLength) s *= 1.3;
    if (fineSentences.has(mm.sentence) && p === 0) s *= 0.6;
    const cur = totals.get(mm.service);
    const strong = mm.kind !== 'concept' && mm.kind !== 'part';
    if (!cur) totals.set(mm.service, { score: s, first: mm.offset, best: mm, strong });
    else {
      cur.score += s;
      cur.strong ||= strong;
      if (mm.score > cur.best.score) cur.best = mm;
    }
  }
  const ranked = [...totals.entries()].sort((a, b) => b[1].score - a[1].score || a[1].first - b[1].first);
  const [name, top] = ranked[0];
  const second = ranked[1]?.[1].score ?? 0;
  // A lone weak word ("card", "app") is a hint, not a fact.
  if (!top.strong && top.score < 0.5) return { service: null, critical: false, mentions, evidence: [], strength: 0 };
  const strength = Math.max(0.3, Math.min(1, (top.score - second) / Math.max(top.score, 1e-9) + (top.strong ? 0.2 : 0)));
  const also = ranked.slice(1, 4).map((x) => x[0]);
  return {
    service: name,
    critical: idx.critical.has(name),
    mentions,
    strength,
    evidence: [
      {
        kind: 'service',
        signal: `service.${top.best.kind}`,
        match: top.best.match,
        detail: `"${top.best.match}" ${top.best.kind === 'learned' ? 'was linked by agents to' : 'names'} ${name}${idx.critical.has(name) ? ' (critical)' : ''}${also.length ? `; also mentioned: ${also.join(', ')}` : ''}`,
        weight: Math.round(top.score * 100) / 100,
      },
    ],
  };
}
