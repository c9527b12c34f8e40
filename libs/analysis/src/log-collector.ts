/**
 * Reads the logs of one analysis and hands them to the engine page by page, as the sources answer: every active source
 * in parallel, for the incident window and for a baseline window of the same length right before it. Each source waits
 * for one of its query slots (LOG_SOURCE_CONCURRENCY across all workers) within the analysis's wait budget, then runs
 * its queries, each under its own LOG_SOURCE_TIMEOUT_MS from its start. Above ANALYSIS_MAX_LINES the window is sampled
 * evenly across time (a second, thinned read), never cut at its start. Failures become user-facing reasons, never throws.
 */
import type { AnalysisResult, LogEntry } from '@app/contracts';
import { LogSourceError, type ActiveLogSource, type LogPage, type SlotGate, type SlotLease } from '@app/log-sources';
import { analyze, type AnalyzeInput } from './engine/analyze';

/** A source to read: the log-sources library's own description of an active source. */
export type CollectSource = ActiveLogSource;

/** Where the lines go: the engine, page by page, window and baseline apart. */
export interface LogSink {
  addWindow(entries: readonly LogEntry[]): void;
  addBaseline(entries: readonly LogEntry[]): void;
  /** `problems` when only the timestamp, level and service of info lines are read (sources may then skip their text). */
  readonly detail?: 'full' | 'problems';
}

export interface CollectOptions<S extends LogSink> {
  sources: CollectSource[];
  start: Date;
  end: Date;
  /** LOG_SOURCE_TIMEOUT_MS: each query's deadline, from its start (waiting for a slot is not counted). */
  timeoutMs: number;
  /** ANALYSIS_MAX_LINES: lines of the window (and of the baseline) the sink receives at most. */
  maxLines: number;
  /** A fresh sink; a second one is made when the window has to be sampled. */
  createSink: () => S;
  /** Also read the baseline window [start - (end - start), start). Default true. */
  baseline?: boolean;
  /** Per-source query slots shared by all workers; without it sources are queried at once. */
  slots?: SlotGate;
  /** Time an analysis may spend waiting for slots and on platforms' rate limits (default: timeoutMs). */
  waitCapMs?: number;
  /** Who is asking (shown in the slot table), e.g. `analysis <id>`. */
  purpose?: string;
}

export interface CollectedLogs<S extends LogSink> {
  /** The sink holding the lines the result should come from. */
  sink: S;
  /** Window lines the sink received. */
  windowLines: number;
  /** Window lines the sources held (more than windowLines when sampled or cut). */
  windowTotal: number;
  baselineLines: number;
  /** Sources whose window query answered (fully, or with lines before a failure). */
  answered: number;
  /** Sources whose window query failed, timed out before any line, or got no slot. */
  failed: number;
  /** Why the diagnosis has caveats: failed/timed-out/rate-limited sources, sampling, truncation, skipped files. */
  reasons: string[];
  /** Baseline problems (they do not make the analysis partial). */
  baselineIssues: string[];
  /** The window was thinned evenly across time (reason `sampled`). */
  sampled: boolean;
  /** Lines were cut (an unexpected excess on the sampled read, or the sampled read failed). */
  truncated: boolean;
}

/** Pass 1 keeps counting past the budget up to this multiple, to know the sampling rate; beyond it, lines are cut. */
const OVERREAD = 16;

type Kind = 'window' | 'baseline';

/** A keep rate as the exact fraction keep/of (integers, so that 1 in k is exact over any number of lines). */
interface Rate {
  keep: number;
  of: number;
}
const ALL: Rate = { keep: 1, of: 1 };

/**
 * Counts every line and passes on those kept — all, or systematically `keep` of every `of` in reading order (the n-th
 * line is kept when ⌊n·keep/of⌋ steps up), which spreads them evenly over the whole read — up to a cap.
 */
class Feeder<S extends LogSink> {
  readonly total = { window: 0, baseline: 0 };
  readonly fed = { window: 0, baseline: 0 };
  /** The cap stopped lines that the rate would have kept. */
  readonly over = { window: false, baseline: false };

  constructor(
    readonly sink: S,
    private readonly max: number,
    private readonly rate: Record<Kind, Rate>,
    private readonly windowStartIso: string,
  ) {}

