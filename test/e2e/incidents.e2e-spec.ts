/*
 * Real: our app (api + worker), PostgreSQL (embedded), pg-boss, the triage and analysis engines, a `file` log source.
 * Stand-in: the Intercom sandbox (independent implementation of the Intercom reference and its 2.16 OpenAPI
 * description): conversations, signed webhooks, notes and replies, closing, tickets.
 */
import { Client } from 'pg';
import { randomUUID } from 'node:crypto';
import { incidentTitle } from '@app/incidents';
import { ConversationTriagedPort, type TriagedConversation } from '@app/triage';
import { api } from '../helpers/app';
import { installThroughConsent, IntercomStack, startIntercomStack, waitFor } from '../helpers/intercom';
import { SHOP_SERVICES, writeOutageLogs } from '../helpers/outage-logs';

const ours = (conv: any, type?: 'note' | 'comment') =>
  (conv.conversation_parts?.conversation_parts ?? []).filter((p: any) => p.app_package_code && (!type || p.part_type === type));
const triageNotes = (conv: any) => ours(conv, 'note').filter((p: any) => /SigSentry triage/.test(p.body));
const analysisNotes = (conv: any) => ours(conv, 'note').filter((p: any) => /SigSentry analysis/.test(p.body));
const publicReplies = (conv: any) => ours(conv, 'comment');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('incidents: grouping, one analysis, posting, API', () => {
  let s: IntercomStack;
  let bindingId: string;
  let db: Client;
  const h = () => ({ 'x-project-id': s.projectId });
  const v1 = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    api(s.app.url, method, path, { token: s.token, headers: { ...h(), ...headers }, body });

  beforeAll(async () => {
    s = await startIntercomStack();
    db = new Client({ connectionString: s.app.dbUrl });
    await db.connect();
    await api(s.app.url, 'PUT', `/v1/config/projects/${s.projectId}`, { token: s.token, body: { services: SHOP_SERVICES } });
    const logs = writeOutageLogs(s.app.config.logFilesDir, s.projectId, [
      {
        service: 'checkout',
        origin: 'payments',
        messages: ['payment gateway timeout after <n> ms', 'acquirer connection reset (attempt <n>)'],
        // Recent enough that even the shortest window triage suggests ("since 10 minutes": 15 min) holds a baseline before it.
        minutesAgo: 8,
      },
    ]);
    const src = await v1('POST', '/v1/config/log-sources', { type: 'file', name: 'shop files', credentials: {}, sources: [logs.glob] });
    expect(src.status).toBe(201);
    await installThroughConsent(s);
    bindingId = (await v1('GET', '/v1/config/support-desk')).json.data[0].id;
  });
  afterAll(async () => {
    await db?.end();
    await s?.stop();
  });

  it('groups concurrent reports of one outage into one incident, keeps others out, runs one analysis and posts it to each', async () => {
    const outage = [
      'Checkout is down for all our customers, every order fails with a 502',
      'Nobody can place an order since 10 minutes, the basket page errors out',
      'Customers cannot pay at checkout, it says gateway error',
      'Our whole shop is losing sales: checkout broken for everyone',
    ];
    const others = ['How do I change the email address on my invoices?', 'Login is down for everyone in our team, nobody can sign in'];
    const convs = [...outage, ...others].map((body, i) =>
      s.sandbox.createConversation({ customer: { name: `Customer ${i}`, email: `c${i}@example.com` }, body }),
    );
    const ids = convs.map((c) => String(c.id));
    await waitFor(async () => ids.every((id) => triageNotes(s.sandbox.getConversation(id)).length === 1), 30000, 200);
    await waitFor(async () => ids.slice(0, outage.length).every((id) => analysisNotes(s.sandbox.getConversation(id)).length === 1), 60000, 300);

    const list = await v1('GET', '/v1/incidents');
    expect(list.status).toBe(200);
    const checkout = list.json.data.items.filter((i: any) => i.service === 'checkout');
    expect(checkout).toHaveLength(1);
    const detail = (await v1('GET', `/v1/incidents/${checkout[0].id}`)).json.data;
    expect(detail.conversations.map((c: any) => c.conversationId).sort()).toEqual(ids.slice(0, outage.length).sort());
    expect(detail.analyses).toHaveLength(1);
    expect(detail.ref).toMatch(/^INC-\d+$/);
    // The triage note names the incident.
    for (const id of ids.slice(0, outage.length)) expect(triageNotes(s.sandbox.getConversation(id))[0].body).toContain(detail.ref);
    // The question stays out; the other service is another incident.
    expect(triageNotes(s.sandbox.getConversation(ids[4]))[0].body).not.toMatch(/INC-/);
    const auth = list.json.data.items.find((i: any) => i.service === 'auth');
    expect(auth?.conversationCount).toBe(1);
    const analyses = await db.query(`SELECT id, trigger, "bindingId", metadata FROM analyses WHERE metadata->>'incidentId' = $1`, [detail.id]);
    expect(analyses.rows).toHaveLength(1);
    expect(analyses.rows[0]).toMatchObject({ trigger: 'support_desk', bindingId: null });
    // No per-conversation analysis for conversations in an incident.
    const own = await db.query(`SELECT count(*)::int AS n FROM analyses WHERE "conversationId" = ANY($1)`, [ids.slice(0, outage.length)]);
    expect(own.rows[0].n).toBe(0);
    const note = analysisNotes(s.sandbox.getConversation(ids[0]))[0].body;
    expect(note).toContain(`${detail.ref} · checkout`);
    expect(note).toContain('service <b>payments</b>');
    // The title comes from the service and the analysis's category, never from a customer's words.
    const result = (await v1('GET', `/v1/analyses/${analyses.rows[0].id}`)).json.data.result;
    expect(detail.title).toBe(incidentTitle('checkout', result.rootCause.category));
    expect(detail.title).not.toMatch(/order|basket|pay/i);
    expect(detail.timeline.map((e: any) => e.kind)).toEqual(expect.arrayContaining(['opened', 'linked', 'analysis_started', 'analysis_finished']));
    expect(detail.conversations[0].reason).toMatch(/checkout/);
    expect(detail.conversations[0].platformUrl).toBe(`${s.sandbox.url}/conversations/${detail.conversations[0].conversationId}/view`);
    // The conversation's view lists the incident's analysis and names the incident.
    const view = await v1('GET', `/v1/support-desk/conversations/${bindingId}/${ids[0]}`);
    expect(view.json.data.analyses.map((a: any) => a.id)).toEqual([analyses.rows[0].id]);
    expect(view.json.data.incident).toMatchObject({ id: detail.id, ref: detail.ref, conversationCount: outage.length });
  }, 120000);

  it('concurrent arrivals of one outage in the same second end in ONE incident (3 × 12 at once through the seam); a retry gets the same answer', async () => {
    const port = s.app.app.get(ConversationTriagedPort);
    const { tenantId } = (await db.query(`SELECT "tenantId" FROM support_desk_bindings WHERE id = $1`, [bindingId])).rows[0];
    const at = new Date();
    const arrival = (i: number): TriagedConversation => ({
      tenantId,
      projectId: s.projectId,
      bindingId,
      platform: 'intercom',
      conversationId: `burst-${i}`,
      triageId: randomUUID(),
      reason: 'created',
      isUpdate: false,
      subject: null,
      customerName: `Burst ${i}`,
      conversationCreatedAt: at,
      result: {
        severity: 'medium',
        affectedService: 'notifications',
        window: { start: new Date(at.getTime() - 7_200_000).toISOString(), end: at.toISOString() },
        summary: 'Order emails are not sent',
        keywords: [],
        language: 'en',
        confidence: 0.8,
        model: 'heuristic',
        evidence: [],
      },
    });
    // 12 at once per round (a worker runs 8 triage jobs at a time; the app's pool has 20 connections).
    const inputs = Array.from({ length: 36 }, (_, i) => arrival(i));
    const decisions = [];
    for (let r = 0; r < 3; r++) decisions.push(...(await Promise.all(inputs.slice(r * 12, r * 12 + 12).map((c) => port.conversationTriaged(c)))));
    const ids = new Set(decisions.map((d) => d.incident?.id));
    expect(ids.size).toBe(1);
    expect(decisions.every((d) => d.autoAnalysis === 'per_incident')).toBe(true);
    const [id] = [...ids];
    expect((await db.query(`SELECT "conversationCount" AS n FROM incidents WHERE id = $1`, [id])).rows[0].n).toBe(36);
    const again = await port.conversationTriaged(inputs[7]);
    expect(again.incident?.id).toBe(id);
    expect((await db.query(`SELECT count(*)::int AS n FROM incident_conversations WHERE "incidentId" = $1`, [id])).rows[0].n).toBe(36);
    expect((await db.query(`SELECT count(*)::int AS n FROM incidents WHERE service = 'notifications'`)).rows[0].n).toBe(1);
    // A critical one joins: linked, then escalated (in that order on the timeline), counted, its row stored whole.
    const critical = arrival(36);
    critical.result = { ...critical.result, severity: 'critical' };
    expect((await port.conversationTriaged({ ...critical, trackerTickets: false })).incident?.id).toBe(id);
    const detail = (await v1('GET', `/v1/incidents/${id}`)).json.data;
    expect(detail).toMatchObject({ severity: 'critical', conversationCount: 37 });
    const kinds = detail.timeline.map((e: any) => `${e.kind}:${e.detail}`);
    const linkedAt = kinds.indexOf(
      'linked:Conversation burst-36 (critical) linked: ' + detail.conversations.find((c: any) => c.conversationId === 'burst-36').reason,
    );
    expect(linkedAt).toBeGreaterThanOrEqual(0);
    expect(kinds.indexOf('escalated:Severity medium → critical')).toBe(linkedAt + 1);
    const row = (await db.query(`SELECT status, "linkedBy", severity, terms, "triageId" FROM incident_conversations WHERE "conversationId" = 'burst-36'`))
      .rows[0];
    expect(row).toMatchObject({ status: 'linked', linkedBy: 'auto', severity: 'critical', triageId: critical.triageId });
    expect(row.terms.length).toBeGreaterThan(0);
    await v1('PUT', `/v1/incidents/${id}`, { status: 'resolved' });
  }, 60000);

  it('a conversation that joins after the analysis finished gets it at once; no new analysis runs', async () => {
    const inc = (await v1('GET', '/v1/incidents?service=checkout')).json.data.items[0];
    const conv = s.sandbox.createConversation({ customer: { name: 'Late', email: 'late@example.com' }, body: 'Hi, the basket shows a 502 error when I pay' });
    const id = String(conv.id);
    await waitFor(async () => analysisNotes(s.sandbox.getConversation(id)).length === 1, 30000, 200);
    const detail = (await v1('GET', `/v1/incidents/${inc.id}`)).json.data;
    expect(detail.conversationCount).toBe(inc.conversationCount + 1);
    expect(detail.analyses).toHaveLength(1);
    // The triage note comes first, then the analysis note.
    const notes = ours(s.sandbox.getConversation(id), 'note');
    expect(notes.map((n: any) => (/SigSentry triage/.test(n.body) ? 'triage' : 'analysis'))).toEqual(['triage', 'analysis']);
  }, 60000);

  it('lists incidents paged and filtered, validates the query and keeps them per project and permission', async () => {
    const all = await v1('GET', '/v1/incidents?limit=1');
    expect(all.status).toBe(200);
    expect(all.json.data.items).toHaveLength(1);
    expect(all.json.data.pagination).toMatchObject({ page: 1, limit: 1, total: 3, totalPages: 3 });
    expect((await v1('GET', '/v1/incidents?limit=1&page=3')).json.data.items).toHaveLength(1);
    expect((await v1('GET', '/v1/incidents?status=resolved')).json.data.items.map((i: any) => i.service)).toEqual(['notifications']);
    expect((await v1('GET', '/v1/incidents?service=auth')).json.data.items).toHaveLength(1);
    for (const q of ['limit=0', 'limit=101', 'page=0', 'status=closed']) {
      const bad = await v1('GET', `/v1/incidents?${q}`);
      expect(bad.status).toBe(400);
      expect(bad.json.error.code).toBe('VALIDATION_ERROR');
    }
    expect((await v1('GET', '/v1/incidents/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await v1('GET', '/v1/incidents/not-a-uuid')).status).toBe(404);
    expect((await api(s.app.url, 'GET', '/v1/incidents', { token: s.token })).json.error.code).toBe('MISSING_PROJECT_ID');
    // A read-only key reads but cannot change.
    const key = await api(s.app.url, 'POST', '/v1/config/api-keys', {
      token: s.token,
      body: { name: 'reader', type: 'secret', projectId: s.projectId, permissions: ['analysis:read'] },
    });
    expect(key.status).toBe(201);
    const reader = key.json.data.key;
    const id = all.json.data.items[0].id;
    expect((await api(s.app.url, 'GET', `/v1/incidents/${id}`, { token: reader })).status).toBe(200);
    const put = await api(s.app.url, 'PUT', `/v1/incidents/${id}`, { token: reader, body: { title: 'x' } });
    expect(put.status).toBe(403);
    const upd = await api(s.app.url, 'POST', `/v1/incidents/${id}/updates`, { token: reader, body: { message: 'x' } });
    expect(upd.status).toBe(403);
    // Another project's view of it: not found.
    const other = await api(s.app.url, 'POST', '/v1/config/projects', { token: s.token, body: { name: 'Other shop', slug: 'other-shop' } });
    const elsewhere = await api(s.app.url, 'GET', `/v1/incidents/${id}`, { token: s.token, headers: { 'x-project-id': other.json.data.id } });
    expect(elsewhere.status).toBe(404);
  });

  it('sets a title (kept over the automatic one) and validates it', async () => {
    const inc = (await v1('GET', '/v1/incidents?service=auth')).json.data.items[0];
    for (const title of ['', '   ', 'x'.repeat(201)]) expect((await v1('PUT', `/v1/incidents/${inc.id}`, { title })).status).toBe(400);
    expect((await v1('PUT', `/v1/incidents/${inc.id}`, { status: 'gone' })).status).toBe(400);
    const r = await v1('PUT', `/v1/incidents/${inc.id}`, { title: '  Sign-in   outage  ' });
    expect(r.status).toBe(200);
    expect(r.json.data).toMatchObject({ title: 'Sign-in outage', status: 'open' });
    const timeline = (await v1('GET', `/v1/incidents/${inc.id}`)).json.data.timeline;
    expect(timeline.at(-1)).toMatchObject({ kind: 'title_changed' });
  });

  it('binding settings: the incident update template is validated like the reply template and used; tracker tickets need API 2.16', async () => {
    const bad = await v1('PUT', `/v1/config/support-desk/${bindingId}`, { incidentUpdateTemplate: 'Hi {{ ticket.subject }}' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/ticket\.subject/);
    const preview = await v1('POST', `/v1/config/support-desk/${bindingId}/template-preview`, {
      kind: 'incident_update',
      template: '{{ incident_ref }} is {{ incident_status }}: {{ message }}',
    });
    expect(preview.status).toBe(200);
    expect(preview.json.data.rendered).toMatch(/^INC-\d+ is open: .+/);
    const template = '{{ incident_ref }} ({{ incident_title }}) is {{ incident_status }}: {{ message }}';
    const ok = await v1('PUT', `/v1/config/support-desk/${bindingId}`, { incidentUpdateTemplate: template });
    expect(ok.json.data.incidentUpdateTemplate).toBe(template);
    const tracker = await v1('PUT', `/v1/config/support-desk/${bindingId}`, { trackerTickets: { enabled: true, ticketTypeId: '88' } });
    expect(tracker.status).toBe(400);
    expect(tracker.json.error.message).toMatch(/INTERCOM_API_VERSION 2\.16/);
    expect(ok.json.data.trackerTickets).toEqual({ enabled: false, ticketTypeId: null });

    // "Fixed" update: resolves first, then every open conversation gets the rendered update.
    const auth = (await v1('GET', '/v1/incidents?service=auth')).json.data.items[0];
    const [conv] = (await v1('GET', `/v1/incidents/${auth.id}`)).json.data.conversations;
    const sent = await v1('POST', `/v1/incidents/${auth.id}/updates`, { message: 'Fixed: sign-in works again.', resolve: true });
    expect(sent.status).toBe(202);
    await waitFor(async () => (await v1('GET', `/v1/incidents/${auth.id}/updates/${sent.json.data.id}`)).json.data.posted === 1, 20000);
    const reply = publicReplies(s.sandbox.getConversation(conv.conversationId)).at(-1);
    expect(reply.body).toContain(`${auth.ref} (Sign-in outage) is resolved: Fixed: sign-in works again.`);
    expect((await v1('GET', `/v1/incidents/${auth.id}`)).json.data).toMatchObject({ status: 'resolved', resolvedAt: expect.any(String) });
    await v1('PUT', `/v1/config/support-desk/${bindingId}`, { incidentUpdateTemplate: null });
  }, 60000);

  it('updates every open conversation once (closed ones skipped), escaped, idempotent, and once again after a crash', async () => {
    const inc = (await v1('GET', '/v1/incidents?service=checkout')).json.data.items[0];
    const detail = (await v1('GET', `/v1/incidents/${inc.id}`)).json.data;
    const ids: string[] = detail.conversations.map((c: any) => c.conversationId);
    s.sandbox.closeConversation(ids[1]);
    for (const message of ['', '   ', 'x'.repeat(2001)]) {
      const bad = await v1('POST', `/v1/incidents/${inc.id}/updates`, { message });
      expect(bad.status).toBe(400);
      expect(bad.json.error.details.fields[0].field).toBe('message');
    }
    expect((await v1('POST', `/v1/incidents/${inc.id}/updates`, {})).status).toBe(400);
    const message = 'We found the cause <b>and</b> a fix is rolling out.';
    const a = await v1('POST', `/v1/incidents/${inc.id}/updates`, { message }, { 'idempotency-key': 'upd-1' });
    const b = await v1('POST', `/v1/incidents/${inc.id}/updates`, { message }, { 'idempotency-key': 'upd-1' });
    expect(a.status).toBe(202);
    expect(a.json.data).toEqual({ id: expect.any(String), conversations: ids.length });
    expect(b.json.data.id).toBe(a.json.data.id);
    const progress = await waitFor(async () => {
      const p = (await v1('GET', `/v1/incidents/${inc.id}/updates/${a.json.data.id}`)).json.data;
      return p.pending === 0 ? p : null;
    }, 30000);
    expect(progress).toMatchObject({ conversations: ids.length, posted: ids.length - 1, skipped: 1, failed: 0, failures: [] });
    const replyOf = (id: string) => publicReplies(s.sandbox.getConversation(id)).filter((p: any) => p.body.includes('an update on the issue you reported'));
    for (const id of ids) expect(replyOf(id)).toHaveLength(id === ids[1] ? 0 : 1);
    expect(replyOf(ids[0])[0].body).toContain(`(${detail.ref}): We found the cause &lt;b&gt;and&lt;/b&gt; a fix is rolling out.`);

    // A crash after Intercom accepted the reply but before it was recorded: the retry finds the copy and does not post again.
    await db.query(`UPDATE support_desk_posts SET status = 'started', attempts = 1 WHERE purpose = $1 AND "conversationId" = $2`, [
      `incident-update:${a.json.data.id}`,
      ids[0],
    ]);
    const d = await db.query(`UPDATE incident_update_deliveries SET status = 'pending' WHERE "updateId" = $1 AND "conversationId" = $2 RETURNING id`, [
      a.json.data.id,
      ids[0],
    ]);
    await s.app.queue.enqueue('incidents.update-delivery', { deliveryId: d.rows[0].id });
    await waitFor(
      async () => (await db.query(`SELECT status FROM incident_update_deliveries WHERE id = $1`, [d.rows[0].id])).rows[0].status === 'posted',
      20000,
    );
    expect(replyOf(ids[0])).toHaveLength(1);
    // A crash before the call reached Intercom (recorded as started, never posted): the retry posts it, once.
    const second = await v1('POST', `/v1/incidents/${inc.id}/updates`, { message: 'Still working on it.' });
    await waitFor(async () => (await v1('GET', `/v1/incidents/${inc.id}/updates/${second.json.data.id}`)).json.data.pending === 0, 30000);
    const secondOf = (id: string) => publicReplies(s.sandbox.getConversation(id)).filter((p: any) => p.body.includes('Still working on it.'));
    expect(secondOf(ids[2])).toHaveLength(1);
    const stored = s.sandbox.store.conversations.get(ids[2])!;
    stored.parts = stored.parts.filter((p) => !p.body.includes('Still working on it.'));
    expect(secondOf(ids[2])).toHaveLength(0);
    await db.query(`UPDATE support_desk_posts SET status = 'started', attempts = 1 WHERE purpose = $1 AND "conversationId" = $2`, [
      `incident-update:${second.json.data.id}`,
      ids[2],
    ]);
    const d2 = await db.query(`UPDATE incident_update_deliveries SET status = 'pending' WHERE "updateId" = $1 AND "conversationId" = $2 RETURNING id`, [
      second.json.data.id,
      ids[2],
    ]);
    await s.app.queue.enqueue('incidents.update-delivery', { deliveryId: d2.rows[0].id });
    await waitFor(
      async () => (await db.query(`SELECT status FROM incident_update_deliveries WHERE id = $1`, [d2.rows[0].id])).rows[0].status === 'posted',
      20000,
    );
    expect(secondOf(ids[2])).toHaveLength(1);
    expect((await v1('GET', `/v1/incidents/${inc.id}/updates/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
  }, 90000);

  it('an unlinked conversation gets its own path back and is never linked again automatically', async () => {
    const inc = (await v1('GET', '/v1/incidents?service=checkout')).json.data.items[0];
    const detail = (await v1('GET', `/v1/incidents/${inc.id}`)).json.data;
    // One whose own severity meets the binding's threshold (high), so that its own analysis runs once it is out.
    const target = detail.conversations.find((c: any) => ['high', 'critical'].includes(c.severity)).conversationId;
    expect((await v1('DELETE', `/v1/incidents/${inc.id}/conversations/${bindingId}/nope`)).status).toBe(404);
    const r = await v1('DELETE', `/v1/incidents/${inc.id}/conversations/${bindingId}/${target}`);
    expect(r.status).toBe(200);
    expect(r.json.data.conversationCount).toBe(inc.conversationCount - 1);
    expect(r.json.data.conversations.map((c: any) => c.conversationId)).not.toContain(target);
    // Its own analysis (threshold high) runs and support-desk posts it.
    await waitFor(async () => analysisNotes(s.sandbox.getConversation(target)).length === 2, 30000, 200);
    const own = await db.query(`SELECT count(*)::int AS n FROM analyses WHERE "bindingId" = $1 AND "conversationId" = $2`, [bindingId, target]);
    expect(own.rows[0].n).toBe(1);
    // A reply that would group it: it stays out.
    s.sandbox.customerReply(target, 'Checkout is still down for every customer, all orders fail with 502');
    await waitFor(async () => (await db.query(`SELECT count(*)::int AS n FROM triages WHERE "conversationId" = $1`, [target])).rows[0].n === 2, 20000);
    await sleep(500);
    const row = await db.query(`SELECT status, "incidentId" FROM incident_conversations WHERE "conversationId" = $1`, [target]);
    expect(row.rows[0]).toMatchObject({ status: 'unlinked', incidentId: inc.id });
    const view = await v1('GET', `/v1/support-desk/conversations/${bindingId}/${target}`);
    expect(view.json.data.incident).toBeNull();
  }, 60000);

  it('a reply that escalates a question moves its conversation into the incident', async () => {
    const inc = (await v1('GET', '/v1/incidents?service=checkout')).json.data.items[0];
    const conv = s.sandbox.createConversation({
      customer: { name: 'Quinn', email: 'quinn@example.com' },
      body: 'Hi! Could you tell me how to download my invoices as PDF? Thanks',
    });
    const id = String(conv.id);
    await waitFor(async () => triageNotes(s.sandbox.getConversation(id)).length === 1, 20000);
    expect((await db.query(`SELECT count(*)::int AS n FROM incident_conversations WHERE "conversationId" = $1`, [id])).rows[0].n).toBe(0);
    s.sandbox.customerReply(id, 'Also the checkout is down for everyone, all orders fail');
    await waitFor(async () => triageNotes(s.sandbox.getConversation(id)).length === 2, 20000);
    expect(triageNotes(s.sandbox.getConversation(id))[1].body).toContain(`Incident: <a href`);
    const after = (await v1('GET', `/v1/incidents/${inc.id}`)).json.data;
    expect(after.conversations.map((c: any) => c.conversationId)).toContain(id);
  }, 60000);

  it('merges one incident into another and refuses merging into itself or twice', async () => {
    const a = s.sandbox.createConversation({ customer: { name: 'Sam', email: 'sam@example.com' }, body: 'Search is completely down for every user' });
    const b = s.sandbox.createConversation({
      customer: { name: 'Tia', email: 'tia@example.com' },
      body: 'Shipping is down for all our customers, no parcel can be tracked',
    });
    await waitFor(async () => [a, b].every((c) => triageNotes(s.sandbox.getConversation(String(c.id))).length === 1), 20000);
    const search = (await v1('GET', '/v1/incidents?service=search')).json.data.items[0];
    const shipping = (await v1('GET', '/v1/incidents?service=shipping')).json.data.items[0];
    expect((await v1('POST', `/v1/incidents/${search.id}/merge`, { incidentId: search.id })).status).toBe(400);
    expect((await v1('POST', `/v1/incidents/${search.id}/merge`, { incidentId: 'x' })).status).toBe(400);
    const m = await v1('POST', `/v1/incidents/${search.id}/merge`, { incidentId: shipping.id }, { 'idempotency-key': 'merge-1' });
    expect(m.status).toBe(200);
    expect(m.json.data.conversations.map((c: any) => c.conversationId).sort()).toEqual([String(a.id), String(b.id)].sort());
    const replay = await v1('POST', `/v1/incidents/${search.id}/merge`, { incidentId: shipping.id }, { 'idempotency-key': 'merge-1' });
    expect(replay.status).toBe(200);
    const src = (await v1('GET', `/v1/incidents/${shipping.id}`)).json.data;
    expect(src).toMatchObject({ status: 'resolved', mergedIntoId: search.id, conversationCount: 0 });
    const again = await v1('POST', `/v1/incidents/${search.id}/merge`, { incidentId: shipping.id });
    expect(again.status).toBe(409);
  }, 60000);

  it('the Canvas panel shows the incident; Run analysis shows its analysis; "Not this incident" unlinks', async () => {
    const inc = (await v1('GET', '/v1/incidents?service=checkout')).json.data.items[0];
    const detail = (await v1('GET', `/v1/incidents/${inc.id}`)).json.data;
    const convId = detail.conversations.at(-1).conversationId;
    const init = await s.sandbox.canvasInitialize({ conversationId: convId });
    expect(init.errors).toEqual([]);
    const text = JSON.stringify(init.body.canvas.content.components);
    expect(text).toContain(detail.ref);
    expect(text).toContain('not_this_incident');
    expect(text).toContain(detail.analyses[0].id);
    const before = (await db.query(`SELECT count(*)::int AS n FROM analyses`)).rows[0].n;
    const run = await s.sandbox.canvasSubmit({ conversationId: convId, componentId: 'run_analysis', currentCanvas: init.body.canvas });
    expect(run.errors).toEqual([]);
    expect(run.body.canvas.stored_data.analysisId).toBe(detail.analyses[0].id);
    expect((await db.query(`SELECT count(*)::int AS n FROM analyses`)).rows[0].n).toBe(before);
    const out = await s.sandbox.canvasSubmit({ conversationId: convId, componentId: 'not_this_incident', currentCanvas: init.body.canvas });
    expect(JSON.stringify(out.body.canvas.content.components)).toContain('Taken out of the incident');
    expect(JSON.stringify(out.body.canvas.content.components)).not.toContain('not_this_incident');
    const after = (await v1('GET', `/v1/incidents/${inc.id}`)).json.data;
    expect(after.conversations.map((c: any) => c.conversationId)).not.toContain(convId);
    expect(after.timeline.at(-1)).toMatchObject({ kind: 'unlinked' });
  }, 60000);

  it('refuses every bad input with a clear 4xx and loses nothing', async () => {
    const inc = (await v1('GET', '/v1/incidents?service=checkout')).json.data.items[0];
    const before = (await v1('GET', `/v1/incidents/${inc.id}`)).json.data;
    const merged = (await v1('GET', '/v1/incidents?service=shipping')).json.data.items[0];
    expect(merged.mergedIntoId).toEqual(expect.any(String));
    const missing = '00000000-0000-4000-8000-000000000000';
    const expectError = async (r: Promise<{ status: number; json: any }>, status: number, code: string, field?: string) => {
      const res = await r;
      expect({ status: res.status, code: res.json.error?.code }).toEqual({ status, code });
      expect(res.json.error.message).toEqual(expect.any(String));
      if (field) expect(res.json.error.details.fields.map((f: any) => f.field)).toContain(field);
    };
    // Updates: wrong types, control characters, unknown fields, a merged incident.
    await expectError(v1('POST', `/v1/incidents/${inc.id}/updates`, { message: 42 }), 400, 'VALIDATION_ERROR', 'message');
    await expectError(v1('POST', `/v1/incidents/${inc.id}/updates`, { message: 'ok', resolve: 'yes' }), 400, 'VALIDATION_ERROR', 'resolve');
    await expectError(v1('POST', `/v1/incidents/${inc.id}/updates`, { message: 'a\u0000b' }), 400, 'VALIDATION_ERROR', 'message');
    await expectError(v1('POST', `/v1/incidents/${inc.id}/updates`, { message: 'x'.repeat(5000) }), 400, 'VALIDATION_ERROR', 'message');
    await expectError(v1('POST', `/v1/incidents/${inc.id}/updates`, { message: 'ok', to: 'everyone' }), 400, 'VALIDATION_ERROR');
    await expectError(v1('POST', `/v1/incidents/${merged.id}/updates`, { message: 'ok' }), 409, 'CONFLICT');
    await expectError(v1('POST', `/v1/incidents/${missing}/updates`, { message: 'ok' }), 404, 'NOT_FOUND');
    await expectError(v1('GET', `/v1/incidents/${inc.id}/updates/not-a-uuid`), 404, 'NOT_FOUND');
    // Changes: wrong types, control characters, unknown incident, reopening a merged one.
    await expectError(v1('PUT', `/v1/incidents/${inc.id}`, { title: 5 }), 400, 'VALIDATION_ERROR', 'title');
    await expectError(v1('PUT', `/v1/incidents/${inc.id}`, { title: 'Checkout\u0000' }), 400, 'VALIDATION_ERROR', 'title');
    await expectError(v1('PUT', `/v1/incidents/${inc.id}`, { severity: 'low' }), 400, 'VALIDATION_ERROR');
    await expectError(v1('PUT', `/v1/incidents/${missing}`, { title: 'x' }), 404, 'NOT_FOUND');
    await expectError(v1('PUT', `/v1/incidents/${merged.id}`, { status: 'open' }), 409, 'CONFLICT');
    // Merges: missing, wrong type, unknown, another project's, into a merged incident.
    await expectError(v1('POST', `/v1/incidents/${inc.id}/merge`, {}), 400, 'VALIDATION_ERROR', 'incidentId');
    await expectError(v1('POST', `/v1/incidents/${inc.id}/merge`, { incidentId: 7 }), 400, 'VALIDATION_ERROR', 'incidentId');
    await expectError(v1('POST', `/v1/incidents/${inc.id}/merge`, { incidentId: missing }), 404, 'NOT_FOUND');
    await expectError(v1('POST', `/v1/incidents/${merged.id}/merge`, { incidentId: inc.id }), 409, 'CONFLICT');
    const other = await api(s.app.url, 'POST', '/v1/config/projects', { token: s.token, body: { name: 'Third shop', slug: 'third-shop' } });
    const foreign = await api(s.app.url, 'POST', `/v1/incidents/${inc.id}/merge`, {
      token: s.token,
      headers: { 'x-project-id': other.json.data.id },
      body: { incidentId: merged.id },
    });
    expect(foreign.status).toBe(404);
    // Unlinks: a binding id that is not one, an unknown binding, a conversation already taken out.
    const conv = before.conversations[0];
    await expectError(v1('DELETE', `/v1/incidents/${inc.id}/conversations/not-a-binding/${conv.conversationId}`), 404, 'NOT_FOUND');
    await expectError(v1('DELETE', `/v1/incidents/${inc.id}/conversations/${missing}/${conv.conversationId}`), 404, 'NOT_FOUND');
    const gone = await db.query(`SELECT "bindingId", "conversationId" FROM incident_conversations WHERE "incidentId" = $1 AND status = 'unlinked' LIMIT 1`, [
      inc.id,
    ]);
    await expectError(v1('DELETE', `/v1/incidents/${inc.id}/conversations/${gone.rows[0].bindingId}/${gone.rows[0].conversationId}`), 404, 'NOT_FOUND');
    // Lists: a service filter too long, an unknown query parameter.
    await expectError(v1('GET', `/v1/incidents?service=${'s'.repeat(101)}`), 400, 'VALIDATION_ERROR');
    await expectError(v1('GET', '/v1/incidents?sort=title'), 400, 'VALIDATION_ERROR');
    // Nothing changed.
    const after = (await v1('GET', `/v1/incidents/${inc.id}`)).json.data;
    expect(after).toMatchObject({ title: before.title, status: before.status, conversationCount: before.conversationCount });
    expect(after.updates).toHaveLength(before.updates.length);
    expect(after.timeline).toHaveLength(before.timeline.length);
  }, 60000);
});
