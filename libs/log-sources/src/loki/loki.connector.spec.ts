/**
 * Real: the Loki connector, the shared HTTP helper and host guard. Stand-in: a local node:http server that speaks the
 * documented Loki HTTP API (GET /loki/api/v1/query_range, /labels, /label/<name>/values).
 */
import { LogSourceError, type LogSourceConfig } from '../connector';
import type { ConnectorContext } from '../registry';
import { DEFAULT_BLOCKED_CIDRS, DEFAULT_BLOCKED_HOSTS } from '../shared/host-guard';
import { hang, LocalServer, send, type RecordedRequest } from '../shared/local-server.testing';
import { lokiConnector } from './loki.connector';

const ctx: ConnectorContext = {
  logFilesDir: '/tmp',
  blockedCidrs: DEFAULT_BLOCKED_CIDRS,
  blockedHosts: DEFAULT_BLOCKED_HOSTS,
  timeoutMs: 1500,
  maxLines: 1000,
};
const T0 = Date.UTC(2024, 0, 1, 12, 0, 0);
const ns = (ms: number, extra = 0) => (BigInt(ms) * 1_000_000n + BigInt(extra)).toString();

/** Two streams; entries 3 and 4 share one nanosecond so paging must not drop or repeat them. */
const STREAMS = [
  {
    stream: { job: 'checkout-api', level: 'error' },
    values: [
      [ns(T0 + 1000), 'payment failed'],
      [ns(T0 + 3000), 'retry failed'],
      [ns(T0 + 3000), 'giving up'],
      [ns(T0 + 7000), 'circuit open'],
    ],
  },
  {
    stream: { job: 'checkout-api' },
    values: [
      [ns(T0 + 2000), '{"level":"warn","msg":"slow upstream","service":"ignored"}'],
      [ns(T0 + 4000), 'INFO request ok'],
      [ns(T0 + 5000), 'level=error msg="db down"'],
      [ns(T0 + 6000), 'plain line'],
    ],
  },
] as const;

/** Serve query_range exactly as Loki does: start inclusive, end exclusive, `limit` entries in `direction` order. */
function serveQueryRange(req: RecordedRequest, res: Parameters<typeof send>[0]): void {
  const start = BigInt(req.query.get('start')!);
  const end = BigInt(req.query.get('end')!);
  const limit = Number(req.query.get('limit'));
  const forward = req.query.get('direction') === 'forward';
  const all = STREAMS.flatMap((s) => s.values.map(([ts, line]) => ({ stream: s.stream, ts, line })))
    .filter((e) => BigInt(e.ts) >= start && BigInt(e.ts) < end)
    .sort((a, b) => (forward ? Number(BigInt(a.ts) - BigInt(b.ts)) : Number(BigInt(b.ts) - BigInt(a.ts))))
    .slice(0, limit);
  const result = STREAMS.map((s) => ({ stream: s.stream, values: all.filter((e) => e.stream === s.stream).map((e) => [e.ts, e.line]) })).filter(
    (s) => s.values.length,
  );
  send(res, 200, { status: 'success', data: { resultType: 'streams', result, stats: {} } });
}

