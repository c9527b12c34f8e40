/*
 * SigSentry SDK compatibility (issue #15), driven through a client that behaves on the wire exactly as the stock SDK
 * does (test/helpers/sdk-client.ts): every SDK method, from Node (no Origin → JSON) and as a browser (Origin + callbacks
 * → event stream), error paths included; plus what the SDK cannot reach (secret keys: follow-up, similar, postmortem),
 * screenshots, publishable-key isolation, CORS, idempotent replays, client disconnects and shutdown.
 * Real: the whole app (api + worker, pg-boss), PostgreSQL (embedded), the file connector over a generated incident, the
 * Loki connector, the analysis engine. Stand-in: a local HTTP server playing a Loki that never answers.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AnalysisCreateResponder, AnalysisWatcher, generateScenario, type Scenario } from '@app/analysis/testing';
import { OpenStreams, rotateSealedSecrets, SecretBox } from '@app/core';
import { api, login, startTestApp, TEST_ENCRYPTION_KEY, TestApp } from '../helpers/app';
import { listen, ndjson } from '../helpers/incident-logs';
import { SdkWireClient } from '../helpers/sdk-client';

const TERMINAL = ['complete', 'partial', 'failed'];
const WIDGET = 'http://widget.test';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const JPEG = Buffer.concat([Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex'), Buffer.alloc(64, 0x11), Buffer.from('ffd9', 'hex')]);
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x24, 0, 0, 0]), Buffer.from('WEBPVP8 '), Buffer.alloc(40, 0x22)]);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const MB10 = 10 * 1024 * 1024;

const json = (r: Response): Promise<any> => r.json();
const png = (bytes: Buffer, type = 'image/png', name = 'shot.png') => new File([new Uint8Array(bytes)], name, { type });

interface Env {
  t: TestApp;
  owner: string;
  scenario: Scenario;
  projects: Record<'main' | 'empty' | 'slow', string>;
  keys: Record<'pubA' | 'pubB' | 'secret' | 'pubEmpty' | 'pubSlow' | 'secretSlow', string>;
}

async function setUp(env: Record<string, string>): Promise<Env & { hang: { server: Server; url: string } }> {
  const scenario = generateScenario('db_pool_exhaustion', 23);
  const logDir = mkdtempSync(join(tmpdir(), 'ss-sdk-logs-'));
  // A file source reads only its project's folder, LOG_FILES_DIR/<projectId>/.
  const writeIncident = (projectId: string) => {
    mkdirSync(join(logDir, projectId, 'incident'), { recursive: true });
    writeFileSync(join(logDir, projectId, 'incident', 'services.ndjson'), ndjson([...scenario.baseline, ...scenario.entries]));
  };
  const hang = await listen(() => undefined); // a Loki that never answers
  const t = await startTestApp({ LOG_FILES_DIR: logDir, ...env });
  const owner = await login(t.url);
  const def = (await api(t.url, 'GET', '/v1/config/projects', { token: owner })).json.data.find((p: any) => p.isDefault);
  await api(t.url, 'PUT', `/v1/config/projects/${def.id}`, { token: owner, body: { services: scenario.services } });
  const mk = async (slug: string) => (await api(t.url, 'POST', '/v1/config/projects', { token: owner, body: { name: slug, slug } })).json.data.id as string;
  const projects = { main: def.id as string, empty: await mk('empty'), slow: await mk('slow') };
  writeIncident(projects.main);
  writeIncident(projects.slow);
  const source = async (project: string, body: unknown) => {
    const r = await api(t.url, 'POST', '/v1/config/log-sources', { token: owner, headers: { 'x-project-id': project }, body });
    expect(r.status).toBe(201);
  };
  await source(projects.main, { type: 'file', name: 'incident', sources: ['incident/*.ndjson'] });
  await source(projects.slow, { type: 'file', name: 'incident', sources: ['incident/*.ndjson'] });
  await source(projects.slow, { type: 'loki', name: 'hanging-loki', credentials: { host: hang.url }, sources: ['{job="api"}'] });
  const key = async (type: string, projectId: string, name: string, permissions?: string[]) => {
    const r = await api(t.url, 'POST', '/v1/config/api-keys', { token: owner, body: { name, type, projectId, ...(permissions ? { permissions } : {}) } });
    expect(r.status).toBe(201);
    return r.json.data.key as string;
  };
  const all = ['analysis:create', 'analysis:read', 'config:read', 'config:write'];
  const keys = {
    pubA: await key('public', projects.main, 'widget A'),
    pubB: await key('public', projects.main, 'widget B'),
    secret: await key('secret', projects.main, 'server', all),
    pubEmpty: await key('public', projects.empty, 'empty widget'),
    pubSlow: await key('public', projects.slow, 'slow widget'),
    secretSlow: await key('secret', projects.slow, 'slow server', all),
  };
  return { t, owner, scenario, projects, keys, hang };
}

describe('SigSentry SDK against us, unchanged (multipart, streaming, result shape, feedback, follow-up, CORS)', () => {
  let e: Env & { hang: { server: Server; url: string } };
  const input = () => ({
    description: 'Checkout is failing for customers',
    timeStart: new Date(e.scenario.window.start),
    timeEnd: new Date(e.scenario.window.end),
  });
  const node = (key: string) => new SdkWireClient({ apiKey: key, baseUrl: `${e.t.url}/` });
  const browser = (key: string, origin = WIDGET) => new SdkWireClient({ apiKey: key, baseUrl: e.t.url }, { origin });
  const raw = (method: string, path: string, token: string, opts: { body?: unknown; headers?: Record<string, string> } = {}) =>
    api(e.t.url, method, path, { token, body: opts.body, headers: opts.headers });
  const count = async () => Number((await e.t.app.get(DataSource).query('SELECT count(*)::int AS n FROM analyses'))[0].n);
  async function settle(id: string, token = e.keys.secret): Promise<any> {
    const deadline = Date.now() + 45_000;
    for (;;) {
      const r = await raw('GET', `/v1/analyses/${id}`, token);
      if (TERMINAL.includes(r.json?.data?.status)) return r.json.data;
      if (Date.now() > deadline) throw new Error(`analysis ${id} still ${r.json?.data?.status}`);
      await new Promise((res) => setTimeout(res, 100));
    }
  }

  beforeAll(async () => {
    e = await setUp({ CORS_ORIGINS: `${WIDGET},http://other.test`, LOG_SOURCE_TIMEOUT_MS: '3000' });
  }, 60_000);
  afterAll(async () => {
    await e?.t.stop();
    e?.hang.server.closeAllConnections();
    await new Promise((r) => e?.hang.server.close(r));
  });

  describe('createAnalysis', () => {
    it('from Node (no callbacks, no Origin): multipart in, 202 JSON out with analysisId and the finished result', async () => {
      const r = await node(e.keys.pubA).createAnalysis({ ...input(), metadata: { ticketId: 'T-1', env: 'prod' } });
      expect(r.success).toBe(true);
      const d = r.data as any;
      expect(d.analysisId).toBe(d.id);
      expect(d.status).toBe('complete');
      expect(d.trigger).toBe('api');
      expect(d.metadata).toEqual({ ticketId: 'T-1', env: 'prod' });
      expect(d.result.rootCause.service).toBe(e.scenario.expected.origin);
      // The result's fields also sit on data itself, where the SDK's AnalysisResult type reads them.
      for (const f of ['summary', 'confidence', 'rootCause', 'affectedServices', 'timeline', 'suggestedActions', 'logsScanned', 'timeWindow'])
        expect(d[f]).toEqual(d.result[f]);
      expect(Array.isArray(d.logEvidence)).toBe(true);
      expect(Array.isArray(d.relatedIncidents)).toBe(true);
      expect(typeof d.processingTimeMs).toBe('number');
    });

    it('as a browser with callbacks (Origin): an event stream the SDK parses — received, processing, complete', async () => {
      const stages: string[] = [];
      let completed: { id: string; result: any } | null = null;
      const client = browser(e.keys.pubA);
      const r = await client.createAnalysis(input(), {
        onStatus: (s) => stages.push(s),
        onComplete: (id, result) => (completed = { id, result }),
        onError: (err) => stages.push(`error:${err.code}`),
      });
      expect(r.success).toBe(true);
      expect(stages).toEqual(['received', 'processing', 'complete']);
      const s = client.lastStream!;
      expect(s.status).toBe(202);
      expect(s.contentType).toMatch(/^text\/event-stream/);
      // Nothing was lost to the SDK's parser: every event written was parsed (each one arrived whole in one read).
      const written = s.reads.join('').match(/^event: /gm)?.length;
      expect(s.events.length).toBe(written);
      expect(s.reads.join('').endsWith('\n')).toBe(true);
      expect(completed!.id).toBe(r.data!.analysisId);
      const result = completed!.result;
      expect(result).toMatchObject({ id: completed!.id, analysisId: completed!.id, status: 'complete' });
      expect(result.rootCause.service).toBe(e.scenario.expected.origin);
      for (const f of ['summary', 'severity', 'confidence', 'affectedServices', 'timeline', 'suggestedActions', 'logsScanned', 'timeWindow', 'createdAt'])
        expect(result[f]).toBeDefined();
      expect(Array.isArray(result.logEvidence)).toBe(true);
      expect(Array.isArray(result.relatedIncidents)).toBe(true);
      // The caller's own input and the nested copy stay out of the event (GET has them).
      expect(result.result).toBeUndefined();
      expect(result.description).toBeUndefined();
    });

    it('streams a failed analysis as status failed then error {code, message, analysisId}', async () => {
      const stages: Array<[string, string | undefined]> = [];
      const client = browser(e.keys.pubEmpty);
      const r = await client.createAnalysis(input(), { onStatus: (s, d) => stages.push([s, d]) });
      expect(r.success).toBe(false);
      expect(r.error!.code).toBe('LOG_SOURCE_NOT_CONFIGURED');
      expect(r.error!.message).toMatch(/log source/i);
      expect(stages.map((s) => s[0])).toEqual(['received', 'processing', 'failed']);
      expect(stages[2][1]).toBe(r.error!.message);
      const id = r.error!.analysisId as string;
      expect((await node(e.keys.pubEmpty).getAnalysis(id)).data.status).toBe('failed');
    });

    it('streams a partial analysis as stage complete, with keep-alive comments while it waits, and the result status partial', async () => {
      const responder = e.t.app.get(AnalysisCreateResponder);
      responder.keepAliveMs = 400;
      try {
        const stages: Array<[string, string | undefined]> = [];
        const client = browser(e.keys.pubSlow);
        const r = await client.createAnalysis(input(), { onStatus: (s, d) => stages.push([s, d]) });
        expect(r.success).toBe(true);
        expect(stages.map((s) => s[0])).toEqual(['received', 'processing', 'complete']);
        expect(stages[2][1]).toMatch(/^Partial result: .*hanging-loki/);
        expect((r.data as any).result.status).toBe('partial');
        expect(client.lastStream!.reads.join('')).toMatch(/^: keep-alive$/m);
      } finally {
        responder.keepAliveMs = 15_000;
      }
    }, 30_000);

    it('a client that disconnects cancels nothing: the analysis runs to its end and the server lets go of the stream', async () => {
      const ac = new AbortController();
      const res = await fetch(`${e.t.url}/v1/analyses`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${e.keys.pubSlow}`, Origin: WIDGET },
        body: (() => {
          const f = new FormData();
          f.append('description', 'the customer closes the tab');
          f.append('timeStart', input().timeStart.toISOString());
          f.append('timeEnd', input().timeEnd.toISOString());
          return f;
        })(),
        signal: ac.signal,
      });
      const reader = res.body!.getReader();
      const first = new TextDecoder().decode((await reader.read()).value);
      const id = /"Analysis ([0-9a-f-]{36}) received"/.exec(first)![1];
      ac.abort();
      // Rating is for finished analyses only: 409 while it runs.
      const early = await node(e.keys.pubSlow).submitFeedback(id, { accuracy: 'correct' });
      expect(early.error?.code).toBe('CONFLICT');
      const done = await settle(id, e.keys.secretSlow);
      expect(done.status).toBe('partial');
      const streams = e.t.app.get(OpenStreams);
      const deadline = Date.now() + 5000;
      while (streams.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(streams.size).toBe(0);
      expect(e.t.app.get(AnalysisWatcher).watching).toBe(0);
    }, 30_000);

    it('validates multipart exactly like JSON: clear field errors, nothing created', async () => {
      const before = await count();
      const client = node(e.keys.pubA);
      const blank = await client.createAnalysis({ ...input(), description: '   ' });
      expect(blank.error?.code).toBe('VALIDATION_ERROR');
      expect(blank.error?.details?.fields).toEqual([{ field: 'description', message: 'description must not be blank' }]);
      const inverted = await client.createAnalysis({ ...input(), timeStart: input().timeEnd, timeEnd: input().timeStart });
      expect(inverted.error?.code).toBe('INVALID_TIME_RANGE');
      const send = (fields: Array<[string, string | Blob]>) => {
        const f = new FormData();
        for (const [k, v] of fields) f.append(k, v);
        return fetch(`${e.t.url}/v1/analyses`, { method: 'POST', headers: { Authorization: `Bearer ${e.keys.pubA}` }, body: f }).then(
          async (r) => ({ status: r.status, json: await r.json() }) as any,
        );
      };
      const base: Array<[string, string]> = [
        ['description', 'd'],
        ['timeStart', e.scenario.window.start],
        ['timeEnd', e.scenario.window.end],
      ];
      const cases: Array<[Array<[string, string | Blob]>, number, string, string]> = [
        [[...base, ['metadata', '{not json']], 400, 'VALIDATION_ERROR', 'metadata'],
        [[...base, ['metadata', JSON.stringify({ n: 1 })]], 400, 'VALIDATION_ERROR', 'metadata.n'],
        [[...base, ['extra', 'x']], 400, 'VALIDATION_ERROR', 'extra'],
        [[...base, ['screenshot', 'not a file']], 400, 'VALIDATION_ERROR', 'screenshot'],
        [[...base, ['attachment', png(PNG)]], 400, 'VALIDATION_ERROR', 'attachment'],
        [[...base, ['screenshot', png(PNG)], ['screenshot', png(PNG)]], 400, 'VALIDATION_ERROR', 'screenshot'],
        [[...base, ['screenshot', png(PDF, 'image/png', 'fake.png')]], 400, 'VALIDATION_ERROR', 'screenshot'],
        [[...base, ['screenshot', png(Buffer.alloc(0))]], 400, 'VALIDATION_ERROR', 'screenshot'],
        [[...base, ['screenshot', png(Buffer.concat([PNG, Buffer.alloc(MB10 + 1 - PNG.length)]))]], 413, 'FILE_TOO_LARGE', 'screenshot'],
        // Text fields: the same rules as JSON (≤ 5,000 characters), and the parser's own bounds (256 KiB a field, 20 fields).
        [[['description', 'x'.repeat(5001)], ...base.slice(1)], 400, 'VALIDATION_ERROR', 'description'],
        [[['description', 'x'.repeat(300 * 1024)], ...base.slice(1)], 400, 'VALIDATION_ERROR', 'description'],
        [[...base, ...Array.from({ length: 20 }, (_, i): [string, string] => [`f${i}`, 'x'])], 400, 'VALIDATION_ERROR', 'body'],
        [
          [
            ['description', 'd'],
            ['timeStart', 'yesterday'],
            ['timeEnd', e.scenario.window.end],
          ],
          400,
          'VALIDATION_ERROR',
          'timeStart',
        ],
      ];
      for (const [fields, status, code, field] of cases) {
        const r = await send(fields);
        expect({ field, status: r.status, code: r.json.error?.code }).toEqual({ field, status, code });
        expect(r.json.error.details.fields.map((f: any) => f.field)).toContain(field);
      }
      const pdf = await send([...base, ['screenshot', png(PDF, 'image/png', 'fake.png')]]);
      expect(pdf.json.error.message).toMatch(/PNG, JPEG or WebP.*application\/pdf/);
      // A body that is not multipart at all despite its header.
      const broken = await fetch(`${e.t.url}/v1/analyses`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${e.keys.pubA}`, 'Content-Type': 'multipart/form-data; boundary=xyz' },
        body: '--xyz\r\nContent-Disposition: form-data; name="description"\r\n\r\nunterminated',
      });
      expect(broken.status).toBe(400);
      expect((await json(broken)).error.code).toBe('VALIDATION_ERROR');
      expect(await count()).toBe(before);
    });

    it('sends errors found before the stream starts as an error event to a streaming caller (with the CORS grant)', async () => {
      const errors: string[] = [];
      const bad = browser('ss_pub_not_a_real_key');
      const r = await bad.createAnalysis(input(), { onError: (x) => errors.push(x.code) });
      expect(r.error?.code).toBe('UNAUTHORIZED');
      expect(errors).toEqual(['UNAUTHORIZED']);
      expect(bad.lastStream!.status).toBe(401);
      const tooBig = browser(e.keys.pubA);
      const big = await tooBig.createAnalysis({ ...input(), screenshot: png(Buffer.concat([PNG, Buffer.alloc(MB10)])) }, { onError: () => undefined });
      expect(big.error?.code).toBe('FILE_TOO_LARGE');
      expect(tooBig.lastStream!.status).toBe(413);
      const invalid = await browser(e.keys.pubA).createAnalysis({ ...input(), description: '' }, {});
      expect(invalid.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { fields: [expect.objectContaining({ field: 'description' })] } });
      const legacy = await node('ss_live_0123456789abcdef').createAnalysis(input());
      expect(legacy.error?.code).toBe('KEY_FORMAT_DEPRECATED');
      expect(legacy.error?.message).toMatch(/ss_pub_/);
      // The raw answer of the streaming error carries the CORS grant, so a browser can read it.
      const res = await fetch(`${e.t.url}/v1/analyses`, {
        method: 'POST',
        headers: { Authorization: 'Bearer ss_pub_nope', Origin: WIDGET },
        body: new FormData(),
      });
      expect(res.headers.get('access-control-allow-origin')).toBe(WIDGET);
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(await res.text()).toBe('event: error\ndata: {"code":"UNAUTHORIZED","message":"Invalid API key"}\n\n');
    });

    it('the one case the rule cannot serve: a browser caller without callbacks gets a stream it cannot read as JSON', async () => {
      await expect(browser(e.keys.pubA).createAnalysis(input())).rejects.toThrow(/is not valid JSON/);
      // The same request with Accept: application/json (what docs/sdk.md tells such callers to send) answers JSON.
      const f = new FormData();
      f.append('description', 'browser without callbacks');
      f.append('timeStart', e.scenario.window.start);
      f.append('timeEnd', e.scenario.window.end);
      const r = await fetch(`${e.t.url}/v1/analyses`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${e.keys.pubA}`, Origin: WIDGET, Accept: 'application/json' },
        body: f,
      });
      expect(r.status).toBe(202);
      expect((await json(r)).data.analysisId).toEqual(expect.any(String));
    });

    it('the SDK refuses secret and org keys itself (they are for servers)', () => {
      expect(() => new SdkWireClient({ apiKey: e.keys.secret })).toThrow(/public key/);
      expect(() => new SdkWireClient({ apiKey: 'ss_org_x' })).toThrow(/public key/);
    });
  });

  describe('screenshots', () => {
    it('stores PNG, JPEG and WebP (by their bytes) encrypted, serves them with nosniff, and deletes them with the analysis', async () => {
      const client = node(e.keys.pubA);
      const made: Array<{ id: string; bytes: Buffer; type: string }> = [];
      for (const [bytes, type, declared] of [
        [PNG, 'image/png', 'application/octet-stream'],
        [JPEG, 'image/jpeg', 'image/png'],
        [WEBP, 'image/webp', ''],
      ] as const) {
        const r = await client.createAnalysis({ ...input(), screenshot: png(bytes, declared, 'upload.bin') });
        expect(r.success).toBe(true);
        const d = r.data as any;
        expect(d.screenshot).toEqual({ mimeType: type, sizeBytes: bytes.length, url: `/v1/analyses/${d.id}/screenshot` });
        made.push({ id: d.id, bytes, type });
      }
      for (const m of made) {
        const res = await fetch(`${e.t.url}/v1/analyses/${m.id}/screenshot`, { headers: { Authorization: `Bearer ${e.keys.pubA}` } });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe(m.type);
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        expect(Buffer.from(await res.arrayBuffer()).equals(m.bytes)).toBe(true);
        // Another publishable key of the same project cannot read it; the owner can.
        const other = await fetch(`${e.t.url}/v1/analyses/${m.id}/screenshot`, { headers: { Authorization: `Bearer ${e.keys.pubB}` } });
        expect([other.status, (await json(other)).error.code]).toEqual([404, 'ANALYSIS_NOT_FOUND']);
        const owner = await fetch(`${e.t.url}/v1/analyses/${m.id}/screenshot`, {
          headers: { Authorization: `Bearer ${e.owner}`, 'X-Project-Id': e.projects.main },
        });
        expect(owner.status).toBe(200);
      }
      // Encrypted at rest: the stored bytes are not the image.
      const ds = e.t.app.get(DataSource);
      const stored = await ds.query('SELECT "imageSealed" AS sealed FROM analysis_screenshots WHERE "analysisId" = $1', [made[0].id]);
      expect(Buffer.isBuffer(stored[0].sealed)).toBe(true);
      expect(stored[0].sealed.includes(PNG.subarray(0, 8))).toBe(false);
      expect(stored[0].sealed.length).toBeGreaterThan(PNG.length);
      // keys:rotate re-seals them (the binary form) and they still open; then back to the app's key.
      const next = Buffer.alloc(32, 0x5a);
      const appKey = Buffer.from(TEST_ENCRYPTION_KEY, 'hex');
      const storedCount = Number((await ds.query('SELECT count(*)::int AS n FROM analysis_screenshots'))[0].n);
      expect(storedCount).toBeGreaterThanOrEqual(3);
      const there = await rotateSealedSecrets(ds, { current: next, previous: appKey });
      expect(there.columns.find((c) => c.table === 'analysis_screenshots')).toMatchObject({ column: 'imageSealed', rotated: storedCount, alreadyCurrent: 0 });
      const rotated = (await ds.query('SELECT "imageSealed" AS sealed FROM analysis_screenshots WHERE "analysisId" = $1', [made[0].id]))[0].sealed;
      expect(new SecretBox(next).openBytes(rotated).equals(PNG)).toBe(true);
      expect(() => new SecretBox(appKey).openBytes(rotated)).toThrow();
      await rotateSealedSecrets(ds, { current: appKey, previous: next });
      const back = await fetch(`${e.t.url}/v1/analyses/${made[0].id}/screenshot`, { headers: { Authorization: `Bearer ${e.keys.pubA}` } });
      expect(Buffer.from(await back.arrayBuffer()).equals(PNG)).toBe(true);
      // None on an analysis without one.
      const plain = await client.createAnalysis(input());
      const none = await fetch(`${e.t.url}/v1/analyses/${(plain.data as any).id}/screenshot`, { headers: { Authorization: `Bearer ${e.keys.pubA}` } });
      expect([none.status, (await json(none)).error.code]).toEqual([404, 'NOT_FOUND']);
      // Deleted with its analysis (here: with its project).
      const p = await api(e.t.url, 'POST', '/v1/config/projects', { token: e.owner, body: { name: 'doomed', slug: 'doomed' } });
      const shot = await raw('POST', '/v1/analyses', e.owner, {
        headers: { 'x-project-id': p.json.data.id },
        body: {
          ...{ description: 'with a screenshot', timeStart: e.scenario.window.start, timeEnd: e.scenario.window.end },
          screenshot: `data:image/png;base64,${PNG.toString('base64')}`,
        },
      });
      expect(shot.status).toBe(202);
      expect(shot.json.data.screenshot.mimeType).toBe('image/png');
      expect((await ds.query('SELECT count(*)::int AS n FROM analysis_screenshots WHERE "analysisId" = $1', [shot.json.data.id]))[0].n).toBe(1);
      const del = await api(e.t.url, 'DELETE', `/v1/config/projects/${p.json.data.id}`, { token: e.owner, body: { confirm: 'doomed' } });
      expect(del.status).toBe(200);
      expect((await ds.query('SELECT count(*)::int AS n FROM analysis_screenshots WHERE "analysisId" = $1', [shot.json.data.id]))[0].n).toBe(0);
    });

    it('the dashboard sends a screenshot as a base64 data URL in JSON (cookie writes stay JSON-only: multipart with the cookie is refused)', async () => {
      const cookie = `ss_session=${e.owner}`;
      const f = new FormData();
      f.append('description', 'cookie multipart');
      f.append('timeStart', e.scenario.window.start);
      f.append('timeEnd', e.scenario.window.end);
      f.append('screenshot', png(PNG));
      const refused = await fetch(`${e.t.url}/v1/analyses`, { method: 'POST', headers: { Cookie: cookie, 'X-Project-Id': e.projects.main }, body: f });
      expect(refused.status).toBe(403);
      const ok = await fetch(`${e.t.url}/v1/analyses`, {
        method: 'POST',
        headers: { Cookie: cookie, 'X-Project-Id': e.projects.main, 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({
          description: 'from the dashboard',
          timeStart: e.scenario.window.start,
          timeEnd: e.scenario.window.end,
          screenshot: `data:image/webp;base64,${WEBP.toString('base64')}`,
        }),
      });
      expect(ok.status).toBe(202);
      const made = await json(ok);
      expect(made.data.screenshot.mimeType).toBe('image/webp');
      // Let its analysis finish first: the bad bodies below are large, and the in-process engine competes for the CPU.
      await settle(made.data.id);
      for (const [screenshot, status, code] of [
        ['data:image/png;base64,%%%', 400, 'VALIDATION_ERROR'],
        [`data:image/png;base64,${PDF.toString('base64')}`, 400, 'VALIDATION_ERROR'],
        [Buffer.alloc(MB10 + 3).toString('base64'), 413, 'FILE_TOO_LARGE'],
        ['', 400, 'VALIDATION_ERROR'],
        ['data:image/png;base64,', 400, 'VALIDATION_ERROR'],
        [5, 400, 'VALIDATION_ERROR'],
      ] as const) {
        const logged = e.t.logs.length;
        const r = await raw('POST', '/v1/analyses', e.owner, {
          headers: { 'x-project-id': e.projects.main },
          body: { description: 'bad screenshot', timeStart: e.scenario.window.start, timeEnd: e.scenario.window.end, screenshot },
        });
        // Bad input is the caller's error: nothing is logged at error level (and a failure here shows what was).
        const errors = e.t.logs.slice(logged).filter((l) => /"level":(50|60)/.test(l));
        expect({ status: r.status, code: r.json?.error?.code, field: r.json?.error?.details?.fields?.[0]?.field, errors }).toEqual({
          status,
          code,
          field: 'screenshot',
          errors: [],
        });
      }
    });
  });

  describe('getAnalysis, listAnalyses and publishable-key isolation', () => {
    let first: string;
    let second: string;
    beforeAll(async () => {
      first = ((await node(e.keys.pubA).createAnalysis(input())).data as any).id;
      second = ((await node(e.keys.pubA).createAnalysis({ ...input(), description: 'Checkout failing again' })).data as any).id;
    });

    it('getAnalysis: the record with the result both under result and on data, relatedIncidents naming the earlier analysis', async () => {
      const r = await node(e.keys.pubA).getAnalysis(second);
      expect(r.success).toBe(true);
      const d = r.data;
      expect(d.id).toBe(second);
      expect(d.summary).toBe(d.result.summary);
      expect(d.rootCause).toEqual(d.result.rootCause);
      expect(d.relatedIncidents).toContain(first);
      expect(d.relatedIncidents).not.toContain(second);
      // The earlier one does not name the later one.
      expect((await node(e.keys.pubA).getAnalysis(first)).data.relatedIncidents).not.toContain(second);
    });

    it('surfaces the stored logEvidence in the SDK shape, most relevant first, capped at 50', async () => {
      // Lines in the engine's logEvidence shape, made from the analysis's own top signature.
      const ds = e.t.app.get(DataSource);
      const top = (await node(e.keys.pubA).getAnalysis(first)).data.result.signatures[0];
      const lines = Array.from({ length: 60 }, (_, i) => {
        const message = top.template.replace(/<\*>/g, String(1000 + i));
        return {
          timestamp: e.scenario.window.start,
          service: top.service,
          level: 'error',
          message,
          raw: JSON.stringify({ msg: message }),
          relevanceScore: (i % 10) / 10,
        };
      });
      await ds.query(`UPDATE analyses SET result = jsonb_set(result, '{logEvidence}', $2::jsonb) WHERE id = $1`, [first, JSON.stringify(lines)]);
      const d = (await node(e.keys.pubA).getAnalysis(first)).data;
      expect(d.logEvidence).toHaveLength(50);
      expect(Object.keys(d.logEvidence[0]).sort()).toEqual(['level', 'message', 'raw', 'relevanceScore', 'service', 'timestamp']);
      const scores = d.logEvidence.map((x: any) => x.relevanceScore);
      expect(scores).toEqual([...scores].sort((a: number, b: number) => b - a));
    });

    it('a publishable key lists, reads and rates only what it created; everything else is 404 ANALYSIS_NOT_FOUND', async () => {
      const mine = await node(e.keys.pubB).createAnalysis({ ...input(), description: 'from widget B' });
      const bId = (mine.data as any).id;
      const listA = await node(e.keys.pubA).listAnalyses({ limit: 100 });
      const idsA = listA.data.items.map((i: any) => i.id);
      expect(idsA).toEqual(expect.arrayContaining([first, second]));
      expect(idsA).not.toContain(bId);
      const listB = await node(e.keys.pubB).listAnalyses({ limit: 100, status: 'complete' });
      expect(listB.data.items.map((i: any) => i.id)).toEqual([bId]);
      for (const r of [
        await node(e.keys.pubB).getAnalysis(first),
        await node(e.keys.pubB).submitFeedback(first, { accuracy: 'incorrect' }),
        await node(e.keys.pubA).getAnalysis('00000000-0000-4000-8000-000000000000'),
        await node(e.keys.pubA).getAnalysis('not-a-uuid'),
        await node(e.keys.pubEmpty).getAnalysis(first),
      ])
        expect(r.error?.code).toBe('ANALYSIS_NOT_FOUND');
      // relatedIncidents never names another key's analysis to a publishable key.
      expect((await node(e.keys.pubB).getAnalysis(bId)).data.relatedIncidents).toEqual([]);
      // The secret key of the project sees them all.
      const all = await raw('GET', '/v1/analyses?limit=100', e.keys.secret);
      expect(all.json.data.items.map((i: any) => i.id)).toEqual(expect.arrayContaining([first, second, bId]));
      expect((await raw('GET', `/v1/analyses/${bId}`, e.keys.secret)).json.data.relatedIncidents).toEqual(expect.arrayContaining([first, second]));
    });

    it('submitFeedback: recorded, re-rating replaces it, one per key or user, shown on the record to who may see it', async () => {
      const a = await node(e.keys.pubA).submitFeedback(first, { accuracy: 'partially_correct', comment: 'close, but the pool was fine' });
      expect(a.success).toBe(true);
      expect(a.data).toEqual({
        id: expect.any(String),
        analysisId: first,
        accuracy: 'partially_correct',
        comment: 'close, but the pool was fine',
        recordedAt: expect.any(String),
      });
      const again = await node(e.keys.pubA).submitFeedback(first, { accuracy: 'correct' });
      expect(again.data).toMatchObject({ id: a.data.id, accuracy: 'correct', comment: null });
      const byOwner = await raw('POST', `/v1/analyses/${first}/feedback`, e.owner, {
        headers: { 'x-project-id': e.projects.main },
        body: { accuracy: 'incorrect' },
      });
      expect(byOwner.status).toBe(201);
      expect(byOwner.json.data.id).not.toBe(a.data.id);
      const ownerView = (await raw('GET', `/v1/analyses/${first}`, e.owner, { headers: { 'x-project-id': e.projects.main } })).json.data;
      expect(ownerView.feedback.map((f: any) => [f.accuracy, f.by.kind, f.by.name]).sort()).toEqual([
        ['correct', 'key', 'widget A'],
        ['incorrect', 'user', 'Owner'],
      ]);
      const widgetView = (await node(e.keys.pubA).getAnalysis(first)).data;
      expect(widgetView.feedback.map((f: any) => f.accuracy)).toEqual(['correct']);
      expect((await e.t.app.get(DataSource).query('SELECT count(*)::int AS n FROM analysis_feedback WHERE "analysisId" = $1', [first]))[0].n).toBe(2);
      for (const bad of [{ accuracy: 'great' }, { accuracy: 'correct', comment: 'x'.repeat(5001) }, { accuracy: 'correct', extra: 1 }, {}]) {
        const r = await node(e.keys.pubA).submitFeedback(first, bad as any);
        expect(r.error?.code).toBe('VALIDATION_ERROR');
      }
    });

    it('askFollowUp with the SDK (a publishable key) is a 404, as are similar and postmortem; secret keys get them', async () => {
      expect((await node(e.keys.pubA).askFollowUp(first, 'why?')).error?.code).toBe('ANALYSIS_NOT_FOUND');
      expect((await raw('GET', `/v1/analyses/${first}/similar`, e.keys.pubA)).json.error.code).toBe('ANALYSIS_NOT_FOUND');
      expect((await raw('POST', `/v1/analyses/${first}/postmortem`, e.keys.pubA)).json.error.code).toBe('ANALYSIS_NOT_FOUND');

      const similar = await raw('GET', `/v1/analyses/${second}/similar`, e.keys.secret);
      expect(similar.status).toBe(200);
      const hit = similar.json.data.find((s: any) => s.id === first);
      expect(hit).toMatchObject({ severity: expect.any(String), summary: expect.any(String), feedbackAccuracy: expect.stringMatching(/correct/) });
      expect(hit.similarity).toBeGreaterThan(0.5);
      expect(hit.similarity).toBeLessThanOrEqual(1);
      const sims = similar.json.data.map((s: any) => s.similarity);
      expect(sims).toEqual([...sims].sort((a: number, b: number) => b - a));

      const pm = await raw('POST', `/v1/analyses/${second}/postmortem`, e.keys.secret);
      expect(pm.status).toBe(200);
      const md: string = pm.json.data.markdown;
      for (const h of ['# Postmortem:', '## Summary', '## Impact', '## Timeline', '## Root cause', '## Resolution', '## Detection']) expect(md).toContain(h);
      expect(md).toContain(e.scenario.expected.origin);
      expect(md).toMatch(/^1\. \*\*/m);
      expect(md).toContain('API: started by an integration');
    });

    it('follow-up answers from the analysis evidence only, or says plainly it found nothing', async () => {
      const rec = (await raw('GET', `/v1/analyses/${first}`, e.keys.secret)).json.data;
      const top = rec.result.signatures[0];
      const word = top.template
        .split(/[^A-Za-z]+/)
        .filter((w: string) => w.length >= 5)
        .sort((a: string, b: string) => b.length - a.length)[0];
      const ask = (question: string) => raw('POST', `/v1/analyses/${first}/followup`, e.keys.secret, { body: { question } });
      const yes = await ask(`What do the ${word} errors in ${top.service} look like?`);
      expect(yes.status).toBe(201);
      expect(yes.json.data).toMatchObject({ analysisId: first, found: true, question: expect.stringContaining(word) });
      expect(yes.json.data.answer).toContain(top.service);
      expect(yes.json.data.answer.toLowerCase()).toContain(word.toLowerCase());
      expect(yes.json.data.additionalEvidence.length).toBeGreaterThan(0);
      const why = await ask('why did it fail?');
      expect(why.json.data.found).toBe(true);
      expect(why.json.data.answer).toContain(rec.rootCause.description);
      const fix = await ask('how do we fix it?');
      expect(fix.json.data.answer).toContain(rec.suggestedActions[0].action);
      const no = await ask('Is the kafka consumer lagging on the billing cluster?');
      expect(no.json.data.found).toBe(false);
      expect(no.json.data.answer).toMatch(/^I found nothing in this analysis's evidence about "kafka consumer lagging billing cluster"/);
      expect(no.json.data.additionalEvidence).toEqual([]);
      // The thread is kept on the record (not for publishable keys).
      const view = (await raw('GET', `/v1/analyses/${first}`, e.keys.secret)).json.data;
      expect(view.followUps.map((f: any) => f.found)).toEqual([true, true, true, false]);
      expect((await node(e.keys.pubA).getAnalysis(first)).data.followUps).toEqual([]);
      for (const q of ['', '   ', 'x'.repeat(2001)]) expect((await ask(q)).json.error.code).toBe('VALIDATION_ERROR');
      // An unknown analysis is ANALYSIS_NOT_FOUND on every route under /v1/analyses/:id, for any caller.
      const unknown = '00000000-0000-4000-8000-000000000000';
      for (const [method, path, body] of [
        ['POST', `/v1/analyses/${unknown}/followup`, { question: 'why?' }],
        ['POST', `/v1/analyses/${unknown}/feedback`, { accuracy: 'correct' }],
        ['GET', `/v1/analyses/${unknown}/similar`, undefined],
        ['POST', `/v1/analyses/${unknown}/postmortem`, undefined],
        ['GET', `/v1/analyses/${unknown}/screenshot`, undefined],
        ['GET', '/v1/analyses/not-a-uuid/similar', undefined],
      ] as const) {
        const r = await raw(method, path, e.keys.secret, { body });
        expect({ path, status: r.status, code: r.json?.error?.code }).toEqual({ path, status: 404, code: 'ANALYSIS_NOT_FOUND' });
      }
    });

    it('postmortem of an analysis without a result is a 404 that says so', async () => {
      const failed = await raw('POST', '/v1/analyses', e.owner, {
        headers: { 'x-project-id': e.projects.empty },
        body: { description: 'nothing to read', timeStart: e.scenario.window.start, timeEnd: e.scenario.window.end },
      });
      expect(failed.json.data.status).toBe('failed');
      const pm = await raw('POST', `/v1/analyses/${failed.json.data.id}/postmortem`, e.owner, { headers: { 'x-project-id': e.projects.empty } });
      expect([pm.status, pm.json.error.code]).toEqual([404, 'NOT_FOUND']);
      expect(pm.json.error.message).toMatch(/no result yet/);
      const fu = await raw('POST', `/v1/analyses/${failed.json.data.id}/followup`, e.owner, {
        headers: { 'x-project-id': e.projects.empty },
        body: { question: 'why?' },
      });
      expect(fu.json.data).toMatchObject({ found: false, answer: expect.stringMatching(/^This analysis failed \(LOG_SOURCE_NOT_CONFIGURED/) });
    });
  });

  describe('idempotent replays', () => {
    it('a replay answers JSON with the current state of the analysis, even when the first request streamed', async () => {
      const form = (description: string, file?: Blob) => {
        const f = new FormData();
        f.append('description', description);
        f.append('timeStart', e.scenario.window.start);
        f.append('timeEnd', e.scenario.window.end);
        if (file) f.append('screenshot', file);
        return f;
      };
      const headers = { Authorization: `Bearer ${e.keys.pubSlow}`, 'Idempotency-Key': 'replay-1' };
      const first = await fetch(`${e.t.url}/v1/analyses`, { method: 'POST', headers: { ...headers, Origin: WIDGET }, body: form('replayed', png(PNG)) });
      const reader = first.body!.getReader();
      const head = new TextDecoder().decode((await reader.read()).value);
      const id = /"Analysis ([0-9a-f-]{36}) received"/.exec(head)![1];
      const again = await fetch(`${e.t.url}/v1/analyses`, { method: 'POST', headers: { ...headers, Origin: WIDGET }, body: form('replayed', png(PNG)) });
      expect(again.status).toBe(202);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.headers.get('content-type')).toMatch(/^application\/json/);
      const now = (await json(again)).data;
      expect(now).toMatchObject({ id, analysisId: id });
      expect(['pending', 'processing']).toContain(now.status);
      const conflict = await fetch(`${e.t.url}/v1/analyses`, { method: 'POST', headers, body: form('replayed', png(JPEG, 'image/jpeg')) });
      expect([conflict.status, (await json(conflict)).error.code]).toEqual([409, 'IDEMPOTENCY_KEY_CONFLICT']);
      // Let the stream finish, then replay again: the current state is now terminal.
      while (!(await reader.read()).done);
      const later = await fetch(`${e.t.url}/v1/analyses`, { method: 'POST', headers, body: form('replayed', png(PNG)) });
      expect((await json(later)).data).toMatchObject({ id, status: 'partial' });
      expect(Number((await e.t.app.get(DataSource).query(`SELECT count(*)::int AS n FROM analyses WHERE description = 'replayed'`))[0].n)).toBe(1);
    }, 30_000);
  });

  describe('CORS on /v1 (CORS_ORIGINS set to two origins)', () => {
    const preflight = (path: string, origin: string) =>
      fetch(`${e.t.url}${path}`, {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type,idempotency-key' },
      });

    it('answers preflights from allowed origins with 204, explicit headers and a max age, without authentication', async () => {
      for (const path of ['/v1/analyses', `/v1/analyses/00000000-0000-4000-8000-000000000000/feedback`, '/v1/config/projects']) {
        const r = await preflight(path, WIDGET);
        expect(r.status).toBe(204);
        expect(r.headers.get('access-control-allow-origin')).toBe(WIDGET);
        expect(r.headers.get('vary')).toMatch(/Origin/);
        const allowed = r.headers.get('access-control-allow-headers')!.split(', ');
        expect(allowed).toEqual(expect.arrayContaining(['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Project-Id']));
        expect(allowed).not.toContain('*');
        expect(r.headers.get('access-control-allow-methods')!.split(', ')).toEqual(expect.arrayContaining(['GET', 'POST', 'PUT', 'DELETE']));
        expect(Number(r.headers.get('access-control-max-age'))).toBeGreaterThan(0);
        expect(r.headers.get('access-control-allow-credentials')).toBeNull();
      }
      const evil = await preflight('/v1/analyses', 'http://evil.test');
      expect(evil.status).toBe(403);
      expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('grants actual answers (errors included) only to API-key requests from allowed origins, never with credentials', async () => {
      const get = (headers: Record<string, string>) => fetch(`${e.t.url}/v1/analyses?limit=1`, { headers });
      const ok = await get({ Authorization: `Bearer ${e.keys.pubA}`, Origin: 'http://other.test' });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('access-control-allow-origin')).toBe('http://other.test');
      const exposed = ok.headers.get('access-control-expose-headers')!.split(', ');
      expect(exposed).toEqual(expect.arrayContaining(['X-Request-Id', 'Retry-After', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset']));
      const unauthorized = await get({ Authorization: 'Bearer ss_secret_wrong', Origin: WIDGET });
      expect(unauthorized.status).toBe(401);
      expect(unauthorized.headers.get('access-control-allow-origin')).toBe(WIDGET);
      for (const [label, headers] of [
        ['session token as bearer', { Authorization: `Bearer ${e.owner}`, Origin: WIDGET, 'X-Project-Id': e.projects.main }],
        ['session cookie', { Cookie: `ss_session=${e.owner}`, Origin: WIDGET, 'X-Project-Id': e.projects.main }],
        ['key from a disallowed origin', { Authorization: `Bearer ${e.keys.pubA}`, Origin: 'http://evil.test' }],
        ['no origin', { Authorization: `Bearer ${e.keys.pubA}` }],
      ] as const) {
        const r = await get(headers as Record<string, string>);
        expect({ label, grant: r.headers.get('access-control-allow-origin'), credentials: r.headers.get('access-control-allow-credentials') }).toEqual({
          label,
          grant: null,
          credentials: null,
        });
      }
    });
  });
});

describe('SDK compatibility: defaults (CORS *), the synchronous wait running out, rate limits, and shutdown', () => {
  let e: Env & { hang: { server: Server; url: string } };
  let stopped = false;
  const input = () => ({ description: 'Payments failing', timeStart: new Date(e.scenario.window.start), timeEnd: new Date(e.scenario.window.end) });

  beforeAll(async () => {
    e = await setUp({ ANALYSIS_SYNC_WAIT_MS: '300', RATE_LIMIT_ANALYSIS: '2', LOG_SOURCE_TIMEOUT_MS: '20000' });
  }, 60_000);
  afterAll(async () => {
    if (!stopped) await e?.t.stop();
    e?.hang.server.closeAllConnections();
    await new Promise((r) => e?.hang.server.close(r));
  });

  it('answers 202 processing with analysisId when the analysis outlasts ANALYSIS_SYNC_WAIT_MS', async () => {
    const r = await new SdkWireClient({ apiKey: e.keys.pubSlow, baseUrl: e.t.url }).createAnalysis(input());
    expect(r.success).toBe(true);
    expect(r.data).toMatchObject({ analysisId: (r.data as any).id, status: expect.stringMatching(/^(pending|processing)$/) });
  });

  it('with the default CORS_ORIGINS (*): preflights from anywhere, the grant is *', async () => {
    const pre = await fetch(`${e.t.url}/v1/analyses`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://shop.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    const r = await fetch(`${e.t.url}/v1/analyses`, { headers: { Authorization: `Bearer ${e.keys.pubA}`, Origin: 'https://shop.example' } });
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('RATE_LIMITED reaches the SDK: as JSON from Node, as an error event (with Retry-After exposed) in a browser', async () => {
    const client = new SdkWireClient({ apiKey: e.keys.pubEmpty, baseUrl: e.t.url });
    // Two per minute: within five tries one is refused, even if a minute boundary passes meanwhile.
    let limited: any = null;
    for (let i = 0; i < 5 && !limited; i++) {
      const r = await client.createAnalysis(input());
      if (!r.success) limited = r;
    }
    expect(limited.error.code).toBe('RATE_LIMITED');
    const browserClient = new SdkWireClient({ apiKey: e.keys.pubEmpty, baseUrl: e.t.url }, { origin: 'https://shop.example' });
    let streamed: any = null;
    for (let i = 0; i < 5 && !streamed; i++) {
      const r = await browserClient.createAnalysis(input(), { onError: () => undefined });
      if (r.error?.code === 'RATE_LIMITED') streamed = r;
    }
    expect(streamed.error.code).toBe('RATE_LIMITED');
    expect(browserClient.lastStream!.status).toBe(429);
    let raw: Response | null = null;
    for (let i = 0; i < 5 && raw?.status !== 429; i++)
      raw = await fetch(`${e.t.url}/v1/analyses`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${e.keys.pubEmpty}`, Origin: 'https://x.example' },
        body: new FormData(),
      });
    expect(raw!.status).toBe(429);
    expect(raw!.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(raw!.headers.get('access-control-expose-headers')).toMatch(/Retry-After/);
    expect(raw!.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('on shutdown, open streams end with an error event telling the caller to poll GET /v1/analyses/:id', async () => {
    const client = new SdkWireClient({ apiKey: e.keys.pubSlow, baseUrl: e.t.url }, { origin: 'https://shop.example' });
    const stages: string[] = [];
    let stopping: Promise<void> | null = null;
    const result = client.createAnalysis(input(), {
      onStatus: (s) => {
        stages.push(s);
        if (s === 'received' && !stopping) stopping = e.t.stop();
      },
    });
    const r = await result;
    stopped = true;
    await stopping;
    expect(stages[0]).toBe('received');
    expect(r.error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', analysisId: expect.any(String) });
    expect(r.error!.message).toContain(`poll GET /v1/analyses/${r.error!.analysisId}`);
  }, 30_000);
});
