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
import { firstPath, getPath, levelFromText, normaliseLevel, toIsoTimestamp } from '../shared/normalise';
import { collectPages, deadlineFrom, pageSizeFrom, pagesAcrossSources, queryDeadline, runConnectionTest } from '../shared/paging';

/** index.max_result_window default; pages default to 1000 hits. */
const ES_MAX_PAGE = 10_000;
const ES_DEFAULT_PAGE = 1000;
const LEVEL_PATHS = ['log.level', 'level', 'severity', 'severity_text', 'log.severity', 'loglevel'];
const SERVICE_PATHS = ['service.name', 'service', 'app', 'application', 'kubernetes.container.name', 'container.name', 'host.name', 'host'];
const MESSAGE_PATHS = ['message', 'msg', 'log.original', 'event.original'];

export const ELASTIC_METADATA: LogSourceTypeMetadata = {
  type: 'elastic',
  displayName: 'Elasticsearch / OpenSearch',
  fields: [
    {
      key: 'host',
      label: 'Cluster URL',
      type: 'text',
      required: true,
      location: 'credentials',
      placeholder: 'https://my-deployment.es.us-east-1.aws.elastic.cloud:443',
      help: 'Elasticsearch, Elastic Cloud or OpenSearch (incl. Amazon OpenSearch) endpoint.',
    },
    {
      key: 'apiKey',
      label: 'API key',
      type: 'password',
      required: false,
      location: 'credentials',
      help: 'Sent as `Authorization: ApiKey <key>` (the encoded key Kibana shows, or `id:api_key`). Use either an API key or username + password, or neither for an open cluster.',
    },
    {
      key: 'username',
      label: 'Username',
      type: 'text',
      required: false,
      location: 'credentials',
      help: 'Basic auth (e.g. a dedicated read-only OpenSearch user).',
    },
    { key: 'password', label: 'Password', type: 'password', required: false, location: 'credentials' },
    {
      key: 'timestampField',
      label: 'Timestamp field',
      type: 'text',
      required: false,
      location: 'settings',
      placeholder: '@timestamp',
      help: 'Date field used for the time range and sort (default @timestamp).',
    },
  ],
  sourcesLabel: 'Index names or patterns (one per line)',
  sourcesPlaceholder: 'prod-app-logs-*\nlogs-nginx-default',
  setupHint:
    'Elasticsearch / Elastic Cloud: Kibana → Stack Management → API Keys → create a key whose role descriptor grants only `read` and ' +
    '`view_index_metadata` on the log indices (e.g. `prod-app-logs-*`); paste the encoded key. OpenSearch (incl. Amazon OpenSearch with ' +
    'fine-grained access control): a dedicated user with a read-only role on those indices, entered as username + password (SigV4/IAM signing ' +
    'is not supported). Open clusters: leave credentials empty. Sources: one index name or wildcard pattern per line, each searched on its own ' +
    'with POST /<pattern>/_search, a range on @timestamp (or the timestamp field setting) and sort + search_after paging. ' +
    'The host must be reachable from SigSentry (self-hosted: allow its outbound IPs); link-local and metadata addresses are refused.',
};

interface EsHit {
  _index?: string;
  _id?: string;
  _source?: Record<string, unknown>;
  sort?: unknown[];
}
interface EsSearchResponse {
  timed_out?: boolean;
  _shards?: { failed?: number };
  hits?: { hits?: EsHit[] };
}
interface EsResolveResponse {
  indices?: Array<{ name: string; attributes?: string[]; data_stream?: string }>;
  aliases?: Array<{ name: string }>;
  data_streams?: Array<{ name: string }>;
}

export class ElasticConnector implements LogSourceConnector {
  readonly metadata = ELASTIC_METADATA;

  constructor(private readonly ctx: ConnectorContext) {}

