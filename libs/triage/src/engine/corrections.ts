/**
 * Agents teach triage (per project). A snapshot of the project's corrections — labelled
 * examples — is prepared once (`prepareCorrections`), then every later triage of that project
 * reads it:
 *   - nearest neighbours: the closest corrected conversations (cosine over content words,
 *     weighted by rarity) vote for their severity and service; a very close one decides
 *     ("like conversation 123 that an agent marked high");
 *   - learned words: a word that keeps appearing in conversations agents moved to one service
 *     (and rarely elsewhere) becomes an alias of that service. Admins can remove learned words
 *     (`removedWords` in the snapshot).
 * Pure and deterministic: the same snapshot and input give the same output.
 */
import type { Severity, TriageCorrection, TriageCorrectionsSnapshot, TriageLearnedWord } from '@app/contracts';
import { SEVERITIES } from '@app/contracts';
import { LANGUAGE_PACKS } from './languages/registry';
import { matchKey, type LearnedAlias } from './service';
import { foldString } from './text';

/** The newest corrections used per project. */
export const MAX_CORRECTIONS = 5_000;
const MAX_LEARNED = 300;

interface Example {
  id: string;
  conversationId: string;
  severity: Severity | null;
  /** undefined = the agent did not set a service */
  service: string | null | undefined;
  vector: Map<string, number>;
  order: number;
}

export interface PreparedCorrections {
  readonly examples: readonly Example[];
  /** word → the examples that contain it, with its weight there */
  readonly postings: ReadonlyMap<string, { ids: Int32Array; weights: Float64Array }>;
  readonly idf: ReadonlyMap<string, number>;
  readonly learned: readonly LearnedAlias[];
  /** A stable fingerprint of the snapshot (for caching by the caller). */
  readonly fingerprint: string;
}

const STOP = new Set<string>();
for (const p of LANGUAGE_PACKS) for (const w of p.stopwords) STOP.add(matchKey(w));
for (const w of 'hello thanks thank please team since today yesterday still again also just really help issue problem error working work works'.split(' '))
  STOP.add(matchKey(w));

/** Content words of a text, as language-neutral keys (with the folded word each came from). */
export function contentKeys(text: string, surfaces?: Map<string, Map<string, number>>): string[] {
  const out: string[] = [];
  for (const t of foldString(text).match(/\p{L}{3,}/gu) ?? []) {
    const k = matchKey(t);
    if (k.length < 3 || STOP.has(k)) continue;
    out.push(k);
    if (surfaces) {
      const m = surfaces.get(k) ?? new Map<string, number>();
      m.set(t, (m.get(t) ?? 0) + 1);
      surfaces.set(k, m);
    }
  }
  return out;
}

function hash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

export function prepareCorrections(snapshot: TriageCorrectionsSnapshot | null | undefined): PreparedCorrections {
  const list = (snapshot?.corrections ?? []).filter((c): c is TriageCorrection => !!c && typeof c.text === 'string' && typeof c.id === 'string');
  // Newest first; ties by id — the newest MAX_CORRECTIONS are used.
  const sorted = [...list]
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, MAX_CORRECTIONS);
  const removed = new Set((snapshot?.removedWords ?? []).map((w) => matchKey(foldString(w))));
  const surfaces = new Map<string, Map<string, number>>();
  const docs = sorted.map((c) => new Set(contentKeys(`${c.subject ?? ''} ${c.text}`, surfaces)));
  const df = new Map<string, number>();
  for (const d of docs) for (const k of d) df.set(k, (df.get(k) ?? 0) + 1);
  const n = Math.max(1, docs.length);
  const idf = new Map<string, number>();
  for (const [k, c] of df) idf.set(k, Math.log(1 + n / c));
  const examples: Example[] = [];
  const lists = new Map<string, { ids: number[]; weights: number[] }>();
  sorted.forEach((c, i) => {
    const vec = new Map<string, number>();
    let norm = 0;
    for (const k of docs[i]) {
      const w = idf.get(k) ?? 0;
      vec.set(k, w);
      norm += w * w;
    }
    norm = Math.sqrt(norm) || 1;
    for (const [k, w] of vec) vec.set(k, w / norm);
    const severity = c.severity ?? c.before?.severity ?? null;
    const service = c.affectedService !== undefined ? c.affectedService : undefined;
    examples.push({
      id: c.id,
      conversationId: String(c.conversationId ?? c.id),
      severity: severity && SEVERITIES.includes(severity) ? severity : null,
      service,
      vector: vec,
      order: i,
    });
    for (const [k, w] of vec) {
      const l = lists.get(k);
      if (l) {
        l.ids.push(i);
        l.weights.push(w);
      } else lists.set(k, { ids: [i], weights: [w] });
    }
  });
  const postings = new Map<string, { ids: Int32Array; weights: Float64Array }>();
  for (const [k, l] of lists) postings.set(k, { ids: Int32Array.from(l.ids), weights: Float64Array.from(l.weights) });
  // A learned word is shown (and removed) as people write it: its most frequent form.
  const surfaceOf = (k: string) => [...(surfaces.get(k) ?? new Map([[k, 1]])).entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0];
  const changed = sorted.map((c) => c.affectedService !== undefined && (c.before === undefined || c.before.affectedService !== c.affectedService));
  const learned = learnWords(examples, docs, removed, changed).map((l) => ({ ...l, word: surfaceOf(l.word) }));
  const fingerprint = hash(
    sorted.map((c) => `${c.id}:${c.severity ?? ''}:${c.affectedService ?? ''}:${c.createdAt}`).join('|') + '#' + [...removed].sort().join(','),
  );
  return { examples, postings, idf, learned, fingerprint };
}

