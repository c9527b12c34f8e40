/**
 * Drain-style online template mining (He et al., ICWS 2017), with one default configuration.
 *
 * Messages are masked (see masking.ts) and split into tokens. Candidates are looked up by
 * (token count, first token); the most similar cluster above the threshold absorbs the message and
 * its template turns differing positions into `<*>`. Memory is bounded: clusters per group and in
 * total are capped (least recently used evicted), and the exact-match cache is cleared when full.
 */
import { maskedTokens, splitPieces, WILDCARD } from './masking';
import { KIND_PAREN_VALUE, KIND_WILDCARD, MASKED_TOKEN_SLOTS, MaskedVocabulary } from './token-ids';

/** Local copies (imported bindings are accessors in CommonJS output). */
const PAREN_VALUE = KIND_PAREN_VALUE;
const HAS_WILDCARD = KIND_WILDCARD;

/**
 * The printed form of a template: tokens joined by single spaces (whitespace runs are not part of an
 * event), adjacent wildcards within a token folded into one.
 */
export function renderTemplate(tokens: readonly string[]): string {
  let s = tokens.join(' ');
  if (s.includes('<*><*>')) s = s.replace(/(?:<\*>){2,}/g, WILDCARD);
  return s;
}

export interface MinedSignature {
  clusterId: string;
  template: string;
}

export interface SignatureMinerOptions {
  /** Similarity (share of equal positions) needed to join a cluster. */
  similarityThreshold?: number;
  /** Clusters kept per (length, first token) group. */
  maxClustersPerGroup?: number;
  /** Clusters kept in total. */
  maxClusters?: number;
  /**
   * Exact-message cache entries (0: no cache; every line is tokenised and searched). Small by default: it catches
   * bursts of the same line, while a big table of mostly unique messages costs more in memory look-ups than it saves.
   */
  maxCacheEntries?: number;
  /**
   * A variable position that only ever took this many distinct words is
   * treated as part of the signature by resolve(): "VM Started" and "VM Stopped" stay apart while
   * user names, which vary a lot, stay variables.
   */
  maxSplitValues?: number;
  /** Distinct values tracked per variable position before it is considered high-cardinality. */
  maxTrackedValues?: number;
  /** Distinct masked tokens held before the token vocabulary is rebuilt from the clusters' own tokens. */
  maxVocabulary?: number;
}

interface Cluster {
  id: number;
  /** The template's tokens, and the same as vocabulary ids (compared by id while mining). */
  tokens: string[];
  ids: number[];
  size: number;
  lastUsed: number;
  /** Vocabulary id of its group's first-token key (the group is also keyed by tokens.length). */
  firstKey: number;
  /** Dropped from the miner (cache entries may still point at it). */
  evicted: boolean;
  template: string | null;
  /**
   * Per position: the distinct values (vocabulary ids) seen since the template became variable there (undefined:
   * constant; null: more than maxTrackedValues).
   */
  variants: Array<number[] | null | undefined>;
  /** Refined sub-clusters (see resolve()): value tuple → sub index. */
  subs?: Map<string, number>;
}

/**
 * Variants of a new cluster: n positions, none tracked, as a packed array of undefined (`new Array(n)` has holes and
 * starts with small-integer elements: every cluster's array would change kind on its first tracked position, and the
 * loop over them would check two kinds and holes).
 */
function untracked(n: number): Cluster['variants'] {
  const v: Cluster['variants'] = [];
  for (let i = 0; i < n; i++) v.push(undefined);
  return v;
}

export const DEFAULT_MINER_OPTIONS: Required<SignatureMinerOptions> = {
  similarityThreshold: 0.5,
  maxClustersPerGroup: 512,
  maxClusters: 50_000,
  maxCacheEntries: 4096,
  maxSplitValues: 4,
  maxTrackedValues: 8,
  maxVocabulary: 1 << 18,
};

/**
 * Values that may name distinct events when a position takes only a few of them: capitalised words
 * and constants (Started/Stopped, NEW/RUNNING). Lower-case words (user names, hosts) and booleans stay variables.
 */
