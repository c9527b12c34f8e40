/**
 * Real: the Elastic connector, shared HTTP helper and host guard. Stand-in: a local node:http server answering
 * POST /<index>/_search (range + sort + search_after) and GET /_resolve/index/* / _cat/indices in Elasticsearch's format.
 */
import { LogSourceError, type LogSourceConfig } from '../connector';
import type { ConnectorContext } from '../registry';
import { DEFAULT_BLOCKED_CIDRS, DEFAULT_BLOCKED_HOSTS } from '../shared/host-guard';
import { hang, LocalServer, send, type RecordedRequest } from '../shared/local-server.testing';
import { elasticConnector } from './elastic.connector';

const ctx: ConnectorContext = {
  logFilesDir: '/tmp',
  blockedCidrs: DEFAULT_BLOCKED_CIDRS,
  blockedHosts: DEFAULT_BLOCKED_HOSTS,
  timeoutMs: 1500,
  maxLines: 1000,
};
const T0 = Date.UTC(2024, 0, 1, 12, 0, 0);

const DOCS: Array<Record<string, unknown>> = [
  { '@timestamp': new Date(T0 + 1000).toISOString(), log: { level: 'ERROR' }, service: { name: 'checkout-api' }, message: 'payment failed' },
  { '@timestamp': new Date(T0 + 2000).toISOString(), level: 'warning', service: 'billing', message: 'slow upstream' },
  { '@timestamp': new Date(T0 + 2000).toISOString(), severity: 'critical', message: 'disk full' },
  { '@timestamp': new Date(T0 + 3000).toISOString(), level: 'info', message: 'ok' },
  { '@timestamp': new Date(T0 + 4000).toISOString(), message: 'WARN cache miss' },
  { '@timestamp': new Date(T0 + 5000).toISOString(), level: 'debug', message: 'trace' },
  { '@timestamp': new Date(T0 + 6000).toISOString(), level: 'fatal', message: 'crash' },
  { '@timestamp': new Date(T0 + 99_000_000).toISOString(), level: 'info', message: 'outside the window' },
];

type SearchBody = {
  size: number;
  track_total_hits: boolean;
  query: { bool: { filter: Array<{ range: Record<string, { gte: string; lt: string; format: string }> }> } };
  sort: Array<Record<string, { order: string; unmapped_type?: string }>>;
  search_after?: [number, number];
};

/** Elasticsearch semantics: range filter, sort by (@timestamp asc, _doc asc), search_after on the sort tuple. */
function serveSearch(req: RecordedRequest, res: Parameters<typeof send>[0]): void {
  if (req.method !== 'POST' || !/^\/[^/]+\/_search$/.test(req.path)) return send(res, 405, { error: 'unexpected request' });
  const body = req.json as SearchBody;
  const range = body.query.bool.filter[0].range['@timestamp'];
  const gte = Date.parse(range.gte);
  const lt = Date.parse(range.lt);
  let rows = DOCS.map((d, i) => ({ d, ts: Date.parse(d['@timestamp'] as string), doc: i }))
    .filter((r) => r.ts >= gte && r.ts < lt)
    .sort((a, b) => a.ts - b.ts || a.doc - b.doc);
  if (body.search_after) {
    const [ts, doc] = body.search_after;
    rows = rows.filter((r) => r.ts > ts || (r.ts === ts && r.doc > doc));
  }
  const hits = rows.slice(0, body.size).map((r) => ({ _index: 'app-logs-2024.01.01', _id: `id${r.doc}`, _score: null, _source: r.d, sort: [r.ts, r.doc] }));
  send(res, 200, { took: 1, timed_out: false, _shards: { total: 1, successful: 1, skipped: 0, failed: 0 }, hits: { max_score: null, hits } });
}

