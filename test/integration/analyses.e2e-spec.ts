/*
 * Real: the whole app (api + worker, pg-boss), PostgreSQL, the file connector over a temp LOG_FILES_DIR holding a
 * generated incident, the Loki connector, the analysis engine.
 * Stand-ins: local node:http servers as Loki — one that never answers, one that answers 401.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AnalysesService } from '@app/analysis';
import { generateScenario, Scenario } from '@app/analysis/testing';
import { api, login, startTestApp, TestApp } from '../helpers/app';
import { listen, ndjson } from '../helpers/incident-logs';

const TERMINAL = ['complete', 'partial', 'failed'];

describe('analyses: /v1/analyses and the analysis pipeline', () => {
  let t: TestApp;
  let token: string;
  let scenario: Scenario;
  const projects: Record<string, { id: string; slug: string }> = {};
  let hang: { server: Server; url: string };
  let unauthorized: { server: Server; url: string };
  let hangRequests = 0;

  const call = (method: string, path: string, project: string, body?: unknown, headers: Record<string, string> = {}, auth = token) =>
    api(t.url, method, path, { token: auth, body, headers: { 'x-project-id': project, ...headers } });

  const window = () => ({ timeStart: scenario.window.start, timeEnd: scenario.window.end });

  /** Polls the record until it reaches a terminal status (no fixed sleeps). */
  async function settle(id: string, project: string, auth = token): Promise<any> {
    const deadline = Date.now() + 45_000;
    for (;;) {
      const r = await call('GET', `/v1/analyses/${id}`, project, undefined, {}, auth);
      expect(r.status).toBe(200);
      if (TERMINAL.includes(r.json.data.status)) return r.json.data;
      if (Date.now() > deadline) throw new Error(`analysis ${id} still ${r.json.data.status}`);
      await new Promise((res) => setTimeout(res, 100));
    }
  }

  async function createProject(slug: string) {
    const r = await api(t.url, 'POST', '/v1/config/projects', { token, body: { name: slug, slug, services: scenario.services } });
    expect(r.status).toBe(201);
    projects[slug] = { id: r.json.data.id, slug };
  }

  async function addSource(project: string, body: unknown) {
    const r = await call('POST', '/v1/config/log-sources', projects[project].id, body);
    expect(r.status).toBe(201);
    return r.json.data.id as string;
  }

  beforeAll(async () => {
    scenario = generateScenario('db_pool_exhaustion', 11);
    const logDir = mkdtempSync(join(tmpdir(), 'ss-analysis-logs-'));
    // Each project reads its own folder, LOG_FILES_DIR/<projectId>/.
    const writeIncident = (projectId: string) => {
      mkdirSync(join(logDir, projectId, 'incident'), { recursive: true });
      writeFileSync(join(logDir, projectId, 'incident', 'services.ndjson'), ndjson([...scenario.baseline, ...scenario.entries]));
    };

    hang = await listen(() => {
      hangRequests++; // never answers
    });
    unauthorized = await listen((_req, res) => {
      res.writeHead(401, { 'content-type': 'text/plain' });
      res.end('invalid token');
    });

    t = await startTestApp({ LOG_FILES_DIR: logDir, LOG_SOURCE_TIMEOUT_MS: '1500', ALLOW_SIGNUP: 'true' });
    token = await login(t.url);
    const list = await api(t.url, 'GET', '/v1/config/projects', { token });
    const def = list.json.data.find((p: any) => p.isDefault);
    projects.default = { id: def.id, slug: def.slug };
    await api(t.url, 'PUT', `/v1/config/projects/${def.id}`, { token, body: { services: scenario.services } });
    for (const p of ['empty', 'mixed', 'broken']) await createProject(p);
    for (const p of ['default', 'empty', 'mixed']) writeIncident(projects[p].id);

    await addSource('default', { type: 'file', name: 'incident-files', sources: ['incident/*.ndjson'] });
    await addSource('empty', { type: 'file', name: 'inactive-files', sources: ['incident/*.ndjson'], isActive: false });
    await addSource('mixed', { type: 'file', name: 'incident-files', sources: ['incident/*.ndjson'] });
    await addSource('mixed', { type: 'loki', name: 'hanging-loki', credentials: { host: hang.url }, sources: ['{job="api"}'] });
    await addSource('broken', {
      type: 'loki',
      name: 'loki-401',
      credentials: { host: unauthorized.url, apiKey: 'sk-never-echo-9a8b7c' },
      sources: ['{job="api"}'],
    });
    await addSource('broken', { type: 'loki', name: 'loki-closed-port', credentials: { host: 'http://127.0.0.1:9' }, sources: ['{job="api"}'] });
  });

  afterAll(async () => {
    await t?.stop();
    for (const s of [hang, unauthorized]) {
      s?.server.closeAllConnections();
      await new Promise((r) => s?.server.close(r));
    }
  });

  it('analyses a generated incident from a file source: 202 with the finished analysis (synchronous wait), the right origin and category', async () => {
    const r = await call('POST', '/v1/analyses', projects.default.id, {
      description: 'Checkout errors since the afternoon',
      ...window(),
      metadata: { ticketId: 'ZD-1' },
    });
    expect(r.status).toBe(202);
    const created = r.json.data;
    // A quick analysis finishes within ANALYSIS_SYNC_WAIT_MS (default 10 s): the 202 carries it, result included.
    expect(created).toMatchObject({
      analysisId: created.id,
      status: 'complete',
      trigger: 'dashboard',
      metadata: { ticketId: 'ZD-1' },
      timeStart: scenario.window.start,
      timeEnd: scenario.window.end,
    });
    expect(created.url).toBe(`${t.config.publicUrl}/projects/${projects.default.slug}/analyses/${created.id}`);

    const done = await settle(created.id, projects.default.id);
    expect(done.status).toBe('complete');
    expect(done.error).toBeUndefined();
    expect(done.partialReasons).toEqual([]);
    expect(done.result.rootCause.service).toBe(scenario.expected.origin);
    expect(done.result.rootCause.category).toBe(scenario.expected.category);
    expect(done.result.affectedServices.find((s: any) => s.role === 'origin').serviceName).toBe(scenario.expected.origin);
    expect(done.result.logsScanned).toBe(scenario.entries.length); // the baseline lines are not in the window
    expect(done.severity).toBe(done.result.severity);
    expect(typeof done.processingTimeMs).toBe('number');
    expect(Date.parse(done.completedAt)).toBeGreaterThanOrEqual(Date.parse(done.createdAt));
    // The only log text stored is logEvidence: capped, masked excerpts (contract §12).
    const { logEvidence, ...rest } = done.result;
    expect(JSON.stringify(rest)).not.toContain('"raw"');
    expect(logEvidence.length).toBeGreaterThan(0);
    expect(logEvidence.length).toBeLessThanOrEqual(50);
  });

  it('fails with LOG_SOURCE_NOT_CONFIGURED when the project has no active source (the record exists)', async () => {
    const r = await call('POST', '/v1/analyses', projects.empty.id, { description: 'nothing configured', ...window() });
    expect(r.status).toBe(202);
    const done = await settle(r.json.data.id, projects.empty.id);
    expect(done.status).toBe('failed');
    expect(done.error.code).toBe('LOG_SOURCE_NOT_CONFIGURED');
    expect(done.result).toBeNull();
  });

  it('ends partial when one of two sources hangs past LOG_SOURCE_TIMEOUT_MS, naming that source', async () => {
    const r = await call('POST', '/v1/analyses', projects.mixed.id, { description: 'checkout 500s', ...window() });
    expect(r.status).toBe(202);
    const done = await settle(r.json.data.id, projects.mixed.id);
    expect(done.status).toBe('partial');
    expect(hangRequests).toBeGreaterThan(0);
    expect(done.partialReasons).toHaveLength(1);
    expect(done.partialReasons[0]).toMatch(/hanging-loki/);
    expect(done.partialReasons[0]).toMatch(/timed out/i);
    expect(done.result.rootCause.service).toBe(scenario.expected.origin);
    expect(done.error).toBeUndefined();
  });

  it('fails with LOG_SOURCE_QUERY_FAILED when every source fails', async () => {
    const r = await call('POST', '/v1/analyses', projects.broken.id, { description: 'everything broken', ...window() });
    const done = await settle(r.json.data.id, projects.broken.id);
    expect(done.status).toBe('failed');
    expect(done.error.code).toBe('LOG_SOURCE_QUERY_FAILED');
    expect(done.error.message).toMatch(/loki-401/);
    expect(done.error.message).toMatch(/loki-closed-port/);
    expect(JSON.stringify(done)).not.toContain('sk-never-echo-9a8b7c');
    expect(done.result).toBeNull();
  });

  it('validates the body and the window rules', async () => {
    const now = Date.now();
    const iso = (ms: number) => new Date(now + ms).toISOString();
    const H = 3_600_000;
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ description: '', timeStart: iso(-H), timeEnd: iso(0) }, 'VALIDATION_ERROR', 'description'],
      [{ description: 'x'.repeat(5001), timeStart: iso(-H), timeEnd: iso(0) }, 'VALIDATION_ERROR', 'description'],
      [{ description: 'd', timeStart: 'yesterday', timeEnd: iso(0) }, 'VALIDATION_ERROR', 'timeStart'],
      [{ description: 'd', timeStart: iso(-H) }, 'VALIDATION_ERROR', 'timeEnd'],
      [{ description: 'd', timeStart: iso(-H), timeEnd: iso(0), metadata: { n: 1 } }, 'VALIDATION_ERROR', 'metadata.n'],
      [{ description: 'd', timeStart: iso(-H), timeEnd: iso(0), extra: true }, 'VALIDATION_ERROR', 'extra'],
      [{ description: 'd', timeStart: iso(-H), timeEnd: iso(-2 * H) }, 'INVALID_TIME_RANGE', 'timeEnd'],
      [{ description: 'd', timeStart: iso(-25 * H), timeEnd: iso(0) }, 'INVALID_TIME_RANGE', 'timeEnd'],
      [{ description: 'd', timeStart: iso(5 * 60_000), timeEnd: iso(10 * 60_000) }, 'INVALID_TIME_RANGE', 'timeStart'],
      [{ description: 'd', timeStart: iso(-H), timeEnd: iso(5 * 60_000) }, 'INVALID_TIME_RANGE', 'timeEnd'],
    ];
    for (const [body, code, field] of cases) {
      const r = await call('POST', '/v1/analyses', projects.default.id, body);
      expect({ body, status: r.status, code: r.json.error?.code }).toEqual({ body, status: 400, code });
      expect(r.json.error.details.fields.map((f: any) => f.field)).toContain(field);
    }
    const ok = await call('POST', '/v1/analyses', projects.empty.id, { description: 'edge: ends 30 s from now', timeStart: iso(-H), timeEnd: iso(30_000) });
    expect(ok.status).toBe(202);
    const wrong = await call('POST', '/v1/analyses', projects.default.id, { description: 'd', ...window(), projectId: projects.empty.id });
    expect(wrong.status).toBe(403);
    expect(wrong.json.error.code).toBe('WRONG_PROJECT');
    const same = await call('POST', '/v1/analyses', projects.empty.id, { description: 'projectId in body', ...window(), projectId: projects.empty.id });
    expect(same.status).toBe(202);
  });

  it('accepts a public project key (trigger api) and replays an Idempotency-Key', async () => {
    const key = await api(t.url, 'POST', '/v1/config/api-keys', {
      token,
      body: { name: 'sdk', type: 'public', projectId: projects.empty.id, permissions: ['analysis:create', 'analysis:read'] },
    });
    expect(key.status).toBe(201);
    const pub = key.json.data.key;
    const body = { description: 'from the SDK', ...window() };
    const a = await api(t.url, 'POST', '/v1/analyses', { token: pub, body, headers: { 'idempotency-key': 'ana-1' } });
    const b = await api(t.url, 'POST', '/v1/analyses', { token: pub, body, headers: { 'idempotency-key': 'ana-1' } });
    expect(a.status).toBe(202);
    expect(b.status).toBe(202);
    expect(b.json.data.id).toBe(a.json.data.id);
    expect(a.json.data.trigger).toBe('api');
    const done = await settle(a.json.data.id, projects.empty.id, pub);
    expect(done.trigger).toBe('api');
    const list = await api(t.url, 'GET', '/v1/analyses?limit=100', { token: pub });
    expect(list.json.data.items.filter((i: any) => i.description === 'from the SDK')).toHaveLength(1);
  });

  it('pages newest first and filters by status, severity and createdAt', async () => {
    const pid = projects.empty.id;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await call('POST', '/v1/analyses', pid, { description: `paging ${i}`, ...window() });
      ids.push(r.json.data.id);
    }
    for (const id of ids) await settle(id, pid);
    const all = await call('GET', '/v1/analyses?limit=100', pid);
    const total = all.json.data.pagination.total;
    expect(total).toBeGreaterThanOrEqual(6);
    expect(all.json.data.items.slice(0, 3).map((i: any) => i.id)).toEqual([...ids].reverse());
    const created = all.json.data.items.map((i: any) => i.createdAt);
    expect(created).toEqual([...created].sort().reverse());
    expect(Object.keys(all.json.data.items[0]).sort()).toEqual([
      'createdAt',
      'description',
      'id',
      'severity',
      'status',
      'summary',
      'timeEnd',
      'timeStart',
      'trigger',
    ]);

    const p1 = await call('GET', '/v1/analyses?page=1&limit=2', pid);
    const p2 = await call('GET', '/v1/analyses?page=2&limit=2', pid);
    expect(p1.json.data.pagination).toEqual({ page: 1, limit: 2, total, totalPages: Math.ceil(total / 2) });
    expect(p1.json.data.items).toHaveLength(2);
    expect(p2.json.data.items[0].id).toBe(all.json.data.items[2].id);

    const failed = await call('GET', '/v1/analyses?status=failed&limit=100', pid);
    expect(failed.json.data.items.length).toBeGreaterThan(0);
    expect(failed.json.data.items.every((i: any) => i.status === 'failed')).toBe(true);

    const def = await call('GET', '/v1/analyses?limit=100', projects.default.id);
    const complete = def.json.data.items.find((i: any) => i.status === 'complete');
    expect(complete.summary).toEqual(expect.any(String));
    const bySeverity = await call('GET', `/v1/analyses?severity=${complete.severity}`, projects.default.id);
    expect(bySeverity.json.data.items.map((i: any) => i.id)).toContain(complete.id);
    expect(bySeverity.json.data.items.every((i: any) => i.severity === complete.severity)).toBe(true);

    const newest = all.json.data.items[0].createdAt;
    const upTo = await call('GET', `/v1/analyses?limit=100&toDate=${encodeURIComponent(newest)}`, pid);
    expect(upTo.json.data.items.map((i: any) => i.id)).not.toContain(ids[2]); // toDate is exclusive
    expect(upTo.json.data.pagination.total).toBe(total - 1);
    const from = await call('GET', `/v1/analyses?fromDate=${encodeURIComponent(newest)}`, pid);
    expect(from.json.data.items.map((i: any) => i.id)).toEqual([ids[2]]);

    for (const q of ['limit=0', 'limit=101', 'page=0', 'status=done', 'severity=urgent', 'fromDate=notadate']) {
      const r = await call('GET', `/v1/analyses?${q}`, pid);
      expect({ q, status: r.status, code: r.json.error.code }).toEqual({ q, status: 400, code: 'VALIDATION_ERROR' });
    }
    const inverted = await call('GET', '/v1/analyses?fromDate=2025-01-02T00:00:00Z&toDate=2025-01-01T00:00:00Z', pid);
    expect(inverted.status).toBe(400);
    expect(inverted.json.error.code).toBe('INVALID_TIME_RANGE');
  });

  it('isolates tenants and projects: another tenant gets 404 for our analysis', async () => {
    const mine = (await call('GET', '/v1/analyses?limit=1', projects.default.id)).json.data.items[0].id;
    const signup = await api(t.url, 'POST', '/v1/auth/signup', {
      body: { name: 'Eve', email: 'eve@example.com', password: 'another good password', companyName: 'Other Co' },
    });
    expect(signup.status).toBe(201);
    const eve = signup.json.data.token;
    const eveProject = signup.json.data.project.id;
    const r = await call('GET', `/v1/analyses/${mine}`, eveProject, undefined, {}, eve);
    expect(r.status).toBe(404);
    expect(r.json.error.code).toBe('ANALYSIS_NOT_FOUND');
    expect((await call('GET', '/v1/analyses', eveProject, undefined, {}, eve)).json.data.pagination.total).toBe(0);
    expect((await call('GET', `/v1/analyses/${mine}`, projects.default.id, undefined, {}, eve)).status).toBe(404);
    // Same tenant, other project: not visible either.
    expect((await call('GET', `/v1/analyses/${mine}`, projects.empty.id)).status).toBe(404);
    expect((await call('GET', '/v1/analyses/not-a-uuid', projects.default.id)).status).toBe(404);
  });

  it('createAnalysis (for other features) enqueues the support-desk follow-up once the analysis is terminal', async () => {
    const svc = t.app.get(AnalysesService);
    const bindingId = '00000000-0000-4000-8000-000000000001';
    const row = await svc.createAnalysis({
      tenantId: await tenantOf(projects.default.id),
      projectId: projects.default.id,
      description: 'from the support desk',
      timeStart: new Date(scenario.window.start),
      timeEnd: new Date(scenario.window.end),
      trigger: 'support_desk',
      triggeredBy: `support_desk:${bindingId}`,
      bindingId,
      conversationId: '123',
    });
    expect(svc.analysisUrl(row, 'default')).toBe(`${t.config.publicUrl}/projects/default/analyses/${row.id}`);
    const done = await settle(row.id, projects.default.id);
    expect(done.status).toBe('complete');
    expect(done.trigger).toBe('support_desk');
    const jobs = await t.queue.findJobs('support-desk.analysis-finished');
    expect(jobs.map((j: any) => j.data.analysisId)).toContain(row.id);
  });

  it('drops malformed analysis jobs without failing them, and keeps working', async () => {
    const ids = [
      await t.queue.enqueue('analysis.run', { analysisId: 'not-a-uuid' }),
      await t.queue.enqueue('analysis.run', { nothing: true }),
      await t.queue.enqueue('analysis.run', { analysisId: '00000000-0000-4000-8000-00000000dead' }),
    ];
    const deadline = Date.now() + 30_000;
    for (;;) {
      const jobs = (await t.queue.findJobs('analysis.run')).filter((j: any) => ids.includes(j.id));
      if (jobs.length === 3 && jobs.every((j: any) => j.state === 'completed')) break;
      expect(jobs.some((j: any) => ['failed', 'retry'].includes(j.state))).toBe(false);
      if (Date.now() > deadline) throw new Error(`jobs not completed: ${JSON.stringify(jobs.map((j: any) => j.state))}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const r = await call('POST', '/v1/analyses', projects.default.id, { description: 'after bad jobs', ...window() });
    expect((await settle(r.json.data.id, projects.default.id)).status).toBe('complete');
  });

  async function tenantOf(projectId: string): Promise<string> {
    const rows = await t.app.get(DataSource).query('SELECT "tenantId" FROM projects WHERE id = $1', [projectId]);
    return rows[0].tenantId;
  }
});
