/*
 * Issue 14's end-to-end bursts. Real: 1 api + 2 worker processes (`ROLE=api|worker`) on one embedded PostgreSQL,
 * pg-boss, the triage and analysis engines, a `file` log source with the outage in its logs. Stand-in: the Intercom
 * sandbox (independent implementation of the reference), delivering signed webhooks, taking notes and replies.
 * Reports: test/fixtures/outage-reports.ts (written for these tests, seven languages).
 * Faults: a worker killed with SIGKILL in the middle of the burst and of the update, and redelivered webhooks.
 */
import { Pool } from 'pg';
import { burst, type Report } from '../fixtures/outage-reports';
import { SHOP_SERVICES, writeOutageLogs } from '../helpers/outage-logs';
import { Cluster, sleep, startCluster, v1, waitFor } from '../stress/cluster';

const parts = (c: Cluster, id: string) => c.sandbox.store.conversations.get(id)?.parts.filter((p) => p.app_package_code) ?? [];
const triageNotes = (c: Cluster, id: string) => parts(c, id).filter((p) => p.part_type === 'note' && /SigSentry triage</.test(p.body)).length;
const analysisNotes = (c: Cluster, id: string) => parts(c, id).filter((p) => p.part_type === 'note' && /SigSentry analysis</.test(p.body)).length;

