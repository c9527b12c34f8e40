/**
 * Reads the logs of one analysis and hands them to the engine page by page, as the sources answer: every active source
 * in parallel, for the incident window and for a baseline window of the same length right before it. Each source waits
 * for one of its query slots (LOG_SOURCE_CONCURRENCY across all workers) within the analysis's wait budget, then runs
 * its queries, each under its own LOG_SOURCE_TIMEOUT_MS from its start. The engine samples a window above
 * ANALYSIS_MAX_LINES evenly across time (reason `sampled`). Failures become user-facing reasons, never throws.
 */
import type { LogEntry } from '@app/contracts';
import { LogSourceError, type ActiveLogSource, type LogPage, type SlotGate, type SlotLease, type WaitBudget } from '@app/log-sources';
import type { Analyzer } from './engine';

/** A source to read: the log-sources library's own description of an active source. */
export type CollectSource = ActiveLogSource;

/** Where the lines go, page by page: the engine's streaming analyzer (createAnalyzer), window and baseline apart. */
export type LogSink = Pick<Analyzer, 'addBatch' | 'addBaselineBatch' | 'stats'>;

export interface CollectOptions<S extends LogSink> {
  sources: CollectSource[];
  start: Date;
  end: Date;
  /** LOG_SOURCE_TIMEOUT_MS: each query's deadline, from its start (waiting for a slot is not counted). */
  timeoutMs: number;
  /** ANALYSIS_MAX_LINES (the engine samples above it; named in the `sampled` reason). */
  maxLines: number;
  /** The engine, fed as pages arrive. */
  sink: S;
  /**
   * `problems` when the sink reads only the service (and level and timestamp) of info lines — the engine counts them
   * per service — so sources may skip their text. Default `full`.
   */
  detail?: 'full' | 'problems';
  /** Also read the baseline window [start - (end - start), start). Default true. */
  baseline?: boolean;
  /** Per-source query slots shared by all workers; without it sources are queried at once. */
  slots?: SlotGate;
  /** Time an analysis may spend waiting for slots and on platforms' rate limits (default: timeoutMs). */
  waitCapMs?: number;
  /** Who is asking (shown in the slot table), e.g. `analysis <id>`. */
  purpose?: string;
}

export interface CollectedLogs {
  /** Window lines the sources handed over (all given to the engine, which keeps a sample above ANALYSIS_MAX_LINES). */
  windowLines: number;
  baselineLines: number;
  /** Sources whose window query answered (fully, or with lines before a failure). */
  answered: number;
  /** Sources whose window query failed, timed out before any line, or got no slot. */
  failed: number;
  /** Why the diagnosis has caveats: failed/timed-out/rate-limited sources, sampling, truncation, skipped files. */
  reasons: string[];
  /** Baseline problems (they do not make the analysis partial). */
  baselineIssues: string[];
  /** The engine kept an even sample of the window (reason `sampled`). */
  sampled: boolean;
}

/** Counts the lines and passes them on; with one read for both windows, each line goes where its timestamp falls. */
class Feeder {
  readonly total = { window: 0, baseline: 0 };

  constructor(
    private readonly sink: LogSink,
    private readonly windowStartIso: string,
  ) {}

  window(entries: readonly LogEntry[]): void {
    this.total.window += entries.length;
    this.sink.addBatch(entries);
  }

  baseline(entries: readonly LogEntry[]): void {
    this.total.baseline += entries.length;
    this.sink.addBaselineBatch(entries);
  }

