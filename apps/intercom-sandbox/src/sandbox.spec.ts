/**
 * Real: the sandbox HTTP server on a random port, spoken to with fetch. Stand-ins: none (this is the stand-in).
 */
import { startSandbox } from './sandbox';
import type { Sandbox } from './sandbox';

const asAny = (x: unknown): any => x;

const CLIENT_ID = 'sandbox';
const SECRET = 'test_client_secret';
const REDIRECT = 'http://app.test/oauth/intercom/callback';

let sb: Sandbox;

beforeAll(async () => {
  sb = await startSandbox({ port: 0, clientId: CLIENT_ID, clientSecret: SECRET, redirectUris: [REDIRECT, 'http://other.test/cb'] });
});
afterAll(() => sb.close());

async function authorize(state = 'st+/=1'): Promise<URL> {
  const page = await fetch(`${sb.url}/oauth?client_id=${CLIENT_ID}&state=${encodeURIComponent(state)}`);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain('Authorize app');
  const form = new URLSearchParams({ client_id: CLIENT_ID, redirect_uri: REDIRECT, state, decision: 'authorize', admin: 'sbx12345:991267002' });
  const res = await fetch(`${sb.url}/oauth/decision`, { method: 'POST', body: form, redirect: 'manual' });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location') as string);
}

async function exchange(code: string, json = false) {
  const fields = { code, client_id: CLIENT_ID, client_secret: SECRET };
  return fetch(
    `${sb.url}/auth/eagle/token`,
    json
      ? { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(fields) }
      : { method: 'POST', body: new URLSearchParams(fields) },
  );
}

const api = (token: string, path: string, init: RequestInit & { version?: string } = {}) =>
  fetch(`${sb.url}${path}`, {
    ...init,
    headers: {
      Authorization: `Bearer ${token}`,
      Accept: 'application/json',
      'Content-Type': 'application/json',
      ...(init.version ? { 'Intercom-Version': init.version } : {}),
      ...(init.headers ?? {}),
    },
  });

