/*
 * Issue 16 failure modes 1 and 2, end to end. Real: our app (api + worker), PostgreSQL (embedded), pg-boss, the triage
 * engine. Stand-in: the Intercom sandbox, which answers as Intercom's OpenAPI (2.14–2.16) documents: a call the app
 * has no permission for is `401 token_unauthorized` "Not authorized to access resource" while the token keeps working;
 * a reply as an admin who is no longer a teammate is `404 not_found` (the only code the reply endpoint documents).
 */
import { Client } from 'pg';
import { api } from '../helpers/app';
import { installThroughConsent, IntercomStack, startIntercomStack, waitFor } from '../helpers/intercom';

const WS = 'sbx12345';
const INSTALLER = '991267001';
const BEN = '991267002';
const CHLOE = '991267003';

type Part = { part_type: string; body: string; app_package_code?: string | null; author: { id: string } };
const parts = (conv: any): Part[] => conv.conversation_parts?.conversation_parts ?? [];
const triageNotes = (conv: any) => parts(conv).filter((p) => p.app_package_code && p.part_type === 'note' && /SigSentry triage/.test(p.body));

describe('Intercom failure modes: a missing permission is not a revoked token; a reply-as admin who left', () => {
  let s: IntercomStack;
  let bindingId: string;
  const headers = () => ({ 'x-project-id': s.projectId });

  const binding = async () => (await api(s.app.url, 'GET', `/v1/config/support-desk/${bindingId}`, { token: s.token, headers: headers() })).json.data;
  const check = async (code: string) => (await binding()).health.checks.find((c: { code: string }) => c.code === code);
  const calls = (method: string, re: RegExp) => s.sandbox.apiCalls.filter((c) => c.method === method && re.test(c.path));

  async function postsFor(conversationId: string): Promise<Array<{ status: string; error: string | null }>> {
    const c = new Client({ connectionString: s.app.dbUrl });
    await c.connect();
    try {
      return (await c.query('SELECT status, error FROM support_desk_posts WHERE "conversationId" = $1', [conversationId])).rows;
    } finally {
      await c.end();
    }
  }

  async function eventsOf(conversationId: string): Promise<Array<{ topic: string; action: string; status: string; code: string | null }>> {
    const c = new Client({ connectionString: s.app.dbUrl });
    await c.connect();
    try {
      return (
        await c.query(
          `SELECT topic, action, status, payload->'data'->'item'->'conversation_parts'->'conversation_parts'->0->>'app_package_code' AS code
         FROM support_desk_events WHERE "conversationId" = $1 ORDER BY "receivedAt"`,
          [conversationId],
        )
      ).rows;
    } finally {
      await c.end();
    }
  }

  function converse(body: string) {
    const conv = s.sandbox.createConversation({ customer: { name: 'Joe', email: 'joe@example.com' }, body: `<p>${body}</p>` });
    return String(conv.id);
  }

  beforeAll(async () => {
    s = await startIntercomStack();
    const r = await installThroughConsent(s);
    bindingId = r.callback.headers.get('location')!.split('/').pop()!;
    expect((await binding()).installedBy.adminId).toBe(INSTALLER);
    // triage notes only (an auto-analysis note would be a second, concurrent post to count)
    const put = await api(s.app.url, 'PUT', `/v1/config/support-desk/${bindingId}`, {
      token: s.token,
      headers: headers(),
      body: { autoAnalyzeThreshold: 'disabled' },
    });
    expect(put.status).toBe(200);
  });
  afterAll(async () => s?.stop());

  afterEach(() => {
    s.sandbox.setPermissions(WS, []);
    s.sandbox.clearFaults();
  });

  it('a call refused with token_unauthorized raises permission_missing naming call and permission; the binding keeps working', async () => {
    s.sandbox.setPermissions(WS, ['Read admins']);
    const meBefore = calls('GET', /^\/me$/).length;
    const admins = await api(s.app.url, 'GET', `/v1/config/support-desk/${bindingId}/admins`, { token: s.token, headers: headers() });
    expect(admins.status).toBeGreaterThanOrEqual(400);
    expect(calls('GET', /^\/admins$/).at(-1)?.status).toBe(401);

    const b = await binding();
    expect(b.status).toBe('active');
    const missing = b.health.checks.find((c: { code: string }) => c.code === 'permission_missing');
    expect(missing).toMatchObject({ ok: false });
    expect(missing.detail).toContain('GET /admins');
    expect(missing.detail).toContain('Read admins');
    expect(missing.since).toEqual(expect.any(String));
    expect(b.health.checks.find((c: { code: string }) => c.code === 'token_rejected')).toMatchObject({ ok: true });
    // a missing permission says nothing about the token: no confirmation was needed
    expect(calls('GET', /^\/me$/).length).toBe(meBefore);

    // everything else keeps working: a new conversation still gets its note
    const id = converse('The checkout page throws a 500 error when I pay');
    await waitFor(async () => triageNotes(s.sandbox.getConversation(id)).length === 1, 20000);

    // granted again: the call works and the check clears
    s.sandbox.setPermissions(WS, []);
    const again = await api(s.app.url, 'GET', `/v1/config/support-desk/${bindingId}/admins`, { token: s.token, headers: headers() });
    expect(again.status).toBe(200);
    expect(await check('permission_missing')).toMatchObject({ ok: true, since: null });
  });

  it('a note refused for a missing permission is recorded as failed and named in health, never marks the token revoked', async () => {
    s.sandbox.setPermissions(WS, ['Write conversations']);
    const id = converse('Login has been broken for our whole team since this morning');
    await waitFor(async () => (await postsFor(id)).some((p) => p.status === 'failed'), 20000);
    expect((await postsFor(id)).find((p) => p.status === 'failed')!.error).toMatch(/permission missing: Write conversations/);
    expect(triageNotes(s.sandbox.getConversation(id))).toHaveLength(0);
    const b = await binding();
    expect(b.status).toBe('active');
    const missing = b.health.checks.find((c: { code: string }) => c.code === 'permission_missing');
    expect(missing.ok).toBe(false);
    expect(missing.detail).toContain('POST /conversations/{id}/reply');
    expect(missing.detail).toContain('Write conversations');
  });

  it('a 401 whose token still answers GET /me is retried, not a revocation: one note, binding active', async () => {
    s.sandbox.setFault({ route: 'POST /conversations/\\d+/reply', status: 401, code: 'unauthorized', message: 'Access Token Invalid', times: 1 });
    const meBefore = calls('GET', /^\/me$/).length;
    const id = converse('Search returns nothing for any query since the deploy');
    await waitFor(async () => triageNotes(s.sandbox.getConversation(id)).length >= 1, 20000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(triageNotes(s.sandbox.getConversation(id))).toHaveLength(1);
    expect(calls('GET', /^\/me$/).length).toBeGreaterThan(meBefore);
    expect((await binding()).status).toBe('active');
  });

  it('reply-as admin removed: reply_admin_missing, the note is posted once as the token admin (/me), later notes go straight to /me', async () => {
    const put = await api(s.app.url, 'PUT', `/v1/config/support-desk/${bindingId}`, { token: s.token, headers: headers(), body: { replyAsAdminId: BEN } });
    expect(put.status).toBe(200);
    expect(s.sandbox.removeAdmin(WS, BEN)).toBeTruthy();
    const replies404 = () => calls('POST', /^\/conversations\/\d+\/reply$/).filter((c) => c.status === 404).length;
    const before404 = replies404();

    const first = converse('Payments fail with a timeout for every card');
    await waitFor(async () => triageNotes(s.sandbox.getConversation(first)).length >= 1, 20000);
    const notes = triageNotes(s.sandbox.getConversation(first));
    expect(notes).toHaveLength(1);
    expect(notes[0].author.id).toBe(INSTALLER);
    expect(replies404()).toBe(before404 + 1);

    const missing = await check('reply_admin_missing');
    expect(missing.ok).toBe(false);
    expect(missing.detail).toContain(BEN);
    expect(missing.detail).toContain(INSTALLER);
    expect(missing.fix).toMatch(/another reply-as admin/);

    const second = converse('The export to CSV button does nothing');
    await waitFor(async () => triageNotes(s.sandbox.getConversation(second)).length >= 1, 20000);
    expect(triageNotes(s.sandbox.getConversation(second))[0].author.id).toBe(INSTALLER);
    expect(replies404()).toBe(before404 + 1);

    // the admin picks another: the check clears and notes are posted as that admin
    await api(s.app.url, 'PUT', `/v1/config/support-desk/${bindingId}`, { token: s.token, headers: headers(), body: { replyAsAdminId: CHLOE } });
    expect(await check('reply_admin_missing')).toMatchObject({ ok: true });
    const third = converse('Dashboard charts are empty since yesterday');
    await waitFor(async () => triageNotes(s.sandbox.getConversation(third)).length >= 1, 20000);
    expect(triageNotes(s.sandbox.getConversation(third))[0].author.id).toBe(CHLOE);
  });

  it("re-triages customer replies a channel app relayed (another app's package code); only our own code is ours", async () => {
    const id = converse('How do I add a teammate to my account?');
    await waitFor(async () => triageNotes(s.sandbox.getConversation(id)).length >= 1, 20000);
    // our package code is learned from our first post (no INTERCOM_APP_PACKAGE_CODE here); the webhook path sees it
    // once its 2 s binding cache refreshes
    await new Promise((r) => setTimeout(r, 2500));
    s.sandbox.customerReply(id, 'Now the checkout page fails with a 500 error for every card', { appPackageCode: 'whatsapp-bridge' });
    s.sandbox.customerReply(id, 'A part that carries our own package code', { appPackageCode: 'sigsentry-sandbox' });
    const replied = async () => (await eventsOf(id)).filter((e) => e.topic === 'conversation.user.replied');
    await waitFor(async () => (await replied()).length === 2 && (await replied()).every((e) => e.status === 'processed'), 20000);
    const byCode = Object.fromEntries((await replied()).map((e) => [e.code, e.action]));
    expect(byCode).toEqual({ 'whatsapp-bridge': 'retriage', 'sigsentry-sandbox': 'record' });
  });

  it('unsigned uninstall notices probe the token with GET /me at most once per binding per 5 minutes', async () => {
    const me = () => calls('GET', /^\/me$/).length;
    const before = me();
    const body = JSON.stringify({ app_id: WS });
    const answers = await Promise.all(
      Array.from({ length: 30 }, () =>
        fetch(`${s.app.url}/webhooks/intercom/uninstall`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }),
      ),
    );
    expect(answers.every((r) => r.status === 200)).toBe(true);
    expect(me() - before).toBe(1);
    expect((await binding()).status).toBe('active');
  });

  it('a token refused by the call and again by GET /me (token_revoked) turns the binding needs_reinstall', async () => {
    s.sandbox.setFault({ status: 401, code: 'token_revoked', message: 'Token revoked', times: 0 });
    const id = converse('Every page answers 502 since noon');
    await waitFor(async () => (await binding()).status === 'needs_reinstall', 20000);
    s.sandbox.clearFaults();
    expect(await check('token_rejected')).toMatchObject({ ok: false });
    expect(triageNotes(s.sandbox.getConversation(id))).toHaveLength(0);
  });
});
