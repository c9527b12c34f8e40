/**
 * Real: the Intercom sandbox over HTTP on a random port (OAuth consent with autoApprove, token exchange, REST,
 * fault injection, rate limiting, /auth/uninstall), axios, and a tiny node:http server for wire-level header
 * checks. Stand-ins: `sleep` is a recording no-op (so 429/backoff waits are asserted, not slept); one axios
 * adapter stub checks regional host routing without touching the real Intercom hosts.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import axios from 'axios';
import type { AxiosAdapter, AxiosInstance, InternalAxiosRequestConfig } from 'axios';
import { startSandbox, DEFAULT_WORKSPACE } from '../../../../apps/intercom-sandbox/src/sandbox';
import type { Sandbox } from '../../../../apps/intercom-sandbox/src/sandbox';
import { IntercomApi, IntercomApiError, baseUrlFor, normalizeRegion, INTERCOM_HOSTS } from './intercom-api';
import type { IntercomApiOptions } from './intercom-api';

const CLIENT_ID = 'sandbox';
const SECRET = 'client-secret-for-tests';
const REDIRECT = 'http://app.test/oauth/intercom/callback';
const WS = DEFAULT_WORKSPACE.id_code; // sbx12345, US
const EU_WS = 'eu000001';

let sb: Sandbox;

beforeAll(async () => {
  sb = await startSandbox({
    port: 0,
    clientId: CLIENT_ID,
    clientSecret: SECRET,
    redirectUris: [REDIRECT],
    autoApprove: true,
    workspaces: [
      {
        ...DEFAULT_WORKSPACE,
        dataAttributes: [
          ...(DEFAULT_WORKSPACE.dataAttributes ?? []),
          { name: 'old_field', data_type: 'string', archived: true },
          { name: 'readonly_field', data_type: 'string', api_writable: false },
        ],
      },
      { id_code: EU_WS, name: 'Euro Workspace', region: 'EU', timezone: 'Europe/Dublin', admins: [{ id: '7001', name: 'Eve', email: 'eve@eu.test' }] },
    ],
  });
});
afterAll(() => sb.close());
afterEach(() => {
  sb.clearFaults();
  sb.setRateLimit(null);
});

interface Harness {
  api: IntercomApi;
  sleeps: number[];
  requests: string[];
  http: AxiosInstance;
}

function client(overrides: Partial<IntercomApiOptions> = {}): Harness {
  const http = axios.create();
  const requests: string[] = [];
  http.interceptors.request.use((c) => {
    requests.push(`${String(c.method).toUpperCase()} ${c.url}`);
    return c;
  });
  const sleeps: number[] = [];
  const api = new IntercomApi(http, {
    apiUrl: sb.url,
    apiUrlOverridden: true,
    apiVersion: '2.14',
    clientId: CLIENT_ID,
    clientSecret: SECRET,
    timeoutMs: 2000,
    sleep: async (ms) => void sleeps.push(ms),
    ...overrides,
  });
  return { api, sleeps, requests, http };
}

/** drive the consent page (autoApprove) and read the code from the redirect */
async function authorizeCode(workspace = WS, admin?: string): Promise<string> {
  const q = new URLSearchParams({ client_id: CLIENT_ID, state: 'st-1', sandbox_workspace: workspace });
  if (admin) q.set('sandbox_admin', admin);
  const res = await fetch(`${sb.url}/oauth?${q}`, { redirect: 'manual' });
  expect(res.status).toBe(302);
  const loc = new URL(res.headers.get('location') as string);
  expect(loc.searchParams.get('state')).toBe('st-1');
  return loc.searchParams.get('code') as string;
}

async function caught(p: Promise<unknown>): Promise<IntercomApiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof IntercomApiError) return e;
    throw e;
  }
  throw new Error('expected an IntercomApiError');
}