/**
 * Words agents taught: frequent in the conversations agents moved to one service (a changed
 * service is the teaching signal; without a `before` every set service counts), rare in the
 * others, and not common words of the project's conversations.
 */
function learnWords(examples: Example[], docs: Set<string>[], removed: Set<string>, changed: boolean[]): LearnedAlias[] {
  const perService = new Map<string, Map<string, number>>();
  const total = new Map<string, number>();
  const df = new Map<string, number>();
  for (const d of docs) for (const k of d) df.set(k, (df.get(k) ?? 0) + 1);
  const common = Math.max(3, docs.length * 0.15);
  examples.forEach((e, i) => {
    if (typeof e.service !== 'string' || !changed[i]) return;
    const m = perService.get(e.service) ?? new Map<string, number>();
    for (const k of docs[i]) {
      if (k.length < 4) continue;
      m.set(k, (m.get(k) ?? 0) + 1);
      total.set(k, (total.get(k) ?? 0) + 1);
    }
    perService.set(e.service, m);
  });
  const out: LearnedAlias[] = [];
  for (const [service, counts] of [...perService.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const svcKey = matchKey(foldString(service));
    for (const [word, support] of counts) {
      if (support < 2 || removed.has(word) || word === svcKey || (df.get(word) ?? 0) > common) continue;
      const elsewhere = (total.get(word) ?? 0) - support;
      if (support < 3 * Math.max(elsewhere, 0.34)) continue;
      out.push({ word, service, support });
    }
  }
  out.sort((a, b) => b.support - a.support || (a.word < b.word ? -1 : a.word > b.word ? 1 : a.service < b.service ? -1 : 1));
  return out.slice(0, MAX_LEARNED);
}

/** The learned words, for the SPA ("learned words, removable"). */
export function learnedWords(p: PreparedCorrections): TriageLearnedWord[] {
  return p.learned.map((l) => ({ word: l.word, service: l.service, support: l.support }));
}

export interface Neighbour {
  conversationId: string;
  correctionId: string;
  similarity: number;
  severity: Severity | null;
  service: string | null | undefined;
}

/** The k closest corrected conversations (cosine ≥ `min`), closest first, newest on ties. */
export function nearestCorrections(p: PreparedCorrections, text: string, k = 5, min = 0.2): Neighbour[] {
  if (p.examples.length === 0) return [];
  const keys = new Set(contentKeys(text));
  const q = new Map<string, number>();
  let norm = 0;
  for (const key of keys) {
    const w = p.idf.get(key);
    if (!w) continue;
    q.set(key, w);
    norm += w * w;
  }
  if (q.size === 0) return [];
  norm = Math.sqrt(norm);
  // Words the corrections never saw still make the query less similar.
  let unseen = 0;
  for (const key of keys) if (!p.idf.has(key)) unseen++;
  norm = Math.sqrt(norm * norm + unseen * Math.log(1 + p.examples.length) ** 2 * 0.25);
  const scores = new Float64Array(p.examples.length);
  const touched: number[] = [];
  for (const [key, w] of q) {
    const post = p.postings.get(key);
    if (!post) continue;
    for (let j = 0; j < post.ids.length; j++) {
      const i = post.ids[j];
      if (scores[i] === 0) touched.push(i);
      scores[i] += w * post.weights[j];
    }
  }
  const ranked: [number, number][] = [];
  for (const i of touched) {
    const sim = scores[i] / norm;
    if (sim >= min) ranked.push([i, sim]);
  }
  ranked.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const out: Neighbour[] = ranked.slice(0, k).map(([i, sim]) => {
    const e = p.examples[i];
    return { conversationId: e.conversationId, correctionId: e.id, similarity: Math.round(sim * 1000) / 1000, severity: e.severity, service: e.service };
  });
  return out.slice(0, k);
}