const SPLIT_VALUE = /^[A-Za-z][A-Za-z_.+-]*\d?[A-Za-z_.+-]*$/;
const BOOLEAN_LIKE = /^(?:true|false|null)$/i;
/** Quotes, brackets and trailing sentence punctuation around a value. */
const WRAPPERS = /^["'([{]+|["')\]},.;:!?]+$/g;

/** The value part of `key=value` / `key:value`. */
const AFTER_KEY = /^[A-Za-z_][\w.]*:/;
/** `key=value`: the value of an assignment is a variable. */
const KEY_ASSIGN = /^[A-Za-z_][\w.]*=/;

/**
 * Whether a value may name a distinct event: a word or dotted name (Started, android.intent.action.SCREEN_ON,
 * `action:SCREEN_ON`), or a token whose literal parts differ (`(uid=<*>)` vs `LOGIN(uid=<*>)`); never a
 * boolean-like flag and never a bare wildcard.
 */
function splittable(val: string): boolean {
  if (val === WILDCARD || !/[A-Za-z]/.test(val)) return false;
  if (KEY_ASSIGN.test(val)) return false;
  const core = val.replace(AFTER_KEY, '').replace(WRAPPERS, '');
  if (BOOLEAN_LIKE.test(core)) return false;
  // `(uid=<*>)` vs `LOGIN(uid=<*>)`: the literal parts around the variable differ, a different event.
  if (val.includes(WILDCARD)) return true;
  return SPLIT_VALUE.test(core);
}
/** Keywords whose next word is a name (a user, an account, a host), never an event word. */
const NAME_KEYWORD = /^(?:user|username|account|login|logname|owner|host|hostname|group)[:=]?$/i;

/**
 * True when `value` is an instance of `pattern`, each `<*>` standing for any text, the empty one included.
 * Greedy leftmost matching of the literal pieces (exact for `*`-only globs): O(pattern × value) at worst.
 */
function instanceOf(pattern: string, value: string): boolean {
  const pieces = pattern.split(WILDCARD);
  const first = pieces[0];
  const last = pieces[pieces.length - 1];
  if (!value.startsWith(first)) return false;
  let pos = first.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const at = value.indexOf(pieces[i], pos);
    if (at < 0) return false;
    pos = at + pieces[i].length;
  }
  return value.length - last.length >= pos && value.endsWith(last);
}

/**
 * Merges two differing tokens: when both have the same punctuation skeleton only differing pieces
 * become `<*>`; a token that is an instance of the other's pattern (`()` of `(<*>)`, `rhost=` of
 * `rhost=<*>`) keeps that pattern.
 */
const PUNCT = /[^\w*]/;

/** `(` + `<*>` + `)` from `()` and `(host)`: keeps a common prefix ending and suffix starting with punctuation. */
function mergeByEnds(a: string, b: string): string {
  const n = Math.min(a.length, b.length);
  let p = 0;
  while (p < n && a[p] === b[p]) p++;
  while (p > 0 && !PUNCT.test(a[p - 1])) p--;
  let s = 0;
  while (s < n - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
  while (s > 0 && !PUNCT.test(a[a.length - s])) s--;
  if (p === 0 && s === 0) return WILDCARD;
  const pre = a.slice(0, p);
  const suf = a.slice(a.length - s);
  if (pre.endsWith('<') || pre.endsWith('<*') || suf.startsWith('>') || suf.startsWith('*>')) return WILDCARD;
  return pre + WILDCARD + suf;
}

export function mergeToken(a: string, b: string): string {
  if (a === b) return a;
  if (a === WILDCARD || b === WILDCARD) return WILDCARD;
  const aw = a.includes(WILDCARD);
  const bw = b.includes(WILDCARD);
  if (aw && !bw && instanceOf(a, b)) return a;
  if (bw && !aw && instanceOf(b, a)) return b;
  const pa = splitPieces(a);
  const pb = splitPieces(b);
  if (pa.length !== pb.length || pa.length === 1) return mergeByEnds(a, b);
  let out = '';
  for (let i = 0; i < pa.length; i++) {
    if (i % 2 === 1) {
      if (pa[i] !== pb[i]) return WILDCARD;
      out += pa[i];
    } else if (pa[i] === pb[i]) {
      out += pa[i];
    } else out += WILDCARD;
  }
  return out;
}

/** Units that follow a number: part of the quantity, not of the event. */
const UNIT_WORD = /^[(]?(?:[kmgtp]i?b|b|bytes?|bits?|[kmg]bps|ms|us|µs|ns|s|secs?|seconds?|mins?|minutes?|h|hrs?|hours?|days?|%)[)\],.;:]*$/i;
/** A token of wildcards and punctuation only. */
function isRunToken(t: string): boolean {
  if (!t.includes(WILDCARD)) return false;
  return !/[A-Za-z0-9]/.test(t.replaceAll(WILDCARD, ''));
}

