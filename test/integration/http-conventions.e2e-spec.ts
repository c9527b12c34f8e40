/*
 * Real: the whole app, PostgreSQL (embedded; rate-limit counters and idempotency records live there), the SPA
 * middleware over a small built folder written by the test. Stand-ins: none.
 * The /v1 conventions of contract §4 and the routes of §5 that the foundation owns.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { api, login, OWNER, startTestApp, TEST_ENCRYPTION_KEY, TEST_SESSION_SECRET, TestApp } from '../helpers/app';

async function count(t: TestApp, sql: string, params: unknown[] = []): Promise<number> {
  const c = new Client({ connectionString: t.dbUrl });
  await c.connect();
  try {
    return Number((await c.query(sql, params)).rows[0].n);
  } finally {
    await c.end();
  }
}

describe('/v1 conventions, docs, metrics, SPA', () => {
  let t: TestApp;
  let owner: string;

  beforeAll(async () => {
    t = await startTestApp();
    owner = await login(t.url);
  });
  afterAll(async () => t?.stop());

  describe('Idempotency-Key', () => {
    it('replays the same response and creates nothing new', async () => {
      const body = { name: 'Idem', slug: 'idem' };
      const first = await api(t.url, 'POST', '/v1/config/projects', { token: owner, body, headers: { 'idempotency-key': 'k-1' } });
      expect(first.status).toBe(201);
      const again = await api(t.url, 'POST', '/v1/config/projects', { token: owner, body, headers: { 'idempotency-key': 'k-1' } });
      expect(again.status).toBe(201);
      expect(again.json).toEqual(first.json);
      expect(await count(t, `SELECT count(*) AS n FROM projects WHERE slug = 'idem'`)).toBe(1);
      // Without the header, the same body is a new request (and here a duplicate slug).
      expect((await api(t.url, 'POST', '/v1/config/projects', { token: owner, body })).json.error.code).toBe('SLUG_EXISTS');
    });

    it('replays an API key create without minting a second key', async () => {
      const body = { name: 'idem-key', type: 'org', permissions: ['config:read'] };
      const a = await api(t.url, 'POST', '/v1/config/api-keys', { token: owner, body, headers: { 'idempotency-key': 'key-create-1' } });
      const b = await api(t.url, 'POST', '/v1/config/api-keys', { token: owner, body, headers: { 'idempotency-key': 'key-create-1' } });
      expect([a.status, b.status]).toEqual([201, 201]);
      expect(b.json.data.id).toBe(a.json.data.id);
      expect(await count(t, `SELECT count(*) AS n FROM api_keys WHERE name = 'idem-key'`)).toBe(1);
    });

    it('answers 409 IDEMPOTENCY_KEY_CONFLICT for the same key with another body', async () => {
      await api(t.url, 'POST', '/v1/config/projects', { token: owner, body: { name: 'C1', slug: 'c-one' }, headers: { 'idempotency-key': 'k-2' } });
      const r = await api(t.url, 'POST', '/v1/config/projects', { token: owner, body: { name: 'C2', slug: 'c-two' }, headers: { 'idempotency-key': 'k-2' } });
      expect([r.status, r.json.error.code]).toEqual([409, 'IDEMPOTENCY_KEY_CONFLICT']);
      expect(await count(t, `SELECT count(*) AS n FROM projects WHERE slug = 'c-two'`)).toBe(0);
    });

    it('scopes keys per caller: another caller with the same key gets its own create', async () => {
      const org = (
        await api(t.url, 'POST', '/v1/config/api-keys', { token: owner, body: { name: 'o', type: 'org', permissions: ['config:write', 'config:read'] } })
      ).json.data.key;
      const r = await api(t.url, 'POST', '/v1/config/projects', {
        token: org,
        body: { name: 'Idem', slug: 'idem-org' },
        headers: { 'idempotency-key': 'k-1' },
      });
      expect(r.status).toBe(201);
      expect(r.json.data.slug).toBe('idem-org');
    });

    it('creates once when the same key and body arrive concurrently', async () => {
      const body = { name: 'Race', slug: 'race' };
      const answers = await Promise.all(
        Array.from({ length: 5 }, () => api(t.url, 'POST', '/v1/config/projects', { token: owner, body, headers: { 'idempotency-key': 'race-1' } })),
      );
      for (const a of answers) expect([201, 409]).toContain(a.status);
      expect(answers.filter((a) => a.status === 201).length).toBeGreaterThanOrEqual(1);
      for (const a of answers.filter((x) => x.status === 409)) expect(a.json.error.code).toBe('CONFLICT');
      expect(await count(t, `SELECT count(*) AS n FROM projects WHERE slug = 'race'`)).toBe(1);
      const later = await api(t.url, 'POST', '/v1/config/projects', { token: owner, body, headers: { 'idempotency-key': 'race-1' } });
      expect(later.status).toBe(201);
      expect(later.headers.get('idempotent-replayed')).toBe('true');
    });

    it('refuses a key over 255 characters with 400', async () => {
      const r = await api(t.url, 'POST', '/v1/config/projects', {
        token: owner,
        body: { name: 'L', slug: 'long-key' },
        headers: { 'idempotency-key': 'x'.repeat(256) },
      });
      expect([r.status, r.json.error.code]).toEqual([400, 'VALIDATION_ERROR']);
      expect(r.json.error.details.fields[0].field).toBe('Idempotency-Key');
      expect(await count(t, `SELECT count(*) AS n FROM projects WHERE slug = 'long-key'`)).toBe(0);
      const ok = await api(t.url, 'POST', '/v1/config/projects', {
        token: owner,
        body: { name: 'L', slug: 'long-key' },
        headers: { 'idempotency-key': 'x'.repeat(255) },
      });
      expect(ok.status).toBe(201);
    });

    it('does not cache failures: a corrected retry with the same key succeeds', async () => {
      const bad = await api(t.url, 'POST', '/v1/config/projects', { token: owner, body: { name: 'R', slug: 'idem' }, headers: { 'idempotency-key': 'k-3' } });
      expect(bad.status).toBe(409);
      const again = await api(t.url, 'POST', '/v1/config/projects', { token: owner, body: { name: 'R', slug: 'idem' }, headers: { 'idempotency-key': 'k-3' } });
      expect(again.json.error.code).toBe('SLUG_EXISTS');
    });
  });

  describe('CSRF and request ids', () => {
    it('refuses a cookie-authenticated write that is not JSON; the same with a bearer token is not a CSRF case', async () => {
      const r = await api(t.url, 'POST', '/v1/auth/login', { body: OWNER });
      const cookie = r.headers.get('set-cookie')!.split(';')[0];
      const text = await api(t.url, 'POST', '/v1/config/projects', { raw: '{"name":"csrf","slug":"csrf"}', headers: { cookie, 'content-type': 'text/plain' } });
      expect([text.status, text.json.error.code]).toEqual([403, 'FORBIDDEN']);
      const form = await api(t.url, 'POST', '/v1/config/projects', {
        raw: 'name=csrf&slug=csrf',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(form.status).toBe(403);
      const none = await api(t.url, 'DELETE', '/v1/config/api-keys/00000000-0000-4000-8000-000000000000', { headers: { cookie } });
      expect(none.status).toBe(403);
      expect(await count(t, `SELECT count(*) AS n FROM projects WHERE slug = 'csrf'`)).toBe(0);
      const json = await api(t.url, 'POST', '/v1/config/projects', { body: { name: 'csrf', slug: 'csrf' }, headers: { cookie } });
      expect(json.status).toBe(201);
      expect((await api(t.url, 'GET', '/v1/config/projects', { headers: { cookie } })).status).toBe(200);
    });

    it('echoes X-Request-Id on every kind of response', async () => {
      const cases: Array<[string, string, Record<string, unknown>]> = [
        ['GET', '/health', {}],
        ['GET', '/v1/config/projects', { token: owner }],
        ['GET', '/v1/config/projects', {}],
        ['GET', '/v1/nope', { token: owner }],
        ['POST', '/v1/config/projects', { token: owner, raw: '{bad', headers: { 'content-type': 'application/json' } }],
        ['GET', '/some/spa/page', {}],
      ];
      let i = 0;
      for (const [method, path, opts] of cases) {
        const id = `rid-${++i}`;
        const r = await api(t.url, method, path, { ...(opts as any), headers: { ...((opts as any).headers ?? {}), 'x-request-id': id } });
        expect({ path, rid: r.headers.get('x-request-id') }).toEqual({ path, rid: id });
      }
    });
  });

  describe('errors and bodies', () => {
    it('answers /v1/unknown with the JSON 404 envelope', async () => {
      for (const token of [owner, undefined]) {
        const r = await api(t.url, 'GET', '/v1/unknown', { token });
        expect(r.status).toBe(404);
        expect(r.json).toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
      }
    });

    it('malformed JSON → 400 VALIDATION_ERROR naming the body; oversized → 413 PAYLOAD_TOO_LARGE', async () => {
      const bad = await api(t.url, 'POST', '/v1/config/projects', { token: owner, raw: '{"name": ', headers: { 'content-type': 'application/json' } });
      expect(bad.json).toEqual({
        success: false,
        error: { code: 'VALIDATION_ERROR', message: 'Malformed JSON body', details: { fields: [{ field: 'body', message: 'must be valid JSON' }] } },
      });
      const big = await api(t.url, 'PUT', `/v1/config/projects/00000000-0000-4000-8000-000000000000`, {
        token: owner,
        raw: JSON.stringify({ description: 'x'.repeat(1_100_000) }),
        headers: { 'content-type': 'application/json' },
      });
      expect([big.status, big.json.error.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    });

    it('refuses unknown fields and invalid project values field by field', async () => {
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ name: 'x', slug: 'ok-slug', admin: true }, 'admin'],
        [{ name: 'x', slug: 'UPPER' }, 'slug'],
        [{ name: 'x', slug: 'a--b' }, 'slug'],
        [{ name: 'x', slug: 's'.repeat(101) }, 'slug'],
        [{ name: '', slug: 'ok' }, 'name'],
        [{ name: 'x', slug: 'ok', llmContext: 'c'.repeat(2001) }, 'llmContext'],
        [{ name: 'x', slug: 'ok', description: 'd'.repeat(1001) }, 'description'],
        [{ name: 'x', slug: 'ok', services: [{ aliases: ['a'] }] }, 'services.0.name'],
        [{ name: 'x', slug: 'ok', services: [{ name: 'a' }, { name: 'A' }] }, 'services'],
        [{ name: 'x', slug: 'ok', services: [{ name: 'a', aliases: Array.from({ length: 101 }, (_, i) => `alias ${i}`) }] }, 'services.0.aliases'],
      ];
      for (const [body, field] of cases) {
        const r = await api(t.url, 'POST', '/v1/config/projects', { token: owner, body });
        expect({ field, status: r.status, code: r.json.error.code }).toEqual({ field, status: 400, code: 'VALIDATION_ERROR' });
        expect(r.json.error.details.fields.map((f: any) => f.field)).toContain(field);
      }
      const ok = await api(t.url, 'POST', '/v1/config/projects', { token: owner, body: { name: 'ctx', slug: 'ctx', llmContext: 'c'.repeat(2000) } });
      expect(ok.status).toBe(201);
      // A catalogue naming each service in many languages: up to 100 aliases per service.
      const aliases = Array.from({ length: 100 }, (_, i) => `alias ${i}`);
      const many = await api(t.url, 'POST', '/v1/config/projects', {
        token: owner,
        body: { name: 'ml', slug: 'ml', services: [{ name: 'payments', aliases }] },
      });
      expect(many.status).toBe(201);
      expect(many.json.data.services[0].aliases).toHaveLength(100);
      const put = await api(t.url, 'PUT', `/v1/config/projects/${ok.json.data.id}`, { token: owner, body: { llmContext: null, slug: 'ctx-2' } });
      expect(put.status).toBe(200);
      expect(put.json.data).toMatchObject({ llmContext: null, slug: 'ctx-2', name: 'ctx' });
    });
  });

  describe('docs, metrics and the SPA fallback', () => {
    beforeAll(() => {
      const pub = join(t.dataDir, 'public');
      mkdirSync(join(pub, 'assets'), { recursive: true });
      writeFileSync(join(pub, 'index.html'), '<!doctype html><title>SigSentry admin</title><div id="root"></div>');
      writeFileSync(join(pub, 'assets', 'app.js'), 'console.log("spa")');
    });

    it('serves Prometheus text on /metrics', async () => {
      await api(t.url, 'GET', '/v1/config/projects', { token: owner });
      const r = await api(t.url, 'GET', '/metrics');
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(r.text).toMatch(/^# HELP sigsentry_/m);
      expect(r.text).toMatch(/^sigsentry_process_cpu_user_seconds_total \d/m);
      expect(r.text).toMatch(/^sigsentry_http_request_duration_seconds_count\{[^}]*route="\/v1\/config\/projects"[^}]*\} [1-9]/m);
    });

    it('serves Swagger UI at /docs and the OpenAPI document at /docs-json', async () => {
      const ui = await api(t.url, 'GET', '/docs');
      expect(ui.status).toBe(200);
      expect(ui.text).toMatch(/swagger-ui/i);
      const doc = await api(t.url, 'GET', '/docs-json');
      expect(doc.status).toBe(200);
      expect(doc.json.openapi).toMatch(/^3\./);
      for (const p of ['/v1/auth/login', '/v1/config/projects', '/v1/config/api-keys', '/v1/team/members']) expect(Object.keys(doc.json.paths)).toContain(p);
      expect(Object.keys(doc.json.paths).some((p) => p.startsWith('/health'))).toBe(false);
      // The committed document (built without a database by `npm run openapi`, the source of the SPA's typed client) is the served one.
      const committed = JSON.parse(readFileSync(join(__dirname, '..', '..', 'apps', 'api', 'openapi.json'), 'utf8'));
      expect(doc.json).toEqual(committed);
    });

    it('falls back to index.html for app paths, but not for API, docs, health or missing assets', async () => {
      for (const path of ['/', '/projects/x', '/projects/shop/support-desk/123', '/login']) {
        const r = await api(t.url, 'GET', path);
        expect({ path, status: r.status, html: r.text.includes('SigSentry admin') }).toEqual({ path, status: 200, html: true });
        expect(r.headers.get('content-type')).toMatch(/text\/html/);
      }
      const asset = await api(t.url, 'GET', '/assets/app.js');
      expect([asset.status, asset.text]).toEqual([200, 'console.log("spa")']);
      const missing = await api(t.url, 'GET', '/assets/missing.js');
      expect(missing.status).toBe(404);
      expect(missing.text).not.toContain('SigSentry admin');
      for (const path of ['/oauth/nowhere', '/webhooks/nowhere', '/canvas-kit/nowhere', '/health/nope', '/metrics/x', '/docs/nope.js']) {
        const r = await api(t.url, 'GET', path);
        expect({ path, status: r.status, spa: r.text.includes('SigSentry admin') }).toEqual({ path, status: 404, spa: false });
      }
      const v1 = await api(t.url, 'GET', '/v1/unknown/deeper');
      expect(v1.status).toBe(404);
      expect(v1.json.success).toBe(false);
    });
  });
});

describe('rate limits counted in PostgreSQL', () => {
  let t: TestApp;
  let owner: string;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_READ: '3', RATE_LIMIT_WRITE: '2', RATE_LIMIT_ANALYSIS: '1' });
    owner = await login(t.url);
  });
  afterAll(async () => t?.stop());

  it('sends X-RateLimit-* headers and answers the 4th read with 429 RATE_LIMITED and Retry-After', async () => {
    // Stay clear of a minute boundary so the four reads land in one window.
    const s = new Date().getSeconds();
    if (s >= 57) await new Promise((r) => setTimeout(r, (61 - s) * 1000));
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await api(t.url, 'GET', '/v1/config/projects', { token: owner }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    expect(answers.map((a) => a.headers.get('x-ratelimit-remaining'))).toEqual(['2', '1', '0', '0']);
    for (const a of answers) {
      expect(a.headers.get('x-ratelimit-limit')).toBe('3');
      const reset = Number(a.headers.get('x-ratelimit-reset'));
      expect(reset).toBeGreaterThan(Date.now() / 1000);
      expect(reset).toBeLessThanOrEqual(Date.now() / 1000 + 61);
    }
    const last = answers[3];
    expect(last.json.error.code).toBe('RATE_LIMITED');
    const retry = Number(last.headers.get('retry-after'));
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(60);
    // Writes have their own budget; another caller has its own counter.
    expect((await api(t.url, 'PUT', '/v1/config/projects/00000000-0000-4000-8000-000000000000', { token: owner, body: { name: 'x' } })).status).toBe(404);
    const key = await api(t.url, 'POST', '/v1/config/api-keys', { token: owner, body: { name: 'k', type: 'org', permissions: ['config:read'] } });
    expect(key.status).toBe(201);
    expect(key.headers.get('x-ratelimit-limit')).toBe('2');
    expect((await api(t.url, 'GET', '/v1/config/projects', { token: key.json.data.key })).status).toBe(200);
    expect((await api(t.url, 'POST', '/v1/config/api-keys', { token: owner, body: { name: 'k2', type: 'org', permissions: ['config:read'] } })).status).toBe(
      429,
    );
  });

  it('never limits /health, /health/ready or /metrics', async () => {
    for (let i = 0; i < 6; i++) {
      for (const p of ['/health', '/health/ready', '/metrics']) {
        const r = await api(t.url, 'GET', p);
        expect(r.status).toBe(200);
        expect(r.headers.get('x-ratelimit-limit')).toBeNull();
      }
    }
  });
});

describe('no secret in any response or log line', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.stop());

  it('keeps passwords, tokens, keys and server secrets out of bodies and logs', async () => {
    const bodies: Array<{ what: string; text: string }> = [];
    const call = async (what: string, method: string, path: string, opts: Parameters<typeof api>[3] = {}) => {
      const r = await api(t.url, method, path, opts);
      bodies.push({ what, text: r.text + JSON.stringify([...r.headers.entries()].filter(([k]) => k !== 'set-cookie')) });
      return r;
    };
    const wrong = await call('wrong-login', 'POST', '/v1/auth/login', { body: { email: OWNER.email, password: 'Wrong-Password-Typed-9' } });
    expect(wrong.status).toBe(401);
    const loginRes = await call('login', 'POST', '/v1/auth/login', { body: OWNER });
    const token: string = loginRes.json.data.token;
    const memberPassword = 'member-secret-pass-77';
    await call('member', 'POST', '/v1/team/members', { token, body: { email: 'm@example.com', name: 'M', password: memberPassword, role: 'member' } });
    const memberLogin = await call('member-login', 'POST', '/v1/auth/login', { body: { email: 'm@example.com', password: memberPassword } });
    const memberToken: string = memberLogin.json.data.token;
    const project = await call('project', 'POST', '/v1/config/projects', { token, body: { name: 'S', slug: 's' } });
    const keyRes = await call('key', 'POST', '/v1/config/api-keys', {
      token,
      body: { name: 'k', type: 'secret', projectId: project.json.data.id, permissions: ['config:read'] },
    });
    const apiKey: string = keyRes.json.data.key;
    await call('use-key', 'GET', '/v1/config/projects', { token: apiKey });
    await call('use-key-query', 'GET', `/v1/config/projects?token=${apiKey}`, { token: apiKey });
    await call('key-on-dashboard', 'GET', '/v1/config/api-keys', { token: apiKey });
    await call('list-keys', 'GET', '/v1/config/api-keys', { token });
    await call('me', 'GET', '/v1/auth/me', { token });
    await call('cookie', 'GET', '/v1/auth/me', { headers: { cookie: `ss_session=${token}` } });
    await call('bad-body', 'POST', '/v1/config/projects', { token, raw: `{"password":"${OWNER.password}"`, headers: { 'content-type': 'application/json' } });
    await call('extra-field', 'POST', '/v1/auth/login', { body: { email: OWNER.email, password: OWNER.password, token: apiKey } });
    await call('team', 'GET', '/v1/team/members', { token });
    await call('logout', 'POST', '/v1/auth/logout', { token: memberToken });
    await call('revoked-session', 'GET', '/v1/auth/me', { token: memberToken });
    await new Promise((r) => setTimeout(r, 100)); // let the last log lines flush

    const secrets: Record<string, string> = {
      ownerPassword: OWNER.password,
      memberPassword,
      wrongPassword: 'Wrong-Password-Typed-9',
      sessionToken: token,
      memberToken,
      apiKey,
      encryptionKey: TEST_ENCRYPTION_KEY,
      sessionSecret: TEST_SESSION_SECRET,
      encryptionKeyHexFromConfig: t.config.encryptionKey.toString('hex'),
      sessionSecretHexFromConfig: t.config.sessionSecret.toString('hex'),
    };
    // The one response that hands a secret out by design: login (its token), key create (its key).
    const allowed: Record<string, string[]> = { login: ['sessionToken'], 'member-login': ['memberToken'], key: ['apiKey'] };
    for (const b of bodies) {
      for (const [name, value] of Object.entries(secrets)) {
        if (allowed[b.what]?.includes(name)) continue;
        expect({ response: b.what, leaks: name, found: b.text.includes(value) }).toEqual({ response: b.what, leaks: name, found: false });
      }
    }
    expect(t.logs.length).toBeGreaterThan(10);
    expect(t.logs.some((l) => l.includes('apikey.created'))).toBe(true);
    for (const line of t.logs) {
      for (const [name, value] of Object.entries(secrets)) {
        expect({ leaks: name, found: line.includes(value), line: line.includes(value) ? line.slice(0, 300) : '' }).toEqual({
          leaks: name,
          found: false,
          line: '',
        });
      }
    }
  });
});
