import { createReadStream, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { LogEntry, LogLevel } from '@app/contracts';
import {
  ConnectionTestResult,
  LogPage,
  LogQuery,
  LogQueryResult,
  LogSourceConfig,
  LogSourceConnector,
  LogSourceError,
  LogSourceTypeMetadata,
} from '../connector';
import type { ConnectorContext, ConnectorFactory } from '../registry';
import { normaliseLevel } from '../shared/normalise';
import { collectPages } from '../shared/paging';
import { checkFileGlob, expandFileGlob, MAX_FILES, type ResolvedFile, walkFiles, type WalkResult } from './file-glob';

export { checkFileGlob, expandFileGlob } from './file-glob';

/** Bytes read from the end of each file by testConnection. */
const TAIL_BYTES = 64 * 1024;
const SAMPLE_SIZE = 5;
/** Entries handed out per page. */
const PAGE_SIZE = 4096;
/** A longer line (no newline for 1 MiB) is skipped rather than held in memory. */
const MAX_LINE_CHARS = 1 << 20;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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

/**
 * `file` log source: NDJSON or ISO-timestamped text files in the project's own folder, `$LOG_FILES_DIR/<projectId>/`,
 * selected by globs relative to it. Files are streamed line by line; a line outside the window is skipped on a cheap
 * read of its timestamp before anything else is parsed; entries are handed out in pages as they are read.
 */
export class FileConnector implements LogSourceConnector {
  readonly metadata: LogSourceTypeMetadata = {
    type: 'file',
    displayName: 'Log files (server directory)',
    fields: [],
    sourcesLabel: "File globs, relative to the project's folder",
    sourcesPlaceholder: 'checkout-api/*.log\n**/*.ndjson',
    setupHint:
      "No credentials. Each project reads only its own folder on the server, $LOG_FILES_DIR/<project id>/ (LOG_FILES_DIR defaults to $DATA_DIR/logs; the saved source shows the exact path): copy or mount this project's log files there " +
      'and list one glob per line, relative to that folder (e.g. `checkout-api/*.log`). Absolute paths, `..` and globs that expand out of the folder are refused; ' +
      'symbolic links leading outside it are skipped. Files are NDJSON (timestamp/time/@timestamp, level/severity, service, message/msg) or text lines starting with an ISO-8601 timestamp.',
  };

  /** A local scan: reading the baseline and the window in one pass is cheaper than two. */
  readonly oneQueryPerAnalysis = true;
  private readonly maxFiles: number;

  constructor(
    private readonly ctx: ConnectorContext,
    opts: { maxFiles?: number } = {},
  ) {
    this.maxFiles = opts.maxFiles ?? MAX_FILES;
  }

  /** The project's folder, `$LOG_FILES_DIR/<projectId>/` (absolute, not resolved). */
  folderOf(projectId: string | undefined): string {
    if (!projectId || !UUID.test(projectId)) {
      throw new LogSourceError('invalid_config', 'A file source belongs to a project; its project id is missing or malformed.');
    }
    return path.join(path.resolve(this.ctx.logFilesDir), projectId.toLowerCase());
  }

  localFolder(config: LogSourceConfig): string {
    return this.folderOf(config.projectId);
  }

  validateConfig(config: LogSourceConfig): void {
    if (!Array.isArray(config.sources) || config.sources.length === 0) {
      throw new LogSourceError('invalid_config', `A file source needs at least one glob, relative to this project's folder (e.g. "app/*.log").`);
    }
    for (const s of config.sources) checkFileGlob(s);
    this.folderOf(config.projectId);
  }

  query(config: LogSourceConfig, query: LogQuery): Promise<LogQueryResult> {
    // One entry more than asked tells whether the limit cut the result.
    const limit = Math.max(0, query.limit);
    return collectPages(this.pages(config, { ...query, limit: limit + 1 }), limit);
  }

  async *pages(config: LogSourceConfig, query: LogQuery): AsyncGenerator<LogPage> {
    const sources = query.sources.length > 0 ? query.sources : config.sources;
    const patterns = sources.flatMap((s) => expandFileGlob(s));
    // A caller's signal owns the query's deadline (the collector does not count the engine's work); alone, LOG_SOURCE_TIMEOUT_MS.
    const signal = query.signal ?? AbortSignal.timeout(this.ctx.timeoutMs);
    const limit = Math.max(0, query.limit);
    const found = await this.resolve(config, patterns, signal);
    const warnings = found.warnings;
    if (found.files.length === 0) warnings.push(`No file in this project's folder matches ${sources.map((s) => JSON.stringify(s)).join(', ')}.`);
    if (warnings.length) yield { entries: [], warnings: [...warnings] };

    const startMs = query.start.getTime();
    const endMs = query.end.getTime();
    let given = 0;
    for (const f of found.files) {
      if (given >= limit) return;
      const reader = readFileEntries(f, { startMs, endMs, signal, timeoutMs: this.ctx.timeoutMs, detail: query.detail });
      for await (const chunk of reader) {
        if (chunk.warning) {
          yield { entries: [], warnings: [chunk.warning] };
          continue;
        }
        const room = limit - given;
        const entries = chunk.entries.length > room ? chunk.entries.slice(0, room) : chunk.entries;
        given += entries.length;
        yield { entries };
        if (given >= limit) return;
      }
    }
  }

  async testConnection(config: LogSourceConfig, signal?: AbortSignal): Promise<ConnectionTestResult> {
    try {
      this.validateConfig(config);
      const patterns = config.sources.flatMap((s) => expandFileGlob(s));
      const found = await this.resolve(config, patterns, signal);
      const skipped = found.warnings.length ? ` ${found.warnings.join(' ')}` : '';
      if (found.files.length === 0) {
        return { connected: false, message: `No file in this project's folder matches ${config.sources.join(', ')}.${skipped}`, sampleLogs: [] };
      }
      const samples: LogEntry[] = [];
      for (const f of found.files.slice(0, 20)) {
        if (signal?.aborted) break;
        samples.push(...(await this.tail(f)));
      }
      samples.sort((a, b) => (a.timestamp < b.timestamp ? 1 : -1));
      const sampleLogs = samples.slice(0, SAMPLE_SIZE).map(({ timestamp, level, service, message }) => ({ timestamp, level, service, message }));
      return {
        connected: true,
        message: `Connected: ${found.files.length} file(s) matched; ${sampleLogs.length} recent line(s) read.${skipped}`,
        sampleLogs,
      };
    } catch (e) {
      return { connected: false, message: e instanceof Error ? e.message : String(e), sampleLogs: [] };
    }
  }

  /** Every file in the project's folder (at most MAX_FILES), relative to it. */
  async listSources(config: LogSourceConfig, signal?: AbortSignal): Promise<Array<{ id: string; name: string; type: string }>> {
    const root = await this.root(config);
    if (!root) return [];
    const { files } = await walkFiles(root, ['**/*'], signal, this.maxFiles);
    return files.map((f) => ({ id: f.rel, name: f.rel, type: 'file' }));
  }

  /** Real path of the project's folder, or null when it does not exist yet. */
  private async root(config: LogSourceConfig): Promise<string | null> {
    const folder = this.folderOf(config.projectId);
    try {
      const real = await fsp.realpath(folder);
      return (await fsp.stat(real)).isDirectory() ? real : null;
    } catch {
      return null;
    }
  }

  private async resolve(config: LogSourceConfig, patterns: string[], signal?: AbortSignal): Promise<WalkResult & { warnings: string[] }> {
    const root = await this.root(config);
    if (!root) {
      return {
        files: [],
        outside: 0,
        capped: false,
        warnings: [`This project's folder ${this.folderOf(config.projectId)} does not exist on the server yet: create it and put the log files there.`],
      };
    }
    const r = await walkFiles(root, patterns, signal, this.maxFiles);
    const warnings: string[] = [];
    if (r.outside > 0) warnings.push(`${r.outside} entr${r.outside === 1 ? 'y' : 'ies'} leading outside this project's folder (symbolic links) skipped.`);
    if (r.capped) warnings.push(`More than ${this.maxFiles} files matched; only the first ${this.maxFiles} were read.`);
    return { ...r, warnings };
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
// streaming reader

interface ReadChunk {
  entries: LogEntry[];
  warning?: string;
}

/**
 * The entries of one file in [startMs, endMs], PAGE_SIZE at a time, read as a stream. A line whose timestamp can be
 * read cheaply and falls outside the window is dropped before it is parsed; a line without a timestamp continues the
 * previous kept entry (stack traces), so an entry is handed out only once the next timestamped line is seen.
 */
export async function* readFileEntries(
  f: ResolvedFile,
  o: { startMs: number; endMs: number; signal: AbortSignal; timeoutMs: number; detail?: LogQuery['detail'] },
): AsyncGenerator<ReadChunk> {
  const service = serviceFromFile(f.rel);
  const stream = createReadStream(f.real, { encoding: 'utf8', highWaterMark: 1 << 20 });
  const bounds = windowBounds(o.startMs, o.endMs);
  const problemsOnly = o.detail === 'problems';
  const services: string[] = [];
  let page: LogEntry[] = [];
  let last: LogEntry | null = null;
  let sawTimestamp = false;
  let skippedLines = 0;
  let longLines = 0;
  let lineNo = 0;
  let carry = '';
  const DROP = '\u0000';

  /** One line, chunk[a, e): placed and, for info lines the consumer only counts, read without taking it out. */
  const onSpan = (chunk: string, a: number, e: number): void => {
    if (e > a && chunk.charCodeAt(e - 1) === 13) e--;
    if (e === a) return;
    // Most lines of a large file fall outside the window: skip them on a cheap look at their timestamp.
    const where = quickWindowAt(chunk, a, e, bounds);
    if (where !== UNKNOWN) {
      sawTimestamp = true;
      if (where !== INSIDE) {
        if (last) page.push(last);
        last = null;
        return;
      }
      // Info lines, when only their counts matter: no JSON parse, no copy of the line (message and raw left empty).
      if (problemsOnly && chunk.charCodeAt(a) === 123) {
        const info = infoEntryAt(chunk, a, e, service, services);
        if (info) {
          if (last) page.push(last);
          last = info;
          return;
        }
      }
    }
    onLine(chunk.slice(a, e), where);
  };

  const onLine = (line: string, where: number): void => {
    const e = parseFileLine(line, service, where === INSIDE ? 0 : null);
    if (!e) {
      if (line.trim() === '') return;
      // A continuation line (stack trace...) belongs to the previous entry, if that one was kept.
      if (last) {
        last.message += `\n${line}`;
        last.raw += `\n${line}`;
      } else if (!sawTimestamp) skippedLines++;
      return;
    }
    sawTimestamp = true;
    if (last) page.push(last);
    last = null;
    if (where !== INSIDE) {
      const t = Date.parse(e.timestamp);
      if (t < o.startMs || t > o.endMs) return;
    }
    last = e;
  };

  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      // Each chunk is read through synchronously, so readers working at once never mix their texts.
      newText();
      let from = 0;
      let nl = chunk.indexOf('\n');
      while (nl !== -1) {
        if (carry === DROP) carry = '';
        else if (carry.length) {
          const line = carry + chunk.slice(from, nl);
          carry = '';
          if (line.length > MAX_LINE_CHARS) longLines++;
          else {
            newText();
            onSpan(line, 0, line.length);
            newText();
          }
        } else if (nl - from > MAX_LINE_CHARS) longLines++;
        else onSpan(chunk, from, nl);
        if ((++lineNo & 1023) === 0 && o.signal.aborted) throw timeoutError(o.timeoutMs);
        from = nl + 1;
        nl = chunk.indexOf('\n', from);
      }
      if (from < chunk.length && carry !== DROP) {
        if (carry.length + chunk.length - from > MAX_LINE_CHARS) {
          // An endless line: drop what was gathered and skip to its end.
          longLines++;
          carry = DROP;
        } else carry += chunk.slice(from);
      }
      if (page.length >= PAGE_SIZE) {
        yield { entries: page };
        page = [];
      }
      if (o.signal.aborted) throw timeoutError(o.timeoutMs);
    }
    if (carry && carry !== DROP) {
      newText();
      onSpan(carry, 0, carry.length);
    }
    if (last) page.push(last);
    if (page.length) yield { entries: page };
  } finally {
    stream.destroy();
  }
  if (skippedLines > 0) yield { entries: [], warning: `${f.rel}: ${skippedLines} line(s) without a readable timestamp were skipped.` };
  if (longLines > 0) yield { entries: [], warning: `${f.rel}: ${longLines} line(s) longer than ${MAX_LINE_CHARS} characters were skipped.` };
}

// ---------------------------------------------------------------------------------------------
// line parsing (exported for the spec)

/**
 * An entry read from a file. Made by a constructor, not an object literal: V8 decides per object literal whether to
 * allocate its objects straight in the old generation (allocation-site pretenuring) once most of them outlive a
 * young-generation collection, as entries waiting in a page do; a million short-lived entries then piled up there
 * until a full collection (about 100 MB more peak RSS on bench/analysis-e2e's 1M-line window). A constructor's
 * objects are not pretenured.
 */
class FileEntry implements LogEntry {
  declare metadata?: Record<string, unknown>;
  constructor(
    public timestamp: string,
    public level: LogLevel,
    public service: string,
    public message: string,
    public raw: string,
  ) {}
}

/** Parses one NDJSON or ISO-timestamped text line; null when the line has no usable timestamp. */
export function parseFileLine(line: string, fileService: string, knownMs: number | null = null): LogEntry | null {
  const trimmed = line.charCodeAt(0) === 123 ? line.trimEnd() : line.trim();
  if (trimmed.charCodeAt(0) === 123 /* { */) {
    const json = tryJson(trimmed);
    if (json) return fromJson(json, line, fileService, knownMs);
  }
  const m = ISO_PREFIX.exec(trimmed);
  if (!m) return null;
  const ts = knownMs !== null && canonicalIso(m[1]) ? m[1] : toIso(m[1]);
  if (!ts) return null;
  const rest = trimmed.slice(m[1].length).replace(/^[\s\]|:,-]+/, '');
  const kv = LEVEL_KV.exec(rest);
  const word = kv ? null : LEVEL_WORD.exec(rest);
  const levelText = kv?.[1] ?? word?.[1] ?? word?.[2];
  return new FileEntry(ts, levelText ? normaliseLevel(levelText) : 'info', fileService, rest, line);
}

