import type { LogEntry } from '@app/contracts';
import {
  LogSourceError,
  type ConnectionTestResult,
  type LogPage,
  type LogQuery,
  type LogQueryResult,
  type LogSourceConfig,
  type LogSourceConnector,
  type LogSourceTypeMetadata,
} from '../connector';
import type { ConnectorContext, ConnectorFactory } from '../registry';
import { assertHostAllowed } from '../shared/host-guard';
import { httpJson, type HttpJsonOptions } from '../shared/http';
import { dateToNanos, levelFromText, nanosToIso, normaliseLevel } from '../shared/normalise';
import { collectPages, deadlineFrom, pageSizeFrom, pagesAcrossSources, queryDeadline, runConnectionTest } from '../shared/paging';

/** Loki's default `max_entries_limit_per_query`. */
const LOKI_MAX_PAGE = 5000;
const SERVICE_LABELS = ['service_name', 'service', 'app', 'application', 'job', 'container', 'container_name'];
const LEVEL_LABELS = ['level', 'detected_level', 'severity', 'lvl'];
const DISCOVERY_LABELS = ['service_name', 'service', 'app', 'job', 'namespace', 'container'];

export const LOKI_METADATA: LogSourceTypeMetadata = {
  type: 'loki',
  displayName: 'Grafana Loki',
  fields: [
    {
      key: 'host',
      label: 'Loki URL',
      type: 'text',
      required: true,
      location: 'credentials',
      placeholder: 'https://logs-prod-us-central1.grafana.net',
      help: 'Base URL without /loki/api/v1. Check it with `curl <url>/ready`.',
    },
    {
      key: 'apiKey',
      label: 'Token',
      type: 'password',
      required: false,
      location: 'credentials',
      help: 'Sent as `Authorization: Bearer <token>`. For Grafana Cloud enter `<user id>:<token>` (sent as Basic auth). Leave empty for an unauthenticated Loki.',
    },
    {
      key: 'orgId',
      label: 'Tenant (X-Scope-OrgID)',
      type: 'text',
      required: false,
      location: 'credentials',
      help: 'Multi-tenant Loki only; sent as the X-Scope-OrgID header.',
    },
  ],
  sourcesLabel: 'LogQL selectors (one per line)',
  sourcesPlaceholder: '{job="checkout-api"}\n{cluster="us-east-1", service="api-gateway"} |= "error"',
  setupHint:
    'Loki (self-hosted, Grafana Cloud Logs or a compatible gateway). Credential: Grafana Cloud → Access policies → a token with only the `logs:read` scope ' +
    '(enter `<Loki user id>:<token>`); self-hosted behind a proxy: whatever read-only token the proxy expects; unauthenticated Loki: leave the token empty. ' +
    'Set the tenant only for multi-tenant Loki (X-Scope-OrgID). Sources: one LogQL log query per line, each queried on its own with ' +
    'GET /loki/api/v1/query_range, e.g. `{job="checkout-api"}` or `{service="api-gateway"} |= "error"`; metric queries (rate, count_over_time) are refused. ' +
    'The host must be reachable from SigSentry (self-hosted: allow its outbound IPs); link-local and metadata addresses are refused.',
};

interface LokiStream {
  stream?: Record<string, string>;
  values?: Array<[string, string, Record<string, string>?]>;
}
interface LokiQueryResponse {
  status?: string;
  data?: { resultType?: string; result?: LokiStream[] };
}
interface LokiListResponse {
  status?: string;
  data?: string[];
}

/** Position inside one selector: next `start` (ns, inclusive) and the entries already returned at that nanosecond. */
interface LokiPosition {
  start: string;
  seen: string[];
}

export class LokiConnector implements LogSourceConnector {
  readonly metadata = LOKI_METADATA;

  constructor(private readonly ctx: ConnectorContext) {}