  route(entries: readonly LogEntry[]): void {
    const w: LogEntry[] = [];
    const b: LogEntry[] = [];
    for (const e of entries) (e.timestamp < this.windowStartIso ? b : w).push(e);
    if (b.length) this.baseline(b);
    if (w.length) this.window(w);
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
 * Runs one query of one source, feeding each page to `onPage` as it arrives. The query has `timeoutMs` of the source's
 * time: the clock runs while the connector works on the next page and stops while the engine takes the page in (the
 * deadline is the source's, not the engine's). Lines fed before a failure stay fed (the outcome says so); a connector
 * that ignores the abort signal is abandoned at the deadline.
 */
async function runQuery(
  s: CollectSource,
  range: { start: Date; end: Date },
  o: { timeoutMs: number; limit: number; waitBudget: WaitBudget; detail?: 'full' | 'problems'; onPage: (entries: LogEntry[]) => void },
): Promise<QueryOutcome> {
  const connector = s.connector!;
  const config = s.config!;
  const ctl = new AbortController();
  let left = o.timeoutMs;
  let timer: NodeJS.Timeout | undefined;
  const warnings: string[] = [];
  let lines = 0;
  let it: AsyncIterator<LogPage> | undefined;
  try {
    const pages = connector.pages(config, {
      start: range.start,
      end: range.end,
      sources: config.sources,
      limit: o.limit,
      signal: ctl.signal,
      waitBudget: o.waitBudget,
      ...(o.detail ? { detail: o.detail } : {}),
    });
    it = pages[Symbol.asyncIterator]();
    for (;;) {
      const began = Date.now();
      timer = setTimeout(() => ctl.abort(new LogSourceError('timeout', timeoutText(o.timeoutMs))), Math.max(0, left));
      const step = await untilAborted(it.next(), ctl.signal);
      clearTimeout(timer);
      left -= Date.now() - began;
      if (step.done) break;
      if (step.value.warnings) warnings.push(...step.value.warnings);
      if (step.value.entries.length) {
        lines += step.value.entries.length;
        o.onPage(step.value.entries);
      }
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

async function readSource(
  s: CollectSource,
  feeder: Feeder,
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
    detail?: 'full' | 'problems';
  },
): Promise<SourceRun> {
  if (!s.connector || !s.config) return { s, win: { ok: false, message: s.problem ?? 'it cannot be used', code: 'failed' }, base: null, waitedMs: 0 };
  // What this source may spend waiting in this analysis: for a query slot, then on the platform's rate limits.
  const budget: WaitBudget = { remainingMs: Math.max(0, o.waitMs) };
  const asked = Date.now();
  const waitUntil = asked + budget.remainingMs;
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
  budget.remainingMs = Math.max(0, budget.remainingMs - waitedMs);
  const q = (range: { start: Date; end: Date }, onPage: (e: LogEntry[]) => void) =>
    runQuery(s, range, { timeoutMs: o.timeoutMs, limit: o.limit, waitBudget: budget, detail: o.detail, onPage });
  try {
    if (s.connector.oneQueryPerAnalysis && o.wantBaseline) {
      // One pass over [baseline start, window end]: each line goes where its timestamp falls.
      const both = await q({ start: o.bStart, end: o.end }, (e) => feeder.route(e));
      return { s, win: both, base: both, waitedMs };
    }
    const win = await q({ start: o.start, end: o.end }, (e) => feeder.window(e));
    const base = o.wantBaseline ? await q({ start: o.bStart, end: o.bEnd }, (e) => feeder.baseline(e)) : null;
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

export async function collectLogs<S extends LogSink>(o: CollectOptions<S>): Promise<CollectedLogs> {
  const len = o.end.getTime() - o.start.getTime();
  const bStart = new Date(o.start.getTime() - len);
  const bEnd = new Date(o.start.getTime() - 1);
  const wantBaseline = o.baseline !== false;
  const waitCap = o.waitCapMs ?? o.timeoutMs;
  const feeder = new Feeder(o.sink, o.start.toISOString());
  const common = {
    start: o.start,
    end: o.end,
    bStart,
    bEnd,
    wantBaseline,
    timeoutMs: o.timeoutMs,
    // Everything in the window is read and offered: the engine keeps an even sample above ANALYSIS_MAX_LINES.
    limit: Number.MAX_SAFE_INTEGER,
    slots: o.slots,
    purpose: o.purpose ?? 'analysis',
    waitMs: waitCap,
    ...(o.detail ? { detail: o.detail } : {}),
  };
  const runs = await Promise.all(o.sources.map((s) => readSource(s, feeder, common)));

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

  const stats = o.sink.stats();
  const sampled = stats.keptLines < stats.lines;
  if (sampled) {
    reasons.push(
      `sampled: the sources held ${fmt(stats.lines)} lines in the window, more than ANALYSIS_MAX_LINES (${fmt(o.maxLines)}); ` +
        `${fmt(stats.keptLines)} of them, an even sample across the window, were analysed.`,
    );
  }
  if (stats.keptBaselineLines < stats.baselineLines) {
    baselineIssues.push(`the baseline held ${fmt(stats.baselineLines)} lines; an even sample of ${fmt(stats.keptBaselineLines)} was used`);
  }
  return { windowLines: feeder.total.window, baselineLines: feeder.total.baseline, answered, failed, reasons, baselineIssues, sampled };
}