function fromJson(o: Record<string, unknown>, raw: string, fileService: string, knownMs: number | null): LogEntry | null {
  const tsKey = NDJSON_TIME_KEYS.find((k) => o[k] !== undefined && o[k] !== null);
  if (!tsKey) return null;
  const tsValue = o[tsKey];
  const ts = knownMs !== null && typeof tsValue === 'string' && canonicalIso(tsValue) ? tsValue : toIso(tsValue);
  if (!ts) return null;
  const lvKey = NDJSON_LEVEL_KEYS.find((k) => o[k] !== undefined && o[k] !== null);
  const msgKey = NDJSON_MESSAGE_KEYS.find((k) => o[k] !== undefined && o[k] !== null);
  let metadata: Record<string, unknown> | undefined;
  for (const k in o) {
    if (k === tsKey || k === lvKey || k === msgKey || k === 'service') continue;
    (metadata ??= {})[k] = o[k];
  }
  const msg = msgKey ? o[msgKey] : '';
  const entry = new FileEntry(
    ts,
    lvKey ? jsonLevel(o[lvKey]) : 'info',
    typeof o.service === 'string' && o.service ? o.service : fileService,
    typeof msg === 'string' ? msg : JSON.stringify(msg),
    raw,
  );
  if (metadata) entry.metadata = metadata;
  return entry;
}

