import { LogSourceError } from '../connector';
import { DEFAULT_BLOCKED_CIDRS, DEFAULT_BLOCKED_HOSTS } from './host-guard';
import { errorDetail, httpJson, retryDelayMs } from './http';
import { hang, LocalServer, send } from './local-server.testing';

const ctx = { blockedCidrs: DEFAULT_BLOCKED_CIDRS, blockedHosts: DEFAULT_BLOCKED_HOSTS };

async function failure(p: Promise<unknown>): Promise<LogSourceError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof LogSourceError) return e;
    throw e;
  }
  throw new Error('expected a LogSourceError');
}

describe('httpJson against a local server', () => {
  let server: LocalServer;
  beforeEach(async () => {
    server = await new LocalServer((_req, res) => send(res, 200, { ok: true })).start();
  });
  afterEach(() => server.close());

  it('sends method, query, headers and JSON body and parses the JSON answer', async () => {
    server.setHandler((req, res) => send(res, 200, { echo: req.json, q: req.query.get('query') }));
    const r = await httpJson<{ echo: unknown; q: string }>({
      method: 'POST',
      url: `${server.url}/api/x`,
      params: { query: '{job="a"} |= "b"', skip: undefined, tag: ['a', 'b'] },
      headers: { 'X-Test': '1' },
      body: { hello: 'world' },
      timeoutMs: 2000,
      ctx,
    });
    expect(r.status).toBe(200);
    expect(r.data).toEqual({ echo: { hello: 'world' }, q: '{job="a"} |= "b"' });
    const req = server.requests[0];
    expect(req.method).toBe('POST');
    expect(req.query.getAll('tag')).toEqual(['a', 'b']);
    expect(req.query.has('skip')).toBe(false);
    expect(req.headers['x-test']).toBe('1');
    expect(req.headers['content-type']).toBe('application/json');
  });

  it('maps 401 without leaking the credential', async () => {
    server.setHandler((_req, res) => send(res, 401, { error: 'bad token s3cr3t-token-value' }));
    const e = await failure(
      httpJson({ method: 'GET', url: `${server.url}/x`, headers: { Authorization: 'Bearer s3cr3t-token-value' }, timeoutMs: 2000, ctx, platform: 'Loki' }),
    );
    expect(e.code).toBe('unauthorized');
    expect(e.message).toMatch(/^Credentials were rejected \(401 Unauthorized\): re-paste the key for Loki/);
    expect(e.message).not.toContain('s3cr3t');
  });

  it('maps 403 and 404 to the troubleshooting messages, redacting secrets from platform text', async () => {
    server.setHandler((req, res) =>
      req.path === '/forbidden' ? send(res, 403, { errors: ['Forbidden for key abcd1234efgh'] }) : send(res, 404, 'page not found'),
    );
    const f = await failure(
      httpJson({
        method: 'GET',
        url: `${server.url}/forbidden`,
        headers: { 'DD-API-KEY': 'abcd1234efgh' },
        timeoutMs: 2000,
        ctx,
        platform: 'Datadog',
        hints: { forbidden: 'Logs Read' },
      }),
    );
    expect(f.code).toBe('forbidden');
    expect(f.message).toContain('valid credentials but missing permission: grant the read scopes');
    expect(f.message).toContain('Logs Read');
    expect(f.message).not.toContain('abcd1234efgh');
    const n = await failure(
      httpJson({ method: 'GET', url: `${server.url}/nope?token=zzz`, timeoutMs: 2000, ctx, hints: { notFound: 'check the Datadog site' } }),
    );
    expect(n.code).toBe('not_found');
    expect(n.message).toContain('wrong host or region: check the Datadog site');
    expect(n.message).not.toContain('zzz');
  });

  it('redacts Basic credentials, encoded and decoded', async () => {
    server.setHandler((_req, res) => send(res, 400, { error: { type: 'x', reason: 'user elastic:hunter22pw not allowed' } }));
    const auth = `Basic ${Buffer.from('elastic:hunter22pw').toString('base64')}`;
    const e = await failure(httpJson({ method: 'GET', url: `${server.url}/x`, headers: { Authorization: auth }, timeoutMs: 2000, ctx }));
    expect(e.code).toBe('bad_request');
    expect(e.message).not.toContain('hunter22pw');
  });

  it('retries a 429 honouring Retry-After, then succeeds', async () => {
    let n = 0;
    server.setHandler((_req, res) => (++n === 1 ? send(res, 429, { errors: ['slow down'] }, { 'Retry-After': '0' }) : send(res, 200, { n })));
    const r = await httpJson<{ n: number }>({ method: 'GET', url: `${server.url}/x`, timeoutMs: 3000, ctx });
    expect(r.data.n).toBe(2);
    expect(server.requests).toHaveLength(2);
  });

  it('retries 503 at most 3 times, then reports upstream_error', async () => {
    server.setHandler((_req, res) => send(res, 503, 'unavailable'));
    const e = await failure(httpJson({ method: 'GET', url: `${server.url}/x`, timeoutMs: 5000, ctx }));
    expect(e.code).toBe('upstream_error');
    expect(server.requests).toHaveLength(3);
  });

  it('gives up on a 429 whose Retry-After is past the deadline', async () => {
    server.setHandler((_req, res) => send(res, 429, 'busy', { 'Retry-After': '60' }));
    const e = await failure(httpJson({ method: 'GET', url: `${server.url}/x`, timeoutMs: 1000, ctx }));
    expect(e.code).toBe('rate_limited');
    expect(server.requests).toHaveLength(1);
  });

  it('times out a hung request with the unreachable-source message', async () => {
    server.setHandler(hang);
    const e = await failure(httpJson({ method: 'GET', url: `${server.url}/x`, timeoutMs: 200, ctx, platform: 'Elasticsearch' }));
    expect(e.code).toBe('timeout');
    expect(e.message).toContain("allow SigSentry's outbound IPs");
  });

  it('stops when the caller aborts', async () => {
    server.setHandler(hang);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const e = await failure(httpJson({ method: 'GET', url: `${server.url}/x`, timeoutMs: 10_000, signal: ac.signal, ctx }));
    expect(e.code).toBe('timeout');
  });

  it('refuses blocked hosts before connecting', async () => {
    const e = await failure(httpJson({ method: 'GET', url: 'http://169.254.169.254/latest/meta-data', timeoutMs: 1000, ctx }));
    expect(e.code).toBe('blocked_host');
    const strict = { blockedCidrs: ['127.0.0.0/8'], blockedHosts: [] };
    const e2 = await failure(httpJson({ method: 'GET', url: `${server.url}/x`, timeoutMs: 1000, ctx: strict }));
    expect(e2.code).toBe('blocked_host');
    expect(server.requests).toHaveLength(0);
  });

  it('does not follow redirects (a redirect could point at a blocked host)', async () => {
    server.setHandler((_req, res) => send(res, 302, '', { Location: 'http://169.254.169.254/' }));
    const e = await failure(httpJson({ method: 'GET', url: `${server.url}/x`, timeoutMs: 1000, ctx }));
    expect(e.code).toBe('upstream_error');
    expect(e.message).toMatch(/redirected/);
  });

  it('reports connection refused as unreachable', async () => {
    const port = Number(new URL(server.url).port);
    await server.close();
    const e = await failure(httpJson({ method: 'GET', url: `http://127.0.0.1:${port}/x`, timeoutMs: 1000, ctx }));
    expect(e.code).toBe('unreachable');
    server = await new LocalServer((_r, res) => send(res, 200, {})).start();
  });
});

describe('retryDelayMs / errorDetail', () => {
  it('reads Retry-After seconds and dates, and X-RateLimit-Reset seconds or epoch', () => {
    const now = 1_700_000_000_000;
    expect(retryDelayMs({ 'retry-after': '2' }, 0, now)).toBe(2000);
    expect(retryDelayMs({ 'retry-after': new Date(now + 5000).toUTCString() }, 0, now)).toBe(5000);
    expect(retryDelayMs({ 'x-ratelimit-reset': '3' }, 0, now)).toBe(3000);
    expect(retryDelayMs({ 'x-ratelimit-reset': String(now / 1000 + 4) }, 0, now)).toBe(4000);
  });

  it('extracts platform error text from ES, Datadog and plain bodies', () => {
    expect(errorDetail({ error: { root_cause: [{ reason: 'no such index [x]' }], reason: 'no such index [x]' }, status: 404 })).toBe('no such index [x]');
    expect(errorDetail({ errors: ['Forbidden'] })).toBe('Forbidden');
    expect(errorDetail('parse error at line 1, col 5: syntax error\n')).toBe('parse error at line 1, col 5: syntax error');
  });
});
