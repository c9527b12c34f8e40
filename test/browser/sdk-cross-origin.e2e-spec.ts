/*
 * The SigSentry SDK in a real browser, from another origin (issue #15): a customer's page (served by a local server on
 * another port) uses a publishable key to create an analysis with callbacks — Chromium sends Origin, so it streams —
 * and reads it back; a cross-origin request carrying the dashboard's session cookie is refused by the browser (no CORS
 * grant for sessions, never Allow-Credentials) and creates nothing.
 * Real: Chromium (Debian's, playwright-core), our app (api + worker) on embedded PostgreSQL, the file connector over a
 * generated incident, the engine. The page's client is written here to send exactly what the stock SDK sends.
 * No Chromium → skipped with a printed reason, or FAILS when REQUIRE_BROWSER=1 (CI).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { generateScenario } from '@app/analysis/testing';
import ts from 'typescript';
import { api, login, OWNER, startTestApp, TestApp } from '../helpers/app';
import { listen, ndjson } from '../helpers/incident-logs';
import { CHROMIUM_ARGS, describeWithChromium } from './chromium';

/**
 * The customer's page loads the same SDK-faithful client the Node tests use (test/helpers/sdk-client.ts, compiled for
 * the browser when the test starts); Chromium adds the Origin header itself.
 */