/** Shared mapping; numbers are pino/bunyan levels (>=50 error, 40 warn) or syslog severities. */
function jsonLevel(v: unknown): LogLevel {
  if (typeof v === 'string') {
    // The common spellings without going through the general mapper.
    switch (v) {
      case 'error':
      case 'ERROR':
        return 'error';
      case 'warn':
      case 'WARN':
      case 'warning':
      case 'WARNING':
        return 'warn';
      case 'info':
      case 'INFO':
      case 'debug':
      case 'DEBUG':
        return 'info';
    }
  }
  return normaliseLevel(v);
}

/** `YYYY-MM-DDTHH:MM:SS.sssZ`, exactly what Date#toISOString produces (so it can be kept as is). */
function canonicalIso(s: string): boolean {
  return s.length === 24 && s.charCodeAt(23) === 90 /* Z */ && s.charCodeAt(10) === 84 /* T */ && s.charCodeAt(19) === 46; /* . */
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
      const quick = isoToMs(s, 0, s.length);
      if (quick !== null) ms = quick;
      else {
        // "2024-05-01 10:00:00" (no zone) is read as UTC, as is usual for server logs.
        let norm = s.replace(' ', 'T').replace(',', '.');
        if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(norm)) norm += 'Z';
        norm = norm.replace(/([+-]\d{2})(\d{2})$/, '$1:$2').replace(/([+-]\d{2})$/, '$1:00');
        ms = Date.parse(norm);
      }
    }
  } else return null;
  if (!Number.isFinite(ms)) return null;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

