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
import { normaliseLevel, toIsoTimestamp } from '../shared/normalise';
import { collectPages, deadlineFrom, pageSizeFrom, pagesAcrossSources, queryDeadline, runConnectionTest } from '../shared/paging';

/** POST /api/v2/logs/events/search accepts page.limit up to 1000. */
const DD_MAX_PAGE = 1000;
export const DEFAULT_DATADOG_SITE = 'datadoghq.com';
const SITE_RE = /^([a-z0-9-]+\.)?(datadoghq\.com|datadoghq\.eu|ddog-gov\.com)$/;

export const DATADOG_METADATA: LogSourceTypeMetadata = {
  type: 'datadog',
  displayName: 'Datadog',
  fields: [
    { key: 'apiKey', label: 'API key', type: 'password', required: true, location: 'credentials', help: 'Sent as DD-API-KEY.' },
    {
      key: 'appKey',
      label: 'Application key',
      type: 'password',
      required: true,
      location: 'credentials',
      help: 'Sent as DD-APPLICATION-KEY; its user needs only Logs Read.',
    },
    {
      key: 'site',
      label: 'Datadog site',
      type: 'text',
      required: false,
      location: 'settings',
      placeholder: DEFAULT_DATADOG_SITE,
      help: 'datadoghq.com (default), datadoghq.eu, us3.datadoghq.com, us5.datadoghq.com, ap1.datadoghq.com, ddog-gov.com…',
    },
  ],
  sourcesLabel: 'Datadog log queries (one per line)',
  sourcesPlaceholder: 'service:checkout-api\nsource:nginx status:error',
  setupHint:
    'Datadog: Organization Settings → API Keys → New Key (e.g. `sigsentry-readonly`), and Organization Settings → Application Keys → New Key, ' +
    'created by (or scoped to) a user or service account whose role has only **Logs Read** (`logs_read_data`), no admin or write permission. ' +
    'Set the site your account lives on (datadoghq.com, datadoghq.eu, us3.datadoghq.com, …; requests go to https://api.<site>). ' +
    'Sources: one Datadog log search query per line (facet filters such as `service:checkout-api` or `source:nginx status:error`), each searched on ' +
    'its own with POST /api/v2/logs/events/search and cursor paging; level comes from the log status and service from the service facet. ' +
    'Optional settings: `indexes` (list of log indexes, default all), `endpoint` (full base URL replacing https://api.<site>, for a proxy or a local test server).',
};

interface DdLog {
  id?: string;
  type?: string;
  attributes?: {
    timestamp?: string;
    status?: string;
    service?: string;
    message?: string;
    host?: string;
    tags?: string[];
    attributes?: Record<string, unknown>;
  };
}
interface DdSearchResponse {
  data?: DdLog[];
  meta?: { page?: { after?: string }; status?: string; warnings?: Array<{ code?: string; title?: string; detail?: string }> };
  links?: { next?: string };
}
interface DdAggregateResponse {
  data?: { buckets?: Array<{ by?: Record<string, unknown>; computes?: Record<string, unknown> }> };
}

/** Normalise a site entry (`https://app.datadoghq.eu/` → `datadoghq.eu`); throws invalid_config on anything else. */
export function normaliseSite(site: unknown): string {
  if (site === undefined || site === null || site === '') return DEFAULT_DATADOG_SITE;
  const s = String(site)
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/\/.*$/, '')
    .replace(/^(app|api)\./, '');
  if (!SITE_RE.test(s)) {
    throw new LogSourceError(
      'invalid_config',
      `"${String(site)}" is not a Datadog site: use datadoghq.com, datadoghq.eu, us3.datadoghq.com, us5.datadoghq.com, ap1.datadoghq.com or ddog-gov.com.`,
    );
  }
  return s;
}

export class DatadogConnector implements LogSourceConnector {
  readonly metadata = DATADOG_METADATA;

  constructor(private readonly ctx: ConnectorContext) {}

  async validateConfig(config: LogSourceConfig): Promise<void> {
    if (!config.credentials?.apiKey?.trim()) throw new LogSourceError('invalid_config', 'Datadog needs an API key (apiKey).');
    if (!config.credentials?.appKey?.trim()) throw new LogSourceError('invalid_config', 'Datadog needs an Application key (appKey) whose user has Logs Read.');
    if (!config.sources?.length || config.sources.some((s) => !s.trim())) {
      throw new LogSourceError('invalid_config', 'Add at least one Datadog log query, e.g. service:checkout-api.');
    }
    await assertHostAllowed(this.baseUrl(config), this.ctx);
  }

