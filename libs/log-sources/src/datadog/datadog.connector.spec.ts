/**
 * Real: the Datadog connector, shared HTTP helper and host guard. Stand-in: a local node:http server speaking the Logs
 * Search API v2 (POST /api/v2/logs/events/search with cursor paging) and POST /api/v2/logs/analytics/aggregate.
 */
import { LogSourceError, type LogSourceConfig } from '../connector';
import type { ConnectorContext } from '../registry';
import { DEFAULT_BLOCKED_CIDRS, DEFAULT_BLOCKED_HOSTS } from '../shared/host-guard';
import { hang, LocalServer, send, type RecordedRequest } from '../shared/local-server.testing';
import { datadogConnector, normaliseSite } from './datadog.connector';

const ctx: ConnectorContext = {
  logFilesDir: '/tmp',
  blockedCidrs: DEFAULT_BLOCKED_CIDRS,
  blockedHosts: DEFAULT_BLOCKED_HOSTS,
  timeoutMs: 1500,
  maxLines: 1000,
};
const T0 = Date.UTC(2024, 0, 1, 12, 0, 0);
const STATUSES = ['error', 'warn', 'info', 'critical', 'debug', 'emergency', 'ok'];
const LOGS = STATUSES.map((status, i) => ({
  id: `AQAAAY${i}`,
  type: 'log',
  attributes: {
    timestamp: new Date(T0 + i * 1000).toISOString(),
    status,
    service: i % 2 ? 'billing' : 'checkout-api',
    message: `line ${i}`,
    host: 'web-1',
    tags: ['env:prod'],
    attributes: { http: { status_code: 500 } },
  },
}));

type SearchBody = { filter: { query: string; from: string; to: string; indexes?: string[] }; sort: string; page: { limit: number; cursor?: string } };

/** Cursor paging as Datadog does it: meta.page.after is an opaque token to send back as page.cursor. */
function serveSearch(req: RecordedRequest, res: Parameters<typeof send>[0]): void {
  if (req.method !== 'POST' || req.path !== '/api/v2/logs/events/search') return send(res, 404, { errors: ['Not found'] });
  if (req.headers['dd-api-key'] !== 'api-key-1234' || req.headers['dd-application-key'] !== 'app-key-5678') return send(res, 403, { errors: ['Forbidden'] });
  const body = req.json as SearchBody;
  const offset = body.page.cursor ? Number(Buffer.from(body.page.cursor, 'base64').toString().replace('offset:', '')) : 0;
  const from = Date.parse(body.filter.from);
  const to = Date.parse(body.filter.to);
  const matching = LOGS.filter((l) => Date.parse(l.attributes.timestamp) >= from && Date.parse(l.attributes.timestamp) <= to);
  const data = matching.slice(offset, offset + body.page.limit);
  const nextOffset = offset + data.length;
  const after = nextOffset < matching.length ? Buffer.from(`offset:${nextOffset}`).toString('base64') : undefined;
  send(res, 200, {
    data,
    meta: { elapsed: 12, request_id: 'req-1', status: 'done', ...(after ? { page: { after } } : {}) },
    ...(after ? { links: { next: `https://api.datadoghq.com/api/v2/logs/events?page[cursor]=${after}` } } : {}),
  });
}