describe('baseUrlFor / normalizeRegion (regional host rule, contract §2)', () => {
  const std = { apiUrl: 'https://api.intercom.io', apiUrlOverridden: false };
  it('uses the regional host when INTERCOM_API_URL is not set; unknown → US; no region yet → apiUrl', () => {
    expect(baseUrlFor('US', std)).toBe('https://api.intercom.io');
    expect(baseUrlFor('EU', std)).toBe('https://api.eu.intercom.io');
    expect(baseUrlFor('au', std)).toBe('https://api.au.intercom.io');
    expect(baseUrlFor('XX', std)).toBe(INTERCOM_HOSTS.US);
    expect(baseUrlFor(null, std)).toBe('https://api.intercom.io');
    expect(baseUrlFor(undefined, { apiUrl: 'https://api.intercom.io/', apiUrlOverridden: false })).toBe('https://api.intercom.io');
  });
  it('uses INTERCOM_API_URL for every region when it was set', () => {
    const o = { apiUrl: 'http://localhost:3100/', apiUrlOverridden: true };
    for (const r of ['US', 'EU', 'AU', 'zz', null]) expect(baseUrlFor(r, o)).toBe('http://localhost:3100');
  });
  it('normalizes regions', () => {
    expect(normalizeRegion('eu')).toBe('EU');
    expect(normalizeRegion(' AU ')).toBe('AU');
    expect(normalizeRegion('mars')).toBe('US');
    expect(normalizeRegion(null)).toBe('US');
  });
});

describe('host routing (stub adapter, no network)', () => {
  it('REST goes to the regional host, token exchange and uninstall always to apiUrl', async () => {
    const seen: InternalAxiosRequestConfig[] = [];
    const adapter: AxiosAdapter = async (config) => {
      seen.push(config);
      const data = String(config.url).endsWith('/auth/eagle/token')
        ? { token_type: 'Bearer', token: '', access_token: 'tok-from-access_token' }
        : { type: 'admin', id: '1', name: 'A', email: 'a@x', app: { id_code: 'w1', name: 'W', region: 'eu', timezone: 'UTC' } };
      return { data, status: 200, statusText: 'OK', headers: {}, config };
    };
    const api = new IntercomApi(axios.create({ adapter }), {
      apiUrl: 'https://api.intercom.io',
      apiUrlOverridden: false,
      apiVersion: '2.14',
      clientId: 'cid',
      clientSecret: 'sec',
    });
    expect(await api.exchangeCode('c0de')).toBe('tok-from-access_token');
    const me = await api.me({ token: 't', region: 'EU' });
    expect(me).toEqual({ workspaceId: 'w1', workspaceName: 'W', region: 'EU', timezone: 'UTC', admin: { id: '1', name: 'A', email: 'a@x' } });
    await api.me({ token: 't', region: 'AU' });
    await api.me({ token: 't', region: 'mars' });
    await api.me({ token: 't' });
    expect(await api.revoke({ token: 't', region: 'EU' })).toEqual({ alreadyRevoked: false });
    expect(seen.map((c) => c.url)).toEqual([
      'https://api.intercom.io/auth/eagle/token',
      'https://api.eu.intercom.io/me',
      'https://api.au.intercom.io/me',
      'https://api.intercom.io/me',
      'https://api.intercom.io/me',
      'https://api.intercom.io/auth/uninstall',
    ]);
    expect(new URLSearchParams(String(seen[0].data)).get('client_secret')).toBe('sec');
  });
});