  add(kind: Kind, entries: readonly LogEntry[]): void {
    const n = entries.length;
    if (n === 0) return;
    const seen = this.total[kind];
    this.total[kind] += n;
    const room = this.max - this.fed[kind];
    const put = (batch: readonly LogEntry[]) => {
      if (batch.length === 0) return;
      this.fed[kind] += batch.length;
      if (kind === 'window') this.sink.addWindow(batch);
      else this.sink.addBaseline(batch);
    };
    const { keep, of } = this.rate[kind];
    if (keep >= of) {
      if (n <= room) put(entries);
      else {
        put(entries.slice(0, Math.max(0, room)));
        this.over[kind] = true;
      }
      return;
    }
    const batch: LogEntry[] = [];
    let step = Math.floor((seen * keep) / of);
    for (let i = 0; i < n; i++) {
      const next = Math.floor(((seen + i + 1) * keep) / of);
      if (next > step) {
        if (batch.length < room) batch.push(entries[i]);
        else this.over[kind] = true;
      }
      step = next;
    }
    put(batch);
  }

  /** One read covering both windows: each entry goes where its timestamp falls. */
  route(entries: readonly LogEntry[]): void {
    const w: LogEntry[] = [];
    const b: LogEntry[] = [];
    for (const e of entries) (e.timestamp < this.windowStartIso ? b : w).push(e);
    this.add('baseline', b);
    this.add('window', w);
  }

  /** Enough was read to know the rate (pass 1 stops reading there). */
  saturated(cap: number): boolean {
    return this.total.window >= cap;
  }
}

type QueryOutcome =
  | { ok: true; warnings: string[]; lines: number; stopped?: { message: string; timedOut: boolean; rateLimited: boolean } }
  | { ok: false; message: string; code: 'timeout' | 'rate_limited' | 'failed' };

interface SourceRun {
  s: CollectSource;
  win: QueryOutcome;
  base: QueryOutcome | null;
  /** Time spent waiting for the slot. */
  waitedMs: number;
}

function label(s: CollectSource): string {
  return `Log source "${s.name}" (${s.type})`;
}

function timeoutText(ms: number): string {
  return `no answer within ${ms} ms (LOG_SOURCE_TIMEOUT_MS): the source is unreachable or too slow; self-hosted sources must allow SigSentry's outbound IPs, or narrow the sources / time window`;
}

/**
 * Runs one query of one source, feeding each page to `onPage` as it arrives, under `timeoutMs` from now. Lines fed
 * before a failure stay fed (the outcome says so); a connector that ignores the abort signal is abandoned at the deadline.
 */
async function runQuery(
  s: CollectSource,
  range: { start: Date; end: Date },
  o: { timeoutMs: number; limit: number; waitUntil: number; detail?: LogSink['detail']; onPage: (entries: LogEntry[]) => void; enough: () => boolean },
): Promise<QueryOutcome> {
  const connector = s.connector!;
  const config = s.config!;
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(new LogSourceError('timeout', timeoutText(o.timeoutMs))), o.timeoutMs);
  const warnings: string[] = [];
  let lines = 0;
  let it: AsyncIterator<LogPage> | undefined;
  try {
    it = connector
      .pages(config, {
        start: range.start,
        end: range.end,
        sources: config.sources,
        limit: o.limit,
        signal: ctl.signal,
        waitUntil: o.waitUntil,
        ...(o.detail ? { detail: o.detail } : {}),
      })
      [Symbol.asyncIterator]();
    for (;;) {
      const step = await untilAborted(it.next(), ctl.signal);
      if (step.done) break;
      if (step.value.warnings) warnings.push(...step.value.warnings);
      if (step.value.entries.length) {
        lines += step.value.entries.length;
        o.onPage(step.value.entries);
      }
      if (o.enough()) break;
    }
    return { ok: true, warnings, lines };
  } catch (e) {
    const err = e instanceof LogSourceError ? e : null;
    const message = err ? err.message : 'the query failed with an unexpected connector error';
    const timedOut = err?.code === 'timeout' || ctl.signal.aborted;
    if (lines > 0) {
      return {
        ok: true,
        warnings,
        lines,
        stopped: { message: timedOut ? timeoutText(o.timeoutMs) : message, timedOut, rateLimited: err?.code === 'rate_limited' },
      };
    }
    return {
      ok: false,
      message: timedOut && !err ? timeoutText(o.timeoutMs) : message,
      code: timedOut ? 'timeout' : err?.code === 'rate_limited' ? 'rate_limited' : 'failed',
    };
  } finally {
    clearTimeout(timer);
    if (!ctl.signal.aborted) ctl.abort(new LogSourceError('timeout', 'the read was stopped'));
    // Stop the connector's reading (its generator's finally blocks close files and clients); never wait for a hung one.
    void it?.return?.()?.catch(() => undefined);
  }
}