describe('datadog connector', () => {
  let server: LocalServer;
  let config: LogSourceConfig;
  const connector = datadogConnector(ctx);
  const window = { start: new Date(T0), end: new Date(T0 + 60_000) };

  beforeEach(async () => {
    server = await new LocalServer(serveSearch).start();
    config = {
      type: 'datadog',
      credentials: { apiKey: 'api-key-1234', appKey: 'app-key-5678' },
      sources: ['service:checkout-api'],
      settings: { endpoint: server.url, pageSize: 3 },
    };
  });
  afterEach(() => server.close());

  it('sends the documented search request and follows meta.page.after across ≥3 pages', async () => {
    const r = await connector.query(config, { ...window, sources: config.sources, limit: 1000 });
    expect(r.entries.map((e) => e.message)).toEqual(LOGS.map((l) => l.attributes.message));
    expect(r.truncated).toBe(false);
    expect(server.requests).toHaveLength(3);
    const [p1, p2, p3] = server.requests;
    expect(p1.method).toBe('POST');
    expect(p1.path).toBe('/api/v2/logs/events/search');
    expect(p1.headers['content-type']).toBe('application/json');
    expect(p1.json).toEqual({
      filter: { query: 'service:checkout-api', from: new Date(T0).toISOString(), to: new Date(T0 + 60_000).toISOString() },
      sort: 'timestamp',
      page: { limit: 3 },
    });
    expect((p2.json as SearchBody).page).toEqual({ limit: 3, cursor: Buffer.from('offset:3').toString('base64') });
    expect((p3.json as SearchBody).page.cursor).toBe(Buffer.from('offset:6').toString('base64'));
  });

  it('maps status to level and the service facet to service', async () => {
    const r = await connector.query({ ...config, settings: { endpoint: server.url } }, { ...window, sources: config.sources, limit: 1000 });
    expect(r.entries.map((e) => e.level)).toEqual(['error', 'warn', 'info', 'error', 'info', 'error', 'info']);
    expect(r.entries.map((e) => e.service)).toEqual(['checkout-api', 'billing', 'checkout-api', 'billing', 'checkout-api', 'billing', 'checkout-api']);
    expect(r.entries[0]).toMatchObject({ timestamp: new Date(T0).toISOString(), metadata: { id: 'AQAAAY0', host: 'web-1', tags: ['env:prod'] } });
    expect(JSON.parse(r.entries[0].raw)).toEqual(LOGS[0]);
  });

  it('truncates at the limit with a resumable cursor, and sends indexes when set', async () => {
    const first = await connector.query(config, { ...window, sources: config.sources, limit: 3 });
    expect(first.entries).toHaveLength(3);
    expect(first.truncated).toBe(true);
    const rest = await connector.query(
      { ...config, settings: { ...config.settings, indexes: ['main', 'web'] } },
      { ...window, sources: config.sources, limit: 100, cursor: first.nextCursor },
    );
    expect([...first.entries, ...rest.entries].map((e) => e.message)).toEqual(LOGS.map((l) => l.attributes.message));
    const resumed = server.requests[1].json as SearchBody;
    expect(resumed.page.cursor).toBe(Buffer.from('offset:3').toString('base64'));
    expect(resumed.filter.indexes).toEqual(['main', 'web']);
  });

  it('maps 403 (bad keys / missing Logs Read) and 401 without echoing keys', async () => {
    const bad = { ...config, credentials: { apiKey: 'api-key-1234', appKey: 'wrong-app-key' } };
    const t = await connector.testConnection(bad);
    expect(t.connected).toBe(false);
    expect(t.message).toContain('valid credentials but missing permission');
    expect(t.message).toContain('Logs Read');
    expect(t.message).not.toContain('wrong-app-key');
    server.setHandler((_req, res) => send(res, 401, { errors: ['Unauthorized'] }));
    await expect(connector.query(config, { ...window, sources: config.sources, limit: 5 })).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('maps 404 to the wrong-site message', async () => {
    server.setHandler((_req, res) => send(res, 404, { errors: ['Not found'] }));
    const e = await connector.query(config, { ...window, sources: config.sources, limit: 5 }).catch((x: LogSourceError) => x);
    expect(e).toMatchObject({ code: 'not_found' });
    expect((e as LogSourceError).message).toMatch(/wrong host or region: check the Datadog site/);
  });

  it('retries a 429 honouring X-RateLimit-Reset, then succeeds', async () => {
    let calls = 0;
    server.setHandler((req, res) =>
      ++calls === 1
        ? send(res, 429, { errors: ['Too many requests'] }, { 'X-RateLimit-Limit': '300', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '0' })
        : serveSearch(req, res),
    );
    const r = await connector.query({ ...config, settings: { endpoint: server.url } }, { ...window, sources: config.sources, limit: 100 });
    expect(r.entries).toHaveLength(7);
    expect(calls).toBe(2);
  });

  it('times out on a hang past LOG_SOURCE_TIMEOUT_MS', async () => {
    server.setHandler(hang);
    const t = await connector.testConnection(config);
    expect(t.connected).toBe(false);
    expect(t.message).toMatch(/did not answer within 1500 ms — source unreachable/);
  });

  it('Test connection shows sample lines from the last minutes', async () => {
    const now = Date.now();
    server.setHandler((req, res) => {
      const f = (req.json as SearchBody).filter;
      const recent = Date.parse(f.to) - Date.parse(f.from) <= 15 * 60_000;
      send(res, 200, {
        data: recent
          ? [{ id: 'x', type: 'log', attributes: { timestamp: new Date(now - 2000).toISOString(), status: 'error', service: 'api', message: 'boom' } }]
          : [],
        meta: { status: 'done' },
      });
    });
    const t = await connector.testConnection(config);
    expect(t).toEqual({
      connected: true,
      message: expect.stringContaining('Connected to Datadog'),
      sampleLogs: [{ timestamp: new Date(now - 2000).toISOString(), level: 'error', service: 'api', message: 'boom' }],
    });
  });

  it('discovers service and source facet values through the aggregate API', async () => {
    server.setHandler((req, res) => {
      if (req.path !== '/api/v2/logs/analytics/aggregate') return send(res, 404, { errors: ['Not found'] });
      const body = req.json as { compute: unknown; group_by: Array<{ facet: string }>; filter: { query: string } };
      expect(body.compute).toEqual([{ aggregation: 'count' }]);
      expect(body.filter.query).toBe('*');
      const facet = body.group_by[0].facet;
      const buckets =
        facet === 'service'
          ? [
              { by: { service: 'checkout-api' }, computes: { c0: 10 } },
              { by: { service: 'my svc' }, computes: { c0: 2 } },
            ]
          : [{ by: { source: 'nginx' }, computes: { c0: 5 } }];
      send(res, 200, { data: { buckets }, meta: { status: 'done' } });
    });
    expect(await connector.listSources!(config)).toEqual([
      { id: 'service:checkout-api', name: 'service:checkout-api', type: 'service' },
      { id: 'service:"my svc"', name: 'service:my svc', type: 'service' },
      { id: 'source:nginx', name: 'source:nginx', type: 'source' },
    ]);
  });

  it('derives https://api.<site> from the site setting and validates it', () => {
    expect(normaliseSite(undefined)).toBe('datadoghq.com');
    expect(normaliseSite('https://app.datadoghq.eu/')).toBe('datadoghq.eu');
    expect(normaliseSite('us3.datadoghq.com')).toBe('us3.datadoghq.com');
    expect(() => normaliseSite('evil.example.com')).toThrow(LogSourceError);
  });

  it('validates config and refuses a blocked endpoint at create and query time', async () => {
    await expect(connector.validateConfig!({ ...config, credentials: { apiKey: 'x' } })).rejects.toMatchObject({ code: 'invalid_config' });
    await expect(connector.validateConfig!({ ...config, settings: { endpoint: 'http://169.254.169.254' } })).rejects.toMatchObject({ code: 'blocked_host' });
    await expect(connector.validateConfig!(config)).resolves.toBeUndefined();
    const strict = datadogConnector({ ...ctx, blockedCidrs: ['127.0.0.0/8'] });
    await expect(strict.query(config, { ...window, sources: config.sources, limit: 5 })).rejects.toMatchObject({ code: 'blocked_host' });
    expect(server.requests).toHaveLength(0);
  });
});