const digit = (c: number) => c >= 48 && c <= 57;
function num(s: string, i: number, n: number): number {
  let v = 0;
  for (let k = 0; k < n; k++) {
    const c = s.charCodeAt(i + k);
    if (!digit(c)) return -1;
    v = v * 10 + (c - 48);
  }
  return v;
}

/**
 * Epoch ms of an ISO-8601 date-time at s[i..end) read from its characters (no regex, no Date.parse):
 * `YYYY-MM-DD[T ]HH:MM[:SS[.fff…]]` then `Z`, `±HH:MM`, `±HHMM`, `±HH` or nothing (UTC). Null when it is not one.
 * `end` bounds the text (a JSON string value); with `open` the date-time may be followed by anything (a text line).
 */
export function isoToMs(s: string, i: number, end: number, open = false): number | null {
  if (end - i < 16) return null;
  const y = num(s, i, 4);
  const mo = num(s, i + 5, 2);
  const d = num(s, i + 8, 2);
  const h = num(s, i + 11, 2);
  const mi = num(s, i + 14, 2);
  const sep = s.charCodeAt(i + 10);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59) return null;
  if (s.charCodeAt(i + 4) !== 45 || s.charCodeAt(i + 7) !== 45 || (sep !== 84 && sep !== 32) || s.charCodeAt(i + 13) !== 58) return null;
  let p = i + 16;
  let sec = 0;
  let ms = 0;
  if (p < end && s.charCodeAt(p) === 58) {
    sec = num(s, p + 1, 2);
    if (sec < 0 || sec > 60) return null;
    p += 3;
    const c = s.charCodeAt(p);
    if (p < end && (c === 46 || c === 44)) {
      p++;
      let scale = 100;
      let nd = 0;
      while (p < end && digit(s.charCodeAt(p))) {
        if (scale >= 1) ms += (s.charCodeAt(p) - 48) * scale;
        scale /= 10;
        p++;
        nd++;
      }
      if (nd === 0) return null;
    }
  }
  let offset = 0;
  if (p < end) {
    const c = s.charCodeAt(p);
    if (c === 90 /* Z */) p++;
    else if (c === 43 || c === 45) {
      const oh = num(s, p + 1, 2);
      if (oh < 0) return null;
      let om = 0;
      let q = p + 3;
      if (q < end && s.charCodeAt(q) === 58) {
        om = num(s, q + 1, 2);
        q += 3;
      } else if (q + 1 < end && digit(s.charCodeAt(q))) {
        om = num(s, q, 2);
        q += 2;
      }
      if (om < 0) return null;
      offset = (c === 43 ? 1 : -1) * (oh * 60 + om) * 60_000;
      p = q;
    }
  }
  if (p !== end && !open) return null;
  const t = Date.UTC(y, mo - 1, d, h, mi, sec, ms) - offset;
  return Number.isFinite(t) ? t : null;
}