  testConnection(config: LogSourceConfig, signal?: AbortSignal): Promise<ConnectionTestResult> {
    return runConnectionTest('Datadog', async (start, end, limit) => {
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
    const pageSize = pageSizeFrom(config.settings, DD_MAX_PAGE);
    const indexes = indexesFrom(config);
    const sources = q.sources?.length ? q.sources : config.sources;
    yield* pagesAcrossSources<string>({
      sources,
      limit: q.limit,
      cursor: q.cursor,
      fetchPage: async (query, cursor, max) => {
        const res = await httpJson<DdSearchResponse>({
          ...this.request(config, deadline, q.signal),
          waitBudget: q.waitBudget,
          method: 'POST',
          url: `${base}/api/v2/logs/events/search`,
          body: {
            filter: { query: query.trim(), from: q.start.toISOString(), to: q.end.toISOString(), ...(indexes ? { indexes } : {}) },
            sort: 'timestamp',
            page: { limit: Math.min(pageSize, max), ...(cursor ? { cursor } : {}) },
          },
        });
        const data = res.data?.data ?? [];
        const warnings = (res.data?.meta?.warnings ?? []).map((w) => w.detail ?? w.title ?? w.code ?? 'warning');
        if (res.data?.meta?.status === 'timeout') warnings.push('Datadog timed out on this query; results may be incomplete');
        const after = res.data?.meta?.page?.after;
        return { entries: data.map(toEntry), ...(after && data.length ? { next: after } : {}), ...(warnings.length ? { warnings } : {}) };
      },
    });
  }

  /** Discovery: the busiest `service` and `source` facet values of the last 24 h (POST /api/v2/logs/analytics/aggregate). */
  async listSources(config: LogSourceConfig, signal?: AbortSignal): Promise<Array<{ id: string; name: string; type: string }>> {
    const base = this.baseUrl(config);
    const deadline = deadlineFrom(this.ctx.timeoutMs);
    const to = new Date();
    const from = new Date(to.getTime() - 24 * 3600_000);
    const out: Array<{ id: string; name: string; type: string }> = [];
    for (const facet of ['service', 'source']) {
      const res = await httpJson<DdAggregateResponse>({
        ...this.request(config, deadline, signal),
        method: 'POST',
        url: `${base}/api/v2/logs/analytics/aggregate`,
        body: {
          compute: [{ aggregation: 'count' }],
          filter: { query: '*', from: from.toISOString(), to: to.toISOString() },
          group_by: [{ facet, limit: 100, sort: { aggregation: 'count', order: 'desc' } }],
        },
      });
      for (const b of res.data?.data?.buckets ?? []) {
        const value = b.by?.[facet];
        if (typeof value !== 'string' || !value) continue;
        const quoted = /^[\w.\-/:@]+$/.test(value) ? value : `"${value.replace(/"/g, '\\"')}"`;
        out.push({ id: `${facet}:${quoted}`, name: `${facet}:${value}`, type: facet });
      }
    }
    return out;
  }

  private baseUrl(config: LogSourceConfig): string {
    const endpoint = config.settings?.endpoint;
    if (typeof endpoint === 'string' && endpoint.trim()) {
      if (!/^https?:\/\//i.test(endpoint.trim())) throw new LogSourceError('invalid_config', 'The Datadog endpoint setting must be an http(s) URL.');
      return endpoint.trim().replace(/\/+$/, '');
    }
    return `https://api.${normaliseSite(config.settings?.site)}`;
  }

  private request(config: LogSourceConfig, deadline: number | undefined, signal?: AbortSignal): Omit<HttpJsonOptions, 'method' | 'url'> {
    return {
      headers: { 'DD-API-KEY': config.credentials?.apiKey?.trim(), 'DD-APPLICATION-KEY': config.credentials?.appKey?.trim() },
      timeoutMs: this.ctx.timeoutMs,
      deadline,
      signal,
      ctx: this.ctx,
      platform: 'Datadog',
      hints: {
        forbidden: "the Application key's user needs the Logs Read permission (logs_read_data); also check both keys belong to this Datadog site",
        notFound: `check the Datadog site setting (now ${typeof config.settings?.endpoint === 'string' && config.settings.endpoint ? 'a custom endpoint' : normaliseSite(config.settings?.site)}; e.g. datadoghq.eu, us3.datadoghq.com)`,
      },
    };
  }
}

function indexesFrom(config: LogSourceConfig): string[] | undefined {
  const v = config.settings?.indexes;
  if (Array.isArray(v)) {
    const list = v.filter((x): x is string => typeof x === 'string' && !!x.trim());
    return list.length ? list : undefined;
  }
  if (typeof v === 'string' && v.trim())
    return v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  return undefined;
}

function toEntry(log: DdLog): LogEntry {
  const a = log.attributes ?? {};
  const message = typeof a.message === 'string' ? a.message : '';
  return {
    timestamp: toIsoTimestamp(a.timestamp) ?? new Date(0).toISOString(),
    level: normaliseLevel(a.status),
    service: a.service || 'unknown',
    message,
    raw: JSON.stringify(log),
    metadata: { id: log.id, host: a.host, tags: a.tags, attributes: a.attributes },
  };
}

export const datadogConnector: ConnectorFactory = (ctx) => new DatadogConnector(ctx);