describe('OAuth', () => {
  it('consent page rejects unknown clients and unregistered redirect URIs', async () => {
    expect((await fetch(`${sb.url}/oauth?client_id=nope&state=x`)).status).toBe(400);
    const bad = await fetch(`${sb.url}/oauth?client_id=${CLIENT_ID}&state=x&redirect_uri=${encodeURIComponent('http://evil.test/cb')}`, { redirect: 'manual' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('location')).toBeNull();
    const page = await (await fetch(`${sb.url}/oauth?client_id=${CLIENT_ID}&state=%3Cb%3E`)).text();
    expect(page).toContain('Sandbox Workspace');
    expect(page).toContain('Read conversations');
    expect(page).toContain('value="&lt;b&gt;"');
    expect(page).not.toContain('<b>');
  });

  it('redirects with code and echoed state; codes are single-use and give a Bearer token', async () => {
    const loc = await authorize('st+/=1');
    expect(`${loc.origin}${loc.pathname}`).toBe(REDIRECT);
    expect(loc.searchParams.get('state')).toBe('st+/=1');
    const code = loc.searchParams.get('code') as string;
    expect(code).toMatch(/=$/); // codes may end in '=' and must survive URL encoding
    const res = await exchange(code);
    expect(res.status).toBe(200);
    const body = await res.json().then(asAny);
    expect(body.token_type).toBe('Bearer');
    expect(body.access_token).toBe(body.token);
    expect(body).not.toHaveProperty('refresh_token');
    const again = await exchange(code);
    expect(again.status).toBe(401);
    expect((await again.json().then(asAny)).errors[0].message).toBe('Unauthorized Code');
  });

  it('accepts JSON bodies, rejects a bad code and a bad secret', async () => {
    const code = (await authorize()).searchParams.get('code') as string;
    expect((await exchange(code, true)).status).toBe(200);
    const bad = await exchange('not-a-code', true);
    expect(bad.status).toBe(401);
    expect(await bad.json().then(asAny)).toMatchObject({ type: 'error.list', errors: [{ code: 'unauthorized', message: 'Unauthorized Code' }] });
    const code2 = (await authorize()).searchParams.get('code') as string;
    const wrong = await fetch(`${sb.url}/auth/eagle/token`, {
      method: 'POST',
      body: new URLSearchParams({ code: code2, client_id: CLIENT_ID, client_secret: 'wrong' }),
    });
    expect(wrong.status).toBe(401);
  });

  it('Cancel redirects with error=access_denied', async () => {
    const form = new URLSearchParams({ client_id: CLIENT_ID, state: 's1', decision: 'cancel' });
    const res = await fetch(`${sb.url}/oauth/decision`, { method: 'POST', body: form, redirect: 'manual' });
    const loc = new URL(res.headers.get('location') as string);
    expect(loc.searchParams.get('error')).toBe('access_denied');
    expect(loc.searchParams.get('state')).toBe('s1');
    expect(loc.searchParams.get('code')).toBeNull();
  });

  it('/me returns the installing admin and the app object', async () => {
    const code = (await authorize()).searchParams.get('code') as string;
    const { token } = await (await exchange(code)).json().then(asAny);
    const me = await (await api(token, '/me')).json().then(asAny);
    expect(me).toMatchObject({ type: 'admin', id: '991267002', email_verified: true, has_inbox_seat: true, avatar: { type: 'avatar' } });
    expect(me.app).toEqual({
      type: 'app',
      id_code: 'sbx12345',
      name: 'Sandbox Workspace',
      created_at: expect.any(Number),
      secure: false,
      identity_verification: false,
      timezone: 'Europe/Paris',
      region: 'US',
    });
    const admins = await (await api(token, '/admins')).json().then(asAny);
    expect(admins.type).toBe('admin.list');
    expect(admins.admins).toHaveLength(3);
    expect((await api(token, '/admins/1')).status).toBe(404);
  });
});

describe('REST guards', () => {
  let token: string;
  beforeAll(() => {
    token = sb.install();
  });

  it('401 error.list without or with a wrong bearer', async () => {
    for (const auth of [undefined, 'Bearer nope', `Basic ${token}`]) {
      const res = await fetch(`${sb.url}/me`, { headers: auth ? { Authorization: auth } : {} });
      expect(res.status).toBe(401);
      const b = await res.json().then(asAny);
      expect(b).toMatchObject({ type: 'error.list', errors: [{ code: 'unauthorized', message: 'Access Token Invalid' }] });
      expect(b.request_id).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('checks Intercom-Version', async () => {
    const bad = await api(token, '/me', { version: '3.7' });
    expect(bad.status).toBe(400);
    expect((await bad.json().then(asAny)).errors[0].code).toBe('intercom_version_invalid');
    for (const v of ['1.0', '2.14', '2.16', 'Preview']) expect((await api(token, '/me', { version: v })).status).toBe(200);
  });

  it('sends rate-limit headers and injected 429 / 5xx faults', async () => {
    const ok = await api(token, '/admins');
    expect(Number(ok.headers.get('x-ratelimit-limit'))).toBeGreaterThan(0);
    expect(ok.headers.get('x-ratelimit-remaining')).toMatch(/^\d+$/);
    expect(Number(ok.headers.get('x-ratelimit-reset'))).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000));
    sb.setFault({ route: '^GET /admins$', status: 429, times: 1 });
    const limited = await api(token, '/admins');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect((await limited.json().then(asAny)).errors[0].code).toBe('rate_limit_exceeded');
    expect((await api(token, '/admins')).status).toBe(200);
    sb.setFault({ route: '/me', status: 503, times: 2 });
    expect((await api(token, '/me')).status).toBe(503);
    expect((await api(token, '/me')).status).toBe(503);
    expect((await api(token, '/me')).status).toBe(200);
  });

  it('enforces an optional rate limit', async () => {
    sb.setRateLimit({ limit: 2, windowMs: 60_000 });
    try {
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await api(token, '/admins')).status);
      expect(statuses[2]).toBe(429);
    } finally {
      sb.setRateLimit(null);
    }
  });
});