/** End (closing quote) of the value found by the last jsonStringValue call. */
let valueEnd = 0;

/** What the cheap reads look for, by index (NEEDLE_*), and where each was last found in the current chunk. */
const NEEDLES = [...[...NDJSON_TIME_KEYS, ...NDJSON_LEVEL_KEYS, 'service'].map((k) => `"${k}"`), '['];
/** The time keys, then the level keys, in the full parser's order of preference. */
const N_TIME = NDJSON_TIME_KEYS.map((_, i) => i);
const N_LEVEL = NDJSON_LEVEL_KEYS.map((_, i) => NDJSON_TIME_KEYS.length + i);
const N_SERVICE = NDJSON_TIME_KEYS.length + NDJSON_LEVEL_KEYS.length;
const N_ARRAY = N_SERVICE + 1;
const found = new Int32Array(NEEDLES.length).fill(-2);

/**
 * Starts the cheap reads on another text (a new chunk, a line gathered across chunks, a lone line). Strings cannot be
 * told apart by identity in JavaScript (=== compares contents), so whoever switches texts says so.
 */
function newText(): void {
  found.fill(-2);
}

/**
 * The first `NEEDLES[i]` at or after `a` in `s` (-1: none), `s` being the text of the last newText(). Lines are read
 * in order, so each needle's last position is remembered and searched again only once passed: a needle missing from
 * most lines costs one scan of the chunk, not one per line.
 */
