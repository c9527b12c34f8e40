import { createReadStream, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import fg from 'fast-glob';
import type { LogEntry, LogLevel } from '@app/contracts';
import { ConnectionTestResult, LogQuery, LogQueryResult, LogSourceConfig, LogSourceConnector, LogSourceError, LogSourceTypeMetadata } from '../connector';
import type { ConnectorContext, ConnectorFactory } from '../registry';
import { normaliseLevel } from '../shared/normalise';

/** How many files listSources / a glob may return before we stop (protects against `**` on a huge tree). */
const MAX_FILES = 1000;
/** Bytes read from the end of each file by testConnection. */
const TAIL_BYTES = 64 * 1024;
const SAMPLE_SIZE = 5;

/** ISO-8601 date-time at the very start of a text line: 2024-05-01T10:00:00.123Z, 2024-05-01 10:00:00+02:00, ... */
const ISO_PREFIX = /^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)/;
/** `level=error`, `level="warn"`, `severity: ERROR` inside a text line. */
const LEVEL_KV = /\b(?:level|severity|lvl)\s*[=:]\s*"?([A-Za-z]+)"?/i;
/** A standalone level word: ERROR, [warn], <FATAL> ... (upper case, or bracketed in any case). */
const LEVEL_WORD =
  /(?:^|[\s[(<|])(FATAL|CRITICAL|CRIT|ERROR|ERR|WARNING|WARN|INFO|NOTICE|DEBUG|TRACE)(?=$|[\s\]):>|])|\[(fatal|critical|error|warning|warn|info|debug|trace)\]/;

const NDJSON_TIME_KEYS = ['timestamp', 'time', '@timestamp'] as const;
const NDJSON_LEVEL_KEYS = ['level', 'severity'] as const;
const NDJSON_MESSAGE_KEYS = ['message', 'msg'] as const;

interface ResolvedFile {
  /** Path relative to LOG_FILES_DIR, with forward slashes (what users wrote their globs against). */
  rel: string;
  /** Real path (symlinks resolved), guaranteed inside LOG_FILES_DIR. */
  real: string;
}

/** `file` log source: NDJSON or ISO-timestamped text files under LOG_FILES_DIR, selected by relative globs. */
export class FileConnector implements LogSourceConnector {
  readonly metadata: LogSourceTypeMetadata = {
    type: 'file',
    displayName: 'Log files (server directory)',
    fields: [],
    sourcesLabel: 'File globs, relative to LOG_FILES_DIR',
    sourcesPlaceholder: 'checkout-api/*.log\n**/*.ndjson',
    setupHint:
      "No credentials. Copy or mount the log files into the server's LOG_FILES_DIR (default $DATA_DIR/logs) and list one glob per line, " +
      'relative to that directory (e.g. `checkout-api/*.log`); absolute paths and `..` are refused, and symlinks leading outside the directory are skipped. ' +
      'Files are NDJSON (timestamp/time/@timestamp, level/severity, service, message/msg) or text lines starting with an ISO-8601 timestamp.',
  };

  constructor(private readonly ctx: ConnectorContext) {}

  validateConfig(config: LogSourceConfig): void {
    if (!Array.isArray(config.sources) || config.sources.length === 0) {
      throw new LogSourceError('invalid_config', 'A file source needs at least one glob, relative to LOG_FILES_DIR (e.g. "app/*.log").');
    }
    for (const s of config.sources) checkFileGlob(s);
  }

