import type { LogEntry } from '@app/contracts';
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
import { assertHostAllowed } from '../shared/host-guard';
import { httpJson } from '../shared/http';
import { levelFromText, normaliseLevel, toIsoTimestamp } from '../shared/normalise';
import { collectPages, pageSizeFrom, pagesAcrossSources, queryDeadline, runConnectionTest } from '../shared/paging';

const PLATFORM = 'Splunk';
const HINTS = {
  forbidden: "the token's user needs the search capability and read access on the indexes in `sources`",
  notFound: 'check the Splunk REST URL (management port, usually https://<host>:8089)',
};
/**
 * How splunkd answers, for the shared HTTP client: its error text is in `messages[].text`, and a 503 means the search
 * concurrency quota is full ("Search not executed: The maximum number of concurrent … searches … has been reached") —
 * a rate-limit answer, retried with backoff.
 */
const SPLUNK_HTTP = { platform: PLATFORM, hints: HINTS, rateLimitStatuses: [503], errorText: splunkMessage };
/** Results fetched per GET of a job's results. */
const DEFAULT_PAGE_SIZE = 5000;
const MAX_PAGE = 50_000;
/** Most events one search job keeps accessible (max_count). */
const MAX_JOB_EVENTS = 10_000_000;
/** Seconds splunkd keeps a finished job (we read it right away, so a short TTL avoids piling up jobs). */
const JOB_TTL_SECONDS = 300;

/** A field of a Splunk result: a string, or an array for multi-value fields. */
type SplunkValue = string | string[] | undefined;
type SplunkResult = Record<string, SplunkValue>;

/** Where a source's reading stands: its search job and the next result offset. */
interface SplunkPosition {
  sid: string;
  offset: number;
}

interface ResultsPage {
  results?: SplunkResult[];
  messages?: Array<{ type?: string; text?: string }>;
}

export interface SplunkConnectorOptions {
  /** Results per page (tests use a small value to exercise paging). */
  pageSize?: number;
}

/** Splunk Enterprise / Splunk Cloud through the REST search API: one blocking search job per `sources` line, results paged. */
export class SplunkConnector implements LogSourceConnector {
  readonly metadata: LogSourceTypeMetadata = {
    type: 'splunk',
    displayName: 'Splunk',
    fields: [
      {
        key: 'host',
        label: 'REST API URL',
        type: 'text',
        required: true,
        location: 'credentials',
        placeholder: 'https://splunk.example.com:8089',
        help: 'The splunkd management (REST) URL, usually port 8089, not the web UI port.',
      },
      { key: 'token', label: 'Authentication token', type: 'password', required: true, location: 'credentials', help: 'Sent as Authorization: Bearer.' },
    ],
    sourcesLabel: 'Indexes or search expressions',
    sourcesPlaceholder: 'main\nindex=prod_app_logs sourcetype=json',
    setupHint:
      'In Splunk, enable token authentication (Settings → Tokens → Token Settings → Enable Token Authentication), then Settings → Tokens → New Token ' +
      'for a dedicated user whose role has only the `search` capability and read access to the needed indexes (Audience `sigsentry`, a real expiration). ' +
      'Enter the REST URL (port 8089) as host. In `sources` put one index name per line (`main`) or a search expression (`index=prod_app_logs sourcetype=json`).',
  };

  private readonly pageSize: number;

  constructor(
    private readonly ctx: ConnectorContext,
    opts: SplunkConnectorOptions = {},
  ) {
    this.pageSize = Math.max(1, opts.pageSize ?? DEFAULT_PAGE_SIZE);
  }

  async validateConfig(config: LogSourceConfig): Promise<void> {
    const { base } = this.credentials(config);
    if (!Array.isArray(config.sources) || config.sources.filter((s) => typeof s === 'string' && s.trim()).length === 0) {
      throw new LogSourceError('invalid_config', 'Splunk needs at least one index name (e.g. `main`) or search expression in sources.');
    }
    await assertHostAllowed(base, this.ctx);
  }

  query(config: LogSourceConfig, query: LogQuery): Promise<LogQueryResult> {
    return collectPages(this.pages(config, query), query.limit, sourcesOf(config, query).length);
  }

  async *pages(config: LogSourceConfig, query: LogQuery): AsyncGenerator<LogPage> {
    const { base, token } = this.credentials(config);
    const sources = sourcesOf(config, query);
    const limit = Math.max(0, query.limit);
    const deadline = queryDeadline(this.ctx.timeoutMs, query.signal);
    const pageSize = pageSizeFrom(config.settings, MAX_PAGE, this.pageSize);
    const headers = { Authorization: `Bearer ${token}` };
    const common = {
      signal: query.signal,
      waitBudget: query.waitBudget,
      timeoutMs: this.ctx.timeoutMs,
      deadline,
      ctx: this.ctx,
      ...SPLUNK_HTTP,
    };

    // One search job per `sources` line; its results are read page by page (offset/count).
    yield* pagesAcrossSources<SplunkPosition>({
      sources,
      limit,
      cursor: query.cursor,
      fetchPage: async (source, position, max) => {
        let pos = position;
        if (!pos) {
          const { data: job } = await httpJson<{ sid?: string } | null>({
            method: 'POST',
            url: `${base}/services/search/jobs`,
            form: {
              search: toSpl(source),
              earliest_time: epochSeconds(query.start),
              latest_time: epochSeconds(query.end),
              exec_mode: 'blocking',
              output_mode: 'json',
              // Keep every event we may read accessible (splunkd's default is 10 000).
              max_count: Math.min(Math.max(max, 1), MAX_JOB_EVENTS),
              timeout: JOB_TTL_SECONDS,
            },
            headers,
            ...common,
          });
          if (!job?.sid) throw new LogSourceError('upstream_error', 'Splunk created no search job (no sid in the answer).');
          pos = { sid: job.sid, offset: 0 };
        }
        const count = Math.min(pageSize, max);
        const page = await httpJson<ResultsPage>({
          method: 'GET',
          url: `${base}/services/search/jobs/${encodeURIComponent(pos.sid)}/results`,
          params: { output_mode: 'json', offset: pos.offset, count },
          headers,
          ...common,
        });
        const results = page.data?.results ?? [];
        return {
          entries: results.map(splunkResultToEntry),
          next: results.length === count && count > 0 ? { sid: pos.sid, offset: pos.offset + results.length } : undefined,
        };
      },
    });
  }

