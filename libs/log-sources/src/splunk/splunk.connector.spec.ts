/**
 * Real: the Splunk connector, the shared HTTP client and host guard, HTTP over loopback.
 * Stand-in: Splunk's REST API (splunkd) as a local node:http server speaking the documented endpoints:
 * POST /services/search/jobs (form fields, JSON {sid}), GET /services/search/jobs/{sid}/results (offset/count paging),
 * GET /services/data/indexes, token auth as `Authorization: Bearer`.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { LogSourceError, type LogSourceConfig } from '../connector';
import type { ConnectorContext } from '../registry';
import { SplunkConnector, splunkConnector, toSpl } from './splunk.connector';

interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  form?: URLSearchParams;
}

type Handler = (req: Seen, res: http.ServerResponse) => void;

let server: http.Server;
let base: string;
let seen: Seen[] = [];
let handler: Handler;

const TOKEN = 'tok-secret-123';
const EVENTS = [
  {
    _time: '2024-05-01T10:00:01.000+00:00',
    _raw: 'ERROR payment declined',
    _cd: '1:1',
    host: 'web-1',
    source: 'checkout-api',
    sourcetype: 'json',
    index: 'main',
  },
  { _time: '2024-05-01T10:00:02.000+00:00', _raw: 'slow request', severity: 'WARNING', host: 'web-1', sourcetype: 'access' },
  { _time: '2024-05-01T10:00:03.000+00:00', _raw: 'boom', level: 'fatal', sourcetype: 'syslog' },
  { _time: '2024-05-01T10:00:04.000+00:00', _raw: 'ok', source: 'payments', user: ['a', 'b'] },
  { _time: '2024-05-01T10:00:05.000+00:00', _raw: 'level=error db down', source: 'payments' },
  { _time: '2024-05-01T10:00:06.000+00:00', _raw: 'hello', source: 'payments' },
  { _time: '2024-05-01T10:00:07.000+00:00', _raw: 'bye', source: 'payments' },
];

function ctx(over: Partial<ConnectorContext> = {}): ConnectorContext {
  return {
    logFilesDir: '/nonexistent',
    blockedCidrs: ['169.254.0.0/16'],
    blockedHosts: ['metadata.google.internal'],
    timeoutMs: 5000,
    maxLines: 1_000_000,
    ...over,
  };
}
const cfg = (sources: string[] = ['main'], token = TOKEN): LogSourceConfig => ({ type: 'splunk', credentials: { host: base, token }, sources });
const q = { start: new Date('2024-05-01T10:00:00Z'), end: new Date('2024-05-01T11:00:00Z'), sources: [] as string[] };

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8', ...headers });
  res.end(JSON.stringify(body));
}

/** splunkd's documented behaviour for the happy path. */
const splunkd: Handler = (req, res) => {
  if (req.headers.authorization !== `Bearer ${TOKEN}`) return json(res, 401, { messages: [{ type: 'WARN', text: 'call not properly authenticated' }] });
  if (req.method === 'POST' && req.path === '/services/search/jobs') return json(res, 201, { sid: '1714557600.42' });
  if (req.method === 'GET' && req.path === '/services/search/jobs/1714557600.42/results') {
    const offset = Number(req.query.get('offset'));
    const count = Number(req.query.get('count'));
    return json(res, 200, { preview: false, init_offset: offset, messages: [], results: EVENTS.slice(offset, offset + count) });
  }
  if (req.method === 'GET' && req.path === '/services/data/indexes') {
    return json(res, 200, {
      entry: [
        { name: 'main', content: {} },
        { name: 'prod_app_logs', content: {} },
        { name: '_internal', content: {} },
      ],
    });
  }
  json(res, 404, { messages: [{ type: 'ERROR', text: 'Not Found' }] });
};

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const body = Buffer.concat(chunks).toString('utf8');
      const s: Seen = {
        method: req.method ?? '',
        path: u.pathname,
        query: u.searchParams,
        headers: req.headers,
        ...(req.headers['content-type']?.startsWith('application/x-www-form-urlencoded') ? { form: new URLSearchParams(body) } : {}),
      };
      seen.push(s);
      handler(s, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

beforeEach(() => {
  seen = [];
  handler = splunkd;
});

describe('SplunkConnector', () => {
  it('creates a blocking search job with the documented form fields and pages through its results', async () => {
    const c = new SplunkConnector(ctx(), { pageSize: 3 });
    const r = await c.query(cfg(['main']), { ...q, limit: 100 });

    const post = seen[0];
    expect(post.method).toBe('POST');
    expect(post.path).toBe('/services/search/jobs');
    expect(post.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(Object.fromEntries(post.form!)).toEqual({
      search: 'search index=main',
      earliest_time: String(q.start.getTime() / 1000) + '.000',
      latest_time: String(q.end.getTime() / 1000) + '.000',
      exec_mode: 'blocking',
      output_mode: 'json',
      max_count: '100',
      timeout: '300',
    });
    const gets = seen.slice(1);
    expect(gets.map((g) => [g.method, g.path, g.query.get('output_mode'), g.query.get('offset'), g.query.get('count'), g.headers.authorization])).toEqual([
      ['GET', '/services/search/jobs/1714557600.42/results', 'json', '0', '3', `Bearer ${TOKEN}`],
      ['GET', '/services/search/jobs/1714557600.42/results', 'json', '3', '3', `Bearer ${TOKEN}`],
      ['GET', '/services/search/jobs/1714557600.42/results', 'json', '6', '3', `Bearer ${TOKEN}`],
    ]);

    expect(r.truncated).toBe(false);
    expect(r.entries.map((e) => [e.timestamp, e.level, e.service, e.message])).toEqual([
      ['2024-05-01T10:00:01.000Z', 'error', 'checkout-api', 'ERROR payment declined'],
      ['2024-05-01T10:00:02.000Z', 'warn', 'web-1', 'slow request'],
      ['2024-05-01T10:00:03.000Z', 'error', 'syslog', 'boom'],
      ['2024-05-01T10:00:04.000Z', 'info', 'payments', 'ok'],
      ['2024-05-01T10:00:05.000Z', 'error', 'payments', 'level=error db down'],
      ['2024-05-01T10:00:06.000Z', 'info', 'payments', 'hello'],
      ['2024-05-01T10:00:07.000Z', 'info', 'payments', 'bye'],
    ]);
    // Other indexed fields go to metadata; splunkd internals (_cd, _time, _raw) do not.
    expect(r.entries[0].metadata).toEqual({ host: 'web-1', source: 'checkout-api', sourcetype: 'json', index: 'main' });
    expect(r.entries[3].metadata).toEqual({ source: 'payments', user: ['a', 'b'] });
  });

  it('stops at limit and reports truncation', async () => {
    const r = await new SplunkConnector(ctx(), { pageSize: 3 }).query(cfg(['main']), { ...q, limit: 4 });
    expect(seen[0].form!.get('max_count')).toBe('4');
    expect(seen.slice(1).map((g) => [g.query.get('offset'), g.query.get('count')])).toEqual([
      ['0', '3'],
      ['3', '1'],
    ]);
    expect(r.nextCursor).toEqual(expect.any(String));
    expect(r.entries).toHaveLength(4);
    expect(r.truncated).toBe(true);
  });

  it('runs one job per source; a source splunkd refuses becomes a warning', async () => {
    handler = (req, res) =>
      req.method === 'POST' && req.form?.get('search') === 'search index=nope'
        ? json(res, 400, { messages: [{ type: 'FATAL', text: 'Search index not found' }] })
        : splunkd(req, res);
    const r = await new SplunkConnector(ctx()).query(cfg(['nope', 'index=main sourcetype=json']), { ...q, limit: 100 });
    expect(seen.filter((s) => s.method === 'POST').map((s) => s.form!.get('search'))).toEqual(['search index=nope', 'search index=main sourcetype=json']);
    expect(r.entries).toHaveLength(7);
    expect(r.warnings).toEqual([expect.stringMatching(/^nope: .*Search index not found/)]);
  });

  it('builds SPL from index names and expressions', () => {
    expect(toSpl('main')).toBe('search index=main');
    expect(toSpl('index=prod_app_logs sourcetype=json')).toBe('search index=prod_app_logs sourcetype=json');
    expect(toSpl('search index=x error | head 10')).toBe('search index=x error | head 10');
    expect(toSpl('| tstats count where index=x')).toBe('| tstats count where index=x');
  });

  it('maps 401 to unauthorized without leaking the token', async () => {
    const err = await new SplunkConnector(ctx()).query(cfg(['main'], 'wrong-token-value'), { ...q, limit: 10 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LogSourceError);
    expect((err as LogSourceError).code).toBe('unauthorized');
    expect((err as LogSourceError).message).toMatch(/401/);
    expect((err as LogSourceError).message).not.toContain('wrong-token-value');
    const t = await splunkConnector(ctx()).testConnection(cfg(['main'], 'wrong-token-value'));
    expect(t).toMatchObject({ connected: false, sampleLogs: [] });
    expect(t.message).toMatch(/re-paste/);
  });

  it('retries a 429 on the results page, then succeeds', async () => {
    let throttled = 0;
    handler = (req, res) => {
      if (req.path.endsWith('/results') && req.query.get('offset') === '3' && throttled++ === 0) {
        return json(res, 429, { messages: [{ type: 'ERROR', text: 'Too many requests' }] }, { 'Retry-After': '0' });
      }
      splunkd(req, res);
    };
    const r = await new SplunkConnector(ctx(), { pageSize: 3 }).query(cfg(['main']), { ...q, limit: 100 });
    expect(r.entries).toHaveLength(7);
    expect(seen.filter((s) => s.path.endsWith('/results')).map((s) => s.query.get('offset'))).toEqual(['0', '3', '3', '6']);
  });

  it('retries a 429 on job creation, then succeeds', async () => {
    let throttled = 0;
    handler = (req, res) => {
      if (req.method === 'POST' && throttled++ === 0) return json(res, 429, { messages: [{ type: 'ERROR', text: 'slow down' }] }, { 'Retry-After': '0' });
      splunkd(req, res);
    };
    const r = await new SplunkConnector(ctx()).query(cfg(['main']), { ...q, limit: 100 });
    expect(r.entries).toHaveLength(7);
    expect(seen.filter((s) => s.method === 'POST')).toHaveLength(2);
  });

  it('gives up with a timeout when splunkd hangs past LOG_SOURCE_TIMEOUT_MS', async () => {
    handler = () => {
      /* never answers */
    };
    const err = await new SplunkConnector(ctx({ timeoutMs: 300 })).query(cfg(['main']), { ...q, limit: 10 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'timeout' });
    expect((err as Error).message).toMatch(/did not answer within 300 ms/);
  });

  it("maps a bad search (400) to bad_request with splunkd's message", async () => {
    handler = (req, res) =>
      req.method === 'POST' ? json(res, 400, { messages: [{ type: 'FATAL', text: "Unknown search command 'foo'." }] }) : splunkd(req, res);
    await expect(new SplunkConnector(ctx()).query(cfg(['search | foo']), { ...q, limit: 10 })).rejects.toMatchObject({
      code: 'bad_request',
      message: expect.stringContaining("Unknown search command 'foo'"),
    });
  });

  it('lists indexes through /services/data/indexes', async () => {
    const list = await new SplunkConnector(ctx()).listSources(cfg());
    expect(seen[0].path).toBe('/services/data/indexes');
    expect(seen[0].query.get('output_mode')).toBe('json');
    expect(list.map((s) => s.name)).toEqual(['main', 'prod_app_logs', '_internal']);
  });

  it('test connection queries a recent window and returns sample lines', async () => {
    const t = await new SplunkConnector(ctx()).testConnection(cfg(['main']));
    expect(t.connected).toBe(true);
    expect(t.sampleLogs).toHaveLength(5);
    expect(Number(seen[0].form!.get('latest_time')) - Number(seen[0].form!.get('earliest_time'))).toBeCloseTo(900, 0);
  });

  it('refuses a host in a blocked range and validates credentials', async () => {
    const c = new SplunkConnector(ctx({ blockedCidrs: ['127.0.0.0/8'] }));
    await expect(c.query(cfg(['main']), { ...q, limit: 10 })).rejects.toMatchObject({ code: 'blocked_host' });
    expect(seen).toHaveLength(0);
    await expect(c.validateConfig({ type: 'splunk', credentials: { host: base }, sources: ['main'] })).rejects.toMatchObject({ code: 'invalid_config' });
  });
});