interface Skeleton {
  key: string;
  words: number;
  hasRun: boolean;
  /** Per token: true when it is part of a run of variables. */
  run: boolean[];
}

function skeletonOf(tokens: readonly string[]): Skeleton {
  const run = new Array<boolean>(tokens.length);
  let key = '';
  let words = 0;
  let hasRun = false;
  let prevRun = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const r: boolean = isRunToken(t) || (prevRun && UNIT_WORD.test(t));
    run[i] = r;
    if (r) {
      if (!prevRun) key += '\u0001';
      hasRun = true;
    } else {
      key += `${t}\u0000`;
      words++;
    }
    prevRun = r;
  }
  return { key, words, hasRun, run };
}

/** One template for clusters with the same skeleton: words kept, each run kept where all agree, else `<*>`. */
function mergeTemplates(members: ReadonlyArray<readonly string[]>): string {
  const split = members.map((tokens) => {
    const sk = skeletonOf(tokens);
    const parts: string[] = [];
    let gap: string[] = [];
    for (let i = 0; i < tokens.length; i++) {
      if (sk.run[i]) gap.push(tokens[i]);
      else {
        parts.push(gap.join(' '), tokens[i]);
        gap = [];
      }
    }
    parts.push(gap.join(' '));
    return parts;
  });
  const n = split[0].length;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const v = split[0][i];
    const same = split.every((p) => p[i] === v);
    const piece = i % 2 === 1 || same ? v : WILDCARD;
    if (piece !== '') out.push(piece);
  }
  return renderTemplate(out);
}

/** Token classes absorbQuantities() tests, per vocabulary id (see SignatureMiner.absorbClass). */
const Q_KNOWN = 1;
const Q_RUN = 2;
const Q_UNIT = 4;
/** `)` and trailing punctuation at the end, and a unit word. */
const Q_CLOSES_UNIT = 8;
/** `(<*>)` and trailing punctuation. */
const Q_PAREN_CLOSED = 16;
/** `(<*>`. */
const Q_PAREN_OPEN = 32;
const CLOSES = /\)[,.;:]*$/;
const PAREN_CLOSED = /^\(<\*>\)[,.;:]*$/;
const PAREN_OPEN = '(<*>';
const TRAILING_PUNCT = /[,.;:]*$/;

/**
 * A quantity's conversion in parentheses after it — `1234 bytes (1.2 KB)`, `5 s (5000ms)` — is part of that
 * quantity: the parenthesised group (variables and units only) is dropped, its trailing punctuation kept.
 */
function absorbQuantities(tokens: string[]): string[] {
  let out: string[] | null = null;
  for (let i = 1; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.charCodeAt(0) !== 40 || !t.includes(WILDCARD)) continue;
    const prev = tokens[i - 1];
    const afterUnit = UNIT_WORD.test(prev) && i >= 2 && isRunToken(tokens[i - 2]);
    if (!(isRunToken(prev) || afterUnit)) continue;
    let end = -1;
    if (afterUnit && PAREN_CLOSED.test(t)) end = i;
    else if (t === PAREN_OPEN && i + 1 < tokens.length && CLOSES.test(tokens[i + 1]) && UNIT_WORD.test(tokens[i + 1])) end = i + 1;
    if (end < 0) continue;
    if (!out) out = tokens.slice(0, i);
    const tail = TRAILING_PUNCT.exec(tokens[end])![0];
    if (tail) out[out.length - 1] += tail;
    for (let k = end + 1; k < tokens.length; k++) out.push(tokens[k]);
    return absorbQuantities(out);
  }
  return out ?? tokens;
}

