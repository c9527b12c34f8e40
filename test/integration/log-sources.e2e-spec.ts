/*
 * Real: the whole app (api + worker), PostgreSQL, the connectors, the file system under a temp LOG_FILES_DIR (each
 * project reads its own folder, LOG_FILES_DIR/<projectId>/).
 * Stand-ins: a local node:http server answering as a Loki that rejects the token (401).
 */
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { api, login, startTestApp, TestApp } from '../helpers/app';

const SECRET = 'loki-secret-token-7f3a9c1e';
const SECRET2 = 'rotated-secret-token-55e0b2';
const STRIPE = 'sk_live_51HxQmVk2EXAMPLEqZt9';
const URL_PASSWORD = 'pw-in-url-8c1f';

describe('log sources: /v1/config/log-sources and /v1/config/log-source-types', () => {
  let t: TestApp;
  let token: string;
  let projectId: string;
  let otherProjectId: string;
  let logDir: string;
  let loki401: Server;
  let lokiUrl: string;
  const seen: string[] = [];

  const call = async (method: string, path: string, body?: unknown, project = projectId, headers: Record<string, string> = {}) => {
    const r = await api(t.url, method, path, { token, body, headers: { 'x-project-id': project, ...headers } });
    seen.push(r.text);
    return r;
  };

  beforeAll(async () => {
    logDir = mkdtempSync(join(tmpdir(), 'ss-logs-'));
    loki401 = createServer((req, res) => {
      res.writeHead(401, { 'content-type': 'text/plain' });
      res.end('authentication error: invalid token');
    });
    await new Promise<void>((r) => loki401.listen(0, '127.0.0.1', r));
    lokiUrl = `http://127.0.0.1:${(loki401.address() as AddressInfo).port}`;

    t = await startTestApp({ LOG_FILES_DIR: logDir, LOG_SOURCE_TIMEOUT_MS: '5000' });
    token = await login(t.url);
    const projects = await api(t.url, 'GET', '/v1/config/projects', { token });
    projectId = projects.json.data.find((p: any) => p.isDefault).id;
    const other = await api(t.url, 'POST', '/v1/config/projects', { token, body: { name: 'Other', slug: 'other' } });
    otherProjectId = other.json.data.id;

    // This project's folder; the other project's folder and the root of LOG_FILES_DIR hold lines it must never see.
    const mine = join(logDir, projectId);
    mkdirSync(join(mine, 'checkout'), { recursive: true });
    mkdirSync(join(logDir, otherProjectId), { recursive: true });
    writeFileSync(
      join(logDir, otherProjectId, 'theirs.ndjson'),
      `${JSON.stringify({ timestamp: new Date().toISOString(), level: 'error', message: 'OTHER-PROJECT-LINE' })}\n`,
    );
    writeFileSync(join(logDir, 'root.ndjson'), `${JSON.stringify({ timestamp: new Date().toISOString(), level: 'error', message: 'ROOT-LINE' })}\n`);
    const now = Date.now();
    const lines = [0, 1, 2].map((i) =>
      JSON.stringify({
        timestamp: new Date(now - (3 - i) * 60_000).toISOString(),
        level: i === 2 ? 'error' : 'info',
        service: 'checkout-api',
        message: `line ${i}`,
      }),
    );
    writeFileSync(join(mine, 'checkout', 'app.ndjson'), `${lines.join('\n')}\n`);
    // A line full of secrets and personal data: Test connection must show it masked.
    writeFileSync(
      join(mine, 'checkout', 'secrets.log'),
      `${new Date(now - 30_000).toISOString()} ERROR charge failed card=4111 1111 1111 1111 key=${STRIPE} for bob@example.com from 203.0.113.9 via https://svc:${URL_PASSWORD}@db.internal/x\n`,
    );
    const outside = mkdtempSync(join(tmpdir(), 'ss-outside-'));
    writeFileSync(join(outside, 'secret.log'), `${new Date().toISOString()} ERROR outside\n`);
    symlinkSync(join(outside, 'secret.log'), join(mine, 'escape.log'));
  });
  afterAll(async () => {
    await t?.stop();
    await new Promise((r) => loki401?.close(r));
  });

  it('lists the seven types with their credential fields', async () => {
    const r = await call('GET', '/v1/config/log-source-types');
    expect(r.status).toBe(200);
    const types = r.json.data.map((x: any) => x.type).sort();
    expect(types).toEqual(['cloudwatch', 'datadog', 'elastic', 'file', 'gcp_logging', 'loki', 'splunk']);
    const loki = r.json.data.find((x: any) => x.type === 'loki');
    expect(loki.fields.find((f: any) => f.key === 'host')).toMatchObject({ required: true, location: 'credentials' });
    const cw = r.json.data.find((x: any) => x.type === 'cloudwatch');
    expect(cw.fields.find((f: any) => f.key === 'region')).toMatchObject({ required: true, location: 'region' });
  });

  it('creates a source (201), never returns the credentials, and stores them sealed', async () => {
    const r = await call('POST', '/v1/config/log-sources', {
      type: 'loki',
      name: 'prod-loki',
      credentials: { host: lokiUrl, apiKey: SECRET, orgId: 'tenant-1' },
      sources: ['{job="checkout-api"}'],
    });
    expect(r.status).toBe(201);
    expect(r.json.data).toMatchObject({ type: 'loki', name: 'prod-loki', sources: ['{job="checkout-api"}'], isActive: true, lastTestedAt: null, projectId });
    expect(r.json.data.credentialKeys).toEqual(['apiKey', 'host', 'orgId']);
    expect(r.json.data.credentials).toBeUndefined();
    expect(r.text).not.toContain(SECRET);

    const list = await call('GET', '/v1/config/log-sources');
    expect(list.status).toBe(200);
    expect(Array.isArray(list.json.data)).toBe(true);
    expect(list.json.data.map((s: any) => s.id)).toContain(r.json.data.id);
    expect(list.text).not.toContain(SECRET);

    const db = new Client({ connectionString: t.dbUrl });
    await db.connect();
    try {
      const rows = await db.query('SELECT "credentialsSealed" FROM log_sources WHERE id = $1', [r.json.data.id]);
      const sealed: string = rows.rows[0].credentialsSealed;
      expect(sealed.startsWith('v1:')).toBe(true);
      expect(sealed).not.toContain(SECRET);
      expect(sealed).not.toContain(lokiUrl);
    } finally {
      await db.end();
    }
  });

  it('honours Idempotency-Key on create', async () => {
    const body = { type: 'file', name: 'idem', sources: ['checkout/*.ndjson'] };
    const a = await call('POST', '/v1/config/log-sources', body, projectId, { 'idempotency-key': 'ls-idem-1' });
    const b = await call('POST', '/v1/config/log-sources', body, projectId, { 'idempotency-key': 'ls-idem-1' });
    expect(a.status).toBe(201);
    expect(b.json.data.id).toBe(a.json.data.id);
    const list = await call('GET', '/v1/config/log-sources');
    expect(list.json.data.filter((s: any) => s.name === 'idem')).toHaveLength(1);
  });

  it('validates type, name, sources and the per-type credentials', async () => {
    const cases: Array<[unknown, string]> = [
      [{ type: 'nope', name: 'x', sources: ['a'] }, 'type'],
      [{ type: 'file', name: '', sources: ['a'] }, 'name'],
      [{ type: 'file', name: 'x'.repeat(256), sources: ['a'] }, 'name'],
      [{ type: 'file', name: 'x', sources: [] }, 'sources'],
      [{ type: 'loki', name: 'x', credentials: { apiKey: 'k' }, sources: ['{job="a"}'] }, 'credentials.host'],
      [{ type: 'loki', name: 'x', credentials: { host: lokiUrl, password: 'p' }, sources: ['{job="a"}'] }, 'credentials.password'],
      [{ type: 'loki', name: 'x', credentials: { host: lokiUrl, apiKey: 42 }, sources: ['{job="a"}'] }, 'credentials.apiKey'],
      [{ type: 'cloudwatch', name: 'x', credentials: { accessKeyId: 'AKIA1', secretAccessKey: 's' }, sources: ['/aws/lambda/x'] }, 'region'],
    ];
    for (const [body, field] of cases) {
      const r = await call('POST', '/v1/config/log-sources', body);
      expect({ status: r.status, code: r.json.error.code }).toEqual({ status: 400, code: 'VALIDATION_ERROR' });
      expect(r.json.error.details.fields.map((f: any) => f.field)).toContain(field);
    }
  });

  it('shows each file source its project folder, and creates it', async () => {
    const fresh = await api(t.url, 'POST', '/v1/config/projects', { token, body: { name: 'Fresh', slug: 'fresh' } });
    const id = fresh.json.data.id;
    const c = await call('POST', '/v1/config/log-sources', { type: 'file', name: 'fresh-files', sources: ['*.log'] }, id);
    expect(c.status).toBe(201);
    expect(c.json.data.folder).toBe(join(logDir, id));
    expect(existsSync(join(logDir, id))).toBe(true);
    expect((await call('GET', `/v1/config/log-sources/${c.json.data.id}`, undefined, id)).json.data.folder).toBe(join(logDir, id));
    const l = await call('POST', '/v1/config/log-sources', { type: 'loki', name: 'no-folder', credentials: { host: lokiUrl }, sources: ['{job="a"}'] }, id);
    expect(l.json.data.folder).toBeUndefined();
  });

  it('refuses file-source traversal, absolute paths and globs that expand out of the folder (400), at create and update', async () => {
    for (const bad of ['../etc/*.log', '/etc/passwd', 'a/../../b.log', '{.,}./{.,}./etc/*', '{/etc,x}/*', '.[.]/*', '{a,b}'.repeat(10)]) {
      const r = await call('POST', '/v1/config/log-sources', { type: 'file', name: 'bad', sources: [bad] });
      expect(r.status).toBe(400);
      expect(r.json.error.code).toBe('VALIDATION_ERROR');
    }
    const ok = await call('POST', '/v1/config/log-sources', { type: 'file', name: 'files', sources: ['checkout/*.ndjson'] });
    expect(ok.status).toBe(201);
    const up = await call('PUT', `/v1/config/log-sources/${ok.json.data.id}`, { sources: ['../../etc/shadow'] });
    expect(up.status).toBe(400);
    const still = await call('GET', `/v1/config/log-sources/${ok.json.data.id}`);
    expect(still.json.data.sources).toEqual(['checkout/*.ndjson']);
  });

  it('refuses hosts in blocked ranges and metadata host names', async () => {
    for (const host of ['http://169.254.169.254', 'http://metadata.google.internal']) {
      const r = await call('POST', '/v1/config/log-sources', { type: 'loki', name: 'meta', credentials: { host }, sources: ['{job="a"}'] });
      expect(r.status).toBe(400);
      expect(r.json.error.code).toBe('VALIDATION_ERROR');
    }
  });

  it('updates partially (200, whole resource), replaces credentials, keeps the type immutable, deletes with the final state', async () => {
    const c = await call('POST', '/v1/config/log-sources', {
      type: 'loki',
      name: 'to-update',
      credentials: { host: lokiUrl, apiKey: SECRET },
      sources: ['{job="a"}'],
    });
    const id = c.json.data.id;
    const renamed = await call('PUT', `/v1/config/log-sources/${id}`, { name: 'renamed', isActive: false });
    expect(renamed.status).toBe(200);
    expect(renamed.json.data).toMatchObject({ id, name: 'renamed', isActive: false, type: 'loki', sources: ['{job="a"}'], credentialKeys: ['apiKey', 'host'] });

    const typeChange = await call('PUT', `/v1/config/log-sources/${id}`, { type: 'file' });
    expect(typeChange.status).toBe(400);
    expect(typeChange.json.error.details.fields[0].field).toBe('type');

    // Full replacement: the new map lacks the required host → refused.
    const noHost = await call('PUT', `/v1/config/log-sources/${id}`, { credentials: { apiKey: SECRET2 } });
    expect(noHost.status).toBe(400);
    const replaced = await call('PUT', `/v1/config/log-sources/${id}`, { credentials: { host: lokiUrl, apiKey: SECRET2 } });
    expect(replaced.status).toBe(200);
    expect(replaced.json.data.credentialKeys).toEqual(['apiKey', 'host']);
    expect(replaced.text).not.toContain(SECRET2);

    const del = await call('DELETE', `/v1/config/log-sources/${id}`);
    expect(del.status).toBe(200);
    expect(del.json.data).toMatchObject({ id, name: 'renamed' });
    expect((await call('DELETE', `/v1/config/log-sources/${id}`)).status).toBe(404);
    expect((await call('GET', '/v1/config/log-sources')).json.data.map((s: any) => s.id)).not.toContain(id);
  });

  it('keeps sources inside their project', async () => {
    const c = await call('POST', '/v1/config/log-sources', { type: 'file', name: 'scoped', sources: ['checkout/*.ndjson'] });
    const other = await call('GET', `/v1/config/log-sources/${c.json.data.id}`, undefined, otherProjectId);
    expect(other.status).toBe(404);
    expect((await call('GET', '/v1/config/log-sources', undefined, otherProjectId)).json.data).toEqual([]);
    const missing = await api(t.url, 'GET', '/v1/config/log-sources', { token });
    expect(missing.json.error.code).toBe('MISSING_PROJECT_ID');
  });

  it('tests a connection: success shape with sample lines, stored on the source', async () => {
    const c = await call('POST', '/v1/config/log-sources', { type: 'file', name: 'testable', sources: ['checkout/*.ndjson'] });
    const r = await call('POST', `/v1/config/log-sources/${c.json.data.id}/test`);
    expect(r.status).toBe(200);
    expect(Object.keys(r.json).sort()).toEqual(['data', 'success']);
    expect(r.json.success).toBe(true);
    expect(Object.keys(r.json.data).sort()).toEqual(['connected', 'message', 'sampleLogs']);
    expect(r.json.data.connected).toBe(true);
    expect(r.json.data.sampleLogs.length).toBeGreaterThan(0);
    expect(Object.keys(r.json.data.sampleLogs[0]).sort()).toEqual(['level', 'message', 'service', 'timestamp']);
    expect(r.json.data.sampleLogs.map((l: any) => l.message)).toContain('line 2');
    expect(r.text).not.toContain('OTHER-PROJECT-LINE');
    expect(r.text).not.toContain('ROOT-LINE');
    const after = await call('GET', `/v1/config/log-sources/${c.json.data.id}`);
    expect(after.json.data.lastTestedAt).not.toBeNull();
    expect(after.json.data.lastTestResult).toEqual({ success: true, message: r.json.data.message });
  });

  it('tests a connection: failure still answers 200 with the contract shape (no matching file, and a 401 from Loki)', async () => {
    const f = await call('POST', '/v1/config/log-sources', { type: 'file', name: 'empty-glob', sources: ['nothing-here/*.log'] });
    const l = await call('POST', '/v1/config/log-sources', {
      type: 'loki',
      name: 'bad-token',
      credentials: { host: lokiUrl, apiKey: SECRET },
      sources: ['{job="a"}'],
    });
    for (const id of [f.json.data.id, l.json.data.id]) {
      const r = await call('POST', `/v1/config/log-sources/${id}/test`);
      expect(r.status).toBe(200);
      expect(Object.keys(r.json).sort()).toEqual(['data', 'error', 'success']);
      expect(r.json.success).toBe(false);
      expect(r.json.data).toEqual({ connected: false, message: expect.any(String), sampleLogs: [] });
      expect(r.json.error).toEqual({ code: 'LOG_SOURCE_CONNECTION_FAILED', message: r.json.data.message });
      expect(r.text).not.toContain(SECRET);
      const after = await call('GET', `/v1/config/log-sources/${id}`);
      expect(after.json.data.lastTestResult).toEqual({ success: false, message: r.json.data.message });
    }
    const lokiTest = await call('POST', `/v1/config/log-sources/${l.json.data.id}/test`);
    expect(lokiTest.json.data.message).toMatch(/401|credential|unauthori[sz]ed/i);
  });

  it('masks secrets and personal data in the sample lines of Test connection', async () => {
    const c = await call('POST', '/v1/config/log-sources', { type: 'file', name: 'secrets', sources: ['checkout/secrets.log'] });
    const r = await call('POST', `/v1/config/log-sources/${c.json.data.id}/test`);
    expect(r.json.data.connected).toBe(true);
    const line = r.json.data.sampleLogs.map((l: any) => l.message).join('\n');
    expect(line).toContain('charge failed');
    for (const secret of ['4111 1111 1111 1111', STRIPE, 'bob@example.com', '203.0.113.9', URL_PASSWORD]) expect(line).not.toContain(secret);
  });

  it("discovers the files of the project folder only, skipping symlinks that leave it and never naming another project's", async () => {
    const c = await call('POST', '/v1/config/log-sources', { type: 'file', name: 'disc', sources: ['**/*'] });
    const r = await call('GET', `/v1/config/log-sources/${c.json.data.id}/sources`);
    expect(r.status).toBe(200);
    const names = r.json.data.map((s: any) => s.name);
    expect(names.sort()).toEqual(['checkout/app.ndjson', 'checkout/secrets.log']);
    expect(r.text).not.toMatch(/theirs|root\.ndjson|escape/);
  });

  it('never returned a credential value in any response of this file', () => {
    for (const text of seen) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(SECRET2);
    }
    expect(seen.length).toBeGreaterThan(20);
  });
});
