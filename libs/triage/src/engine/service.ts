/**
 * Affected-service detection: catalogue names and aliases (exact, separator-insensitive,
 * inflected, lightly misspelt), services seen in the project's logs, and a small built-in
 * concept lexicon ("charged twice" → the payment service) used only when the catalogue has a
 * service of that kind. Null when nothing fits.
 */
import type { ServiceDefinition, TriageEvidence } from '@app/contracts';
import { editDistance, stem } from './text';

export interface ServiceIndex {
  forms: ServiceForm[];
  /** stemmed compact form → forms */
  byCompact: Map<string, ServiceForm[]>;
  fuzzy: ServiceForm[];
  maxTokens: number;
  critical: Set<string>;
  names: string[];
}

interface ServiceForm {
  service: string;
  tokens: string[];
  compact: string;
  weight: number;
  kind: 'name' | 'alias' | 'logs' | 'concept';
  label: string;
}

/** Suffixes that add nothing to a service name ("auth-service" is talked about as "auth"). */
const GENERIC_SUFFIX = new Set(['service', 'svc', 'server', 'srv', 'app', 'backend', 'frontend', 'web', 'worker', 'api', 'ms', 'microservice', 'v1', 'v2']);

/** Built-in concepts: words customers use → service kinds (matched on the service's name/aliases). */
const CONCEPTS: { keys: RegExp; words: string[] }[] = [
  {
    keys: /pay|billing|stripe|charge/,
    words: ['charged', 'charge', 'charges', 'refund', 'refunds', 'chargeback', 'overcharged', 'declined', 'credit card', 'card'],
  },
  { keys: /notif|e-?mail|mail|messag/, words: ['email', 'emails', 'mail', 'inbox', 'spam', 'newsletter', 'digest', 'sms', 'push'] },
  { keys: /media|image|upload|asset|photo/, words: ['image', 'picture', 'photo', 'thumbnail', 'upload'] },
  { keys: /profile|account|user/, words: ['display name', 'saved addresses', 'avatar', 'profile'] },
  { keys: /auth|login|identity|sso|sign/, words: ['login', 'log in', 'sign in', 'password', '2fa', 'sso', 'logged out'] },
  { keys: /checkout|cart|basket/, words: ['cart', 'basket', 'place order', 'check out'] },
  { keys: /ship|deliver|logistic|fulfil/, words: ['parcel', 'carrier', 'tracking', 'delivery', 'shipment', 'label'] },
  { keys: /inventor|stock/, words: ['stock', 'sku', 'oversell'] },
  { keys: /search/, words: ['search'] },
  { keys: /report|analytic/, words: ['report', 'export', 'chart', 'dashboard'] },
];

/** Common words one typo away from a service name ("stuck" ~ "stock"). Never fuzzy-matched. */
const FUZZY_STOP = new Set([
  'stuck',
  'stack',
  'stick',
  'shock',
  'start',
  'state',
  'store',
  'share',
  'short',
  'sales',
  'cards',
  'check',
  'admit',
  'email',
  'search',
  'reach',
  'repost',
  'report',
  'import',
  'export',
  'support',
  'sport',
  'profit',
  'paying',
  'playing',
  'placement',
  'tracing',
]);

function tokenize(s: string): string[] {
  return (s.toLowerCase().match(/[a-z0-9]+/g) ?? []).map(normToken);
}

function normToken(t: string): string {
  if (t === 'into' || t === 'onto') return 'in';
  return stem(t);
}

function addForm(forms: ServiceForm[], seen: Set<string>, service: string, text: string, weight: number, kind: ServiceForm['kind']) {
  const tokens = tokenize(text);
  if (tokens.length === 0) return;
  const compact = tokens.join('');
  if (compact.length < 2) return;
  const key = service + '|' + compact;
  if (seen.has(key)) return;
  seen.add(key);
  forms.push({ service, tokens, compact, weight, kind, label: text });
}

const indexCache = new WeakMap<object, ServiceIndex>();

