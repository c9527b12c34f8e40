/**
 * How alike two analyses are, from what their results kept: the top error signatures (service + template) and the
 * root cause. Raw logs are never compared. Pure: unit-tested and benchmarked directly.
 */

export interface SignatureLike {
  template: string;
  service: string;
}

export interface ComparableResult {
  signatures?: SignatureLike[] | null;
  rootCause?: { service?: string; category?: string } | null;
}

/** How far back and how many analyses are compared (the project's most recent ones with a result), and how many kept. */
export const SIMILAR_HORIZON_DAYS = 90;
export const SIMILAR_CANDIDATES = 500;
export const SIMILAR_LIMIT = 10;

/** Two templates of the same service are the same signature when their words agree this much (Jaccard). */
export const TEMPLATE_MATCH = 0.6;

/** The words of a template that identify it: lower case, no `<*>` variables, no tokens with digits. */
export function templateWords(template: string): Set<string> {
  const words = template
    .replace(/<\*>/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length >= 2 && !/\d/.test(w));
  return new Set(words);
}

function jaccard(a: Set<string>, b: Set<string>): number {
  if (!a.size && !b.size) return 0;
  let inter = 0;
  for (const w of a) if (b.has(w)) inter++;
  return inter / (a.size + b.size - inter);
}

const norm = (s: string | undefined) => (s ?? '').trim().toLowerCase();

interface Prepared {
  service: string;
  template: string;
  words: Set<string>;
}

function prepare(sigs: SignatureLike[] | null | undefined): Prepared[] {
  const out: Prepared[] = [];
  for (const s of Array.isArray(sigs) ? sigs : []) {
    if (!s || typeof s.template !== 'string' || typeof s.service !== 'string') continue;
    out.push({ service: norm(s.service), template: s.template.trim(), words: templateWords(s.template) });
  }
  return out;
}

function sameSignature(a: Prepared, b: Prepared): boolean {
  if (a.service !== b.service) return false;
  if (a.template === b.template) return true;
  return jaccard(a.words, b.words) >= TEMPLATE_MATCH;
}

/** An analysis prepared once for many comparisons (a GET compares one analysis with hundreds). */
export interface PreparedComparable {
  sigs: Prepared[];
  rootService: string;
  rootCategory: string;
}

export function prepareComparable(r: ComparableResult): PreparedComparable {
  return { sigs: prepare(r.signatures), rootService: norm(r.rootCause?.service), rootCategory: norm(r.rootCause?.category) };
}

function matchCount(pa: Prepared[], pb: Prepared[]): number {
  const used = new Set<number>();
  let matched = 0;
  for (const x of pa) {
    const j = pb.findIndex((y, i) => !used.has(i) && sameSignature(x, y));
    if (j >= 0) {
      used.add(j);
      matched++;
    }
  }
  return matched;
}

/** Signatures matched one-to-one (greedy, in rank order). */
export function matchedSignatures(a: SignatureLike[] | null | undefined, b: SignatureLike[] | null | undefined): number {
  return matchCount(prepare(a), prepare(b));
}

/**
 * 0–1. Zero unless at least one signature overlaps; then 0.8 × the signature overlap (matched / union) plus 0.2 for
 * the same root-cause service and category (0.1 for the service alone). Rounded to two decimals.
 */
export function similarityOfPrepared(a: PreparedComparable, b: PreparedComparable): number {
  const matched = matchCount(a.sigs, b.sigs);
  if (matched === 0) return 0;
  const overlap = matched / (a.sigs.length + b.sigs.length - matched);
  const sameService = a.rootService !== '' && a.rootService === b.rootService;
  const sameCategory = a.rootCategory !== '' && a.rootCategory === b.rootCategory;
  const cause = sameService ? (sameCategory ? 0.2 : 0.1) : 0;
  return Math.round(Math.min(1, 0.8 * overlap + cause) * 100) / 100;
}

export function analysisSimilarity(a: ComparableResult, b: ComparableResult): number {
  return similarityOfPrepared(prepareComparable(a), prepareComparable(b));
}

/**
 * Below this an overlap is not reported (relatedIncidents, GET …/similar): one shared background signature is not a
 * related incident. Chosen on generated incidents, seeds 101–105 (bench/similar-analyses.bench.ts reports those and a
 * held-out set).
 */
export const MIN_SIMILARITY = 0.15;

/** The candidates at least MIN_SIMILARITY alike, most similar first (ties: input order), at most `limit`. */
export function rankSimilar<T extends ComparableResult>(
  a: ComparableResult,
  candidates: T[],
  limit: number,
  prepare: (c: T) => PreparedComparable = prepareComparable,
): Array<{ candidate: T; similarity: number }> {
  const pa = prepareComparable(a);
  return candidates
    .map((candidate, i) => ({ candidate, i, similarity: similarityOfPrepared(pa, prepare(candidate)) }))
    .filter((x) => x.similarity >= MIN_SIMILARITY)
    .sort((x, y) => y.similarity - x.similarity || x.i - y.i)
    .slice(0, limit)
    .map(({ candidate, similarity }) => ({ candidate, similarity }));
}