describe('conversations', () => {
  let token: string;
  let convId: string;
  beforeAll(() => {
    token = sb.install();
    convId = sb.createConversation({ customer: { name: 'Joe <b>', email: 'joe@example.com' }, subject: 'Down', body: 'Checkout fails\nsince 10:00' })
      .id as string;
  });

  it('GET returns HTML bodies, or plain text with display_as=plaintext', async () => {
    const c = await (await api(token, `/conversations/${convId}`)).json().then(asAny);
    expect(c).toMatchObject({
      type: 'conversation',
      id: convId,
      state: 'open',
      source: { body: '<p>Checkout fails</p><p>since 10:00</p>', author: { type: 'user', email: 'joe@example.com' } },
    });
    expect(c.source.author.id).toMatch(/^[0-9a-f]{24}$/);
    const p = await (await api(token, `/conversations/${convId}?display_as=plaintext`)).json().then(asAny);
    expect(p.source.body).toBe('Checkout fails\nsince 10:00');
    expect((await api(token, '/conversations/999')).status).toBe(404);
  });

  it('reply: admin_id required, unknown admin 404, note carries app_package_code and only the new part', async () => {
    const missing = await api(token, `/conversations/${convId}/reply`, {
      method: 'POST',
      body: JSON.stringify({ message_type: 'note', type: 'admin', body: 'x' }),
    });
    expect(missing.status).toBe(400);
    expect((await missing.json().then(asAny)).errors[0].code).toBe('parameter_not_found');
    const unknown = await api(token, `/conversations/${convId}/reply`, {
      method: 'POST',
      body: JSON.stringify({ message_type: 'note', type: 'admin', admin_id: '42', body: 'x' }),
    });
    expect(unknown.status).toBe(404);
    expect((await unknown.json().then(asAny)).errors[0].code).toBe('admin_not_found');
    sb.customerReply(convId, 'any update?');
    const ok = await api(token, `/conversations/${convId}/reply`, {
      method: 'POST',
      body: JSON.stringify({ message_type: 'note', type: 'admin', admin_id: '991267001', body: '<p>Internal</p>' }),
    });
    expect(ok.status).toBe(200);
    const conv = await ok.json().then(asAny);
    expect(conv.conversation_parts.total_count).toBe(1);
    expect(conv.conversation_parts.conversation_parts[0]).toMatchObject({
      part_type: 'note',
      body: '<p>Internal</p>',
      app_package_code: 'sigsentry-sandbox',
      author: { type: 'admin', id: '991267001' },
    });
    const comment = await (
      await api(token, `/conversations/${convId}/reply`, {
        method: 'POST',
        body: JSON.stringify({ message_type: 'comment', type: 'admin', admin_id: '991267001', body: 'Hi' }),
      })
    )
      .json()
      .then(asAny);
    expect(comment.conversation_parts.conversation_parts[0]).toMatchObject({ part_type: 'comment', body: '<p>Hi</p>' });
    const all = await (await api(token, `/conversations/${convId}`)).json().then(asAny);
    expect(all.conversation_parts.conversation_parts.map((x: { part_type: string }) => x.part_type)).toEqual(['comment', 'note', 'comment']);
    expect(all.conversation_parts.conversation_parts[0].app_package_code).toBeNull();
  });

  it('PUT custom_attributes: unknown name and wrong types are 400 parameter_invalid, nothing half-applied', async () => {
    const put = (attrs: unknown) => api(token, `/conversations/${convId}`, { method: 'PUT', body: JSON.stringify({ custom_attributes: attrs }) });
    const unknown = await put({ severity: 'high', nope: 1 });
    expect(unknown.status).toBe(400);
    expect((await unknown.json().then(asAny)).errors[0]).toMatchObject({ code: 'parameter_invalid', message: "Conversation attribute 'nope' does not exist" });
    for (const bad of [{ confidence: '0.5' }, { is_urgent: 'true' }, { severity: 3 }]) {
      const r = await put(bad);
      expect(r.status).toBe(400);
      expect((await r.json().then(asAny)).errors[0].code).toBe('parameter_invalid');
    }
    expect(sb.getConversation(convId).custom_attributes).toEqual({});
    const ok = await put({
      severity: 'high',
      confidence: 0.8,
      is_urgent: true,
      triage_summary: 'x',
      affected_service: 'checkout',
      sigsentry_analysis_url: 'http://a/1',
    });
    expect(ok.status).toBe(200);
    expect((await ok.json().then(asAny)).custom_attributes).toMatchObject({ severity: 'high', confidence: 0.8, is_urgent: true });
    const inbox = await (await fetch(`${sb.url}/`)).text();
    expect(inbox).toContain('checkout');
    expect(inbox).toContain('Joe &lt;b&gt;');
    expect(inbox).toContain('via app sigsentry-sandbox');
  });

  it('data attributes: lists conversation attributes, refuses creating one', async () => {
    const list = await (await api(token, '/data_attributes?model=conversation')).json().then(asAny);
    expect(list.type).toBe('list');
    const byName = Object.fromEntries(list.data.map((a: { name: string; data_type: string }) => [a.name, a]));
    expect(byName.confidence).toMatchObject({ type: 'data_attribute', data_type: 'float', model: 'conversation', api_writable: true, archived: false });
    expect(byName.is_urgent.data_type).toBe('boolean');
    const create = await api(token, '/data_attributes', { method: 'POST', body: JSON.stringify({ name: 'x', model: 'conversation', data_type: 'string' }) });
    expect(create.status).toBe(400);
    expect((await create.json().then(asAny)).errors[0]).toMatchObject({
      code: 'parameter_invalid',
      message: 'The Data Attribute model field must be either contact or company',
    });
  });

  it('lists conversations with cursor paging', async () => {
    sb.createConversation({ customer: { name: 'A', email: 'a@x.test' }, body: 'one' });
    const p1 = await (await api(token, '/conversations?per_page=1')).json().then(asAny);
    expect(p1.type).toBe('conversation.list');
    expect(p1.conversations).toHaveLength(1);
    const p2 = await (await api(token, `/conversations?per_page=1&starting_after=${p1.pages.next.starting_after}`)).json().then(asAny);
    expect(p2.conversations[0].id).not.toBe(p1.conversations[0].id);
  });

  it('control API creates conversations and reports workspaces', async () => {
    const res = await fetch(`${sb.url}/_sandbox/conversations`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ customer: { name: 'C', email: 'c@x.test' }, subject: 'S', body: 'hello' }),
    });
    expect(res.status).toBe(201);
    const conv = await res.json().then(asAny);
    const got = await (await fetch(`${sb.url}/_sandbox/conversations/${conv.id}`)).json().then(asAny);
    expect(got.source.body).toBe('<p>hello</p>');
    const wss = await (await fetch(`${sb.url}/_sandbox/workspaces`)).json().then(asAny);
    expect(wss[0]).toMatchObject({ id_code: 'sbx12345', tokenStatus: 'active', installed: true });
  });
});