  async validateConfig(config: LogSourceConfig): Promise<void> {
    const host = config.credentials?.host?.trim();
    if (!host) throw new LogSourceError('invalid_config', 'Loki needs the host: the Loki base URL, e.g. https://loki.example.com.');
    if (!/^https?:\/\//i.test(host)) throw new LogSourceError('invalid_config', 'The Loki host must be an http(s) URL, e.g. https://loki.example.com.');
    if (!config.sources?.length) throw new LogSourceError('invalid_config', 'Add at least one LogQL selector, e.g. {job="checkout-api"}.');
    for (const s of config.sources) {
      const q = s.trim();
      if (!q.startsWith('{') || !q.includes('}')) {
        throw new LogSourceError(
          'invalid_config',
          `"${s}" is not a LogQL log query: each line must start with a stream selector such as {job="checkout-api"}.`,
        );
      }
    }
    await assertHostAllowed(host, this.ctx);
  }

  testConnection(config: LogSourceConfig, signal?: AbortSignal): Promise<ConnectionTestResult> {
    return runConnectionTest('Loki', async (start, end, limit) => {
      await this.validateConfig(config);
      return this.query(config, { start, end, limit, sources: config.sources, signal });
    });
  }

  query(config: LogSourceConfig, q: LogQuery): Promise<LogQueryResult> {
    return collectPages(this.pages(config, q), q.limit, (q.sources?.length ? q.sources : config.sources).length);
  }

  async *pages(config: LogSourceConfig, q: LogQuery): AsyncGenerator<LogPage> {
    const base = this.baseUrl(config);
    const deadline = queryDeadline(this.ctx.timeoutMs, q.signal);
    const pageSize = pageSizeFrom(config.settings, LOKI_MAX_PAGE);
    const endNs = dateToNanos(q.end);
    const sources = q.sources?.length ? q.sources : config.sources;
    yield* pagesAcrossSources<LokiPosition>({
      sources,
      limit: q.limit,
      cursor: q.cursor,
      fetchPage: async (selector, pos, max) => {
        const start = pos?.start ?? dateToNanos(q.start);
        const seen = new Set(pos?.seen ?? []);
        const limit = Math.min(pageSize, max + seen.size);
        const res = await httpJson<LokiQueryResponse>({
          ...this.request(config, deadline, q.signal),
          waitBudget: q.waitBudget,
          method: 'GET',
          url: `${base}/loki/api/v1/query_range`,
          params: { query: selector, start, end: endNs, limit, direction: 'forward' },
        });
        const data = res.data?.data;
        if (data?.resultType && data.resultType !== 'streams') {
          throw new LogSourceError(
            'bad_request',
            `"${selector}" is a metric query (result ${data.resultType}); use a log query such as {job="api"} |= "error".`,
          );
        }
        const rows: Array<{ ts: bigint; tsText: string; key: string; entry: LogEntry }> = [];
        for (const stream of data?.result ?? []) {
          const labels = stream.stream ?? {};
          const labelKey = JSON.stringify(Object.entries(labels).sort());
          for (const [ts, line, structured] of stream.values ?? []) {
            rows.push({ ts: BigInt(ts), tsText: ts, key: `${ts}\u0000${labelKey}\u0000${line}`, entry: toEntry(ts, line, labels, structured) });
          }
        }
        rows.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
        const received = rows.length;
        const fresh = rows.filter((r) => !seen.has(r.key));
        if (received < limit || received === 0) return { entries: fresh.map((r) => r.entry) };
        // A full page: continue from the newest timestamp (inclusive), skipping the lines already returned there.
        const last = rows[rows.length - 1].ts;
        const atLast = rows.filter((r) => r.ts === last).map((r) => r.key);
        const sameInstant = rows[0].ts === last && BigInt(start) === last;
        const next: LokiPosition = sameInstant
          ? { start: (last + 1n).toString(), seen: [] } // more than a page at one nanosecond: step past it
          : { start: last.toString(), seen: last.toString() === start ? [...new Set([...seen, ...atLast])] : atLast };
        return {
          entries: fresh.map((r) => r.entry),
          next,
          ...(sameInstant ? { warnings: [`more than ${limit} lines share timestamp ${nanosToIso(last.toString())}; some were skipped`] } : {}),
        };
      },
    });
  }

  async listSources(config: LogSourceConfig, signal?: AbortSignal): Promise<Array<{ id: string; name: string; type: string }>> {
    const base = this.baseUrl(config);
    const deadline = deadlineFrom(this.ctx.timeoutMs);
    const end = new Date();
    const start = new Date(end.getTime() - 6 * 3600_000);
    const range = { start: dateToNanos(start), end: dateToNanos(end) };
    const labels = await httpJson<LokiListResponse>({
      ...this.request(config, deadline, signal),
      method: 'GET',
      url: `${base}/loki/api/v1/labels`,
      params: range,
    });
    const names = (labels.data?.data ?? []).filter((l) => DISCOVERY_LABELS.includes(l));
    names.sort((a, b) => DISCOVERY_LABELS.indexOf(a) - DISCOVERY_LABELS.indexOf(b));
    const out: Array<{ id: string; name: string; type: string }> = [];
    for (const name of names.slice(0, 3)) {
      const values = await httpJson<LokiListResponse>({
        ...this.request(config, deadline, signal),
        method: 'GET',
        url: `${base}/loki/api/v1/label/${encodeURIComponent(name)}/values`,
        params: range,
      });
      for (const v of (values.data?.data ?? []).slice(0, 200)) {
        out.push({ id: `{${name}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"}`, name: `${name}=${v}`, type: 'selector' });
      }
    }
    return out;
  }

  private baseUrl(config: LogSourceConfig): string {
    const host = config.credentials?.host?.trim();
    if (!host) throw new LogSourceError('invalid_config', 'Loki needs the host: the Loki base URL.');
    return host.replace(/\/+$/, '').replace(/\/loki\/api\/v1$/, '');
  }

  private request(config: LogSourceConfig, deadline: number | undefined, signal?: AbortSignal): Omit<HttpJsonOptions, 'method' | 'url'> {
    const headers: Record<string, string> = {};
    const key = config.credentials?.apiKey?.trim();
    if (key) {
      // Grafana Cloud expects Basic <user id>:<token>; everything else a bearer token.
      headers.Authorization = /^[^\s:]+:.+/.test(key) ? `Basic ${Buffer.from(key).toString('base64')}` : `Bearer ${key}`;
    }
    const org = config.credentials?.orgId?.trim();
    if (org) headers['X-Scope-OrgID'] = org;
    return {
      headers,
      timeoutMs: this.ctx.timeoutMs,
      deadline,
      signal,
      ctx: this.ctx,
      platform: 'Loki',
      hints: {
        forbidden: 'a token with the logs:read scope for this tenant',
        notFound: 'check the Loki endpoint (base URL without /loki/api/v1) and the tenant',
      },
    };
  }
}

function toEntry(ts: string, line: string, labels: Record<string, string>, structured?: Record<string, string>): LogEntry {
  const all = { ...labels, ...(structured ?? {}) };
  const levelLabel = LEVEL_LABELS.map((l) => all[l]).find((v) => v);
  let level = levelLabel ? normaliseLevel(levelLabel) : undefined;
  let message = line;
  let service = SERVICE_LABELS.map((l) => all[l]).find((v) => v);
  const trimmed = line.trimStart();
  if (trimmed.startsWith('{')) {
    try {
      const doc = JSON.parse(trimmed) as Record<string, unknown>;
      const m = doc.message ?? doc.msg;
      if (typeof m === 'string') message = m;
      level ??= doc.level !== undefined || doc.severity !== undefined ? normaliseLevel(doc.level ?? doc.severity) : undefined;
      if (!service && typeof doc.service === 'string') service = doc.service;
    } catch {
      /* not JSON */
    }
  }
  return {
    timestamp: nanosToIso(ts),
    level: level ?? levelFromText(line) ?? 'info',
    service: service ?? 'unknown',
    message,
    raw: line,
    metadata: { labels, ...(structured ? { structuredMetadata: structured } : {}) },
  };
}

export const lokiConnector: ConnectorFactory = (ctx) => new LokiConnector(ctx);
