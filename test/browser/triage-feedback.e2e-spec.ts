/*
 * Browser: an agent corrects triage in the admin SPA, then sees the correction, the agreement and undoes it (issue 12).
 * Real: the built SPA (apps/api/public), our app (api + worker) on embedded PostgreSQL, pg-boss, the triage engine.
 * Stand-in: the Intercom sandbox (conversation, webhooks, attributes). Needs Chromium (skipped without it unless
 * REQUIRE_BROWSER=1, like the admin journey).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { api, OWNER } from '../helpers/app';
import { installThroughConsent, IntercomStack, startIntercomStack, waitFor } from '../helpers/intercom';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium';

const ROOT = resolve(__dirname, '..', '..');
const PUBLIC_DIR = join(ROOT, 'apps', 'api', 'public');

async function expectText(l: Locator, re: RegExp, timeout = 15_000) {
  const until = Date.now() + timeout;
  let last = '';
  for (;;) {
    try {
      last = await l.first().innerText({ timeout: Math.max(100, until - Date.now()) });
      if (re.test(last)) return;
    } catch {
      /* not there yet */
    }
    if (Date.now() > until) throw new Error(`expected text ${re} — got: ${last.slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

(CHROMIUM || process.env.REQUIRE_BROWSER === '1' ? describe : describe.skip)('admin SPA: correct triage, then review and undo it', () => {
  let s: IntercomStack;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  let bindingId: string;
  let conversationId: string;
  const errors: string[] = [];

  beforeAll(async () => {
    if (!CHROMIUM) throw new Error('REQUIRE_BROWSER=1 but no Chromium found');
    if (!existsSync(join(PUBLIC_DIR, 'index.html'))) {
      const b = spawnSync(
        process.execPath,
        [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'apps/admin/vite.config.ts', '--logLevel', 'warn'],
        { cwd: ROOT, stdio: 'inherit' },
      );
      if (b.status !== 0) throw new Error('building the admin SPA failed');
    }
    s = await startIntercomStack({}, {}, { publicDir: PUBLIC_DIR });
    await api(s.app.url, 'PUT', `/v1/config/projects/${s.projectId}`, {
      token: s.token,
      body: { services: [{ name: 'checkout', critical: true }, { name: 'search' }] },
    });
    const inst = await installThroughConsent(s);
    bindingId = inst.callback.headers.get('location')!.split('/').pop()!;
    await api(s.app.url, 'PUT', `/v1/config/support-desk/${bindingId}`, {
      token: s.token,
      headers: { 'x-project-id': s.projectId },
      body: { attributeMapping: { severity: 'severity', affected_service: 'affected_service' }, autoAnalyzeThreshold: 'disabled' },
    });
    const conv = s.sandbox.createConversation({ customer: { name: 'Vera', email: 'vera@example.com' }, body: 'The search box returns nothing for some words' });
    conversationId = String(conv.id);
    await waitFor(
      async () =>
        (await api(s.app.url, 'GET', `/v1/support-desk/conversations/${bindingId}/${conversationId}`, { token: s.token })).json?.data?.triages?.length,
      20_000,
    );

    const { chromium } = await import('playwright-core');
    userDataDir = mkdtempSync(join(tmpdir(), 'ss-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      headless: true,
      viewport: { width: 1280, height: 900 },
    });
    context.setDefaultTimeout(15_000);
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) errors.push(m.text());
    });
  }, 90_000);

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await s?.stop();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  it('saves a correction from the conversation view, lists it with the agreement, and undoes it', async () => {
    const base = s.app.url;
    await page.goto(`${base}/login`);
    await page.getByTestId('login-email').fill(OWNER.email);
    await page.getByTestId('login-password').fill(OWNER.password);
    await page.getByTestId('login-submit').click();
    await page.waitForURL(`${base}/projects`);

    await page.goto(`${base}/projects/default/support-desk/${bindingId}/conversations/${conversationId}`);
    await page.getByTestId('correct-triage-open').click();
    await page.getByTestId('correct-severity').selectOption('high');
    await page.getByTestId('correct-service').selectOption('search');
    await page.getByTestId('correct-triage-save').click();
    await expectText(page.locator('.alert-success'), /Triage corrected: high, search/);
    await expectText(page.getByTestId('triage-card').first(), /Corrected by an agent/);
    await waitFor(async () => s.sandbox.getConversation(conversationId).custom_attributes?.severity === 'high', 10_000);

    await page.getByRole('link', { name: 'Triage learning' }).click();
    await page.waitForURL(`${base}/projects/default/triage`);
    const row = page.getByTestId('correction-row').first();
    await expectText(row, /search/);
    await expectText(page.getByTestId('triage-agreement'), /0%/);
    await row.getByTestId('correction-undo').click();
    await expectText(page.getByTestId('correction-row').first(), /undone/);
    const list = await api(base, 'GET', '/v1/triage/feedback', { token: s.token, headers: { 'x-project-id': s.projectId } });
    expect(list.json.data.items[0].undoneAt).toEqual(expect.any(String));
    expect(errors).toEqual([]);
  }, 90_000);
});