export function buildServiceIndex(services: ServiceDefinition[], seenInLogs: string[], llmContext: string | null | undefined): ServiceIndex {
  const forms: ServiceForm[] = [];
  const seen = new Set<string>();
  const critical = new Set<string>();
  const names: string[] = [];
  const all: { name: string; aliases: string[]; kind: 'name' | 'logs' }[] = [];
  for (const s of services) {
    if (!s?.name) continue;
    all.push({ name: s.name, aliases: s.aliases ?? [], kind: 'name' });
    if (s.critical) critical.add(s.name);
  }
  const known = new Set(all.map((s) => s.name.toLowerCase()));
  for (const n of seenInLogs) if (n && !known.has(n.toLowerCase())) all.push({ name: n, aliases: [], kind: 'logs' });
  for (const s of all) {
    names.push(s.name);
    const w = s.kind === 'name' ? 1.2 : 0.9;
    addForm(forms, seen, s.name, s.name, w, s.kind);
    const parts = s.name
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter(Boolean);
    while (parts.length > 1 && GENERIC_SUFFIX.has(parts[parts.length - 1])) parts.pop();
    if (parts.length >= 1 && parts.join('').length >= 3) addForm(forms, seen, s.name, parts.join(' '), w, s.kind);
    for (const a of s.aliases) addForm(forms, seen, s.name, a, s.kind === 'name' ? 1 : 0.8, 'alias');
  }
  // Concepts: only towards a service whose name or aliases are of that kind, and only one service per concept.
  for (const c of CONCEPTS) {
    const target = all.find((s) => c.keys.test(s.name.toLowerCase())) ?? all.find((s) => s.aliases.some((a) => c.keys.test(a.toLowerCase())));
    if (!target) continue;
    for (const w of c.words) addForm(forms, seen, target.name, w, 0.5, 'concept');
  }
  // Critical paths named in the project's AI context ("Critical paths: checkout, payments and login").
  if (llmContext) {
    for (const sentence of llmContext.toLowerCase().split(/[.!?\n;]+/)) {
      if (!/\b(critical|core|most important|revenue|money|must never|business[- ]critical|key flows?)\b/.test(sentence)) continue;
      if (/\b(not critical|non-critical|can wait|internal|low priority)\b/.test(sentence) && !/\bcritical paths?\b/.test(sentence)) continue;
      const toks = tokenize(sentence);
      for (const f of forms) if (f.kind !== 'concept' && containsSeq(toks, f.tokens)) critical.add(f.service);
    }
  }
  const byCompact = new Map<string, ServiceForm[]>();
  let maxTokens = 1;
  for (const f of forms) {
    const list = byCompact.get(f.compact) ?? [];
    list.push(f);
    byCompact.set(f.compact, list);
    maxTokens = Math.max(maxTokens, Math.min(4, f.tokens.length));
  }
  const fuzzy = forms.filter((f) => f.kind !== 'concept' && f.compact.length >= 5);
  return { forms, byCompact, fuzzy, maxTokens, critical, names };
}

