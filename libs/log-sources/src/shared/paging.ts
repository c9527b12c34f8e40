import type { LogEntry } from '@app/contracts';
import { LogSourceError, type ConnectionTestResult, type LogPage, type LogQueryResult } from '../connector';
import { sortByTimestamp, TEST_SAMPLE_SIZE, TEST_WINDOW_MS, toSample } from './normalise';

/** One page from one source. `next` undefined means this source is exhausted. */
export interface SourcePage<P> {
  entries: LogEntry[];
  next?: P;
  warnings?: string[];
}

export interface CollectOptions<P> {
  sources: string[];
  /** Total entry budget across sources (ANALYSIS_MAX_LINES or the caller's limit). */
  limit: number;
  /** Opaque cursor from a previous truncated result. */
  cursor?: string;
  /** Fetch one page of at most `max` entries from `source`, resuming at `position` (undefined = window start). */
  fetchPage: (source: string, position: P | undefined, max: number) => Promise<SourcePage<P>>;
  /** Any failing source fails the whole call (used by Test connection). */
  strict?: boolean;
}

/** Failures that concern the whole connection, not one `sources` entry: stop at once. */
const CONNECTION_CODES = new Set<LogSourceError['code']>([
  'unauthorized',
  'forbidden',
  'blocked_host',
  'timeout',
  'unreachable',
  'invalid_config',
  'rate_limited',
]);

interface CursorState<P> {
  s: number;
  p?: P;
}

export function encodeCursor<P>(state: CursorState<P>): string {
  return Buffer.from(JSON.stringify(state), 'utf8').toString('base64url');
}

export function decodeCursor<P>(cursor: string | undefined): CursorState<P> {
  if (!cursor) return { s: 0 };
  try {
    const state = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CursorState<P>;
    if (typeof state.s !== 'number' || state.s < 0) throw new Error('bad');
    return state;
  } catch {
    throw new LogSourceError('bad_request', 'The paging cursor is not valid for this log source.');
  }
}

/**
 * Query each `sources` entry on its own, page by page as the platform answers, until every source is exhausted or
 * `limit` entries were handed out. A failing entry becomes a warning (the others still answer); a connection-level
 * failure (401, 403, timeout, rate limit…) stops the run and is thrown — after the pages already handed out, which the
 * consumer keeps. Each page carries the cursor that resumes right after it.
 */
export async function* pagesAcrossSources<P>(o: CollectOptions<P>): AsyncGenerator<LogPage> {
  const errors: LogSourceError[] = [];
  const start = decodeCursor<P>(o.cursor);
  let given = 0;
  let failedSources = 0;

  for (let s = start.s; s < o.sources.length; s++) {
    const source = o.sources[s];
    let position: P | undefined = s === start.s ? start.p : undefined;
    for (;;) {
      const remaining = o.limit - given;
      if (remaining <= 0) return;
      let page: SourcePage<P>;
      try {
        page = await o.fetchPage(source, position, remaining);
      } catch (e) {
        const err = e instanceof LogSourceError ? e : new LogSourceError('upstream_error', (e as Error).message);
        if (o.strict) throw err;
        errors.push(err);
        failedSources++;
        const resume = encodeCursor<P>({ s: s + 1 });
        if (CONNECTION_CODES.has(err.code)) throw err;
        yield { entries: [], warnings: [`${source}: ${err.message}`], resume };
        break;
      }
      const take = page.entries.length > remaining ? page.entries.slice(0, remaining) : page.entries;
      given += take.length;
      const resume = page.next === undefined ? encodeCursor<P>({ s: s + 1 }) : encodeCursor<P>({ s, p: page.next });
      yield { entries: take, ...(page.warnings?.length ? { warnings: page.warnings.map((w) => `${source}: ${w}`) } : {}), resume };
      if (page.next === undefined) break;
      position = page.next;
    }
  }
  if (failedSources > 0 && failedSources === o.sources.length - start.s && given === 0) throw errors[0];
}

/**
 * Pages collected into one result: at most `limit` entries, oldest first; `truncated` (with the cursor to resume) when
 * the limit cut it and more was left.
 */
