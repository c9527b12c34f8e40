/*
 * The Incidents pages of the admin SPA (issue 14) in Chromium: list, detail with its linked conversations, taking a
 * conversation out, "update all customers" with its progress, merging, resolving with the "fixed" update.
 * Real: the built SPA (apps/api/public), our app (api + worker) on embedded PostgreSQL, triage and grouping.
 * Stand-in: the Intercom sandbox (apps/intercom-sandbox), which receives the public replies.
 * No Chromium → skipped with a printed reason, or FAILS when REQUIRE_BROWSER=1.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { api, OWNER } from '../helpers/app';
import { installThroughConsent, IntercomStack, startIntercomStack, waitFor } from '../helpers/intercom';
import { SHOP_SERVICES } from '../helpers/outage-logs';
import { CHROMIUM } from './chromium';

const ROOT = resolve(__dirname, '..', '..');
const PUBLIC_DIR = join(ROOT, 'apps', 'api', 'public');
if (!CHROMIUM && process.env.REQUIRE_BROWSER !== '1') {
  process.stderr.write('\n[incidents browser] SKIPPED: no Chromium found. Set REQUIRE_BROWSER=1 to make this a failure.\n');
}

const publicReplies = (conv: any) => (conv.conversation_parts?.conversation_parts ?? []).filter((p: any) => p.app_package_code && p.part_type === 'comment');

(CHROMIUM || process.env.REQUIRE_BROWSER === '1' ? describe : describe.skip)('Incidents pages in Chromium', () => {
  let s: IntercomStack;
  let browser: Browser;
  let page: Page;
  let slug: string;
  const pageErrors: string[] = [];
  const v1 = (method: string, path: string, body?: unknown) => api(s.app.url, method, path, { token: s.token, headers: { 'x-project-id': s.projectId }, body });

  beforeAll(async () => {
    if (!CHROMIUM) throw new Error('REQUIRE_BROWSER=1 but no Chromium found (CHROMIUM_PATH, /usr/bin/chromium)');
    if (!existsSync(join(PUBLIC_DIR, 'index.html'))) {
      // `npm test` builds the SPA first; a direct jest run builds it here.
      const b = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-admin.mjs')], { cwd: ROOT, stdio: 'inherit' });
      if (b.status !== 0) throw new Error('building the admin SPA failed');
    }
    s = await startIntercomStack({}, {}, { publicDir: PUBLIC_DIR });
    expect((await v1('PUT', `/v1/config/projects/${s.projectId}`, { services: SHOP_SERVICES })).status).toBe(200);
    slug = (await v1('GET', '/v1/config/projects')).json.data.find((p: any) => p.id === s.projectId).slug;
    await installThroughConsent(s);
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
    page = await browser.newPage();
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (e) => pageErrors.push(e.message));
  }, 120_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await s?.stop();
  });

  it('lists incidents; the detail shows the conversations; take one out, update everyone, merge, resolve with the fixed update', async () => {
    const names = ['Ada Checkout', 'Ben Checkout', 'Cy Checkout'];
    const checkout = names.map((name, i) =>
      String(
        s.sandbox.createConversation({
          customer: { name, email: `c${i}@example.com` },
          body: [
            'Checkout is down for all our customers, orders fail',
            'We cannot place an order, the cart throws an error for everyone',
            'Checkout fails with a 502 for every customer',
          ][i],
        }).id,
      ),
    );
    const search = String(
      s.sandbox.createConversation({ customer: { name: 'Dee Search', email: 'd@example.com' }, body: 'Search is completely down for every user' }).id,
    );
    const incidents = await waitFor(async () => {
      const items = (await v1('GET', '/v1/incidents')).json.data.items;
      const c = items.find((i: any) => i.service === 'checkout');
      return c?.conversationCount === 3 && items.some((i: any) => i.service === 'search') ? items : null;
    }, 60_000);
    const inc = incidents.find((i: any) => i.service === 'checkout');

    // Log in and open the list.
    await page.goto(`${s.app.url}/projects/${slug}/incidents`);
    await page.waitForURL(/\/login/);
    await page.getByTestId('login-email').fill(OWNER.email);
    await page.getByTestId('login-password').fill(OWNER.password);
    await page.getByTestId('login-submit').click();
    await page.waitForURL(new RegExp(`/projects/${slug}`));
    if (!page.url().endsWith('/incidents')) await page.goto(`${s.app.url}/projects/${slug}/incidents`);
    await page.getByTestId('incident-list').waitFor();
    expect(await page.getByTestId('incident-row').count()).toBe(2);
    const row = page.getByTestId('incident-row').filter({ hasText: inc.ref });
    expect(await row.textContent()).toContain('checkout');
    // Filters go to the API.
    await page.getByTestId('incident-filter-service').selectOption('search');
    await waitFor(async () => ((await page.getByTestId('incident-row').count()) === 1 ? true : null));
    await page.getByTestId('incident-filter-service').selectOption('');
    await row.getByRole('link', { name: inc.ref }).click();

    // Detail: the three conversations with their customers' names.
    await page.getByTestId('incident-conversations').waitFor();
    for (const n of names) await page.getByTestId('incident-conversation').filter({ hasText: n }).waitFor();
    await page.getByTestId('incident-timeline').waitFor();

    // Take the first one out ("Not this incident").
    await page.getByTestId('incident-conversation').filter({ hasText: names[0] }).getByTestId('incident-unlink').click();
    await page.getByTestId('incident-unlink-confirm').click();
    await waitFor(async () => ((await page.getByTestId('incident-conversation').count()) === 2 ? true : null));
    const afterUnlink = (await v1('GET', `/v1/incidents/${inc.id}`)).json.data;
    expect(afterUnlink.conversations.map((c: any) => c.conversationId).sort()).toEqual(checkout.slice(1).sort());

    // An empty update is refused in the page; nothing is sent.
    await page.getByTestId('incident-update-message').fill('   ');
    await page.getByTestId('incident-update-submit').click();
    await page.getByText('message must not be empty').waitFor();
    expect((await v1('GET', `/v1/incidents/${inc.id}`)).json.data.updates).toHaveLength(0);

    // Update all customers: each linked conversation gets it once, escaped; the page shows the progress.
    const message = 'A fix for <b>checkout</b> is rolling out.';
    await page.getByTestId('incident-update-message').fill(message);
    const sent = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith(`/v1/incidents/${inc.id}/updates`));
    await page.getByTestId('incident-update-submit').click();
    // One Idempotency-Key per message: a resend after a lost answer finds this update instead of sending another.
    expect((await sent).headers()['idempotency-key']).toMatch(/^[0-9a-f]{32}$/);
    await page.getByTestId('incident-update-progress').filter({ hasText: '2 of 2 posted' }).first().waitFor({ timeout: 30_000 });
    for (const id of checkout.slice(1)) {
      const replies = publicReplies(s.sandbox.getConversation(id)).filter((p: any) => p.body.includes('is rolling out'));
      expect(replies).toHaveLength(1);
      expect(replies[0].body).toContain('A fix for &lt;b&gt;checkout&lt;/b&gt; is rolling out.');
    }
    expect(publicReplies(s.sandbox.getConversation(checkout[0])).filter((p: any) => p.body.includes('is rolling out'))).toHaveLength(0);

    // Merge the search incident into this one.
    await page.getByTestId('incident-merge').click();
    const other = incidents.find((i: any) => i.service === 'search');
    await page.getByTestId('incident-merge-select').selectOption(other.id);
    await page.getByTestId('incident-merge-confirm').click();
    await page.getByTestId('incident-conversation').filter({ hasText: 'Dee Search' }).waitFor();
    expect((await v1('GET', `/v1/incidents/${other.id}`)).json.data).toMatchObject({ status: 'resolved', mergedIntoId: inc.id });

    // Resolve with the "fixed" update: resolved, and the three linked customers get it.
    await page.getByTestId('incident-resolve').click();
    await page.getByTestId('incident-resolve-update-message').fill('Checkout works again.');
    await page.getByTestId('incident-resolve-update-submit').click();
    await page.getByTestId('incident-reopen').waitFor();
    await page.getByTestId('incident-update-progress').filter({ hasText: '3 of 3 posted' }).first().waitFor({ timeout: 30_000 });
    expect((await v1('GET', `/v1/incidents/${inc.id}`)).json.data.status).toBe('resolved');
    for (const id of [...checkout.slice(1), search]) {
      expect(publicReplies(s.sandbox.getConversation(id)).filter((p: any) => p.body.includes('Checkout works again.'))).toHaveLength(1);
    }
    expect(pageErrors).toEqual([]);
  }, 150_000);
});