  async validateConfig(config: LogSourceConfig): Promise<void> {
    const host = config.credentials?.host?.trim();
    if (!host || !/^https?:\/\//i.test(host)) {
      throw new LogSourceError('invalid_config', 'Elastic needs the host: the cluster URL, e.g. https://my-deployment.es.us-east-1.aws.elastic.cloud:443.');
    }
    const { username, password, apiKey } = config.credentials;
    if (apiKey && (username || password)) throw new LogSourceError('invalid_config', 'Use either an API key or username + password, not both.');
    if (!!username !== !!password) throw new LogSourceError('invalid_config', 'Basic auth needs both username and password.');
    if (!config.sources?.length) throw new LogSourceError('invalid_config', 'Add at least one index name or pattern, e.g. prod-app-logs-*.');
    for (const s of config.sources) validatePattern(s);
    await assertHostAllowed(host, this.ctx);
  }

  testConnection(config: LogSourceConfig, signal?: AbortSignal): Promise<ConnectionTestResult> {
    return runConnectionTest('Elasticsearch', async (start, end, limit) => {
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
    const pageSize = pageSizeFrom(config.settings, ES_MAX_PAGE, ES_DEFAULT_PAGE);
    const tsField = timestampField(config);
    const sources = q.sources?.length ? q.sources : config.sources;
    yield* pagesAcrossSources<unknown[]>({
      sources,
      limit: q.limit,
      cursor: q.cursor,
      fetchPage: async (pattern, searchAfter, max) => {
        validatePattern(pattern);
        const size = Math.min(pageSize, max);
        const body: Record<string, unknown> = {
          size,
          track_total_hits: false,
          query: { bool: { filter: [{ range: { [tsField]: { gte: q.start.toISOString(), lt: q.end.toISOString(), format: 'strict_date_optional_time' } } }] } },
          sort: [{ [tsField]: { order: 'asc', unmapped_type: 'date' } }, { _doc: { order: 'asc' } }],
        };
        if (searchAfter) body.search_after = searchAfter;
        const res = await httpJson<EsSearchResponse>({
          ...this.request(config, deadline, q.signal),
          waitBudget: q.waitBudget,
          method: 'POST',
          url: `${base}/${encodeURIComponent(pattern.trim())}/_search`,
          body,
        });
        const hits = res.data?.hits?.hits ?? [];
        const warnings: string[] = [];
        if (res.data?.timed_out) warnings.push('the search timed out on the cluster; results may be incomplete');
        if ((res.data?._shards?.failed ?? 0) > 0) warnings.push(`${res.data!._shards!.failed} shard(s) failed; results may be incomplete`);
        const entries = hits.map((h) => toEntry(h, tsField));
        const last = hits[hits.length - 1];
        const more = hits.length >= size && Array.isArray(last?.sort);
        return { entries, ...(more ? { next: last.sort } : {}), ...(warnings.length ? { warnings } : {}) };
      },
    });
  }

  async listSources(config: LogSourceConfig, signal?: AbortSignal): Promise<Array<{ id: string; name: string; type: string }>> {
    const base = this.baseUrl(config);
    const deadline = deadlineFrom(this.ctx.timeoutMs);
    const out: Array<{ id: string; name: string; type: string }> = [];
    let names: Array<{ name: string; type: string }>;
    try {
      const res = await httpJson<EsResolveResponse>({
        ...this.request(config, deadline, signal),
        method: 'GET',
        url: `${base}/_resolve/index/*`,
        params: { expand_wildcards: 'open' },
      });
      names = [
        ...(res.data?.data_streams ?? []).map((d) => ({ name: d.name, type: 'data_stream' })),
        ...(res.data?.aliases ?? []).map((a) => ({ name: a.name, type: 'alias' })),
        ...(res.data?.indices ?? []).filter((i) => !i.data_stream).map((i) => ({ name: i.name, type: 'index' })),
      ];
    } catch (e) {
      if (!(e instanceof LogSourceError) || (e.code !== 'not_found' && e.code !== 'bad_request')) throw e;
      // Older clusters / gateways without _resolve: fall back to the cat API.
      const cat = await httpJson<Array<{ index: string }>>({
        ...this.request(config, deadline, signal),
        method: 'GET',
        url: `${base}/_cat/indices`,
        params: { format: 'json', h: 'index', expand_wildcards: 'open' },
      });
      names = (Array.isArray(cat.data) ? cat.data : []).map((i) => ({ name: i.index, type: 'index' }));
    }
    const visible = names.filter((n) => n.name && !n.name.startsWith('.'));
    const patterns = new Set<string>();
    for (const n of visible) {
      const stem = n.name.replace(/[-_.]?\d{4}[-_.]\d{2}([-_.]\d{2})?(-\d+)?$/, '');
      if (stem !== n.name && stem) patterns.add(`${stem}-*`);
    }
    for (const p of [...patterns].sort()) out.push({ id: p, name: p, type: 'pattern' });
    for (const n of visible.sort((a, b) => a.name.localeCompare(b.name)).slice(0, 500)) out.push({ id: n.name, name: n.name, type: n.type });
    return out;
  }

  private baseUrl(config: LogSourceConfig): string {
    const host = config.credentials?.host?.trim();
    if (!host) throw new LogSourceError('invalid_config', 'Elastic needs the host: the cluster URL.');
    return host.replace(/\/+$/, '');
  }

  private request(config: LogSourceConfig, deadline: number | undefined, signal?: AbortSignal): Omit<HttpJsonOptions, 'method' | 'url'> {
    const headers: Record<string, string> = {};
    const { apiKey, username, password } = config.credentials ?? {};
    if (apiKey?.trim()) {
      const k = apiKey.trim();
      // Kibana shows the encoded key; `id:api_key` is encoded here.
      headers.Authorization = `ApiKey ${k.includes(':') ? Buffer.from(k).toString('base64') : k}`;
    } else if (username) {
      headers.Authorization = `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}`;
    }
    return {
      headers,
      timeoutMs: this.ctx.timeoutMs,
      deadline,
      signal,
      ctx: this.ctx,
      platform: 'Elasticsearch',
      hints: {
        forbidden: 'the `read` and `view_index_metadata` privileges on the indices in sources',
        notFound: 'check the Elastic URL and the index names (a wildcard pattern such as logs-* matches nothing instead of failing)',
      },
    };
  }
}

function timestampField(config: LogSourceConfig): string {
  const f = config.settings?.timestampField;
  return typeof f === 'string' && f.trim() ? f.trim() : '@timestamp';
}

function validatePattern(pattern: string): void {
  const p = pattern.trim();
  if (!p || /[\s/\\?#"<>|]/.test(p) || p.includes('..') || p.startsWith('_')) {
    throw new LogSourceError('invalid_config', `"${pattern}" is not an index name or pattern (letters, digits, - _ . * and commas; e.g. prod-app-logs-*).`);
  }
}

function toEntry(hit: EsHit, tsField: string): LogEntry {
  const src = hit._source ?? {};
  const ts = toIsoTimestamp(getPath(src, tsField)) ?? toIsoTimestamp(hit.sort?.[0]) ?? new Date(0).toISOString();
  const rawMessage = firstPath(src, MESSAGE_PATHS);
  const message = typeof rawMessage === 'string' ? rawMessage : rawMessage !== undefined ? JSON.stringify(rawMessage) : JSON.stringify(src);
  const levelValue = firstPath(src, LEVEL_PATHS);
  const serviceValue = firstPath(src, SERVICE_PATHS);
  return {
    timestamp: ts,
    level: levelValue !== undefined ? normaliseLevel(levelValue) : (levelFromText(message) ?? 'info'),
    service: typeof serviceValue === 'string' ? serviceValue : (hit._index ?? 'unknown'),
    message,
    raw: JSON.stringify(src),
    metadata: { index: hit._index, id: hit._id },
  };
}

export const elasticConnector: ConnectorFactory = (ctx) => new ElasticConnector(ctx);