  async query(config: LogSourceConfig, query: LogQuery): Promise<LogQueryResult> {
    const sources = query.sources.length > 0 ? query.sources : config.sources;
    for (const s of sources) checkFileGlob(s);
    const signal = withDeadline(query.signal, this.ctx.timeoutMs);
    const limit = Math.max(0, Math.min(query.limit, this.ctx.maxLines));
    const warnings: string[] = [];
    const files = await this.resolve(sources, warnings);
    if (files.length === 0) warnings.push(`No file under LOG_FILES_DIR matches ${sources.map((s) => JSON.stringify(s)).join(', ')}.`);

    const startMs = query.start.getTime();
    const endMs = query.end.getTime();
    const entries: LogEntry[] = [];
    let truncated = false;
    for (const f of files) {
      const r = await this.readFile(f, { startMs, endMs, limit, entries, signal });
      if (r.skippedLines > 0) warnings.push(`${f.rel}: ${r.skippedLines} line(s) without a readable timestamp were skipped.`);
      if (r.truncated) {
        truncated = true;
        break;
      }
    }
    entries.sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));
    return { entries, truncated, ...(warnings.length ? { warnings } : {}) };
  }

  async testConnection(config: LogSourceConfig, signal?: AbortSignal): Promise<ConnectionTestResult> {
    try {
      this.validateConfig(config);
      const warnings: string[] = [];
      const files = await this.resolve(config.sources, warnings);
      const skipped = warnings.length ? ` ${warnings.join(' ')}` : '';
      if (files.length === 0) {
        return { connected: false, message: `No file under LOG_FILES_DIR matches ${config.sources.join(', ')}.${skipped}`, sampleLogs: [] };
      }
      const samples: LogEntry[] = [];
      for (const f of files.slice(0, 20)) {
        if (signal?.aborted) break;
        samples.push(...(await this.tail(f)));
      }
      samples.sort((a, b) => (a.timestamp < b.timestamp ? 1 : -1));
      const sampleLogs = samples.slice(0, SAMPLE_SIZE).map(({ timestamp, level, service, message }) => ({ timestamp, level, service, message }));
      return {
        connected: true,
        message: `Connected: ${files.length} file(s) matched; ${sampleLogs.length} recent line(s) read.${skipped}`,
        sampleLogs,
      };
    } catch (e) {
      return { connected: false, message: e instanceof Error ? e.message : String(e), sampleLogs: [] };
    }
  }

  async listSources(): Promise<Array<{ id: string; name: string; type: string }>> {
    const root = await this.root();
    if (!root) return [];
    const rels = await fg('**/*', { cwd: root, onlyFiles: true, followSymbolicLinks: false, dot: false, suppressErrors: true });
    const out: Array<{ id: string; name: string; type: string }> = [];
    for (const rel of rels.sort()) {
      if (out.length >= MAX_FILES) break;
      const real = await realInside(root, path.join(root, rel));
      if (real) out.push({ id: rel, name: rel, type: 'file' });
    }
    return out;
  }

  /** Real path of LOG_FILES_DIR, or null when it does not exist. */
  private async root(): Promise<string | null> {
    try {
      return await fsp.realpath(this.ctx.logFilesDir);
    } catch {
      return null;
    }
  }

  private async resolve(sources: string[], warnings: string[]): Promise<ResolvedFile[]> {
    const root = await this.root();
    if (!root) {
      warnings.push('LOG_FILES_DIR does not exist on the server.');
      return [];
    }
    const rels = await fg(sources.map(toPosix), { cwd: root, onlyFiles: true, followSymbolicLinks: true, dot: false, unique: true, suppressErrors: true });
    const out: ResolvedFile[] = [];
    const seen = new Set<string>();
    for (const rel of rels.sort()) {
      if (out.length >= MAX_FILES) {
        warnings.push(`More than ${MAX_FILES} files matched; only the first ${MAX_FILES} were read.`);
        break;
      }
      const real = await realInside(root, path.join(root, rel));
      if (!real) {
        warnings.push(`Skipped ${rel}: it resolves outside LOG_FILES_DIR.`);
        continue;
      }
      if (seen.has(real)) continue;
      seen.add(real);
      out.push({ rel, real });
    }
    return out;
  }

  private async readFile(
    f: ResolvedFile,
    o: { startMs: number; endMs: number; limit: number; entries: LogEntry[]; signal: AbortSignal },
  ): Promise<{ truncated: boolean; skippedLines: number }> {
    const service = serviceFromFile(f.rel);
    const stream = createReadStream(f.real, { encoding: 'utf8' });
    const rl = readline.createInterface({ input: stream, crlfDelay: Infinity });
    let last: LogEntry | null = null;
    let sawTimestamp = false;
    let lineNo = 0;
    let skippedLines = 0;
    let truncated = false;
    try {
      for await (const line of rl) {
        if ((++lineNo & 1023) === 0 && o.signal.aborted) throw timeoutError(this.ctx.timeoutMs);
        if (line.trim() === '') continue;
        // Most lines of a large file fall outside the window: skip them on a cheap look at their timestamp.
        const quick = quickTimestampMs(line);
        if (quick !== null && (quick < o.startMs || quick > o.endMs)) {
          sawTimestamp = true;
          last = null;
          continue;
        }
        const e = parseFileLine(line, service);
        if (!e) {
          // A continuation line (stack trace...) belongs to the previous entry, if that one was kept.
          if (last) {
            last.message += `\n${line}`;
            last.raw += `\n${line}`;
          } else if (!sawTimestamp) {
            skippedLines++;
          }
          continue;
        }
        sawTimestamp = true;
        const t = Date.parse(e.timestamp);
        if (t < o.startMs || t > o.endMs) {
          last = null;
          continue;
        }
        if (o.entries.length >= o.limit) {
          truncated = true;
          break;
        }
        o.entries.push(e);
        last = e;
      }
    } finally {
      rl.close();
      stream.destroy();
    }
    if (o.signal.aborted && !truncated) throw timeoutError(this.ctx.timeoutMs);
    return { truncated, skippedLines };
  }

  /** Parsed entries from the last TAIL_BYTES of a file (first, possibly partial, line dropped). */
  private async tail(f: ResolvedFile): Promise<LogEntry[]> {
    const fh = await fsp.open(f.real, 'r');
    try {
      const { size } = await fh.stat();
      const len = Math.min(size, TAIL_BYTES);
      const buf = Buffer.alloc(len);
      await fh.read(buf, 0, len, size - len);
      const lines = buf.toString('utf8').split(/\r?\n/);
      if (size > len) lines.shift();
      const service = serviceFromFile(f.rel);
      const out: LogEntry[] = [];
      for (const l of lines.slice(-200)) {
        if (!l.trim()) continue;
        const e = parseFileLine(l, service);
        if (e) out.push(e);
      }
      return out.slice(-SAMPLE_SIZE);
    } finally {
      await fh.close();
    }
  }
}