/**
 * Exact-message cache: message → the cluster it joined and its token ids (kept in one arena, no object per entry).
 * Emptied when full.
 */
class ExactCache {
  private readonly index = new Map<string, number>();
  readonly clusters: Cluster[] = [];
  readonly idsAt: number[] = [];
  ids = new Int32Array(1024);
  private used = 0;

  constructor(private readonly capacity: number) {}

  /** The entry of a message, or -1. */
  get(message: string): number {
    return this.index.get(message) ?? -1;
  }

  /** Stores an entry; `entry` is the message's current entry (whose cluster was evicted), or -1. */
  set(message: string, cluster: Cluster, ids: Int32Array, n: number, entry: number): void {
    if (this.index.size >= this.capacity) this.clear();
    else if (entry >= 0) {
      // The same message has the same tokens: overwrite in place.
      this.clusters[entry] = cluster;
      for (let i = 0; i < n; i++) this.ids[this.idsAt[entry] + i] = ids[i];
      return;
    }
    if (this.used + n > this.ids.length) {
      const a = new Int32Array(Math.max(this.ids.length * 2, this.used + n));
      a.set(this.ids.subarray(0, this.used));
      this.ids = a;
    }
    for (let i = 0; i < n; i++) this.ids[this.used + i] = ids[i];
    this.index.set(message, this.clusters.length);
    this.clusters.push(cluster);
    this.idsAt.push(this.used);
    this.used += n;
  }

  clear(): void {
    this.index.clear();
    this.clusters.length = 0;
    this.idsAt.length = 0;
    this.used = 0;
  }
}

export class SignatureMiner {
  private readonly opts: Required<SignatureMinerOptions>;
  /** Candidate clusters by token count, then by first-token key (a vocabulary id). */
  private groups: Array<Map<number, Cluster[]> | undefined> = [];
  private readonly byId = new Map<number, Cluster>();
  private readonly cache: ExactCache;
  private vocab = new MaskedVocabulary();
  private vocabLimit: number;
  /** Per vocabulary id: its Q_* classes, 0 until computed. */
  private absorbClasses = new Uint8Array(1024);
  /** The current line's token ids (reused). */
  private readonly lineIds = new Int32Array(MASKED_TOKEN_SLOTS);
  private nextId = 1;
  private tick = 0;
  private readonly merges = new Map<number, MinedSignature>();
  private mergesDirty = true;
  private linesSeen = 0;

  constructor(options: SignatureMinerOptions = {}) {
    this.opts = { ...DEFAULT_MINER_OPTIONS, ...options };
    this.vocabLimit = this.opts.maxVocabulary;
    this.cache = new ExactCache(this.opts.maxCacheEntries);
  }

  get clusterCount(): number {
    return this.byId.size;
  }

  get lines(): number {
    return this.linesSeen;
  }

  /** Adds one message and returns its cluster id and the cluster's current template. */
  add(message: string): MinedSignature {
    const c = this.addCluster(message);
    return { clusterId: String(c.id), template: this.templateOf(c) };
  }

  /** Adds one message and returns the numeric cluster id (no template string built: fast path). */
  addId(message: string): number {
    return this.addCluster(message).id;
  }

  /** The current template of a cluster, or undefined if it was evicted. */
  template(clusterId: string | number): string | undefined {
    const c = this.byId.get(typeof clusterId === 'number' ? clusterId : Number(clusterId));
    return c ? this.templateOf(c) : undefined;
  }

  /** Clusters still held, biggest first. */
  clusters(): Array<{ clusterId: string; template: string; size: number }> {
    return [...this.byId.values()]
      .sort((a, b) => b.size - a.size || a.id - b.id)
      .map((c) => ({ clusterId: String(c.id), template: this.templateOf(c), size: c.size }));
  }