const WIDGET_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>shop</title></head><body>
<pre id="out">loading</pre>
<script type="module">
import { SdkWireClient } from '/sdk-client.js';
const q = new URLSearchParams(location.search);
const client = new SdkWireClient({ apiKey: q.get('key'), baseUrl: q.get('api') });
const base = q.get('api');
window.run = async (start, end) => {
  const stages = [];
  const png = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=='), (c) => c.charCodeAt(0));
  const created = await client.createAnalysis(
    { description: 'Checkout fails from the shop page', timeStart: new Date(start), timeEnd: new Date(end), metadata: { page: location.pathname },
      screenshot: new File([png], 'shot.png', { type: 'image/png' }) },
    { onStatus: (s) => stages.push(s) },
  );
  const read = created.success ? await client.getAnalysis(created.data.analysisId) : null;
  document.getElementById('out').textContent = 'done';
  return { stages, created, read };
};
window.withCookie = async (projectId) => {
  const out = {};
  for (const [name, init] of [
    ['get', { credentials: 'include', headers: { 'X-Project-Id': projectId } }],
    ['simpleGet', { credentials: 'include' }],
    ['post', { method: 'POST', credentials: 'include', headers: { 'Content-Type': 'application/json', 'X-Project-Id': projectId },
      body: JSON.stringify({ description: 'cross-site with a cookie', timeStart: new Date(Date.now() - 3600e3).toISOString(), timeEnd: new Date().toISOString() }) }],
  ]) {
    try {
      const r = await fetch(base + (name === 'simpleGet' ? '/v1/auth/me' : '/v1/analyses'), init);
      out[name] = 'read ' + r.status;
    } catch (e) {
      out[name] = 'refused: ' + e.name;
    }
  }
  return out;
};
document.getElementById('out').textContent = 'ready';
</script></body></html>`;

describeWithChromium('SDK in a browser, from another origin', 'sdk-cross-origin', (chromiumPath) => {
  let t: TestApp;
  let pageServer: Server;
  let pageOrigin: string;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  let pubKey: string;
  let projectId: string;
  const window = { start: '', end: '' };
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    const clientJs = ts.transpileModule(readFileSync(join(__dirname, '..', 'helpers', 'sdk-client.ts'), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    const served = await listen((req, res) => {
      if (req.url?.startsWith('/shop')) res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(WIDGET_PAGE);
      else if (req.url === '/sdk-client.js') res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(clientJs);
      else res.writeHead(404).end();
    });
    pageServer = served.server;
    pageOrigin = served.url;

    const scenario = generateScenario('db_pool_exhaustion', 3, { backgroundLines: 600 });
    window.start = scenario.window.start;
    window.end = scenario.window.end;
    const logDir = mkdtempSync(join(tmpdir(), 'ss-sdk-browser-logs-'));
    // Only the shop's origin may call with a key; the app itself is another origin (another port).
    t = await startTestApp({ LOG_FILES_DIR: logDir, CORS_ORIGINS: pageOrigin });
    const owner = await login(t.url);
    projectId = (await api(t.url, 'GET', '/v1/config/projects', { token: owner })).json.data.find((p: any) => p.isDefault).id;
    await api(t.url, 'PUT', `/v1/config/projects/${projectId}`, { token: owner, body: { services: scenario.services } });
    // A file source reads only its project's folder, LOG_FILES_DIR/<projectId>/.
    mkdirSync(join(logDir, projectId, 'incident'), { recursive: true });
    writeFileSync(join(logDir, projectId, 'incident', 'services.ndjson'), ndjson([...scenario.baseline, ...scenario.entries]));
    await api(t.url, 'POST', '/v1/config/log-sources', {
      token: owner,
      headers: { 'x-project-id': projectId },
      body: { type: 'file', name: 'incident', sources: ['incident/*.ndjson'] },
    });
    pubKey = (await api(t.url, 'POST', '/v1/config/api-keys', { token: owner, body: { name: 'shop widget', type: 'public', projectId } })).json.data.key;

    const { chromium } = await import('playwright-core');
    userDataDir = mkdtempSync(join(tmpdir(), 'ss-chromium-sdk-'));
    context = await chromium.launchPersistentContext(userDataDir, { executablePath: chromiumPath, args: CHROMIUM_ARGS, headless: true });
    context.setDefaultTimeout(20_000);
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (err) => consoleErrors.push(`pageerror: ${err.message}`));
  }, 90_000);

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await t?.stop();
    pageServer?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  it('the page creates an analysis with a publishable key (streamed, screenshot included) and reads it back', async () => {
    await page.goto(`${pageOrigin}/shop?api=${encodeURIComponent(t.url)}&key=${encodeURIComponent(pubKey)}`);
    await page.getByText('ready').waitFor();
    const out = await page.evaluate(([s, e]) => (globalThis as any).run(s, e), [window.start, window.end]);
    expect(consoleErrors).toEqual([]);
    expect(out.stages).toEqual(['received', 'processing', 'complete']);
    expect(out.created.success).toBe(true);
    const id = out.created.data.analysisId;
    expect(out.created.data.result).toMatchObject({ id, status: 'complete', rootCause: { category: 'database' } });
    expect(out.read.success).toBe(true);
    expect(out.read.data).toMatchObject({ id, trigger: 'api', metadata: { page: '/shop' }, screenshot: { mimeType: 'image/png' } });
    expect(out.read.data.summary).toBe(out.read.data.result.summary);
  }, 60_000);

  it('a cross-origin request with the dashboard session cookie is refused by the browser and changes nothing', async () => {
    // Log in to the dashboard in this browser: the session cookie is set for the app's host (same host, other port).
    const loginRes = await context.request.post(`${t.url}/v1/auth/login`, { data: { email: OWNER.email, password: OWNER.password } });
    expect(loginRes.status()).toBe(200);
    expect((await context.cookies(t.url)).map((c) => c.name)).toContain('ss_session');
    const ds = t.app.get(DataSource);
    const before = Number((await ds.query('SELECT count(*)::int AS n FROM analyses'))[0].n);
    // What reached the server (a second listener on the app's own HTTP server).
    const sent: Array<{ url: string; method: string; cookie: boolean }> = [];
    const spy = (req: { url?: string; method?: string; headers: Record<string, unknown> }) =>
      sent.push({ url: String(req.url), method: String(req.method), cookie: String(req.headers.cookie ?? '').includes('ss_session=') });
    t.app.getHttpServer().on('request', spy);
    const out = await page.evaluate((pid) => (globalThis as any).withCookie(pid), projectId);
    // Reads that need no preflight reach the server with the cookie, but the answer carries no grant: unreadable.
    expect(out.simpleGet).toBe('refused: TypeError');
    // Requests that need a preflight get one without Allow-Credentials: never sent with the cookie.
    expect(out.get).toBe('refused: TypeError');
    expect(out.post).toBe('refused: TypeError');
    t.app.getHttpServer().off('request', spy);
    expect(sent.some((r) => r.url === '/v1/auth/me' && r.method === 'GET' && r.cookie)).toBe(true);
    expect(sent.filter((r) => r.method !== 'OPTIONS' && r.url.startsWith('/v1/analyses'))).toEqual([]);
    expect(Number((await ds.query('SELECT count(*)::int AS n FROM analyses'))[0].n)).toBe(before);
  }, 60_000);
});