export const fileConnector: ConnectorFactory = (ctx) => new FileConnector(ctx);

// ---------------------------------------------------------------------------------------------
// helpers (exported for the spec)

/** Refuses empty, absolute and `..` globs with a message the user can act on. */
export function checkFileGlob(s: unknown): void {
  if (typeof s !== 'string' || s.trim() === '') {
    throw new LogSourceError('invalid_config', 'Each file source must be a non-empty glob relative to LOG_FILES_DIR.');
  }
  if (s.includes('\0')) throw new LogSourceError('invalid_config', `Invalid file glob ${JSON.stringify(s)}.`);
  if (path.isAbsolute(s) || path.win32.isAbsolute(s) || s.startsWith('~')) {
    throw new LogSourceError(
      'invalid_config',
      `File source ${JSON.stringify(s)} is an absolute path; use a glob relative to LOG_FILES_DIR (e.g. "app/*.log").`,
    );
  }
  // `..` as a path segment, or hidden in a brace or extglob alternative (`{..,x}`, `@(..)`), which the glob expands.
  if (s.split(/[\\/]+/).some((seg) => seg === '..') || /(^|[\\/{,(|])\.\.(?=$|[\\/},)|])/.test(s)) {
    throw new LogSourceError('invalid_config', `File source ${JSON.stringify(s)} contains "..": only files inside LOG_FILES_DIR can be read.`);
  }
}

/** Parses one NDJSON or ISO-timestamped text line; null when the line has no usable timestamp. */
export function parseFileLine(line: string, fileService: string): LogEntry | null {
  const trimmed = line.trim();
  if (trimmed.startsWith('{')) {
    const json = tryJson(trimmed);
    if (json) return fromJson(json, line, fileService);
  }
  const m = ISO_PREFIX.exec(trimmed);
  if (!m) return null;
  const ts = toIso(m[1]);
  if (!ts) return null;
  const rest = trimmed.slice(m[1].length).replace(/^[\s\]|:,-]+/, '');
  const kv = LEVEL_KV.exec(rest);
  const word = kv ? null : LEVEL_WORD.exec(rest);
  const levelText = kv?.[1] ?? word?.[1] ?? word?.[2];
  return { timestamp: ts, level: levelText ? normaliseLevel(levelText) : 'info', service: fileService, message: rest, raw: line };
}

