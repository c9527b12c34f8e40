import { HttpService } from '@nestjs/axios';
import axios from 'axios';
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

  it('retries 503 at most 4 times in all, then reports upstream_error', async () => {
    server.setHandler((_req, res) => send(res, 503, 'unavailable'));
    const e = await failure(httpJson({ method: 'GET', url: `${server.url}/x`, timeoutMs: 8000, ctx }));
    expect(e.code).toBe('upstream_error');
    expect(server.requests).toHaveLength(4);
  });

  it("honours Datadog's X-RateLimit-Reset (seconds until the reset) on a 429", async () => {
    let n = 0;
    const at: number[] = [];
    server.setHandler((_req, res) => {
      at.push(Date.now());
      if (++n === 1)
        send(
          res,
          429,
          { errors: ['Too many requests'] },
          {
            'X-RateLimit-Limit': '300',
            'X-RateLimit-Period': '3600',
            'X-RateLimit-Remaining': '0',
            'X-RateLimit-Reset': '1',
            'X-RateLimit-Name': 'logs_query',
          },
        );
      else send(res, 200, { n });
    });
    const r = await httpJson<{ n: number }>({
      method: 'POST',
      url: `${server.url}/api/v2/logs/events/search`,
      body: {},
      timeoutMs: 5000,
      ctx,
      platform: 'Datadog',
    });
    expect(r.data.n).toBe(2);
    // The second request waited for the reset (1 s), not the 200 ms default backoff.
    expect(at[1] - at[0]).toBeGreaterThanOrEqual(950);
  });

  it('treats a platform\'s own "slow down" status (Splunk\'s 503) as a rate limit, with backoff and Retry-After', async () => {
    let n = 0;
    server.setHandler((_req, res) => {
      if (++n < 3)
        send(
          res,
          503,
          {
            messages: [{ type: 'ERROR', text: 'Search not executed: The maximum number of concurrent historical searches on this instance has been reached.' }],
          },
          { 'Retry-After': '0' },
        );
      else send(res, 201, { sid: 'job-1' });
    });
    const r = await httpJson<{ sid: string }>({
      method: 'POST',
      url: `${server.url}/services/search/jobs`,
      form: { search: 'search index=main' },
      timeoutMs: 5000,
      ctx,
      rateLimitStatuses: [503],
    });
    expect(r.data.sid).toBe('job-1');
    expect(server.requests).toHaveLength(3);
    server.setHandler((_req, res) => send(res, 503, { messages: [{ type: 'ERROR', text: 'Search not executed: quota reached' }] }, { 'Retry-After': '0' }));
    const e = await failure(
      httpJson({
        method: 'POST',
        url: `${server.url}/services/search/jobs`,
        form: { a: 1 },
        timeoutMs: 5000,
        ctx,
        rateLimitStatuses: [503],
        maxTries: 2,
        errorText: (d) => JSON.stringify(d),
      }),
    );
    expect(e.code).toBe('rate_limited');
    expect(e.message).toContain('quota reached');
  });

  it('takes each rate-limit wait off the wait budget, and stops with rate_limited (without sleeping) once it would run out', async () => {
    let n = 0;
    server.setHandler((_req, res) => (++n <= 2 ? send(res, 429, 'busy', { 'Retry-After': '1' }) : send(res, 200, { ok: true })));
    const budget = { remainingMs: 2500 };
    await httpJson({ method: 'GET', url: `${server.url}/x`, timeoutMs: 10_000, waitBudget: budget, ctx });
    expect(budget.remainingMs).toBe(500);
    server.setHandler((_req, res) => send(res, 429, 'busy', { 'Retry-After': '2' }));
    const before = server.requests.length;
    const e = await failure(httpJson({ method: 'GET', url: `${server.url}/x`, timeoutMs: 10_000, waitBudget: budget, ctx }));
    expect(e.code).toBe('rate_limited');
    expect(server.requests.length - before).toBe(1);
    expect(budget.remainingMs).toBe(500);
  });

  it('sends form bodies (splunkd, OAuth) through the same client, with the same size cap', async () => {
    server.setHandler((req, res) => send(res, 200, { got: req.body, type: req.headers['content-type'] }));
    const r = await httpJson<{ got: string; type: string }>({
      method: 'POST',
      url: `${server.url}/f`,
      form: { search: 'search index=main', count: 5 },
      timeoutMs: 2000,
      ctx,
    });
    expect(r.data).toEqual({ got: 'search=search+index%3Dmain&count=5', type: 'application/x-www-form-urlencoded' });
    server.setHandler((_req, res) => send(res, 200, { results: 'z'.repeat(20_000) }));
    const big = await failure(
      httpJson({ method: 'POST', url: `${server.url}/f`, form: { a: 1 }, timeoutMs: 2000, ctx, platform: 'Splunk', maxBodyBytes: 10_000 }),
    );
    expect(big.code).toBe('upstream_error');
    expect(big.message).toMatch(/Splunk answered with more than 10 KB for one request/);
    const bigJson = await failure(httpJson({ method: 'GET', url: `${server.url}/f`, timeoutMs: 2000, ctx, maxBodyBytes: 10_000 }));
    expect(bigJson.message).toMatch(/more than 10 KB/);
  });

  it('sends through the Nest HttpService it is given', async () => {
    const instance = axios.create();
    let seen = 0;
    instance.interceptors.request.use((c) => {
      seen++;
      return c;
    });
    const http = new HttpService(instance as unknown as ConstructorParameters<typeof HttpService>[0]);
    server.setHandler((_req, res) => send(res, 200, { ok: 1 }));
    await httpJson({ method: 'GET', url: `${server.url}/x`, timeoutMs: 2000, ctx: { ...ctx, http } });
    expect(seen).toBe(1);
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

  it('never reaches the blocked host an allowed host redirects to (307 and 308 too, POST included)', async () => {
    const target = await new LocalServer((_req, res) => send(res, 200, { access_token: 'stolen' })).start('127.0.0.2');
    try {
      const guarded = { blockedCidrs: [...DEFAULT_BLOCKED_CIDRS, '127.0.0.2/32'], blockedHosts: DEFAULT_BLOCKED_HOSTS };
      for (const status of [301, 302, 303, 307, 308]) {
        server.setHandler((_req, res) => send(res, status, '', { Location: `${target.url}/token` }));
        const e = await failure(httpJson({ method: 'POST', url: `${server.url}/token`, body: {}, timeoutMs: 1000, ctx: guarded }));
        expect([status, e.code]).toEqual([status, 'upstream_error']);
      }
      expect(target.requests).toHaveLength(0);
    } finally {
      await target.close();
    }
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