describe('pages and auto-approve', () => {
  it('composer posts a conversation and redirects to the inbox', async () => {
    const form = new URLSearchParams({ workspace: 'sbx12345', name: 'Zed', email: 'zed@x.test', subject: 'Login <fails>', message: 'cannot log in' });
    const res = await fetch(`${sb.url}/composer`, { method: 'POST', body: form, redirect: 'manual' });
    expect(res.status).toBe(303);
    const inbox = await (await fetch(`${sb.url}/`)).text();
    expect(inbox).toContain('Login &lt;fails&gt;');
    expect(inbox).toContain('cannot log in');
    expect(await (await fetch(`${sb.url}/composer`)).text()).toContain('<form method="post" action="/composer">');
  });

  it('autoApprove answers the authorize request with the redirect straight away', async () => {
    const auto = await startSandbox({ port: 0, clientId: 'sandbox', clientSecret: 's', redirectUris: [REDIRECT], autoApprove: true });
    try {
      const res = await fetch(`${auto.url}/oauth?client_id=sandbox&state=abc`, { redirect: 'manual' });
      expect(res.status).toBe(302);
      const loc = new URL(res.headers.get('location') as string);
      expect(loc.searchParams.get('state')).toBe('abc');
      const tok = await fetch(`${auto.url}/auth/eagle/token`, {
        method: 'POST',
        body: new URLSearchParams({ code: loc.searchParams.get('code') as string, client_id: 'sandbox', client_secret: 's' }),
      });
      expect(tok.status).toBe(200);
    } finally {
      await auto.close();
    }
  });
});