  /**
   * The final signature of a message already added: its cluster, refined by the low-cardinality
   * variable positions of that cluster (see maxSplitValues). Use after mining a batch (two passes).
   */
  resolve(message: string, clusterId: number): MinedSignature {
    const c = this.byId.get(clusterId);
    if (!c) return { clusterId: String(clusterId), template: renderTemplate(absorbQuantities(maskedTokens(message))) };
    const merged = this.mergedOf(c);
    if (merged) return merged;
    const split = this.splitPositions(c);
    if (split.length === 0) return { clusterId: String(c.id), template: this.templateOf(c) };
    const tokens = absorbQuantities(maskedTokens(message));
    const out = c.tokens.slice();
    let key = '';
    for (const p of split) {
      out[p] = tokens[p] ?? out[p];
      key += out[p] + '\u0000';
    }
    if (!c.subs) c.subs = new Map();
    let sub = c.subs.get(key);
    if (sub === undefined) {
      sub = c.subs.size + 1;
      c.subs.set(key, sub);
    }
    return { clusterId: `${c.id}.${sub}`, template: renderTemplate(out) };
  }

  private splitPositions(c: Cluster): number[] {
    const res: number[] = [];
    const max = this.opts.maxSplitValues;
    for (let i = 0; i < c.variants.length; i++) {
      const ids = c.variants[i];
      if (!ids || ids.length > max) continue;
      const m = ids.map((id) => this.vocab.text[id]);
      // The word after `user`, `account`, `host`... names an entity: a variable however few values it took.
      if (i > 0 && NAME_KEYWORD.test(c.tokens[i - 1])) continue;
      // Units after a number (`KB`, `B`, `ms`) are part of the quantity.
      let units = true;
      for (const val of m) if (!UNIT_WORD.test(val)) units = false;
      if (units) continue;
      let ok = true;
      for (const val of m) {
        if (!splittable(val)) {
          ok = false;
          break;
        }
      }
      if (ok) res.push(i);
    }
    return res;
  }

  /**
   * The final template of a cluster: its own, or that of the clusters it merges with when their templates differ
   * only in runs of variables (see mergedOf). What the analysis reports.
   */
  finalTemplate(clusterId: number): string | undefined {
    const c = this.byId.get(clusterId);
    if (!c) return undefined;
    return this.mergedOf(c)?.template ?? this.templateOf(c);
  }

  /**
   * Variable-length runs: clusters whose templates have the same words once runs of variables are taken out
   * (tokens that are only wildcards and punctuation, and unit words right after them: `<*> bytes (<*> KB)`,
   * `<*> <*> <*>` lists) are one event with a varying number of values. Recomputed lazily after new lines.
   */
  private mergedOf(c: Cluster): MinedSignature | null {
    if (this.mergesDirty) this.computeMerges();
    return this.merges.get(c.id) ?? null;
  }

  private computeMerges(): void {
    this.mergesDirty = false;
    this.merges.clear();
    const bySkeleton = new Map<string, Cluster[]>();
    for (const c of this.byId.values()) {
      const sk = skeletonOf(c.tokens);
      // A cluster whose variables are really a few words (split by resolve) is not a run of values.
      if (sk.words === 0 || !sk.hasRun || this.splitPositions(c).length > 0) continue;
      const list = bySkeleton.get(sk.key);
      if (list) list.push(c);
      else bySkeleton.set(sk.key, [c]);
    }
    for (const list of bySkeleton.values()) {
      if (list.length < 2) continue;
      list.sort((a, b) => a.id - b.id);
      const template = mergeTemplates(list.map((c) => c.tokens));
      const sig = { clusterId: `m${list[0].id}`, template };
      for (const c of list) this.merges.set(c.id, sig);
    }
  }

  private templateOf(c: Cluster): string {
    if (c.template === null) c.template = renderTemplate(c.tokens);
    return c.template;
  }

  /** The current line's masked tokens as vocabulary ids in lineIds, quantities' conversions absorbed; returns the count. */
  private lineTokens(message: string): number {
    const n = this.vocab.tokenIds(message, this.lineIds);
    return this.vocab.parenAfterFirst ? this.absorbIds(n) : n;
  }

