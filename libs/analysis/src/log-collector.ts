/**
 * Fetches the logs of one analysis: every active source in parallel, for the incident window and for a baseline
 * window of the same length right before it, each call under its own LOG_SOURCE_TIMEOUT_MS deadline, at most
 * ANALYSIS_MAX_LINES lines in total. Failures are collected as user-facing reasons, never thrown.
 */
import type { LogEntry } from '@app/contracts';
import { LogSourceError, type LogQueryResult, type LogSourceConfig, type LogSourceConnector } from '@app/log-sources/connector';
import { withDeadline } from '@app/log-sources/deadline.util';

export interface CollectSource {
  id: string;
  name: string;
  type: string;
  connector: LogSourceConnector | null;
  config: LogSourceConfig | null;
  problem?: string;
}

export interface CollectOptions {
  sources: CollectSource[];
  start: Date;
  end: Date;
  timeoutMs: number;
  maxLines: number;
  /** Also fetch the baseline window [start - (end - start), start). Default true. */
  baseline?: boolean;
}

export interface CollectedLogs {
  entries: LogEntry[];
  baseline: LogEntry[];
  /** Sources whose window query answered. */
  answered: number;
  /** Sources whose window query failed or timed out. */
  failed: number;
  /** Why the diagnosis has caveats: failed/timed-out sources, truncation, skipped files. */
  reasons: string[];
  /** Baseline problems (do not make the analysis partial). */
  baselineIssues: string[];
  truncated: boolean;
}

type Outcome = { ok: true; result: LogQueryResult } | { ok: false; message: string; timedOut: boolean };

function label(s: CollectSource): string {
  return `Log source "${s.name}" (${s.type})`;
}

async function run(s: CollectSource, start: Date, end: Date, limit: number, timeoutMs: number): Promise<Outcome> {
  if (!s.connector || !s.config) return { ok: false, message: s.problem ?? 'it cannot be used', timedOut: false };
  const connector = s.connector;
  const config = s.config;
  const timeoutText = `no answer within ${timeoutMs} ms (LOG_SOURCE_TIMEOUT_MS): the source is unreachable or too slow; self-hosted sources must allow SigSentry's outbound IPs, or narrow the sources / time window`;
  try {
    const result = await withDeadline(timeoutMs, (signal) => connector.query(config, { start, end, sources: config.sources, limit, signal }), timeoutText);
    return { ok: true, result };
  } catch (e) {
    if (e instanceof LogSourceError) {
      return { ok: false, message: e.message, timedOut: e.code === 'timeout' };
    }
    return { ok: false, message: 'the query failed with an unexpected connector error', timedOut: false };
  }
}

const byTime = (a: LogEntry, b: LogEntry) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0);

/** Concatenates per-source results; when over `max`, keeps the earliest `max` lines (the incident's start matters most). */
function merge(parts: LogEntry[][], max: number): { entries: LogEntry[]; cut: boolean } {
  let total = 0;
  for (const p of parts) total += p.length;
  if (parts.length === 1 && total <= max) return { entries: parts[0], cut: false };
  const all: LogEntry[] = new Array(total);
  let i = 0;
  for (const p of parts) for (const e of p) all[i++] = e;
  if (total <= max) return { entries: all, cut: false };
  all.sort(byTime);
  all.length = max;
  return { entries: all, cut: true };
}

export async function collectLogs(o: CollectOptions): Promise<CollectedLogs> {
  const len = o.end.getTime() - o.start.getTime();
  const bStart = new Date(o.start.getTime() - len);
  const bEnd = new Date(o.start.getTime() - 1);
  const wantBaseline = o.baseline !== false;
  const outcomes = await Promise.all(
    o.sources.map(async (s) => {
      const [win, base] = await Promise.all([
        run(s, o.start, o.end, o.maxLines, o.timeoutMs),
        wantBaseline && s.connector && s.config ? run(s, bStart, bEnd, o.maxLines, o.timeoutMs) : Promise.resolve(null),
      ]);
      return { s, win, base };
    }),
  );

  const reasons: string[] = [];
  const baselineIssues: string[] = [];
  const windowParts: LogEntry[][] = [];
  const baselineParts: LogEntry[][] = [];
  let answered = 0;
  let failed = 0;
  let truncated = false;
  for (const { s, win, base } of outcomes) {
    if (win.ok) {
      answered++;
      windowParts.push(win.result.entries);
      if (win.result.truncated) {
        truncated = true;
        reasons.push(`${label(s)} returned more than ${o.maxLines} lines (ANALYSIS_MAX_LINES); the logs were truncated.`);
      }
      for (const w of win.result.warnings ?? []) reasons.push(`${label(s)}: ${w}`);
    } else {
      failed++;
      reasons.push(`${label(s)} ${win.timedOut ? 'timed out' : 'failed'}: ${win.message}`);
    }
    if (base) {
      if (base.ok) baselineParts.push(base.result.entries);
      else baselineIssues.push(`${label(s)} baseline: ${base.message}`);
    }
  }
  const win = merge(windowParts, o.maxLines);
  if (win.cut && !truncated) {
    truncated = true;
    reasons.push(`The sources returned more than ${o.maxLines} lines together (ANALYSIS_MAX_LINES); the logs were truncated.`);
  }
  const base = merge(baselineParts, o.maxLines);
  return { entries: win.entries, baseline: base.entries, answered, failed, reasons, baselineIssues, truncated };
}
