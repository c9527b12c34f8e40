/*
 * Issue 16 failure mode 3, end to end: webhooks Intercom gave up on are recovered by reconciliation. Real: our app
 * (api + worker), PostgreSQL (embedded), pg-boss, the triage engine. Stand-in: the Intercom sandbox, which drops the
 * deliveries we tell it to (as Intercom does after its one retry) and answers POST /conversations/search as Intercom's
 * OpenAPI describes it (query on updated_at, paged with per_page/starting_after).
 */
import { Client } from 'pg';
import { api } from '../helpers/app';
import { installThroughConsent, IntercomStack, startIntercomStack, waitFor } from '../helpers/intercom';

type Part = { part_type: string; body: string; app_package_code?: string | null };
const parts = (conv: any): Part[] => conv.conversation_parts?.conversation_parts ?? [];
const triageNotes = (conv: any) => parts(conv).filter((p) => p.app_package_code && p.part_type === 'note' && /SigSentry triage/.test(p.body));

describe('reconciliation: missed webhooks are handled once, never old conversations', () => {
  let s: IntercomStack;
  let bindingId: string;
  const headers = () => ({ 'x-project-id': s.projectId });
  const check = async () =>
    (await api(s.app.url, 'GET', `/v1/config/support-desk/${bindingId}`, { token: s.token, headers: headers() })).json.data.health.checks.find(
      (c: { code: string }) => c.code === 'reconciliation',
    );
  const searches = () => s.sandbox.apiCalls.filter((c) => c.method === 'POST' && c.path === '/conversations/search');

  async function events(conversationId: string): Promise<Array<{ notificationId: string; topic: string; action: string; status: string }>> {
    const c = new Client({ connectionString: s.app.dbUrl });
    await c.connect();
    try {
      return (
        await c.query('SELECT "notificationId", topic, action, status FROM support_desk_events WHERE "conversationId" = $1 ORDER BY "receivedAt"', [
          conversationId,
        ])
      ).rows;
    } finally {
      await c.end();
    }
  }

  /** Waits until two more reconciliation runs have searched (so anything they would post has had its chance). */
  async function twoMoreRuns() {
    const n = searches().length;
    await waitFor(async () => searches().length >= n + 2, 20000);
    await waitFor(async () => {
      const c = new Client({ connectionString: s.app.dbUrl });
      await c.connect();
      try {
        const r = await c.query(`SELECT count(*)::int AS n FROM support_desk_events WHERE status = 'received'`);
        return r.rows[0].n === 0;
      } finally {
        await c.end();
      }
    }, 20000);
  }

  beforeAll(async () => {
    s = await startIntercomStack({ INTERCOM_RECONCILE_SECONDS: '2' });
    // a conversation from before the install: its customer wrote long ago, and its webhook never came
    s.sandbox.dropDeliveries(1, 'conversation.user.created');
    s.sandbox.createConversation({
      customer: { name: 'Old', email: 'old@example.com' },
      body: '<p>Checkout failed with a 500 error last week</p>',
      createdAt: Math.floor(Date.now() / 1000) - 3 * 3600,
    });
    const r = await installThroughConsent(s);
    bindingId = r.callback.headers.get('location')!.split('/').pop()!;
  });
  afterAll(async () => s?.stop());

  it('a conversation whose webhook was dropped gets its one triage note from reconciliation', async () => {
    s.sandbox.dropDeliveries(1, 'conversation.user.created');
    const conv = s.sandbox.createConversation({
      customer: { name: 'Joe', email: 'joe@example.com' },
      body: '<p>Login is broken for all of our team since 9am</p>',
    });
    const id = String(conv.id);
    expect(s.sandbox.deliveries.some((d) => d.topic === 'conversation.user.created' && JSON.stringify(d).includes(id))).toBe(false);
    await waitFor(async () => triageNotes(s.sandbox.getConversation(id)).length >= 1, 20000);
    await twoMoreRuns();
    expect(triageNotes(s.sandbox.getConversation(id))).toHaveLength(1);
    const evs = await events(id);
    expect(evs.filter((e) => e.topic === 'conversation.user.created')).toHaveLength(1);
    expect(evs[0].notificationId).toMatch(/^reconcile:/);

    const health = await check();
    expect(health.ok).toBe(true);
    expect(health.detail).toMatch(/recovered/);
    const total = Number(/\((\d+) since activation\)/.exec(health.detail)?.[1]);
    expect(total).toBeGreaterThanOrEqual(1);
  });

  it('a conversation whose webhook arrived is handled once, whichever of webhook and reconciliation comes first', async () => {
    const conv = s.sandbox.createConversation({ customer: { name: 'Ann', email: 'ann@example.com' }, body: '<p>The export button does nothing at all</p>' });
    const id = String(conv.id);
    await waitFor(async () => triageNotes(s.sandbox.getConversation(id)).length >= 1, 20000);
    await twoMoreRuns();
    expect(triageNotes(s.sandbox.getConversation(id))).toHaveLength(1);
    // whichever of webhook and reconciliation came first handled it; the other was only recorded
    const acted = (await events(id)).filter((e) => e.topic === 'conversation.user.created' && e.action === 'triage');
    expect(acted).toHaveLength(1);
  });

  it('a customer reply whose webhook was dropped is re-triaged once', async () => {
    const conv = s.sandbox.createConversation({ customer: { name: 'Kim', email: 'kim@example.com' }, body: '<p>How do I change my invoice address?</p>' });
    const id = String(conv.id);
    await waitFor(async () => triageNotes(s.sandbox.getConversation(id)).length >= 1, 20000);
    s.sandbox.dropDeliveries(1, 'conversation.user.replied');
    s.sandbox.customerReply(id, 'Update: now the whole checkout page answers 500 errors for every customer');
    await waitFor(async () => (await events(id)).some((e) => e.topic === 'conversation.user.replied' && e.notificationId.startsWith('reconcile:')), 20000);
    await twoMoreRuns();
    const replied = (await events(id)).filter((e) => e.topic === 'conversation.user.replied');
    expect(replied).toHaveLength(1);
    expect(replied[0]).toMatchObject({ action: 'retriage', status: 'processed' });
  });

  it('never posts into a conversation from before the binding was activated', async () => {
    const old = s.sandbox.listConversations('sbx12345').find((c: any) => /last week/.test(JSON.stringify(c)));
    expect(old).toBeTruthy();
    await twoMoreRuns();
    expect(triageNotes(s.sandbox.getConversation(String(old!.id)))).toHaveLength(0);
    expect(await events(String(old!.id))).toHaveLength(0);
  });

  it('reports a failing search in health and recovers on the next run', async () => {
    s.sandbox.setFault({ route: 'POST /conversations/search', status: 500, code: 'server_error', message: 'boom', times: 4 });
    await waitFor(async () => (await check()).ok === false, 20000);
    expect((await check()).detail).toMatch(/errors: search/);
    s.sandbox.clearFaults();
    await waitFor(async () => (await check()).ok === true, 20000);
  });
});