describe('wire format (local node:http server)', () => {
  let server: Server;
  let url: string;
  const got: Array<{ method: string; url: string; headers: IncomingHttpHeaders; body: string }> = [];
  type Canned = { status: number; headers?: Record<string, string>; body: unknown };
  let respond: (path: string) => Canned = () => ({ status: 200, body: {} });

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        got.push({ method: req.method as string, url: req.url as string, headers: req.headers, body });
        const r = respond(req.url as string);
        res.writeHead(r.status, { 'Content-Type': 'application/json', ...(r.headers ?? {}) });
        res.end(JSON.stringify(r.body));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    got.length = 0;
  });

  it('sends Bearer, Accept, Intercom-Version, User-Agent, and Content-Type only with a body', async () => {
    respond = () => ({ status: 200, body: { type: 'admin.list', admins: [{ id: '1', name: 'N', email: 'e@x', type: 'admin' }] } });
    const { api } = client({ apiUrl: url, apiVersion: '2.11' });
    expect(await api.listAdmins({ token: 'tok-123', region: 'EU' })).toEqual([{ id: '1', name: 'N', email: 'e@x' }]);
    await api.reply({ token: 'tok-123' }, '42', { messageType: 'note', adminId: '9', body: '<p>x</p>' });
    const [get, post] = got;
    expect(get.url).toBe('/admins');
    expect(get.headers.authorization).toBe('Bearer tok-123');
    expect(get.headers.accept).toBe('application/json');
    expect(get.headers['intercom-version']).toBe('2.11');
    expect(get.headers['user-agent']).toBe('SigSentry/1.0');
    expect(get.headers['content-type']).toBeUndefined();
    expect(post.url).toBe('/conversations/42/reply');
    expect(post.headers['content-type']).toMatch(/^application\/json/);
    expect(post.headers['intercom-version']).toBe('2.11');
    expect(JSON.parse(post.body)).toEqual({ message_type: 'note', type: 'admin', admin_id: '9', body: '<p>x</p>' });
  });

  it('revoke posts an empty JSON object with the Bearer token; exchange posts a form', async () => {
    respond = (p) => ({ status: 200, body: p.startsWith('/auth/eagle') ? { token_type: 'Bearer', token: 'T1', access_token: 'T1' } : {} });
    const { api } = client({ apiUrl: `${url}/`, clientId: 'cid', clientSecret: 'csec' });
    expect(await api.exchangeCode('the-code')).toBe('T1');
    await api.revoke({ token: 'tok-9' });
    expect(got[0].url).toBe('/auth/eagle/token');
    expect(got[0].headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(Object.fromEntries(new URLSearchParams(got[0].body))).toEqual({ code: 'the-code', client_id: 'cid', client_secret: 'csec' });
    expect(got[1]).toMatchObject({ method: 'POST', url: '/auth/uninstall', body: '{}' });
    expect(got[1].headers.authorization).toBe('Bearer tok-9');
    expect(got[1].headers['content-type']).toMatch(/^application\/json/);
  });

  it('honours Retry-After over X-RateLimit-Reset and records rate-limit headers', async () => {
    let n = 0;
    respond = (): Canned =>
      n++ === 0
        ? {
            status: 429,
            headers: { 'Retry-After': '3', 'X-RateLimit-Reset': '99999999999', 'X-RateLimit-Limit': '166', 'X-RateLimit-Remaining': '0' },
            body: { type: 'error.list', errors: [{ code: 'rate_limit_exceeded' }] },
          }
        : {
            status: 200,
            headers: { 'X-RateLimit-Limit': '166', 'X-RateLimit-Remaining': '165', 'X-RateLimit-Reset': '1700000010' },
            body: { type: 'admin.list', admins: [] },
          };
    const { api, sleeps } = client({ apiUrl: url, now: () => 1_700_000_000_000 });
    expect(await api.listAdmins({ token: 't' })).toEqual([]);
    expect(sleeps).toEqual([3000]);
    expect(api.lastRateLimit).toEqual({ limit: 166, remaining: 165, resetAt: 1_700_000_010_000, observedAt: 1_700_000_000_000 });
  });

  it('never puts the token or the client secret in error messages', async () => {
    respond = () => ({
      status: 400,
      body: { type: 'error.list', request_id: 'req-1', errors: [{ code: 'bad_request', message: 'token tok-SECRET-42 and csec-SECRET are wrong' }] },
    });
    const { api } = client({ apiUrl: url, clientSecret: 'csec-SECRET' });
    const e = await caught(api.getConversation({ token: 'tok-SECRET-42' }, '1'));
    expect(e).toMatchObject({ kind: 'bad_request', status: 400, code: 'bad_request', requestId: 'req-1', retryable: false });
    expect(e.message).toContain('[redacted]');
    expect(e.message).not.toContain('tok-SECRET-42');
    expect(e.message).not.toContain('csec-SECRET');
    expect(JSON.stringify(e)).not.toContain('tok-SECRET-42');
  });
});