describe('elastic connector', () => {
  let server: LocalServer;
  let config: LogSourceConfig;
  const connector = elasticConnector(ctx);
  const window = { start: new Date(T0), end: new Date(T0 + 60_000) };

  beforeEach(async () => {
    server = await new LocalServer(serveSearch).start();
    config = { type: 'elastic', credentials: { host: server.url, apiKey: 'ZW5jb2RlZGtleQ==' }, sources: ['app-logs-*'], settings: { pageSize: 3 } };
  });
  afterEach(() => server.close());

  it('sends the documented _search request and pages with search_after across ≥3 pages', async () => {
    const r = await connector.query(config, { ...window, sources: config.sources, limit: 1000 });
    expect(r.entries.map((e) => e.message)).toEqual(['payment failed', 'slow upstream', 'disk full', 'ok', 'WARN cache miss', 'trace', 'crash']);
    expect(r.truncated).toBe(false);
    expect(server.requests).toHaveLength(3);
    const [p1, p2, p3] = server.requests;
    expect(p1.method).toBe('POST');
    expect(p1.path).toBe('/app-logs-*/_search');
    expect(p1.headers.authorization).toBe('ApiKey ZW5jb2RlZGtleQ==');
    expect(p1.headers['content-type']).toBe('application/json');
    const b1 = p1.json as SearchBody;
    expect(b1.size).toBe(3);
    expect(b1.query.bool.filter[0].range['@timestamp']).toEqual({
      gte: new Date(T0).toISOString(),
      lt: new Date(T0 + 60_000).toISOString(),
      format: 'strict_date_optional_time',
    });
    expect(b1.sort).toEqual([{ '@timestamp': { order: 'asc', unmapped_type: 'date' } }, { _doc: { order: 'asc' } }]);
    expect(b1.search_after).toBeUndefined();
    expect((p2.json as SearchBody).search_after).toEqual([T0 + 2000, 2]);
    expect((p3.json as SearchBody).search_after).toEqual([T0 + 5000, 5]);
  });

  it('normalises level (log.level, level, severity, text), service and message', async () => {
    const r = await connector.query({ ...config, settings: {} }, { ...window, sources: config.sources, limit: 1000 });
    const by = Object.fromEntries(r.entries.map((e) => [e.message, e]));
    expect(by['payment failed']).toMatchObject({ level: 'error', service: 'checkout-api', timestamp: new Date(T0 + 1000).toISOString() });
    expect(by['slow upstream']).toMatchObject({ level: 'warn', service: 'billing' });
    expect(by['disk full']).toMatchObject({ level: 'error', service: 'app-logs-2024.01.01' });
    expect(by['WARN cache miss'].level).toBe('warn');
    expect(by['trace'].level).toBe('info');
    expect(by['crash'].level).toBe('error');
    expect(JSON.parse(by['ok'].raw)).toEqual(DOCS[3]);
  });

  it('truncates at the limit and resumes from the cursor', async () => {
    const first = await connector.query(config, { ...window, sources: config.sources, limit: 4 });
    expect(first.entries).toHaveLength(4);
    expect(first.truncated).toBe(true);
    const rest = await connector.query(config, { ...window, sources: config.sources, limit: 100, cursor: first.nextCursor });
    expect([...first.entries, ...rest.entries].map((e) => e.message)).toEqual([
      'payment failed',
      'slow upstream',
      'disk full',
      'ok',
      'WARN cache miss',
      'trace',
      'crash',
    ]);
  });

  it('uses Basic auth for username + password, none without credentials, and a custom timestamp field', async () => {
    await connector.query(
      { ...config, credentials: { host: server.url, username: 'reader', password: 'pw-123456' } },
      { ...window, sources: config.sources, limit: 1 },
    );
    expect(server.requests[0].headers.authorization).toBe(`Basic ${Buffer.from('reader:pw-123456').toString('base64')}`);
    server.setHandler((req, res) => send(res, 200, { hits: { hits: [] }, echo: req.json }));
    await connector.query(
      { ...config, credentials: { host: server.url }, settings: { timestampField: 'ts' } },
      { ...window, sources: config.sources, limit: 1 },
    );
    expect(server.requests[1].headers.authorization).toBeUndefined();
    expect(Object.keys((server.requests[1].json as SearchBody).query.bool.filter[0].range)).toEqual(['ts']);
  });

  it('maps 401, 403 and a missing index (404) to the troubleshooting messages', async () => {
    server.setHandler((_req, res) =>
      send(res, 401, { error: { type: 'security_exception', reason: 'unable to authenticate with provided credentials' }, status: 401 }),
    );
    const t = await connector.testConnection(config);
    expect(t).toMatchObject({ connected: false, sampleLogs: [] });
    expect(t.message).toMatch(/^Credentials were rejected \(401 Unauthorized\)/);
    server.setHandler((_req, res) =>
      send(res, 403, { error: { type: 'security_exception', reason: 'action [indices:data/read/search] is unauthorized for API key' }, status: 403 }),
    );
    const f = await connector.query(config, { ...window, sources: config.sources, limit: 5 }).catch((e: LogSourceError) => e);
    expect(f).toMatchObject({ code: 'forbidden' });
    expect((f as LogSourceError).message).toContain('view_index_metadata');
    server.setHandler((_req, res) =>
      send(res, 404, {
        error: {
          root_cause: [{ type: 'index_not_found_exception', reason: 'no such index [nope]' }],
          type: 'index_not_found_exception',
          reason: 'no such index [nope]',
        },
        status: 404,
      }),
    );
    const n = await connector.query(config, { ...window, sources: ['nope'], limit: 5 }).catch((e: LogSourceError) => e);
    expect(n).toMatchObject({ code: 'not_found' });
    expect((n as LogSourceError).message).toContain('no such index [nope]');
  });

  it('retries a 429 then succeeds', async () => {
    let calls = 0;
    server.setHandler((req, res) =>
      ++calls === 1
        ? send(res, 429, { error: { type: 'es_rejected_execution_exception', reason: 'rejected' }, status: 429 }, { 'Retry-After': '0' })
        : serveSearch(req, res),
    );
    const r = await connector.query({ ...config, settings: {} }, { ...window, sources: config.sources, limit: 1000 });
    expect(r.entries).toHaveLength(7);
    expect(calls).toBe(2);
  });

  it('times out on a hang past LOG_SOURCE_TIMEOUT_MS', async () => {
    server.setHandler(hang);
    await expect(connector.query(config, { ...window, sources: config.sources, limit: 5 })).rejects.toMatchObject({ code: 'timeout' });
  });

  it('reports partial shard failures as warnings and keeps the hits', async () => {
    server.setHandler((_req, res) =>
      send(res, 200, {
        timed_out: false,
        _shards: { total: 2, successful: 1, failed: 1 },
        hits: { hits: [{ _index: 'a', _id: '1', _source: { '@timestamp': new Date(T0).toISOString(), message: 'x' }, sort: [T0, 0] }] },
      }),
    );
    const r = await connector.query(config, { ...window, sources: config.sources, limit: 5 });
    expect(r.entries).toHaveLength(1);
    expect(r.warnings?.[0]).toMatch(/1 shard\(s\) failed/);
  });

  it('Test connection returns samples from a recent window', async () => {
    const now = Date.now();
    server.setHandler((req, res) => {
      const range = (req.json as SearchBody).query.bool.filter[0].range['@timestamp'];
      const span = Date.parse(range.lt) - Date.parse(range.gte);
      send(res, 200, {
        hits: {
          hits:
            span <= 15 * 60_000
              ? [
                  {
                    _index: 'i',
                    _id: '1',
                    _source: { '@timestamp': new Date(now - 500).toISOString(), level: 'error', service: 'api', message: 'boom' },
                    sort: [now - 500, 0],
                  },
                ]
              : [],
        },
      });
    });
    const t = await connector.testConnection(config);
    expect(t.connected).toBe(true);
    expect(t.sampleLogs).toEqual([{ timestamp: new Date(now - 500).toISOString(), level: 'error', service: 'api', message: 'boom' }]);
  });

  it('discovers data streams, aliases, indices and date patterns via _resolve/index, falling back to _cat/indices', async () => {
    server.setHandler((req, res) => {
      if (req.path === '/_resolve/index/*') {
        expect(req.query.get('expand_wildcards')).toBe('open');
        return send(res, 200, {
          indices: [
            { name: 'app-logs-2024.01.01', attributes: ['open'] },
            { name: 'app-logs-2024.01.02', attributes: ['open'] },
            { name: '.kibana_1', attributes: ['open', 'hidden'] },
            { name: '.ds-logs-nginx-default-2024.01.01-000001', attributes: ['open'], data_stream: 'logs-nginx-default' },
          ],
          aliases: [{ name: 'app-logs', indices: ['app-logs-2024.01.01'] }],
          data_streams: [{ name: 'logs-nginx-default', backing_indices: ['.ds-logs-nginx-default-2024.01.01-000001'], timestamp_field: '@timestamp' }],
        });
      }
      send(res, 404, { error: 'nope' });
    });
    const list = await connector.listSources!(config);
    expect(list).toEqual([
      { id: 'app-logs-*', name: 'app-logs-*', type: 'pattern' },
      { id: 'app-logs', name: 'app-logs', type: 'alias' },
      { id: 'app-logs-2024.01.01', name: 'app-logs-2024.01.01', type: 'index' },
      { id: 'app-logs-2024.01.02', name: 'app-logs-2024.01.02', type: 'index' },
      { id: 'logs-nginx-default', name: 'logs-nginx-default', type: 'data_stream' },
    ]);
    server.setHandler((req, res) =>
      req.path === '/_cat/indices' && req.query.get('format') === 'json'
        ? send(res, 200, [{ index: 'web-1' }])
        : send(res, 400, { error: { reason: 'no handler found for uri' } }),
    );
    expect(await connector.listSources!(config)).toEqual([{ id: 'web-1', name: 'web-1', type: 'index' }]);
  });

  it('validates config and refuses blocked hosts at create and query time', async () => {
    await expect(connector.validateConfig!({ ...config, sources: ['../_cluster'] })).rejects.toMatchObject({ code: 'invalid_config' });
    await expect(connector.validateConfig!({ ...config, credentials: { host: server.url, username: 'u' } })).rejects.toMatchObject({ code: 'invalid_config' });
    await expect(connector.validateConfig!({ ...config, credentials: { host: 'http://[fe80::1]:9200' } })).rejects.toMatchObject({ code: 'blocked_host' });
    const strict = elasticConnector({ ...ctx, blockedCidrs: ['127.0.0.0/8'] });
    await expect(strict.query(config, { ...window, sources: config.sources, limit: 5 })).rejects.toMatchObject({ code: 'blocked_host' });
    expect(server.requests).toHaveLength(0);
  });
});