function containsSeq(hay: string[], needle: string[]): boolean {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** Caches the index per catalogue array so repeated calls with one context stay fast. */
export function serviceIndexFor(services: ServiceDefinition[] | undefined, seen: string[] | undefined, llmContext: string | null | undefined): ServiceIndex {
  const key = services ?? seen;
  if (key) {
    const hit = indexCache.get(key);
    if (hit && (hit as ServiceIndex & { ctx?: unknown }).ctx === (llmContext ?? '') + '|' + (seen ?? []).join(',')) return hit;
  }
  const idx = buildServiceIndex(services ?? [], seen ?? [], llmContext);
  if (key) {
    (idx as ServiceIndex & { ctx?: unknown }).ctx = (llmContext ?? '') + '|' + (seen ?? []).join(',');
    indexCache.set(key, idx);
  }
  return idx;
}

export interface ServiceMention {
  service: string;
  match: string;
  kind: ServiceForm['kind'] | 'fuzzy';
  /** char offset in the lower-cased text */
  offset: number;
  score: number;
}

interface Tok {
  raw: string;
  norm: string;
  start: number;
  end: number;
}

/** Words after "check out" that make it the verb ("check out our docs"). */
const CHECK_OUT_VERB_NEXT = /^\s+(?:the|this|that|our|my|your|it|order|these|those|why|what|how|if|whether|a|an)\b/;

const VERB_WORDS = new Set(['report', 'reports', 'reported', 'reporting', 'ship', 'ships', 'track', 'tracks', 'stocked', 'searched']);
const SUBJECT_BEFORE = new Set([
  'customer',
  'customers',
  'user',
  'users',
  'they',
  'people',
  'merchant',
  'merchants',
  'someone',
  'few',
  'several',
  'many',
  'some',
  'staff',
  'colleague',
  'colleagues',
  'i',
  'we',
  'also',
  'who',
  'shopper',
  'shoppers',
  'client',
  'clients',
  'to',
  'please',
  'and',
  'not',
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
  'to',
  'having',
  'being',
]);

/** "customers report the page is slow" uses "report" as a verb, not the reports service. */
function isVerbUse(toks: Tok[], i: number): boolean {
  if (!VERB_WORDS.has(toks[i].raw)) return false;
  const prev = toks[i - 1]?.raw;
  const next = toks[i + 1]?.raw;
  return (prev !== undefined && SUBJECT_BEFORE.has(prev)) || (next !== undefined && OBJECT_AFTER.has(next));
}

export function findServiceMentions(text: string, idx: ServiceIndex): ServiceMention[] {
  const lower = text.toLowerCase();
  const toks: Tok[] = [];
  const re = /[a-z0-9]+/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(lower))) toks.push({ raw: m[0], norm: normToken(m[0]), start: m.index, end: m.index + m[0].length });
  const out: ServiceMention[] = [];
  for (let i = 0; i < toks.length; i++) {
    let matched = false;
    for (let n = Math.min(idx.maxTokens, toks.length - i); n >= 1 && !matched; n--) {
      let compact = '';
      for (let k = 0; k < n; k++) compact += toks[i + k].norm;
      const hits = idx.byCompact.get(compact);
      if (!hits) continue;
      const surface = text.slice(toks[i].start, toks[i + n - 1].end);
      if (n === 1 && isVerbUse(toks, i)) continue;
      // Tokens glued by a separator other than space/hyphen/underscore ("/api/cart") still count.
      if (n > 1 && /^check\W*out$/i.test(surface) && CHECK_OUT_VERB_NEXT.test(lower.slice(toks[i + n - 1].end))) continue;
      for (const f of hits) out.push({ service: f.service, match: surface, kind: f.kind, offset: toks[i].start, score: f.weight });
      matched = true;
      i += n - 1;
    }
    if (matched) continue;
    const t = toks[i].raw;
    if (t.length >= 5 && !FUZZY_STOP.has(t) && !/\d/.test(t)) {
      for (const f of idx.fuzzy) {
        if (f.tokens.length !== 1) continue;
        const max = f.compact.length >= 8 ? 2 : 1;
        if (f.compact[0] !== t[0]) continue;
        const d = Math.min(editDistance(t, f.compact, max), editDistance(toks[i].norm, f.compact, max));
        if (d >= 1 && d <= max) {
          out.push({ service: f.service, match: text.slice(toks[i].start, toks[i].end), kind: 'fuzzy', offset: toks[i].start, score: 0.7 * f.weight });
          break;
        }
      }
    }
  }
  return out;
}

export interface ServiceDecision {
  service: string | null;
  critical: boolean;
  mentions: ServiceMention[];
  evidence: TriageEvidence[];
  /** 0–1: how clearly one service stood out. */
  strength: number;
}

/**
 * Picks the service: sum of mention scores, boosted when the sentence carries a problem word and
 * when the mention is in the subject; ties go to the earliest mention.
 */
export function decideService(mentions: ServiceMention[], idx: ServiceIndex, problemSpans: (offset: number) => number): ServiceDecision {
  if (mentions.length === 0) return { service: null, critical: false, mentions, evidence: [], strength: 0 };
  const totals = new Map<string, { score: number; first: number; best: ServiceMention; strong: boolean }>();
  for (const mm of mentions) {
    const s = mm.score * (1 + problemSpans(mm.offset));
    const cur = totals.get(mm.service);
    if (!cur) totals.set(mm.service, { score: s, first: mm.offset, best: mm, strong: mm.kind !== 'concept' });
    else {
      cur.score += s;
      if (mm.kind !== 'concept') cur.strong = true;
      if (mm.score > cur.best.score) cur.best = mm;
    }
  }
  const ranked = [...totals.entries()].sort((a, b) => b[1].score - a[1].score || a[1].first - b[1].first);
  const [name, top] = ranked[0];
  const second = ranked[1]?.[1].score ?? 0;
  // A lone concept word ("card") is a hint, not a fact: require a bit more than one weak word.
  if (!top.strong && top.score < 0.75) return { service: null, critical: false, mentions, evidence: [], strength: 0 };
  const strength = Math.max(0.3, Math.min(1, (top.score - second) / Math.max(top.score, 1e-9) + (top.strong ? 0.2 : 0)));
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
        detail: `"${top.best.match}" names ${name}${idx.critical.has(name) ? ' (critical)' : ''}${
          ranked.length > 1
            ? `; also mentioned: ${ranked
                .slice(1, 4)
                .map((r) => r[0])
                .join(', ')}`
            : ''
        }`,
        weight: Math.round(top.score * 100) / 100,
      },
    ],
  };
}