describe('against the Intercom sandbox', () => {
  let token: string;

  it('exchanges a real code from the consent redirect; a reused code is invalid_code; a bad secret is unauthorized', async () => {
    const { api } = client();
    const code = await authorizeCode(WS, '991267002');
    token = await api.exchangeCode(code);
    expect(token).toMatch(/\S{10,}/);
    const reused = await caught(api.exchangeCode(code));
    expect(reused).toMatchObject({ kind: 'invalid_code', status: 401, code: 'unauthorized', retryable: false });
    const badSecret = await caught(client({ clientSecret: 'wrong' }).api.exchangeCode(await authorizeCode()));
    expect(badSecret).toMatchObject({ kind: 'unauthorized', status: 401 });
  });

  it('me() identifies the workspace, region, time zone and installing admin', async () => {
    const { api } = client();
    expect(await api.me({ token })).toEqual({
      workspaceId: WS,
      workspaceName: 'Sandbox Workspace',
      region: 'US',
      timezone: 'Europe/Paris',
      admin: { id: '991267002', name: 'Ben Carter', email: 'ben@sandbox.test' },
    });
    const euToken = await api.exchangeCode(await authorizeCode(EU_WS));
    const eu = await api.me({ token: euToken, region: null });
    expect(eu).toMatchObject({ workspaceId: EU_WS, region: 'EU', timezone: 'Europe/Dublin', admin: { id: '7001' } });
    expect(api.lastRateLimit?.limit).toBeGreaterThan(0);
  });

  it('lists admins', async () => {
    const admins = await client().api.listAdmins({ token, region: 'US' });
    expect(admins.map((a) => a.id)).toEqual(['991267001', '991267002', '991267003']);
    expect(admins[0]).toEqual({ id: '991267001', name: 'Ada Lovelace', email: 'ada@sandbox.test' });
  });

  it('gets a conversation (HTML and plaintext); an unknown one is not_found', async () => {
    const { api } = client();
    const conv = sb.createConversation({ workspaceId: WS, customer: { name: 'Joe', email: 'joe@x.test' }, body: 'My order <never> arrived' });
    const html = await api.getConversation({ token }, String(conv.id));
    expect(html.id).toBe(conv.id);
    expect((html.source as { body: string }).body).toContain('&lt;never&gt;');
    const plain = await api.getConversation({ token }, String(conv.id), { plaintext: true });
    expect((plain.source as { body: string }).body).toBe('My order <never> arrived');
    const e = await caught(api.getConversation({ token }, '999999'));
    expect(e).toMatchObject({ kind: 'not_found', status: 404, code: 'not_found', retryable: false });
    expect(e.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('replies as note and comment; parts carry the app_package_code; unknown admin → 404 not_found (the only code the reply endpoint documents)', async () => {
    const { api } = client();
    const conv = sb.createConversation({ workspaceId: WS, customer: { name: 'Joe', email: 'joe@x.test' }, body: 'help' });
    const id = String(conv.id);
    const note = await api.reply({ token }, id, { messageType: 'note', adminId: '991267003', body: '<p>internal</p>' });
    const notePart = (note.conversation_parts as { conversation_parts: Array<Record<string, unknown>> }).conversation_parts[0];
    expect(notePart).toMatchObject({ part_type: 'note', app_package_code: 'sigsentry-sandbox', author: { type: 'admin', id: '991267003' } });
    await api.reply({ token }, id, { messageType: 'comment', adminId: '991267003', body: 'Hi there' });
    const parts = (sb.getConversation(id).conversation_parts as { conversation_parts: Array<Record<string, unknown>> }).conversation_parts;
    expect(parts.map((p) => p.part_type)).toEqual(['note', 'comment']);
    expect(parts.every((p) => p.app_package_code === 'sigsentry-sandbox')).toBe(true);
    const e = await caught(api.reply({ token }, id, { messageType: 'note', adminId: '123', body: 'x' }));
    expect(e).toMatchObject({ kind: 'not_found', status: 404, code: 'not_found', retryable: false });
  });

  it('a late note keeps a snoozed conversation snoozed only where the version has skip_unsnooze (Preview); on 2.14 it wakes it', async () => {
    const later = Math.floor(Date.now() / 1000) + 3600;
    const state = (id: string) => String(sb.getConversation(id).state);
    for (const [version, expected] of [
      ['Preview', 'snoozed'],
      ['2.14', 'open'],
      ['2.16', 'open'],
    ] as const) {
      const conv = sb.createConversation({ workspaceId: WS, customer: { name: 'Joe', email: 'joe@x.test' }, body: 'help' });
      const id = String(conv.id);
      sb.snooze(id, later);
      expect(state(id)).toBe('snoozed');
      await client({ apiVersion: version }).api.reply({ token }, id, { messageType: 'note', adminId: '991267003', body: '<p>late</p>', skipUnsnooze: true });
      expect(state(id)).toBe(expected);
    }
  });

  it('updates attributes; unknown attribute, wrong type and read-only → attribute_invalid naming it', async () => {
    const { api } = client();
    const id = String(sb.createConversation({ workspaceId: WS, customer: { name: 'J', email: 'j@x.test' }, body: 'b' }).id);
    const updated = await api.updateAttributes({ token }, id, { severity: 'high', confidence: 0.75, is_urgent: true });
    expect(updated.custom_attributes).toEqual({ severity: 'high', confidence: 0.75, is_urgent: true });
    const unknown = await caught(api.updateAttributes({ token }, id, { nope_attr: 'x' }));
    expect(unknown).toMatchObject({ kind: 'attribute_invalid', attribute: 'nope_attr', status: 400, code: 'parameter_invalid', retryable: false });
    const badType = await caught(api.updateAttributes({ token }, id, { confidence: 'very' }));
    expect(badType).toMatchObject({ kind: 'attribute_invalid', attribute: 'confidence' });
    const readOnly = await caught(api.updateAttributes({ token }, id, { readonly_field: 'x' }));
    expect(readOnly).toMatchObject({ kind: 'attribute_invalid', attribute: 'readonly_field' });
    expect((sb.getConversation(id).custom_attributes as Record<string, unknown>).confidence).toBe(0.75);
  });

  it('lists conversation data attributes without archived ones', async () => {
    const attrs = await client().api.listConversationAttributes({ token });
    const byName = Object.fromEntries(attrs.map((a) => [a.name, a]));
    expect(byName.severity).toEqual({ name: 'severity', dataType: 'string', apiWritable: true, archived: false, options: [] });
    expect(byName.confidence.dataType).toBe('float');
    expect(byName.is_urgent.dataType).toBe('boolean');
    expect(byName.readonly_field.apiWritable).toBe(false);
    expect(byName.old_field).toBeUndefined();
  });

  it('a 429 waits until X-RateLimit-Reset, then succeeds', async () => {
    // "now" is pinned at t=1 s so the wait must be exactly reset*1000 - 1000, whatever the real clock says
    const { api, sleeps, http, requests } = client({ now: () => 1_000, maxRateLimitWaitMs: Number.MAX_SAFE_INTEGER });
    const resets: string[] = [];
    http.interceptors.response.use((r) => {
      if (r.status === 429) resets.push(String(r.headers['x-ratelimit-reset']));
      return r;
    });
    sb.setFault({ route: 'GET /admins', rateLimit: true, times: 1 });
    expect(await api.listAdmins({ token })).toHaveLength(3);
    expect(requests).toHaveLength(2);
    expect(resets).toHaveLength(1);
    expect(Number(resets[0])).toBeGreaterThan(1_000_000_000);
    expect(sleeps).toEqual([Number(resets[0]) * 1000 - 1_000]);
    expect(api.lastRateLimit).toMatchObject({ observedAt: 1_000 });
    expect(api.lastRateLimit?.remaining).toBeGreaterThan(0);
  });

  it('a 429 whose reset is further than maxRateLimitWaitMs throws rate_limited with retryAfterMs, without waiting', async () => {
    const { api, sleeps } = client({ maxRateLimitWaitMs: 0 });
    sb.setRateLimit({ limit: 1, windowMs: 600_000 });
    await api.listAdmins({ token });
    const e = await caught(api.listAdmins({ token }));
    expect(e).toMatchObject({ kind: 'rate_limited', status: 429, code: 'rate_limit_exceeded', retryable: true });
    expect(e.retryAfterMs).toBeGreaterThan(0);
    expect(e.retryAfterMs).toBeLessThanOrEqual(600_000);
    expect(sleeps).toEqual([]);
    expect(api.lastRateLimit).toMatchObject({ limit: 1, remaining: 0 });
  });

  it('a 500 is retried with backoff, then succeeds', async () => {
    const { api, sleeps, requests } = client();
    sb.setFault({ route: 'GET /me', status: 500, times: 1 });
    expect((await api.me({ token })).workspaceId).toBe(WS);
    expect(requests).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(250);
    expect(sleeps[0]).toBeLessThanOrEqual(500);
  });

  it('a persistent 500 gives a retryable server error after maxRetries, with growing backoff', async () => {
    const { api, sleeps, requests } = client({ maxRetries: 2, backoffBaseMs: 100 });
    sb.setFault({ route: 'PUT /conversations/', status: 503, times: 0 });
    const e = await caught(api.updateAttributes({ token }, '1', { severity: 'low' }));
    expect(e).toMatchObject({ kind: 'server', status: 503, code: 'server_error', retryable: true });
    expect(requests).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[0]).toBeLessThanOrEqual(100);
    expect(sleeps[1]).toBeGreaterThanOrEqual(100);
    expect(sleeps[1]).toBeLessThanOrEqual(200);
  });

  it('a hanging Intercom gives a retryable timeout after retries', async () => {
    const { api, requests, sleeps } = client({ timeoutMs: 150, maxRetries: 1 });
    sb.setFault({ route: 'GET /admins', hang: true, times: 0 });
    const e = await caught(api.listAdmins({ token }));
    expect(e).toMatchObject({ kind: 'timeout', status: null, retryable: true });
    expect(e.message).toContain('GET /admins');
    expect(requests).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
  });

  it('a refused connection gives a retryable network error', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const { api, requests } = client({ apiUrl: `http://127.0.0.1:${port}`, maxRetries: 1 });
    const e = await caught(api.me({ token }));
    expect(e).toMatchObject({ kind: 'network', status: null, code: 'ECONNREFUSED', retryable: true });
    expect(requests).toHaveLength(2);
  });

  it('401 and 403 are not retried', async () => {
    const { api, requests, sleeps } = client();
    const e = await caught(api.listAdmins({ token: 'not-a-token' }));
    expect(e).toMatchObject({ kind: 'unauthorized', status: 401, code: 'unauthorized', retryable: false });
    sb.setFault({ route: 'GET /admins', status: 403, code: 'api_plan_restricted', message: 'Active subscription needed.' });
    const f = await caught(api.listAdmins({ token }));
    expect(f).toMatchObject({ kind: 'forbidden', status: 403, code: 'api_plan_restricted', retryable: false });
    expect(f.message).toContain('Active subscription needed.');
    expect(requests).toHaveLength(2);
    expect(sleeps).toEqual([]);
  });

  it('an unsupported Intercom-Version is a bad_request', async () => {
    const e = await caught(client({ apiVersion: '9.9' }).api.listAdmins({ token }));
    expect(e).toMatchObject({ kind: 'bad_request', status: 400, code: 'intercom_version_invalid' });
  });

  it('revoke uninstalls: later calls are unauthorized and a second revoke is alreadyRevoked', async () => {
    const { api } = client();
    const t = await api.exchangeCode(await authorizeCode(EU_WS));
    expect(await api.revoke({ token: t, region: 'EU' })).toEqual({ alreadyRevoked: false });
    expect(sb.workspaces().find((w) => w.id_code === EU_WS)).toMatchObject({ installed: false, tokenStatus: 'revoked' });
    const e = await caught(api.me({ token: t, region: 'EU' }));
    expect(e).toMatchObject({ kind: 'unauthorized', status: 401 });
    expect(await api.revoke({ token: t })).toEqual({ alreadyRevoked: true });
    // the US workspace is untouched
    expect((await api.me({ token })).workspaceId).toBe(WS);
  });
});