describe('loki connector', () => {
  let server: LocalServer;
  let config: LogSourceConfig;
  const connector = lokiConnector(ctx);
  const window = { start: new Date(T0), end: new Date(T0 + 60_000) };

  beforeEach(async () => {
    server = await new LocalServer(serveQueryRange).start();
    config = {
      type: 'loki',
      credentials: { host: server.url, apiKey: 'tok-123456', orgId: 'tenant-a' },
      sources: ['{job="checkout-api"}'],
      settings: { pageSize: 3 },
    };
  });
  afterEach(() => server.close());

  it('sends the documented query_range request and pages forward across ≥3 pages without loss or repeats', async () => {
    const r = await connector.query(config, { ...window, sources: config.sources, limit: 1000 });
    expect(r.entries.map((e) => e.message)).toEqual([
      'payment failed',
      'slow upstream',
      'retry failed',
      'giving up',
      'INFO request ok',
      'level=error msg="db down"',
      'plain line',
      'circuit open',
    ]);
    expect(r.truncated).toBe(false);
    expect(server.requests.length).toBeGreaterThanOrEqual(3);
    const first = server.requests[0];
    expect(first.method).toBe('GET');
    expect(first.path).toBe('/loki/api/v1/query_range');
    expect(first.query.get('query')).toBe('{job="checkout-api"}');
    expect(first.query.get('start')).toBe(ns(T0));
    expect(first.query.get('end')).toBe(ns(T0 + 60_000));
    expect(first.query.get('limit')).toBe('3');
    expect(first.query.get('direction')).toBe('forward');
    expect(first.headers.authorization).toBe('Bearer tok-123456');
    expect(first.headers['x-scope-orgid']).toBe('tenant-a');
    // The next page starts at the newest timestamp of the previous one (inclusive).
    expect(server.requests[1].query.get('start')).toBe(ns(T0 + 3000));
  });

  it('normalises level, service, message and timestamp', async () => {
    const r = await connector.query(config, { ...window, sources: config.sources, limit: 1000 });
    const byMsg = Object.fromEntries(r.entries.map((e) => [e.raw, e]));
    expect(byMsg['payment failed']).toMatchObject({ timestamp: new Date(T0 + 1000).toISOString(), level: 'error', service: 'checkout-api' });
    expect(byMsg['{"level":"warn","msg":"slow upstream","service":"ignored"}']).toMatchObject({
      level: 'warn',
      message: 'slow upstream',
      service: 'checkout-api',
    });
    expect(byMsg['INFO request ok'].level).toBe('info');
    expect(byMsg['level=error msg="db down"'].level).toBe('error');
    expect(byMsg['plain line']).toMatchObject({ level: 'info', metadata: { labels: { job: 'checkout-api' } } });
  });

  it('stops at the line limit, reports truncation and resumes from the cursor', async () => {
    const first = await connector.query(config, { ...window, sources: config.sources, limit: 3 });
    expect(first.entries).toHaveLength(3);
    expect(first.truncated).toBe(true);
    expect(first.nextCursor).toBeDefined();
    const rest = await connector.query(config, { ...window, sources: config.sources, limit: 100, cursor: first.nextCursor });
    expect([...first.entries, ...rest.entries].map((e) => e.raw)).toHaveLength(8);
    expect(new Set([...first.entries, ...rest.entries].map((e) => e.raw)).size).toBe(8);
    expect(rest.truncated).toBe(false);
  });

  it('queries each sources line on its own; a bad line becomes a warning', async () => {
    server.setHandler((req, res) =>
      req.query.get('query') === '{bad' ? send(res, 400, 'parse error at line 1, col 5: syntax error: unexpected $end') : serveQueryRange(req, res),
    );
    const r = await connector.query(config, { ...window, sources: ['{job="checkout-api"}', '{bad'], limit: 1000 });
    expect(r.entries).toHaveLength(8);
    expect(r.warnings?.[0]).toMatch(/^\{bad: .*refused the query \(HTTP 400\).*parse error/);
  });

  it('maps 401 to the troubleshooting message, for queries and Test connection', async () => {
    server.setHandler((_req, res) => send(res, 401, 'no org id'));
    await expect(connector.query(config, { ...window, sources: config.sources, limit: 10 })).rejects.toMatchObject({ code: 'unauthorized' });
    const t = await connector.testConnection(config);
    expect(t.connected).toBe(false);
    expect(t.message).toMatch(/^Credentials were rejected \(401 Unauthorized\): re-paste the key/);
    expect(t.message).not.toContain('tok-123456');
  });

  it('maps 403 and 404', async () => {
    server.setHandler((_req, res) => send(res, 403, 'forbidden'));
    await expect(connector.query(config, { ...window, sources: config.sources, limit: 10 })).rejects.toMatchObject({ code: 'forbidden' });
    server.setHandler((_req, res) => send(res, 404, '404 page not found'));
    const e = await connector.query(config, { ...window, sources: config.sources, limit: 10 }).catch((x: LogSourceError) => x);
    expect(e).toMatchObject({ code: 'not_found' });
    expect((e as LogSourceError).message).toContain('wrong host or region');
  });

  it('retries a 429 and then succeeds', async () => {
    let calls = 0;
    server.setHandler((req, res) => (++calls === 1 ? send(res, 429, 'Ingestion rate limit exceeded', { 'Retry-After': '0' }) : serveQueryRange(req, res)));
    const r = await connector.query({ ...config, settings: {} }, { ...window, sources: config.sources, limit: 1000 });
    expect(r.entries).toHaveLength(8);
    expect(calls).toBe(2);
  });

  it('gives up on a hang past LOG_SOURCE_TIMEOUT_MS with the timeout message', async () => {
    server.setHandler(hang);
    const e = await connector.query(config, { ...window, sources: config.sources, limit: 10 }).catch((x: LogSourceError) => x);
    expect(e).toBeInstanceOf(LogSourceError);
    expect((e as LogSourceError).code).toBe('timeout');
    const t = await connector.testConnection(config);
    expect(t).toMatchObject({ connected: false, sampleLogs: [] });
    expect(t.message).toContain("allow SigSentry's outbound IPs");
  });

  it('Test connection queries a recent window and returns sample lines, or explains an empty result', async () => {
    const now = Date.now();
    server.setHandler((req, res) => {
      const start = BigInt(req.query.get('start')!);
      expect(Number(BigInt(req.query.get('end')!) - start) / 1e6).toBeLessThanOrEqual(15 * 60_000 + 1000);
      send(res, 200, {
        status: 'success',
        data: { resultType: 'streams', result: [{ stream: { service_name: 'api' }, values: [[ns(now - 1000), 'ERROR boom']] }] },
      });
    });
    const ok = await connector.testConnection(config);
    expect(ok.connected).toBe(true);
    expect(ok.sampleLogs).toEqual([{ timestamp: new Date(now - 1000).toISOString(), level: 'error', service: 'api', message: 'ERROR boom' }]);
    server.setHandler((_req, res) => send(res, 200, { status: 'success', data: { resultType: 'streams', result: [] } }));
    const empty = await connector.testConnection(config);
    expect(empty).toMatchObject({ connected: true, sampleLogs: [] });
    expect(empty.message).toMatch(/no logs matched.*widen the test window/);
  });

  it('refuses metric queries and non-selectors', async () => {
    await expect(connector.validateConfig!({ ...config, sources: ['rate({job="x"}[5m])'] })).rejects.toMatchObject({ code: 'invalid_config' });
    server.setHandler((_req, res) => send(res, 200, { status: 'success', data: { resultType: 'matrix', result: [] } }));
    const r = await connector.query(config, { ...window, sources: ['{job="x"} | count_over_time'], limit: 10 }).catch((x: LogSourceError) => x);
    expect(r).toMatchObject({ code: 'bad_request' });
  });

  it('discovers selectors from labels and label values', async () => {
    server.setHandler((req, res) => {
      if (req.path === '/loki/api/v1/labels') return send(res, 200, { status: 'success', data: ['__name__', 'filename', 'job', 'service_name'] });
      if (req.path === '/loki/api/v1/label/service_name/values') return send(res, 200, { status: 'success', data: ['checkout-api'] });
      if (req.path === '/loki/api/v1/label/job/values') return send(res, 200, { status: 'success', data: ['varlogs', 'we"ird'] });
      send(res, 404, 'nope');
    });
    const list = await connector.listSources!(config);
    expect(list).toEqual([
      { id: '{service_name="checkout-api"}', name: 'service_name=checkout-api', type: 'selector' },
      { id: '{job="varlogs"}', name: 'job=varlogs', type: 'selector' },
      { id: '{job="we\\"ird"}', name: 'job=we"ird', type: 'selector' },
    ]);
    expect(server.requests[0].query.get('start')).toMatch(/^\d{19}$/);
    expect(server.requests[0].headers['x-scope-orgid']).toBe('tenant-a');
  });

  it('sends Grafana Cloud "<user>:<token>" keys as Basic auth and omits auth when no key is set', async () => {
    await connector.query({ ...config, credentials: { host: server.url, apiKey: '123456:glc_abc' } }, { ...window, sources: config.sources, limit: 1 });
    expect(server.requests[0].headers.authorization).toBe(`Basic ${Buffer.from('123456:glc_abc').toString('base64')}`);
    expect(server.requests[0].headers['x-scope-orgid']).toBeUndefined();
    await connector.query({ ...config, credentials: { host: server.url } }, { ...window, sources: config.sources, limit: 1 });
    expect(server.requests[1].headers.authorization).toBeUndefined();
  });

  it('refuses blocked hosts at create time and at query time', async () => {
    await expect(connector.validateConfig!({ ...config, credentials: { host: 'http://169.254.169.254' } })).rejects.toMatchObject({ code: 'blocked_host' });
    await expect(connector.validateConfig!({ ...config, credentials: { host: 'http://metadata.google.internal' } })).rejects.toMatchObject({
      code: 'blocked_host',
    });
    const strict = lokiConnector({ ...ctx, blockedCidrs: ['127.0.0.0/8'] });
    await expect(strict.query(config, { ...window, sources: config.sources, limit: 10 })).rejects.toMatchObject({ code: 'blocked_host' });
    expect(server.requests).toHaveLength(0);
  });
});
