/*
 * Real: the whole app (api + worker roles), PostgreSQL (embedded), pg-boss. Stand-ins: none needed here.
 */
import { api, login, OWNER, startTestApp, TestApp } from '../helpers/app';

describe('accounts, projects, keys, /v1 conventions', () => {
  let t: TestApp;
  let owner: string;
  let defaultProjectId: string;

  beforeAll(async () => {
    t = await startTestApp();
    owner = await login(t.url);
    const projects = await api(t.url, 'GET', '/v1/config/projects', { token: owner });
    defaultProjectId = projects.json.data.find((p: any) => p.isDefault).id;
  });
  afterAll(async () => t?.stop());

  it('serves liveness and readiness on the real database', async () => {
    expect((await api(t.url, 'GET', '/health')).status).toBe(200);
    const ready = await api(t.url, 'GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.json.status).toBe('ok');
  });

  it('logs in the bootstrap owner, with a session cookie and the same bearer token', async () => {
    const r = await api(t.url, 'POST', '/v1/auth/login', { body: OWNER });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ success: true, data: { user: { email: OWNER.email, role: 'owner' } } });
    const cookie = r.headers.get('set-cookie')!;
    expect(cookie).toMatch(/ss_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/);
    const me = await api(t.url, 'GET', '/v1/auth/me', { headers: { cookie: cookie.split(';')[0] } });
    expect(me.status).toBe(200);
    expect(me.json.data.permissions).toContain('project:delete');
    expect(r.headers.get('x-request-id')).toBeTruthy();
  });

  it('refuses a wrong password and an unknown email with the same answer', async () => {
    const a = await api(t.url, 'POST', '/v1/auth/login', { body: { email: OWNER.email, password: 'wrong-password' } });
    const b = await api(t.url, 'POST', '/v1/auth/login', { body: { email: 'nobody@example.com', password: 'wrong-password' } });
    expect(a.status).toBe(401);
    expect(b.status).toBe(401);
    expect(a.json.error).toEqual(b.json.error);
  });

  it('answers 401 without credentials and with a malformed header', async () => {
    expect((await api(t.url, 'GET', '/v1/config/projects')).json.error.code).toBe('UNAUTHORIZED');
    const r = await api(t.url, 'GET', '/v1/config/projects', { headers: { authorization: 'Token abc' } });
    expect(r.status).toBe(401);
  });

  it('validates fields with details and answers 409 SLUG_EXISTS on a duplicate slug', async () => {
    const bad = await api(t.url, 'POST', '/v1/config/projects', { token: owner, body: { name: 'X', slug: 'Bad Slug!' } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('VALIDATION_ERROR');
    expect(bad.json.error.details.fields[0].field).toBe('slug');
    const ok = await api(t.url, 'POST', '/v1/config/projects', {
      token: owner,
      body: { name: 'Shop', slug: 'shop', services: [{ name: 'checkout', aliases: ['check-out'], critical: true }] },
    });
    expect(ok.status).toBe(201);
    expect(ok.json.data.services).toEqual([{ name: 'checkout', aliases: ['check-out'], critical: true }]);
    const dup = await api(t.url, 'POST', '/v1/config/projects', { token: owner, body: { name: 'Shop 2', slug: 'shop' } });
    expect(dup.status).toBe(409);
    expect(dup.json.error.code).toBe('SLUG_EXISTS');
  });

  it('answers 400 on malformed JSON and 413 on an oversized body', async () => {
    const bad = await api(t.url, 'POST', '/v1/config/projects', { token: owner, raw: '{"name": ', headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(400);
    const big = await api(t.url, 'POST', '/v1/config/projects', { token: owner, body: { name: 'x'.repeat(1_100_000), slug: 'big' } });
    expect(big.status).toBe(413);
    expect(big.json.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('keeps the default project and needs the slug to delete another', async () => {
    const d = await api(t.url, 'DELETE', `/v1/config/projects/${defaultProjectId}`, { token: owner, body: { confirm: 'default' } });
    expect(d.json.error.code).toBe('CANNOT_DELETE_DEFAULT');
    const p = await api(t.url, 'POST', '/v1/config/projects', { token: owner, body: { name: 'Tmp', slug: 'tmp' } });
    const wrong = await api(t.url, 'DELETE', `/v1/config/projects/${p.json.data.id}`, { token: owner, body: { confirm: 'nope' } });
    expect(wrong.json.error.code).toBe('CONFIRMATION_MISMATCH');
    const ok = await api(t.url, 'DELETE', `/v1/config/projects/${p.json.data.id}`, { token: owner, body: { confirm: 'tmp' } });
    expect(ok.status).toBe(200);
    expect((await api(t.url, 'GET', `/v1/config/projects/${p.json.data.id}`, { token: owner })).status).toBe(404);
  });
});