  async testConnection(config: LogSourceConfig, signal?: AbortSignal): Promise<ConnectionTestResult> {
    return runConnectionTest('Splunk', (start, end, limit) => this.query(config, { start, end, sources: config.sources, limit, signal }));
  }

  async listSources(config: LogSourceConfig, signal?: AbortSignal): Promise<Array<{ id: string; name: string; type: string }>> {
    const { base, token } = this.credentials(config);
    const res = await httpJson<{ entry?: Array<{ name?: string }> }>({
      method: 'GET',
      url: `${base}/services/data/indexes`,
      params: { output_mode: 'json', count: 0 },
      headers: { Authorization: `Bearer ${token}` },
      signal,
      timeoutMs: this.ctx.timeoutMs,
      ctx: this.ctx,
      ...SPLUNK_HTTP,
    });
    return (res.data?.entry ?? [])
      .map((e) => e.name)
      .filter((n): n is string => typeof n === 'string' && n.length > 0)
      .map((name) => ({ id: name, name, type: 'index' }));
  }

  private credentials(config: LogSourceConfig): { base: string; token: string } {
    const host = (config.credentials?.host ?? '').trim();
    const token = (config.credentials?.token ?? '').trim();
    if (!host) throw new LogSourceError('invalid_config', 'Splunk needs `host`: the REST API URL, e.g. https://splunk.example.com:8089.');
    if (!token) throw new LogSourceError('invalid_config', 'Splunk needs `token`: an authentication token (Settings → Tokens → New Token).');
    return { base: normaliseBase(host), token };
  }
}

export const splunkConnector: ConnectorFactory = (ctx) => new SplunkConnector(ctx);

function sourcesOf(config: LogSourceConfig, query: LogQuery): string[] {
  return (query.sources.length ? query.sources : config.sources).map((s) => s.trim()).filter(Boolean);
}

/** First message text of a splunkd error body (`{"messages":[{"type":"ERROR","text":"..."}]}`). */
export function splunkMessage(body: unknown): string {
  if (typeof body === 'string') return body.replace(/\s+/g, ' ').trim().slice(0, 300);
  const msgs = (body as { messages?: Array<{ text?: string }> } | null)?.messages;
  const text = Array.isArray(msgs)
    ? msgs
        .map((m) => m?.text)
        .filter(Boolean)
        .join('; ')
    : '';
  return text.replace(/\s+/g, ' ').trim().slice(0, 300);
}

/** `main` → `search index=main`; `index=x …` → `search index=x …`; `search …` and `| …` are used as written. */
export function toSpl(source: string): string {
  const s = source.trim();
  if (/^search\s/i.test(s) || s.startsWith('|')) return s;
  if (/^[A-Za-z0-9_][A-Za-z0-9_\-*]*$/.test(s)) return `search index=${s}`;
  return `search ${s}`;
}

/** Splunk result → LogEntry (reference §4: _time, severity/level/_raw, source/host/sourcetype, _raw, other fields → metadata). */
export function splunkResultToEntry(r: SplunkResult): LogEntry {
  const raw = first(r._raw) ?? '';
  const explicitLevel = first(r.severity) ?? first(r.level) ?? first(r.log_level);
  const metadata: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) {
    if (k.startsWith('_') || v === undefined) continue;
    metadata[k] = v;
  }
  return {
    timestamp: toIsoTimestamp(first(r._time)) ?? new Date(0).toISOString(),
    level: explicitLevel ? normaliseLevel(explicitLevel) : (levelFromText(raw) ?? 'info'),
    service: first(r.source) ?? first(r.host) ?? first(r.sourcetype) ?? 'splunk',
    message: raw,
    raw,
    ...(Object.keys(metadata).length ? { metadata } : {}),
  };
}

function first(v: SplunkValue): string | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' && s !== '' ? s : undefined;
}

function epochSeconds(d: Date): string {
  return (d.getTime() / 1000).toFixed(3);
}

function normaliseBase(host: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(host) ? host : `https://${host}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    throw new LogSourceError('invalid_config', `Splunk host "${host}" is not a valid URL; use e.g. https://splunk.example.com:8089.`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new LogSourceError('invalid_config', 'Splunk host must be an http(s) URL.');
  if (u.username || u.password) throw new LogSourceError('invalid_config', 'Put the Splunk token in `token`, not in the host URL.');
  return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
}