export async function collectPages(pages: AsyncIterable<LogPage>, limit: number, sourceCount?: number): Promise<LogQueryResult> {
  const entries: LogEntry[] = [];
  const warnings: string[] = [];
  const it = pages[Symbol.asyncIterator]();
  let resume: string | undefined;
  let truncated = false;
  const next = async (): Promise<IteratorResult<LogPage> | null> => {
    try {
      return await it.next();
    } catch (e) {
      // A connection-level failure after some pages: keep them and say where it stopped.
      if (!(e instanceof LogSourceError) || entries.length === 0) throw e;
      warnings.push(`${e.message} (stopped; ${entries.length} lines collected)`);
      return null;
    }
  };
  try {
    for (;;) {
      const step = await next();
      if (step === null) break;
      if (step.done) break;
      const page = step.value;
      if (page.warnings) warnings.push(...page.warnings);
      const room = limit - entries.length;
      if (page.entries.length > room) {
        for (let i = 0; i < room; i++) entries.push(page.entries[i]);
        truncated = true;
        resume = undefined;
        break;
      }
      for (const e of page.entries) entries.push(e);
      resume = page.resume;
      if (entries.length >= limit) {
        if (resume !== undefined) {
          truncated = sourceCount === undefined || decodeCursor(resume).s < sourceCount;
        } else {
          // No cursor to tell: look at what follows (a source without cursors, e.g. files).
          for (;;) {
            const more = await next();
            if (more === null || more.done) break;
            if (more.value.warnings) warnings.push(...more.value.warnings);
            if (more.value.entries.length > 0) {
              truncated = true;
              break;
            }
          }
        }
        break;
      }
    }
  } finally {
    await it.return?.();
  }
  return {
    entries: sortByTimestamp(entries),
    truncated,
    ...(truncated && resume ? { nextCursor: resume } : {}),
    ...(warnings.length ? { warnings } : {}),
  };
}

/** `pagesAcrossSources` collected (the result of a whole query, oldest first). */
export function collectAcrossSources<P>(o: CollectOptions<P>): Promise<LogQueryResult> {
  return collectPages(pagesAcrossSources(o), o.limit, o.sources.length);
}

/**
 * Test connection: query a small recent window on every `sources` entry. Any failure → not connected, with the
 * troubleshooting message; no lines → connected, with the "empty results" advice.
 */
export async function runConnectionTest(
  platform: string,
  query: (start: Date, end: Date, limit: number) => Promise<LogQueryResult>,
): Promise<ConnectionTestResult> {
  const end = new Date();
  const start = new Date(end.getTime() - TEST_WINDOW_MS);
  try {
    const res = await query(start, end, TEST_SAMPLE_SIZE * 4);
    if (res.entries.length === 0) {
      return {
        connected: true,
        message: `Connected to ${platform}, but no logs matched in the last ${TEST_WINDOW_MS / 60000} minutes: widen the test window, check the sources entries (index, label or facet values) and confirm the service logged in that window.`,
        sampleLogs: [],
      };
    }
    return {
      connected: true,
      message: `Connected to ${platform}: ${res.entries.length}${res.truncated ? '+' : ''} recent lines found.`,
      sampleLogs: toSample(res.entries),
    };
  } catch (e) {
    const message = e instanceof LogSourceError ? e.message : `Connection test failed: ${(e as Error).message}`;
    return { connected: false, message, sampleLogs: [] };
  }
}

/**
 * The deadline of a whole query: LOG_SOURCE_TIMEOUT_MS from now — unless the caller passed its own signal, which then
 * owns the query's deadline (the analysis collector counts only the time spent waiting on the source, not the
 * engine's work between pages). Each request keeps its own LOG_SOURCE_TIMEOUT_MS either way.
 */
export function queryDeadline(timeoutMs: number, callerSignal: AbortSignal | undefined): number | undefined {
  return callerSignal ? undefined : deadlineFrom(timeoutMs);
}

/** LOG_SOURCE_TIMEOUT_MS from now. */
export function deadlineFrom(timeoutMs: number): number {
  return Date.now() + timeoutMs;
}

/** Page size from settings (tests use small pages), clamped to the platform maximum. */
export function pageSizeFrom(settings: Record<string, unknown> | undefined, platformMax: number, fallback = platformMax): number {
  const n = Number(settings?.pageSize);
  return Number.isInteger(n) && n > 0 ? Math.min(n, platformMax) : Math.min(fallback, platformMax);
}