async function readSource<S extends LogSink>(
  s: CollectSource,
  feeder: Feeder<S>,
  o: {
    start: Date;
    end: Date;
    bStart: Date;
    bEnd: Date;
    wantBaseline: boolean;
    timeoutMs: number;
    limit: number;
    waitMs: number;
    slots?: SlotGate;
    purpose: string;
  },
): Promise<SourceRun> {
  if (!s.connector || !s.config) return { s, win: { ok: false, message: s.problem ?? 'it cannot be used', code: 'failed' }, base: null, waitedMs: 0 };
  const asked = Date.now();
  const waitUntil = asked + Math.max(0, o.waitMs);
  let lease: SlotLease | null = null;
  if (o.slots) {
    try {
      lease = await o.slots.acquire({ id: s.id, projectId: s.config.projectId ?? s.id }, { waitUntil, purpose: o.purpose });
    } catch {
      const message = 'its query slot could not be taken (the database did not answer); retry the analysis';
      return { s, win: { ok: false, message, code: 'failed' }, base: null, waitedMs: Date.now() - asked };
    }
    if (!lease) {
      const waited = Math.round((Date.now() - asked) / 1000);
      const message = `every query slot of this source stayed busy for ${waited} s (LOG_SOURCE_CONCURRENCY queries at a time per source, across all workers); the analysis stopped waiting. Retry later, or raise LOG_SOURCE_CONCURRENCY if the platform allows more.`;
      return { s, win: { ok: false, message, code: 'rate_limited' }, base: null, waitedMs: Date.now() - asked };
    }
  }
  const waitedMs = Date.now() - asked;
  const q = (range: { start: Date; end: Date }, onPage: (e: LogEntry[]) => void) =>
    runQuery(s, range, { timeoutMs: o.timeoutMs, limit: o.limit, waitUntil, detail: feeder.sink.detail, onPage, enough: () => feeder.saturated(o.limit) });
  try {
    if (s.connector.oneQueryPerAnalysis && o.wantBaseline) {
      // One pass over [baseline start, window end]: each line goes where its timestamp falls.
      const both = await q({ start: o.bStart, end: o.end }, (e) => feeder.route(e));
      return { s, win: both, base: both, waitedMs };
    }
    const win = await q({ start: o.start, end: o.end }, (e) => feeder.add('window', e));
    const base = o.wantBaseline ? await q({ start: o.bStart, end: o.bEnd }, (e) => feeder.add('baseline', e)) : null;
    return { s, win, base, waitedMs };
  } finally {
    await lease?.release().catch(() => undefined);
  }
}

/**
 * `p`, or the signal's reason once it aborts — whichever comes first. (Not Promise.race with one long-lived deadline
 * promise: every race would leave a reaction on it holding its page until the deadline.)
 */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  p.catch(() => undefined); // a late rejection after the deadline must not be unhandled
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

function fmt(n: number): string {
  return n.toLocaleString('en');
}