describe('incident bursts through the Intercom stand-in, with a killed worker and redeliveries', () => {
  let c: Cluster;
  let db: Pool;

  beforeAll(async () => {
    c = await startCluster({ apis: 1, workers: 2, env: { LOG_LEVEL: 'warn', LOG_SOURCE_TIMEOUT_MS: '20000' } });
    db = new Pool({ connectionString: c.env.DATABASE_URL, max: 3 });
    expect((await v1(c, 'PUT', `/v1/config/projects/${c.projectId}`, { services: SHOP_SERVICES })).status).toBe(200);
    const logs = writeOutageLogs(`${c.env.DATA_DIR}/logs`, c.projectId, [
      { service: 'checkout', origin: 'payments', messages: ['payment gateway timeout after <n> ms', 'acquirer refused connection <n>'], minutesAgo: 30 },
      { service: 'auth', origin: 'auth', messages: ['identity provider returned 503 for token request <n>'], minutesAgo: 25 },
    ]);
    expect((await v1(c, 'POST', '/v1/config/log-sources', { type: 'file', name: 'shop', credentials: {}, sources: [logs.glob] })).status).toBe(201);
    // The analysis starts once the incident is critical: a burst that goes from high to critical runs one analysis.
    expect((await v1(c, 'PUT', `/v1/config/support-desk/${c.bindingId}`, { autoAnalyzeThreshold: 'critical' })).status).toBe(200);
  }, 240_000);
  afterAll(async () => {
    await db?.end();
    await c?.stop();
  });

  function send(reports: Report[], tag: string): string[] {
    return reports.map((r, i) => String(c.sandbox.createConversation({ customer: { name: `${tag} ${i}`, email: `${tag}${i}@example.com` }, body: r.body }).id));
  }

  it('50 reports of one outage (7 languages) + 10 unrelated: one incident of the 50, one analysis, one note each, one update each', async () => {
    const reports = burst({ checkout: 50 }, 10, 7, 'dev');
    const ids: string[] = [];
    // The burst, with a worker killed (SIGKILL) after 25 conversations and a few webhooks delivered twice.
    ids.push(...send(reports.slice(0, 25), 'a'));
    await sleep(300);
    c.workers[0].proc.kill('SIGKILL');
    ids.push(...send(reports.slice(25), 'b'));
    const delivered = c.sandbox.deliveries.filter((d) => d.topic === 'conversation.user.created' && d.notificationId).slice(0, 10);
    for (const d of delivered) c.sandbox.redeliver(d.notificationId!);
    await c.restartWorker(0);

    const outage = ids.filter((_, i) => reports[i].outage === 'checkout');
    const unrelated = ids.filter((_, i) => reports[i].outage === null);
    await waitFor(() => ids.every((id) => triageNotes(c, id) >= 1), 180_000, 'a triage note on every conversation');
    await waitFor(() => outage.every((id) => analysisNotes(c, id) >= 1), 180_000, 'the analysis note on every conversation of the outage');
    await sleep(1500); // let stragglers (duplicates, if any) land

    const list = (await v1(c, 'GET', '/v1/incidents?limit=100')).body.data.items;
    const checkout = list.filter((i: any) => i.service === 'checkout');
    expect(checkout).toHaveLength(1);
    const detail = (await v1(c, 'GET', `/v1/incidents/${checkout[0].id}`)).body.data;
    expect(detail.conversationCount).toBe(50);
    expect(detail.conversations.map((x: any) => x.conversationId).sort()).toEqual([...outage].sort());
    for (const id of unrelated) expect(detail.conversations.some((x: any) => x.conversationId === id)).toBe(false);
    expect(detail.analyses).toHaveLength(1);
    const incidentAnalyses = await db.query(`SELECT count(*)::int AS n FROM analyses WHERE metadata->>'incidentId' = $1`, [detail.id]);
    expect(incidentAnalyses.rows[0].n).toBe(1);
    const perConversation = await db.query(`SELECT count(*)::int AS n FROM analyses WHERE "conversationId" = ANY($1)`, [outage]);
    expect(perConversation.rows[0].n).toBe(0);
    for (const id of ids) expect(triageNotes(c, id)).toBe(1);
    for (const id of outage) expect(analysisNotes(c, id)).toBe(1);
    for (const id of unrelated) expect(analysisNotes(c, id)).toBe(0);

    // One update to everyone still open (three were closed meanwhile), with a worker killed while it is sent.
    const closed = outage.slice(0, 3);
    for (const id of closed) c.sandbox.closeConversation(id);
    const sent = await v1(c, 'POST', `/v1/incidents/${detail.id}/updates`, { message: 'A fix for the checkout errors is being deployed.' });
    expect(sent.status).toBe(202);
    expect(sent.body.data.conversations).toBe(50);
    c.workers[1].proc.kill('SIGKILL');
    await c.restartWorker(1);
    const progress = await waitFor(
      async () => {
        const p = (await v1(c, 'GET', `/v1/incidents/${detail.id}/updates/${sent.body.data.id}`)).body.data;
        return p.pending === 0 ? p : null;
      },
      120_000,
      'the update delivered',
    );
    expect(progress).toMatchObject({ posted: 47, skipped: 3, failed: 0 });
    const updates = (id: string) =>
      parts(c, id).filter((p) => p.part_type === 'comment' && p.body.includes('A fix for the checkout errors is being deployed.')).length;
    for (const id of outage) expect(updates(id)).toBe(closed.includes(id) ? 0 : 1);
  }, 420_000);

  it('two services down at the same time stay two incidents, each with its conversations and one analysis', async () => {
    await v1(c, 'PUT', `/v1/incidents/${(await v1(c, 'GET', '/v1/incidents?service=checkout')).body.data.items[0].id}`, { status: 'resolved' });
    const reports = burst({ checkout: 15, auth: 15 }, 0, 11, 'holdout');
    const ids = send(reports, 'c');
    await waitFor(() => ids.every((id) => analysisNotes(c, id) >= 1), 180_000, 'the analysis note on every conversation');
    const open = (await v1(c, 'GET', '/v1/incidents?status=open&limit=100')).body.data.items;
    for (const service of ['checkout', 'auth'] as const) {
      const mine = open.filter((i: any) => i.service === service);
      expect(mine).toHaveLength(1);
      const detail = (await v1(c, 'GET', `/v1/incidents/${mine[0].id}`)).body.data;
      expect(detail.conversations.map((x: any) => x.conversationId).sort()).toEqual(ids.filter((_, i) => reports[i].outage === service).sort());
      expect(detail.analyses).toHaveLength(1);
    }
    for (const id of ids) expect(analysisNotes(c, id)).toBe(1);
  }, 300_000);
});