  /** absorbQuantities() over the ids in lineIds[0, n) (the token classes it tests looked up once per vocabulary id). */
  private absorbIds(n: number): number {
    const vocab = this.vocab;
    const ids = this.lineIds;
    for (let i = 1; i < n; i++) {
      const t = ids[i];
      if ((vocab.kind[t] & PAREN_VALUE) === 0) continue;
      const prev = this.absorbClass(ids[i - 1]);
      const afterUnit = (prev & Q_UNIT) !== 0 && i >= 2 && (this.absorbClass(ids[i - 2]) & Q_RUN) !== 0;
      if (!((prev & Q_RUN) !== 0 || afterUnit)) continue;
      const own = this.absorbClass(t);
      let end = -1;
      if (afterUnit && (own & Q_PAREN_CLOSED) !== 0) end = i;
      else if ((own & Q_PAREN_OPEN) !== 0 && i + 1 < n && (this.absorbClass(ids[i + 1]) & Q_CLOSES_UNIT) !== 0) end = i + 1;
      if (end < 0) continue;
      const tail = TRAILING_PUNCT.exec(vocab.text[ids[end]])![0];
      if (tail) ids[i - 1] = vocab.idOf(vocab.text[ids[i - 1]] + tail);
      const drop = end - i + 1;
      for (let k = end + 1; k < n; k++) ids[k - drop] = ids[k];
      n -= drop;
      i = 0; // start over, as absorbQuantities() does after each absorption
    }
    return n;
  }

  /** The Q_* classes of a vocabulary id (computed on first use, kept until the vocabulary is rebuilt). */
  private absorbClass(id: number): number {
    if (id >= this.absorbClasses.length) {
      const a = new Uint8Array(Math.max(id + 1, this.absorbClasses.length * 2));
      a.set(this.absorbClasses);
      this.absorbClasses = a;
    }
    let q = this.absorbClasses[id];
    if (q === 0) {
      const t = this.vocab.text[id];
      q = Q_KNOWN;
      if (isRunToken(t)) q |= Q_RUN;
      if (UNIT_WORD.test(t)) {
        q |= Q_UNIT;
        if (CLOSES.test(t)) q |= Q_CLOSES_UNIT;
      }
      if (PAREN_CLOSED.test(t)) q |= Q_PAREN_CLOSED;
      if (t === PAREN_OPEN) q |= Q_PAREN_OPEN;
      this.absorbClasses[id] = q;
    }
    return q;
  }

  /**
   * Keeps the vocabulary bounded: when it holds many more tokens than the clusters use, a fresh one is built from
   * the clusters' tokens (ids are only compared with each other, so renumbering changes no result).
   */
  private compactVocabulary(): void {
    const vocab = new MaskedVocabulary();
    this.groups = [];
    this.cache.clear();
    this.absorbClasses = new Uint8Array(1024);
    const old = this.vocab.text;
    for (const c of this.byId.values()) {
      for (let i = 0; i < c.tokens.length; i++) c.ids[i] = vocab.idOf(c.tokens[i]);
      for (const tracked of c.variants) if (tracked) for (let k = 0; k < tracked.length; k++) tracked[k] = vocab.idOf(old[tracked[k]]);
      const n = c.tokens.length;
      const first = n ? c.ids[0] : 0;
      c.firstKey = n && vocab.kind[first] & HAS_WILDCARD ? 0 : first;
      this.groupOf(n, c.firstKey).push(c);
    }
    this.vocab = vocab;
    // When the clusters alone hold many tokens, wait until the vocabulary doubles again (amortised).
    this.vocabLimit = Math.max(this.opts.maxVocabulary, 2 * vocab.size);
  }

  private groupOf(n: number, firstKey: number): Cluster[] {
    let byFirst = this.groups[n];
    if (!byFirst) this.groups[n] = byFirst = new Map();
    let group = byFirst.get(firstKey);
    if (!group) byFirst.set(firstKey, (group = []));
    return group;
  }

