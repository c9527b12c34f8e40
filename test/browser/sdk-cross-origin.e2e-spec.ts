/*
 * The SigSentry SDK in a real browser, from another origin (issue #15): a customer's page (served by a local server on
 * another port) uses a publishable key to create an analysis with callbacks — Chromium sends Origin, so it streams —
 * and reads it back; a cross-origin request carrying the dashboard's session cookie is refused by the browser (no CORS
 * grant for sessions, never Allow-Credentials) and creates nothing. The dashboard (the built admin SPA, same origin as
 * the API) shows an analysis's screenshot and feedback, takes a rating, and uploads a screenshot with a new analysis
 * (refusing a non-image by its bytes with the field's error).
 * Real: Chromium (Debian's, playwright-core), our app (api + worker) on embedded PostgreSQL, the file connector over a
 * generated incident, the engine. The page's client is written here to send exactly what the stock SDK sends.
 * No Chromium → skipped with a printed reason, or FAILS when REQUIRE_BROWSER=1 (CI).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { generateScenario } from '@app/analysis/testing';
import ts from 'typescript';
import { api, login, OWNER, startTestApp, TestApp } from '../helpers/app';
import { listen, ndjson } from '../helpers/incident-logs';
import { CHROMIUM_ARGS, describeWithChromium } from './chromium';

const ROOT = resolve(__dirname, '..', '..');
/** The built admin SPA (`npm test` and `npm run test:browser` build it when stale; a direct jest run builds it here). */
const PUBLIC_DIR = join(ROOT, 'apps', 'api', 'public');
const PNG_1X1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
type DecodableImage = { decode(): Promise<void>; naturalWidth: number };
/** The width of the analysis page's screenshot once the browser has decoded it (rejects if it is not an image). */
const decodedWidth = async (page: Page): Promise<number> => {
  const img = page.getByTestId('analysis-screenshot-image');
  await img.waitFor();
  return img.evaluate((el) => (el as unknown as DecodableImage).decode().then(() => (el as unknown as DecodableImage).naturalWidth));
};
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

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
  let projectSlug: string;
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

    const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-admin.mjs'), '--if-stale'], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('building the admin SPA failed');

    const scenario = generateScenario('db_pool_exhaustion', 3, { backgroundLines: 600 });
    window.start = scenario.window.start;
    window.end = scenario.window.end;
    const logDir = mkdtempSync(join(tmpdir(), 'ss-sdk-browser-logs-'));
    // Only the shop's origin may call with a key; the app itself is another origin (another port).
    t = await startTestApp({ LOG_FILES_DIR: logDir, CORS_ORIGINS: pageOrigin }, { publicDir: PUBLIC_DIR });
    const owner = await login(t.url);
    const def = (await api(t.url, 'GET', '/v1/config/projects', { token: owner })).json.data.find((p: any) => p.isDefault);
    projectId = def.id;
    projectSlug = def.slug;
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

  /** The dashboard's session in this browser (the cookie is set for the app's host). */
  const dashboardLogin = async () => {
    const r = await context.request.post(`${t.url}/v1/auth/login`, { data: { email: OWNER.email, password: OWNER.password } });
    expect(r.status()).toBe(200);
  };

  it("the dashboard shows the screenshot and the widget key's feedback, and records the user's rating beside it", async () => {
    // The widget's analysis, with a screenshot, rated by the widget (JSON this time: the data-URL form of a screenshot).
    const created = await api(t.url, 'POST', '/v1/analyses', {
      token: pubKey,
      headers: { accept: 'application/json' },
      body: {
        description: 'The shop shows a blank page at checkout',
        timeStart: window.start,
        timeEnd: window.end,
        screenshot: `data:image/png;base64,${PNG_1X1.toString('base64')}`,
      },
    });
    expect(created.status).toBe(202);
    const id = created.json.data.analysisId as string;
    const deadline = Date.now() + 30_000;
    while (!['complete', 'partial', 'failed'].includes((await api(t.url, 'GET', `/v1/analyses/${id}`, { token: pubKey })).json.data.status)) {
      if (Date.now() > deadline) throw new Error(`analysis ${id} did not finish`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const rated = await api(t.url, 'POST', `/v1/analyses/${id}/feedback`, {
      token: pubKey,
      body: { accuracy: 'incorrect', comment: 'wrong service <b>x</b>' },
    });
    expect(rated.status).toBe(201);

    await dashboardLogin();
    const dash = await context.newPage();
    dash.on('pageerror', (err) => consoleErrors.push(`dashboard pageerror: ${err.message}`));
    try {
      await dash.goto(`${t.url}/projects/${projectSlug}/analyses/${id}`);
      // The image really decodes (the 1×1 PNG), shown from the bytes fetched with the project header.
      expect(await decodedWidth(dash)).toBe(1);
      expect(await dash.getByTestId('analysis-screenshot-image').getAttribute('src')).toMatch(/^data:image\/png;base64,/);
      const list = dash.getByTestId('analysis-feedback-list');
      await expect(list.textContent()).resolves.toContain('Incorrect');
      await expect(list.textContent()).resolves.toContain('API key shop widget');
      // The comment is shown as text, never as markup.
      await expect(list.textContent()).resolves.toContain('wrong service <b>x</b>');
      expect(await list.locator('b').count()).toBe(0);

      // No accuracy chosen: the form says so and sends nothing.
      await dash.getByTestId('feedback-submit').click();
      await dash.getByText('Choose how accurate the analysis was').waitFor();
      await dash.getByTestId('feedback-accuracy-partially_correct').check();
      await dash.getByTestId('feedback-comment').fill('right database, wrong pool');
      await dash.getByTestId('feedback-submit').click();
      await list.getByText('right database, wrong pool').waitFor();
      await expect(list.textContent()).resolves.toContain('Partly correct');
    } finally {
      await dash.close();
    }
    const owner = await login(t.url);
    const feedback = (await api(t.url, 'GET', `/v1/analyses/${id}`, { token: owner, headers: { 'x-project-id': projectId } })).json.data.feedback;
    expect(feedback.map((f: any) => [f.by.kind, f.accuracy, f.comment]).sort()).toEqual([
      ['key', 'incorrect', 'wrong service <b>x</b>'],
      ['user', 'partially_correct', 'right database, wrong pool'],
    ]);
    expect(consoleErrors).toEqual([]);
  }, 90_000);

  it("the dashboard's new-analysis form uploads a screenshot; a non-image is refused by its bytes with the field's error", async () => {
    await dashboardLogin();
    const ds = t.app.get(DataSource);
    const count = async () => Number((await ds.query('SELECT count(*)::int AS n FROM analyses'))[0].n);
    const dash = await context.newPage();
    dash.on('pageerror', (err) => consoleErrors.push(`dashboard pageerror: ${err.message}`));
    try {
      await dash.goto(`${t.url}/projects/${projectSlug}/analyses/new`);
      await dash.getByTestId('analysis-description').fill('Customers see an error page after paying');
      // A PDF named and typed as a PNG passes the browser's look at the name and type; the server reads its bytes.
      const before = await count();
      await dash.getByTestId('analysis-screenshot').setInputFiles({ name: 'shot.png', mimeType: 'image/png', buffer: PDF });
      await dash.getByTestId('analysis-submit').click();
      await dash.locator('.field-error', { hasText: 'must be a PNG, JPEG or WebP image (its content is application/pdf)' }).waitFor();
      expect(dash.url()).toMatch(/\/analyses\/new$/);
      expect(await count()).toBe(before);

      await dash.getByTestId('analysis-screenshot').setInputFiles({ name: 'shot.png', mimeType: 'image/png', buffer: PNG_1X1 });
      await dash.getByTestId('analysis-submit').click();
      await dash.waitForURL(/\/analyses\/[0-9a-f-]{36}$/, { timeout: 30_000 });
      expect(await decodedWidth(dash)).toBe(1);
      expect(await count()).toBe(before + 1);
      const id = dash.url().split('/').pop()!;
      const shot = await ds.query('SELECT "mimeType", "sizeBytes" FROM analysis_screenshots WHERE "analysisId" = $1', [id]);
      expect(shot).toEqual([{ mimeType: 'image/png', sizeBytes: PNG_1X1.length }]);
    } finally {
      await dash.close();
    }
    expect(consoleErrors).toEqual([]);
  }, 90_000);
});