function fromJson(o: Record<string, unknown>, raw: string, fileService: string): LogEntry | null {
  const tsKey = NDJSON_TIME_KEYS.find((k) => o[k] !== undefined && o[k] !== null);
  if (!tsKey) return null;
  const ts = toIso(o[tsKey]);
  if (!ts) return null;
  const lvKey = NDJSON_LEVEL_KEYS.find((k) => o[k] !== undefined && o[k] !== null);
  const msgKey = NDJSON_MESSAGE_KEYS.find((k) => o[k] !== undefined && o[k] !== null);
  const metadata: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === tsKey || k === lvKey || k === msgKey || k === 'service') continue;
    metadata[k] = v;
  }
  const msg = msgKey ? o[msgKey] : '';
  return {
    timestamp: ts,
    level: lvKey ? jsonLevel(o[lvKey]) : 'info',
    service: typeof o.service === 'string' && o.service ? o.service : fileService,
    message: typeof msg === 'string' ? msg : JSON.stringify(msg),
    raw,
    ...(Object.keys(metadata).length ? { metadata } : {}),
  };
}

/** Shared mapping; numbers are pino/bunyan levels (>=50 error, 40 warn) or syslog severities. */
function jsonLevel(v: unknown): LogLevel {
  return normaliseLevel(v);
}

function toIso(v: unknown): string | null {
  let ms: number;
  if (typeof v === 'number')
    ms = v < 1e11 ? v * 1000 : v; // epoch seconds or milliseconds
  else if (typeof v === 'string') {
    const s = v.trim();
    if (/^\d+(\.\d+)?$/.test(s)) {
      const n = Number(s);
      ms = n < 1e11 ? n * 1000 : n;
    } else {
      // "2024-05-01 10:00:00" (no zone) is read as UTC, as is usual for server logs.
      let norm = s.replace(' ', 'T').replace(',', '.');
      if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(norm)) norm += 'Z';
      norm = norm.replace(/([+-]\d{2})(\d{2})$/, '$1:$2').replace(/([+-]\d{2})$/, '$1:00');
      ms = Date.parse(norm);
    }
  } else return null;
  if (!Number.isFinite(ms)) return null;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

const QUICK_JSON_TS = /^\s*\{.*?"(?:@timestamp|timestamp|time)"\s*:\s*"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))"/;
const QUICK_TEXT_TS = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))\s/;

/**
 * The timestamp of a line when it can be read without parsing the whole line (NDJSON with a zoned ISO timestamp in
 * `timestamp`/`time`/`@timestamp`, or a text line starting with one), else null (the full parser decides).
 */
export function quickTimestampMs(line: string): number | null {
  const m = QUICK_TEXT_TS.exec(line) ?? (line.length < 65536 ? QUICK_JSON_TS.exec(line) : null);
  if (!m) return null;
  const t = Date.parse(m[1]);
  return Number.isFinite(t) ? t : null;
}

function tryJson(s: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(s);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function serviceFromFile(rel: string): string {
  const base = path.posix.basename(toPosix(rel));
  const dot = base.indexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

/** Real path of `p` when it lies inside `root` (both resolved), else null. */
async function realInside(root: string, p: string): Promise<string | null> {
  try {
    const real = await fsp.realpath(p);
    const rel = path.relative(root, real);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return null;
    return real;
  } catch {
    return null;
  }
}

function withDeadline(signal: AbortSignal | undefined, timeoutMs: number): AbortSignal {
  const t = AbortSignal.timeout(timeoutMs);
  return signal ? AbortSignal.any([signal, t]) : t;
}

function timeoutError(ms: number): LogSourceError {
  return new LogSourceError('timeout', `Reading the log files took longer than ${ms} ms (LOG_SOURCE_TIMEOUT_MS); narrow the globs or the time window.`);
}
