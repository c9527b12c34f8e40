import type { LogEntry } from '@app/contracts';
import { LogSourceError, type ConnectionTestResult, type LogQueryResult } from '../connector';
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
 * Query each `sources` entry on its own, paging until every source is exhausted or `limit` entries are collected.
 * A failing entry becomes a warning (the others still answer); a connection-level failure (401, 403, timeout…) stops the
 * run, and is thrown when nothing was collected. Entries come back oldest first.
 */
export async function collectAcrossSources<P>(o: CollectOptions<P>): Promise<LogQueryResult> {
  const entries: LogEntry[] = [];
  const warnings: string[] = [];
  const errors: LogSourceError[] = [];
  const start = decodeCursor<P>(o.cursor);
  let truncated = false;
  let nextCursor: string | undefined;
  let failedSources = 0;

  outer: for (let s = start.s; s < o.sources.length; s++) {
    const source = o.sources[s];
    let position: P | undefined = s === start.s ? start.p : undefined;
    for (;;) {
      const remaining = o.limit - entries.length;
      if (remaining <= 0) {
        truncated = true;
        nextCursor = encodeCursor({ s, p: position });
        break outer;
      }
      let page: SourcePage<P>;
      try {
        page = await o.fetchPage(source, position, remaining);
      } catch (e) {
        const err = e instanceof LogSourceError ? e : new LogSourceError('upstream_error', (e as Error).message);
        if (o.strict) throw err;
        errors.push(err);
        failedSources++;
        if (CONNECTION_CODES.has(err.code)) {
          if (entries.length === 0) throw err;
          warnings.push(`${source}: ${err.message} (stopped; ${entries.length} lines collected)`);
          break outer;
        }
        warnings.push(`${source}: ${err.message}`);
        break;
      }
      if (page.warnings) warnings.push(...page.warnings.map((w) => `${source}: ${w}`));
      const take = page.entries.slice(0, remaining);
      entries.push(...take);
      if (page.next === undefined) break;
      position = page.next;
    }
    if (entries.length >= o.limit && s + 1 < o.sources.length) {
      truncated = true;
      nextCursor = encodeCursor<P>({ s: s + 1 });
      break;
    }
  }

  if (failedSources > 0 && failedSources === o.sources.length - start.s && entries.length === 0) throw errors[0];
  return { entries: sortByTimestamp(entries), truncated, ...(nextCursor ? { nextCursor } : {}), ...(warnings.length ? { warnings } : {}) };
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

/** The query deadline: LOG_SOURCE_TIMEOUT_MS from now. */
export function deadlineFrom(timeoutMs: number): number {
  return Date.now() + timeoutMs;
}

/** Page size from settings (tests use small pages), clamped to the platform maximum. */
export function pageSizeFrom(settings: Record<string, unknown> | undefined, platformMax: number, fallback = platformMax): number {
  const n = Number(settings?.pageSize);
  return Number.isInteger(n) && n > 0 ? Math.min(n, platformMax) : Math.min(fallback, platformMax);
}