export async function collectLogs<S extends LogSink>(o: CollectOptions<S>): Promise<CollectedLogs<S>> {
  const len = o.end.getTime() - o.start.getTime();
  const bStart = new Date(o.start.getTime() - len);
  const bEnd = new Date(o.start.getTime() - 1);
  const wantBaseline = o.baseline !== false;
  const waitCap = o.waitCapMs ?? o.timeoutMs;
  const limit = Math.max(1, o.maxLines) * OVERREAD;
  const windowStartIso = o.start.toISOString();
  const common = { start: o.start, end: o.end, bStart, bEnd, wantBaseline, timeoutMs: o.timeoutMs, limit, slots: o.slots, purpose: o.purpose ?? 'analysis' };

  // Pass 1: everything, as it comes; past the budget, lines are only counted.
  const first = new Feeder(o.createSink(), o.maxLines, { window: ALL, baseline: ALL }, windowStartIso);
  const runs = await Promise.all(o.sources.map((s) => readSource(s, first, { ...common, waitMs: waitCap })));

  const reasons: string[] = [];
  const baselineIssues: string[] = [];
  let answered = 0;
  let failed = 0;
  for (const { s, win, base } of runs) {
    if (win.ok) {
      answered++;
      for (const w of win.warnings) reasons.push(`${label(s)}: ${w}`);
      if (win.stopped) {
        const what = win.stopped.timedOut ? 'timed out' : win.stopped.rateLimited ? 'was rate limited' : 'failed';
        reasons.push(`${win.stopped.rateLimited ? 'rate_limited: ' : ''}${label(s)} ${what} after ${fmt(win.lines)} lines: ${win.stopped.message}`);
      }
    } else {
      failed++;
      if (win.code === 'rate_limited') reasons.push(`rate_limited: ${label(s)}: ${win.message}`);
      else reasons.push(`${label(s)} ${win.code === 'timeout' ? 'timed out' : 'failed'}: ${win.message}`);
    }
    if (base && base !== win) {
      if (!base.ok) baselineIssues.push(`${label(s)} baseline: ${base.message}`);
      else if (base.stopped) baselineIssues.push(`${label(s)} baseline: ${base.stopped.message}`);
    }
  }

  let result: Feeder<S> = first;
  let sampled = false;
  let truncated = false;
  if (first.over.window || first.over.baseline) {
    // Pass 2: the same sources again, keeping 1 line in k evenly over the whole read, so the whole window is seen.
    const rateOf = (total: number): Rate => (total > o.maxLines ? { keep: o.maxLines, of: total } : ALL);
    const rate = { window: rateOf(first.total.window), baseline: rateOf(first.total.baseline) };
    const second = new Feeder(o.createSink(), o.maxLines, rate, windowStartIso);
    const again = runs.filter((r) => r.win.ok);
    const runs2 = await Promise.all(again.map((r) => readSource(r.s, second, { ...common, waitMs: Math.max(0, waitCap - r.waitedMs) })));
    // Sources that answered cleanly the first time must do so again (one that timed out may do so again: its lines count).
    const clean = (r: SourceRun) => r.win.ok && !r.win.stopped;
    const cleanBefore = new Set(again.filter(clean).map((r) => r.s));
    const allClean = runs2.every((r) => clean(r) || !cleanBefore.has(r.s));
    if (allClean && second.fed.window > 0) {
      result = second;
      sampled = rate.window.keep < rate.window.of;
      truncated = second.over.window;
      if (sampled) {
        reasons.push(
          `sampled: the sources held ${fmt(first.total.window)}${first.saturated(limit) ? '+' : ''} lines in the window, more than ANALYSIS_MAX_LINES (${fmt(o.maxLines)}); ` +
            `${fmt(second.fed.window)} were analysed, 1 in ${(first.total.window / o.maxLines).toFixed(1)}, evenly across the window.`,
        );
      }
      if (rate.baseline.keep < rate.baseline.of)
        baselineIssues.push(`the baseline held ${fmt(first.total.baseline)} lines; 1 in ${(first.total.baseline / o.maxLines).toFixed(1)} was used`);
    } else {
      truncated = true;
      for (const r of runs2) {
        if (!r.win.ok) reasons.push(`${label(r.s)} failed while re-reading the window to sample it: ${r.win.message}`);
        else if (r.win.stopped) reasons.push(`${label(r.s)} stopped while re-reading the window to sample it: ${r.win.stopped.message}`);
      }
    }
    if (truncated) {
      reasons.push(
        `The sources held more than ANALYSIS_MAX_LINES (${fmt(o.maxLines)}) lines in the window and it could not be sampled evenly; the logs were truncated to ${fmt(result.fed.window)} lines.`,
      );
    }
  }

  return {
    sink: result.sink,
    windowLines: result.fed.window,
    windowTotal: first.total.window,
    baselineLines: result.fed.baseline,
    answered,
    failed,
    reasons,
    baselineIssues,
    sampled,
    truncated,
  };
}

/**
 * TEMPORARY adapter (issue 17): the engine's incremental API (pages in, result out) is being built in
 * libs/analysis/src/engine. Until it lands, pages are kept here and handed to the whole-array `analyze()` at finish(),
 * keeping only what that engine reads: error and warn lines (timestamp, level, service, message) in order, and for
 * every other line only a count per service (the engine counts them per service and reads nothing else of them).
 * Replace it with the incremental analyzer.
 */
export class BufferedAnalyzer implements LogSink {
  readonly detail = 'problems' as const;
  private readonly window = { problems: [] as LogEntry[], info: new Map<string, number>() };
  private readonly baseline = { problems: [] as LogEntry[], info: new Map<string, number>() };

  constructor(private readonly input: Omit<AnalyzeInput, 'entries' | 'baseline'>) {}

  addWindow(entries: readonly LogEntry[]): void {
    keep(this.window, entries);
  }

  addBaseline(entries: readonly LogEntry[]): void {
    keep(this.baseline, entries);
  }

  finish(): AnalysisResult {
    return analyze({ ...this.input, entries: replay(this.window), baseline: replay(this.baseline) });
  }
}

function keep(into: { problems: LogEntry[]; info: Map<string, number> }, entries: readonly LogEntry[]): void {
  for (const e of entries) {
    if (e.level === 'error' || e.level === 'warn')
      into.problems.push({ timestamp: e.timestamp, level: e.level, service: e.service, message: e.message, raw: '' });
    else into.info.set(e.service, (into.info.get(e.service) ?? 0) + 1);
  }
}

/** The kept lines as the engine reads them: each service's info lines (one shared entry each), then the problems in order. */
function* replay(kept: { problems: LogEntry[]; info: Map<string, number> }): Generator<LogEntry> {
  for (const [service, n] of kept.info) {
    const e: LogEntry = { timestamp: '', level: 'info', service, message: '', raw: '' };
    for (let i = 0; i < n; i++) yield e;
  }
  yield* kept.problems;
}
