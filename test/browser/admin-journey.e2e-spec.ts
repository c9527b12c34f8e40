/*
 * Browser journey of the admin SPA (issue #8), driven in Debian's Chromium through playwright-core.
 * Real: the built SPA (apps/api/public), our app (api + worker) on real embedded PostgreSQL, pg-boss, the triage and
 * analysis engines, the `file` log connector reading a generated incident under LOG_FILES_DIR.
 * Stand-in: the Intercom sandbox (apps/intercom-sandbox) — the browser follows the real OAuth redirects between the
 * app and the sandbox consent page, and a customer writes through the sandbox's composer page.
 *
 * No Chromium → skipped with a printed reason, or FAILS when REQUIRE_BROWSER=1 (CI). Never downloads a browser.
 * Screenshots of every step: test-artifacts/browser/*.png (gitignored).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { generateScenario, type Scenario } from '@app/analysis/testing';
import { api, OWNER } from '../helpers/app';
import { IntercomStack, startIntercomStack, waitFor } from '../helpers/intercom';
import { BROWSER_REQUIRED as REQUIRED, CHROMIUM, CHROMIUM_ARGS, NO_BROWSER } from './chromium';

const ROOT = resolve(__dirname, '..', '..');
const PUBLIC_DIR = join(ROOT, 'apps', 'api', 'public');
const ARTIFACTS = join(ROOT, 'test-artifacts', 'browser');

if (!CHROMIUM) {
  if (REQUIRED) {
    describe('admin SPA browser journey', () => {
      it('needs Chromium (REQUIRE_BROWSER=1)', () => {
        throw new Error(`REQUIRE_BROWSER=1 but ${NO_BROWSER}`);
      });
    });
  } else {
    process.stderr.write(`\n[admin-journey] SKIPPED: ${NO_BROWSER}. Set REQUIRE_BROWSER=1 to make this a failure.\n`);
    describe.skip('admin SPA browser journey (skipped: no Chromium)', () => {
      it('runs the journey', () => undefined);
    });
  }
} else {
  describe('admin SPA browser journey: login → project → log source → Intercom → triage → analysis', () => {
    let s: IntercomStack;
    let context: BrowserContext;
    let page: Page;
    let userDataDir: string;
    let scenario: Scenario;
    let incidentLines: string[] = [];
    const consoleErrors: string[] = [];
    let shot = 0;

    const screenshot = async (name: string, p: Page = page) => {
      shot += 1;
      await p.screenshot({ path: join(ARTIFACTS, `${String(shot).padStart(2, '0')}-${name}.png`), fullPage: true });
    };
    const byTestId = (id: string, p: Page = page) => p.getByTestId(id);

    beforeAll(async () => {
      if (!existsSync(join(PUBLIC_DIR, 'index.html'))) {
        // `npm test` builds the SPA first; a direct jest run builds it here.
        const b = spawnSync(
          process.execPath,
          [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'apps/admin/vite.config.ts', '--logLevel', 'warn'],
          { cwd: ROOT, stdio: 'inherit' },
        );
        if (b.status !== 0) throw new Error('building the admin SPA failed');
      }
      rmSync(ARTIFACTS, { recursive: true, force: true });
      mkdirSync(ARTIFACTS, { recursive: true });

      // A database connection-pool incident (payments-api) that surfaces in checkout-api, ending a minute ago.
      scenario = generateScenario('db_pool_exhaustion', 2, { backgroundLines: 800 });
      const shift = Date.now() - 60_000 - Date.parse(scenario.window.end);
      const lines = [...scenario.baseline, ...scenario.entries].map((e) =>
        JSON.stringify({ timestamp: new Date(Date.parse(e.timestamp) + shift).toISOString(), level: e.level, service: e.service, message: e.message }),
      );

      s = await startIntercomStack({}, {}, { publicDir: PUBLIC_DIR });
      incidentLines = lines;

      const { chromium } = await import('playwright-core');
      userDataDir = mkdtempSync(join(tmpdir(), 'ss-chromium-'));
      context = await chromium.launchPersistentContext(userDataDir, {
        executablePath: CHROMIUM!,
        args: CHROMIUM_ARGS,
        headless: true,
        viewport: { width: 1280, height: 900 },
        locale: 'en-GB',
        timezoneId: 'Europe/Paris',
      });
      context.setDefaultTimeout(15_000);
      page = context.pages()[0] ?? (await context.newPage());
      page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) consoleErrors.push(m.text());
      });
    }, 90_000);

    afterAll(async () => {
      await context?.close().catch(() => undefined);
      await s?.stop();
      if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    });

    it('walks the whole journey in Chromium', async () => {
      try {
        await journey();
      } catch (err) {
        await page.screenshot({ path: join(ARTIFACTS, 'FAILED.png'), fullPage: true }).catch(() => undefined);
        throw new Error(
          `${(err as Error).message}\n(at ${page.url()}; screenshot test-artifacts/browser/FAILED.png; console errors: ${JSON.stringify(consoleErrors)})`,
          { cause: err },
        );
      }
    }, 120_000);

    // Issue 19.7: the team page says how many keys removing a member revokes; the key list names creators.
    it('removing a member in the team page says how many of their keys are revoked; the key list names the creator', async () => {
      const base = s.app.url;
      const add = await api(base, 'POST', '/v1/team/members', {
        token: s.token,
        body: { email: 'keymaker@example.com', name: 'Keymaker', password: 'keymaker password 1', role: 'member' },
      });
      expect(add.status).toBe(201);
      const theirs = (await api(base, 'POST', '/v1/auth/login', { body: { email: 'keymaker@example.com', password: 'keymaker password 1' } })).json.data.token;
      const key = await api(base, 'POST', '/v1/config/api-keys', { token: theirs, body: { name: 'keymaker org', type: 'org', permissions: ['config:read'] } });
      expect(key.status).toBe(201);

      if (!(await context.cookies(base)).some((c) => c.name === 'ss_session')) {
        // Run on its own (-t): log in first; after the journey the session is already there.
        await page.goto(`${base}/login`);
        await byTestId('login-email').fill(OWNER.email);
        await byTestId('login-password').fill(OWNER.password);
        await byTestId('login-submit').click();
        await page.waitForURL(`${base}/projects`);
      }
      await page.goto(`${base}/settings/api-keys`);
      const keyRow = page.locator('[data-testid="api-key-list"] tr', { hasText: 'keymaker org' });
      await expectText(keyRow.getByTestId('api-key-creator'), /Keymaker/);

      await page.goto(`${base}/settings/team`);
      const row = page.locator('[data-testid="member-list"] tr', { hasText: 'keymaker@example.com' });
      await row.getByTestId('member-remove').click();
      await expectText(byTestId('member-remove-keys'), /1 API key they created will be revoked/);
      await screenshot('team-remove-keys');
      await byTestId('member-remove-confirm').click();
      await expectText(byTestId('member-removed'), /Keymaker was removed; 1 API key revoked/);
      expect((await api(base, 'GET', '/v1/config/projects', { token: key.json.data.key })).status).toBe(401);

      await page.goto(`${base}/settings/api-keys`);
      await expectText(keyRow.getByTestId('api-key-creator'), /a removed member/);
      await expectText(keyRow, /revoked: creator removed/);
      expect(consoleErrors).toEqual([]);
    }, 60_000);

    // Issue 19.8: the security headers must not break Swagger UI (inline styles, its own scripts).
    it('Swagger UI at /docs renders its operations under the security headers, with no CSP violation', async () => {
      const docs = await context.newPage();
      const errors: string[] = [];
      docs.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      docs.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      const res = await docs.goto(`${s.app.url}/docs`);
      expect(res?.status()).toBe(200);
      expect(res?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res?.headers()['x-frame-options']).toBe('DENY');
      await expectVisible(docs.locator('.swagger-ui .info .title'));
      await expectVisible(docs.locator('.opblock-summary-path', { hasText: '/v1/auth/login' }));
      await screenshot('swagger-ui', docs);
      expect(errors).toEqual([]);
      await docs.close();
    }, 60_000);

    async function journey() {
      const base = s.app.url;

      // 1. Log in as the owner: an anonymous visit lands on the login page.
      await page.goto(`${base}/`);
      await page.waitForURL(/\/login\?next=/);
      await byTestId('login-email').fill(OWNER.email);
      await byTestId('login-password').fill(OWNER.password);
      await screenshot('login');
      await byTestId('login-submit').click();
      await page.waitForURL(`${base}/projects`);
      await expectVisible(byTestId('project-list'));
      await expectText(byTestId('current-user'), /owner/);
      await screenshot('projects');

      // 2. Create a project, then its service catalogue.
      await byTestId('project-new').click();
      await byTestId('project-name').fill('Checkout Platform');
      expect(await byTestId('project-slug').inputValue()).toBe('checkout-platform');
      await byTestId('project-create').click();
      await page.waitForURL(`${base}/projects/checkout-platform`);
      const llmContext = 'Critical paths: /checkout and payments. Postgres behind payments-api.';
      await byTestId('project-llm-context').fill(llmContext);
      await expectText(byTestId('llm-context-counter'), new RegExp(`^${llmContext.length} / 2000$`));
      const services = [
        { name: 'checkout-api', aliases: 'checkout, payment page', critical: true },
        { name: 'payments-api', aliases: 'payments, card payments', critical: true },
        { name: 'edge-proxy', aliases: '', critical: false },
      ];
      for (const [i, svc] of services.entries()) {
        await byTestId('service-add').click();
        await byTestId(`service-name-${i}`).fill(svc.name);
        if (svc.aliases) await page.getByLabel(`Service ${i + 1} aliases`).fill(svc.aliases);
        if (svc.critical) await page.getByLabel(`Service ${i + 1} is critical`).check();
      }
      await byTestId('project-save').click();
      await expectVisible(page.getByText('Saved.'));
      const projects = await api(base, 'GET', '/v1/config/projects', { token: s.token });
      const project = projects.json.data.find((p: any) => p.slug === 'checkout-platform');
      expect(project.services).toEqual(
        [
          { name: 'checkout-api', aliases: ['checkout', 'payment page'], critical: true },
          { name: 'payments-api', aliases: ['payments', 'card payments'], critical: true },
          { name: 'edge-proxy' },
        ].map((x) => expect.objectContaining(x)),
      );
      expect(project.services[2].critical ?? false).toBe(false);
      await screenshot('project-services');
      // The operator puts the incident's files in this project's own folder, LOG_FILES_DIR/<projectId>/.
      const folder = join(s.app.config.logFilesDir, project.id);
      mkdirSync(join(folder, 'incident'), { recursive: true });
      writeFileSync(join(folder, 'incident', 'services.ndjson'), `${incidentLines.join('\n')}\n`);

      // 3. A `file` log source over the incident file, tested: the sample lines are shown.
      await page.getByRole('link', { name: 'Log sources' }).click();
      await page.waitForURL(`${base}/projects/checkout-platform/log-sources`);
      await byTestId('log-source-create').click();
      await byTestId('log-source-type').selectOption('file');
      await byTestId('log-source-name').fill('incident-files');
      await byTestId('log-source-sources').fill('incident/*.ndjson');
      await byTestId('log-source-save').click();
      const card = byTestId('log-source-incident-files');
      await expectVisible(card);
      await expectText(card.getByTestId('log-source-folder'), new RegExp(`${project.id}`));
      await card.getByTestId('log-source-test').click();
      const result = card.getByTestId('log-source-test-result');
      await expectText(result, /Connected: 1 file\(s\) matched/);
      expect(await result.innerText()).not.toMatch(/Connected:\s*Connected/);
      expect(await result.locator('tbody tr').count()).toBeGreaterThan(0);
      await expectText(result, /checkout-api|payments-api|edge-proxy|search-service|notification-service|recommendation-api/);
      await expectText(card, /Last test: connected/);
      await screenshot('log-source-tested');

      // 4. Connect Intercom: the permissions, then the real redirects through the sandbox consent page.
      await page.getByRole('link', { name: 'Support desk' }).first().click();
      await page.waitForURL(`${base}/projects/checkout-platform/support-desk`);
      await byTestId('connect-intercom').click();
      await expectText(byTestId('intercom-permissions'), /Write conversations/);
      await screenshot('connect-intercom');
      await byTestId('connect-intercom-continue').click();
      await page.waitForURL((u) => u.origin === s.sandbox.url && u.pathname.startsWith('/oauth'));
      await expectVisible(page.getByRole('button', { name: 'Authorize app' }));
      await screenshot('intercom-consent');
      await page.getByRole('button', { name: 'Authorize app' }).click();
      await page.waitForURL(new RegExp(`^${base}/projects/checkout-platform/support-desk/[0-9a-f-]{36}$`));
      const bindingId = new URL(page.url()).pathname.split('/').pop()!;

      // 5. Configure the binding: threshold, attribute mapping from the workspace's attributes, template preview.
      await expectVisible(byTestId('binding-health'));
      await expectText(page.locator('h1'), /Sandbox Workspace/);
      await byTestId('binding-threshold').selectOption('medium');
      await byTestId('mapping-severity').fill('severity');
      await byTestId('mapping-affected_service').fill('affected_service');
      await byTestId('mapping-analysis_url').fill('sigsentry_analysis_url');
      await byTestId('mapping-confidence').fill('confidence');
      // A name the workspace does not have is flagged; correcting it clears the flag.
      await byTestId('mapping-summary').fill('triage_sumary');
      await expectText(byTestId('mapping-missing-summary'), /No attribute “triage_sumary”/);
      await byTestId('mapping-summary').fill('triage_summary');
      await expectHidden(byTestId('mapping-missing-summary'));
      await byTestId('template-input').fill('Hi {{ customer_name }}, we are on it: {{ affected_service }} is being looked at. Ref ');
      await byTestId('template-var-conversation_id').click();
      expect(await byTestId('template-input').inputValue()).toMatch(/Ref \{\{ conversation_id \}\}$/);
      await expectText(byTestId('template-preview'), /Hi .+, we are on it: .+ is being looked at\. Ref \S+/);
      expect(await byTestId('template-preview').innerText()).not.toContain('{{');
      await byTestId('binding-save').click();
      await expectVisible(page.getByText('Saved.'));
      await screenshot('binding-configured');
      const saved = await api(base, 'GET', `/v1/config/support-desk/${bindingId}`, { token: s.token, headers: { 'x-project-id': project.id } });
      expect(saved.json.data).toMatchObject({
        autoAnalyzeThreshold: 'medium',
        attributeMapping: {
          severity: 'severity',
          affected_service: 'affected_service',
          analysis_url: 'sigsentry_analysis_url',
          confidence: 'confidence',
          summary: 'triage_summary',
        },
      });
      expect(saved.json.data.publicReplyTemplate).toContain('{{ conversation_id }}');

      // 6. A customer writes through the sandbox composer page.
      const customer = await context.newPage();
      await customer.goto(`${s.sandbox.url}/composer`);
      await customer.getByLabel('Your name').fill('Joe Customer');
      await customer.getByLabel('Email').fill('joe@example.com');
      await customer.getByLabel('Subject').fill('Cannot pay');
      await customer.getByLabel('Message').fill('Checkout is failing with 500 errors for everyone since about 20 minutes ago, nobody can pay!');
      await screenshot('customer-composer', customer);
      await customer.getByRole('button', { name: 'Send' }).click();
      await customer.waitForURL((u) => u.origin === s.sandbox.url && u.pathname === '/');
      await customer.close();

      // 7. The triage appears on the Conversations page (reloaded until the webhook has been processed).
      await byTestId('binding-conversations').click();
      await page.waitForURL(`${base}/projects/checkout-platform/support-desk/${bindingId}/conversations`);
      await waitFor(
        async () => {
          if (await byTestId('conversation-list').isVisible()) return true;
          await page.reload();
          await page.waitForLoadState('networkidle');
          return false;
        },
        20_000,
        500,
      );
      const row = byTestId('conversation-list').locator('tbody tr').first();
      await expectText(row, /Cannot pay/);
      await expectText(row, /Joe Customer/);
      await expectText(row, /checkout-api/);
      await expectText(row, /high|critical/i);
      await screenshot('conversations');

      await row.getByRole('link', { name: 'Cannot pay' }).click();
      await page.waitForURL(new RegExp(`/support-desk/${bindingId}/conversations/[^/]+$`));
      const conversationId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
      const triage = byTestId('triage-card').first();
      await expectText(triage, /checkout-api/);
      await triage.locator('summary', { hasText: 'Evidence' }).click();
      expect(await triage.locator('details tbody tr').count()).toBeGreaterThan(0);
      await expectText(triage.locator('details'), /severity/);
      await expectVisible(byTestId('canvas-preview'));
      await expectText(byTestId('canvas-preview'), /checkout-api/);
      // The auto-analysis (threshold medium) shows up under Analyses.
      const analysisLink = page.getByRole('region', { name: 'Analyses', exact: true }).locator('tbody a').first();
      await waitFor(
        async () => {
          if (await analysisLink.isVisible()) return true;
          await page.reload();
          await page.waitForLoadState('networkidle');
          await triage.locator('summary', { hasText: 'Evidence' }).click();
          return false;
        },
        20_000,
        500,
      );
      await screenshot('conversation-triage');

      // 8. The analysis page: summary, root cause, affected services (polls until the analysis is done).
      await analysisLink.click();
      await page.waitForURL(new RegExp(`/projects/checkout-platform/analyses/[0-9a-f-]{36}$`));
      const resultView = byTestId('analysis-result');
      await resultView.waitFor({ state: 'visible', timeout: 30_000 });
      await expectText(page.locator('section[aria-labelledby="sum-title"]'), /\S{10,}/);
      const rootCause = page.locator('section[aria-labelledby="rc-title"]');
      await expectText(rootCause, new RegExp(scenario.expected.origin));
      await expectText(rootCause, /database/);
      const affected = page.locator('section[aria-labelledby="svc-title"]');
      await expectText(affected, /payments-api/);
      await expectText(affected, /checkout-api/);
      expect(Number((await byTestId('logs-scanned').innerText()).replace(/\D/g, ''))).toBeGreaterThan(0);
      // The mapping saved in the browser took effect in Intercom: the analysis URL attribute opens this very page.
      const attrs = await waitFor(async () => {
        const a = s.sandbox.getConversation(conversationId)?.custom_attributes as Record<string, unknown> | undefined;
        return a?.sigsentry_analysis_url ? a : null;
      });
      expect(attrs.sigsentry_analysis_url).toBe(page.url());
      expect(attrs).toMatchObject({ affected_service: 'checkout-api' });
      expect(['high', 'critical']).toContain(attrs.severity);
      expect(typeof attrs.triage_summary).toBe('string');
      await screenshot('analysis');

      expect(consoleErrors).toEqual([]);
    }
  });
}

async function expectVisible(l: Locator, timeout = 15_000) {
  await l.first().waitFor({ state: 'visible', timeout });
}

async function expectHidden(l: Locator, timeout = 15_000) {
  await l.first().waitFor({ state: 'hidden', timeout });
}

/** Waits until the locator's text matches (auto-retrying, like Playwright's toHaveText). */
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