function findFrom(s: string, i: number, a: number): number {
  let at = found[i];
  if (at === -2 || (at >= 0 && at < a)) found[i] = at = s.indexOf(NEEDLES[i], a);
  return at;
}

/**
 * Start of the plain JSON string value of the key NEEDLES[i] in the NDJSON line s[a, e), without parsing it: the
 * index after the opening quote (`valueEnd` is then its closing quote); -1 when the key is absent; -2 when what
 * follows is not a plain string (a number, an escape, not a key) — the full parser decides then.
 */
function jsonStringValue(s: string, i: number, a = 0, e = s.length): number {
  const k = findFrom(s, i, a);
  if (k < 0 || k >= e) return -1;
  let p = k + NEEDLES[i].length;
  while (s.charCodeAt(p) === 32) p++;
  if (s.charCodeAt(p) !== 58 /* : */) return -2;
  p++;
  while (s.charCodeAt(p) === 32) p++;
  if (s.charCodeAt(p) !== 34 /* " */) return -2;
  const close = s.indexOf('"', p + 1);
  if (close < 0 || close >= e) return -2;
  for (let j = p + 1; j < close; j++) if (s.charCodeAt(j) === 92 /* \\ */) return -2;
  valueEnd = close;
  return p + 1;
}

interface WindowBounds {
  startMs: number;
  endMs: number;
  /** The bounds as canonical ISO strings (24 characters, UTC), compared with canonical timestamps as text. */
  startIso: string;
  endIso: string;
}

function windowBounds(startMs: number, endMs: number): WindowBounds {
  const iso = (ms: number, fallback: string) => {
    const d = new Date(ms);
    return Number.isNaN(d.getTime()) || d.getUTCFullYear() < 1000 || d.getUTCFullYear() > 9999 ? fallback : d.toISOString();
  };
  return { startMs, endMs, startIso: iso(startMs, '0000'), endIso: iso(endMs, '9999') };
}

const BEFORE = -1;
const INSIDE = 0;
const AFTER = 1;
const UNKNOWN = 2;

/** Compares the 24 characters at s[at] with a canonical ISO string, as text (same order as the instants). */
function compareAt(s: string, at: number, iso: string): number {
  for (let i = 0; i < 24; i++) {
    const d = s.charCodeAt(at + i) - iso.charCodeAt(i);
    if (d !== 0) return d;
  }
  return 0;
}

function place(s: string, a: number, e: number, b: WindowBounds): number {
  // Canonical UTC with milliseconds (what most loggers write): compared as text, nothing is converted.
  if (e - a === 24 && s.charCodeAt(a + 23) === 90 /* Z */ && s.charCodeAt(a + 19) === 46 /* . */ && s.charCodeAt(a + 10) === 84 /* T */) {
    if (compareAt(s, a, b.startIso) < 0) return BEFORE;
    if (compareAt(s, a, b.endIso) > 0) return AFTER;
    return INSIDE;
  }
  const ms = isoToMs(s, a, e);
  if (ms === null) return UNKNOWN;
  return ms < b.startMs ? BEFORE : ms > b.endMs ? AFTER : INSIDE;
}

/** Where quickWindowAt found the timestamp of the last NDJSON line it placed. */
let tsStart = -1;
let tsEnd = -1;

/**
 * Where the line s[a, e) falls against the window, read cheaply: a text line starting with an ISO date-time followed
 * by a space, or NDJSON whose first present time key (`timestamp`, `time`, `@timestamp`) is an ISO string. UNKNOWN
 * otherwise (the full parser decides).
 */