  private addCluster(message: string): Cluster {
    this.linesSeen++;
    this.mergesDirty = true;
    const tick = ++this.tick;
    const useCache = this.opts.maxCacheEntries > 0;
    let hit = -1;
    if (useCache) {
      hit = this.cache.get(message);
      if (hit >= 0) {
        const c = this.cache.clusters[hit];
        if (!c.evicted) {
          c.size++;
          c.lastUsed = tick;
          const v = c.variants;
          const at = this.cache.idsAt[hit];
          const lineIds = this.cache.ids;
          for (let i = 0; i < v.length; i++) {
            const tracked = v[i];
            if (tracked) this.track(v, i, tracked, lineIds[at + i]);
          }
          return c;
        }
      }
    }
    if (this.vocab.size > this.vocabLimit) {
      this.compactVocabulary(); // empties the cache
      hit = -1;
    }
    const vocab = this.vocab;
    const ids = this.lineIds;
    const n = this.lineTokens(message);
    const first = n ? ids[0] : 0;
    const firstKey = n && vocab.kind[first] & HAS_WILDCARD ? 0 : first;
    const group = this.groupOf(n, firstKey);
    let best: Cluster | null = null;
    let bestEq = -1;
    for (let g = 0; g < group.length; g++) {
      const c = group[g];
      const t = c.ids;
      let eq = 0;
      // A cluster with more than n - bestEq differing positions cannot reach bestEq: stop comparing it.
      let slack = n - bestEq;
      let i = 0;
      for (; i < n; i++) {
        if (t[i] === ids[i]) eq++;
        else if (--slack < 0) break;
      }
      if (i < n) continue;
      // Same token count within a group: more equal positions is a higher similarity.
      if (eq > bestEq || (eq === bestEq && best !== null && c.size > best.size)) {
        bestEq = eq;
        best = c;
      }
    }
    let cluster: Cluster;
    if (best && (n === 0 ? 1 : bestEq / n) >= this.opts.similarityThreshold) {
      cluster = best;
      let changed = false;
      const t = cluster.ids;
      const ts = cluster.tokens;
      const v = cluster.variants;
      const text = vocab.text;
      for (let i = 0; i < n; i++) {
        const tracked = v[i];
        const id = ids[i];
        // Compared with both, not tested for truth: a test of a value of three types costs a dozen comparisons.
        if (tracked !== undefined && tracked !== null) this.track(v, i, tracked, id);
        if (t[i] !== id) {
          if (tracked === undefined) v[i] = [t[i], id];
          if (t[i] === 0) continue; // a wildcard absorbs anything (mergeToken's first answer)
          const m = mergeToken(ts[i], text[id]);
          if (m !== ts[i]) {
            ts[i] = m;
            t[i] = vocab.idOf(m);
            changed = true;
          }
        }
      }
      if (changed) cluster.template = null;
      cluster.size++;
    } else {
      const tokens: string[] = [];
      const cids: number[] = [];
      for (let i = 0; i < n; i++) {
        tokens.push(vocab.text[ids[i]]);
        cids.push(ids[i]);
      }
      cluster = {
        id: this.nextId++,
        tokens,
        ids: cids,
        size: 1,
        lastUsed: tick,
        firstKey,
        evicted: false,
        template: null,
        variants: untracked(n),
      };
      group.push(cluster);
      this.byId.set(cluster.id, cluster);
      if (group.length > this.opts.maxClustersPerGroup) this.evictFrom(group);
      if (this.byId.size > this.opts.maxClusters) this.evictGlobal();
    }
    cluster.lastUsed = tick;
    if (useCache) {
      this.cache.set(message, cluster, ids, n, hit);
    }
    return cluster;
  }

  private track(v: Cluster['variants'], i: number, tracked: number[], id: number): void {
    for (let k = 0; k < tracked.length; k++) if (tracked[k] === id) return;
    if (tracked.length >= this.opts.maxTrackedValues) v[i] = null;
    else tracked.push(id);
  }

  private evictFrom(group: Cluster[]): void {
    let idx = 0;
    for (let i = 1; i < group.length; i++) if (group[i].lastUsed < group[idx].lastUsed) idx = i;
    const [gone] = group.splice(idx, 1);
    gone.evicted = true;
    this.byId.delete(gone.id);
  }

  private evictGlobal(): void {
    // Drop the least recently used tenth of all clusters at once (amortised).
    const all = [...this.byId.values()].sort((a, b) => a.lastUsed - b.lastUsed);
    const drop = Math.max(1, Math.floor(all.length / 10));
    for (let i = 0; i < drop; i++) {
      const c = all[i];
      c.evicted = true;
      this.byId.delete(c.id);
      const byFirst = this.groups[c.tokens.length];
      const g = byFirst?.get(c.firstKey);
      if (byFirst && g) {
        const k = g.indexOf(c);
        if (k >= 0) g.splice(k, 1);
        if (g.length === 0) byFirst.delete(c.firstKey);
      }
    }
  }
}