function quickWindowAt(s: string, a: number, e: number, b: WindowBounds): number {
  const c0 = s.charCodeAt(a);
  if (c0 >= 48 && c0 <= 57) {
    const sp = s.indexOf(' ', a + 16);
    if (sp < 0 || sp > a + 40 || sp >= e) return UNKNOWN;
    return place(s, a, sp, b);
  }
  if (c0 !== 123 /* { */ || e - a > 65536) return UNKNOWN;
  for (const key of N_TIME) {
    const v = jsonStringValue(s, key, a, e);
    if (v === -1) continue;
    if (v === -2) return UNKNOWN;
    tsStart = v;
    tsEnd = valueEnd;
    return place(s, v, valueEnd, b);
  }
  return UNKNOWN;
}

const ALL_TIME: WindowBounds = { startMs: Number.NEGATIVE_INFINITY, endMs: Number.POSITIVE_INFINITY, startIso: '0000', endIso: '9999' };

/** The timestamp of a line when the cheap read can place it (epoch ms), else null. */
export function quickTimestampMs(line: string): number | null {
  const c0 = line.charCodeAt(0);
  if (c0 >= 48 && c0 <= 57) {
    const sp = line.indexOf(' ', 16);
    return sp < 0 || sp > 40 ? null : isoToMs(line, 0, sp);
  }
  tsStart = -1;
  newText();
  if (quickWindowAt(line, 0, line.length, ALL_TIME) === UNKNOWN || tsStart < 0) return null;
  return isoToMs(line, tsStart, tsEnd);
}

/**
 * An NDJSON line whose level reads as info, as an entry with timestamp, level and service only (message and raw left
 * empty), without parsing or copying the line — for consumers that only count info lines (LogQuery.detail 'problems').
 * Null for anything else: error and warn lines, nested objects or arrays (a key could be inside them), escapes,
 * numbers. `services` interns service names (one string per name, found without slicing the line).
 */
export function quickInfoEntry(line: string, fileService: string, services: string[] = []): LogEntry | null {
  tsStart = -1;
  newText();
  if (quickWindowAt(line, 0, line.length, ALL_TIME) === UNKNOWN || tsStart < 0) return null;
  return infoEntryAt(line, 0, line.length, fileService, services);
}

/** quickInfoEntry for the line s[a, e), once quickWindowAt has placed it (tsStart/tsEnd set for it). */
function infoEntryAt(s: string, a: number, e: number, fileService: string, services: string[]): LogEntry | null {
  if (s.charCodeAt(a) !== 123 /* { */ || s.charCodeAt(e - 1) !== 125 /* } */) return null;
  const nested = s.indexOf('{', a + 1);
  if (nested >= 0 && nested < e) return null;
  const array = findFrom(s, N_ARRAY, a);
  if (array >= 0 && array < e) return null;
  let lv = -1;
  for (const key of N_LEVEL) {
    lv = jsonStringValue(s, key, a, e);
    if (lv !== -1) break;
  }
  if (lv === -2) return null;
  if (lv >= 0 && !isInfoLevel(s, lv, valueEnd)) return null;
  const ts = s.slice(tsStart, tsEnd);
  const timestamp = canonicalIso(ts) ? ts : toIso(ts);
  if (!timestamp) return null;
  let service = fileService;
  const sv = jsonStringValue(s, N_SERVICE, a, e);
  if (sv === -2) return null;
  if (sv >= 0 && sv < valueEnd) service = intern(services, s, sv, valueEnd);
  return new FileEntry(timestamp, 'info', service, '', '');
}

const INFO_WORDS = ['info', 'INFO', 'Info', 'debug', 'DEBUG', 'trace', 'TRACE'];

function isInfoLevel(s: string, a: number, e: number): boolean {
  for (const w of INFO_WORDS) if (e - a === w.length && s.startsWith(w, a)) return true;
  return jsonLevel(s.slice(a, e)) === 'info';
}

/** The string s[a, e) from `known` when it is there (no new string), else added to it (at most 64 kept). */
function intern(known: string[], s: string, a: number, e: number): string {
  const n = e - a;
  for (const k of known) if (k.length === n && s.startsWith(k, a)) return k;
  const v = s.slice(a, e);
  if (known.length < 64) known.push(v);
  return v;
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
  const base = path.posix.basename(rel.split(path.sep).join('/'));
  const dot = base.indexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

function timeoutError(ms: number): LogSourceError {
  return new LogSourceError('timeout', `Reading the log files took longer than ${ms} ms (LOG_SOURCE_TIMEOUT_MS); narrow the globs or the time window.`);
}
