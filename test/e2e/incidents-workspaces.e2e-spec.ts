/*
 * Real: our app (api + worker) with INTERCOM_API_VERSION 2.16, PostgreSQL (embedded), pg-boss, the triage and
 * analysis engines, a `file` log source. Stand-in: the Intercom sandbox at API 2.16 with two workspaces installed in
 * one project (each a binding with its own posting mode), tickets and tracker links as in Intercom's 2.16 OpenAPI.
 */
import { Client } from 'pg';
import { api } from '../helpers/app';
import { installThroughConsent, IntercomStack, startIntercomStack, waitFor } from '../helpers/intercom';
import { SHOP_SERVICES, writeOutageLogs } from '../helpers/outage-logs';

const ours = (conv: any, type?: 'note' | 'comment') =>
  (conv.conversation_parts?.conversation_parts ?? []).filter((p: any) => p.app_package_code && (!type || p.part_type === type));
const analysisNotes = (conv: any) => ours(conv, 'note').filter((p: any) => /SigSentry analysis/.test(p.body));
const admin = (id: string, name: string) => ({ id, name, email: `${name.toLowerCase()}@sandbox.test` });

describe('incidents across two workspaces: posting modes, re-analysis, tracker tickets', () => {
  let s: IntercomStack;
  let db: Client;
  let internal: string; // binding of workspace "wsa" (internal notes)
  let both: string; // binding of workspace "wsb" (public reply + notes, tracker tickets)
  const v1 = (method: string, path: string, body?: unknown) => api(s.app.url, method, path, { token: s.token, headers: { 'x-project-id': s.projectId }, body });
  const create = (ws: string, name: string, body: string) =>
    String(s.sandbox.createConversation({ workspaceId: ws, customer: { name, email: `${name.toLowerCase()}@example.com` }, body }).id);

  beforeAll(async () => {
    s = await startIntercomStack(
      { INTERCOM_API_VERSION: '2.16' },
      {
        apiVersion: '2.16',
        workspaces: [
          { id_code: 'wsa', name: 'Shop A', timezone: 'UTC', admins: [admin('501', 'Ana')] },
          { id_code: 'wsb', name: 'Shop B', timezone: 'UTC', admins: [admin('601', 'Bo')] },
        ],
      },
    );
    db = new Client({ connectionString: s.app.dbUrl });
    await db.connect();
    await api(s.app.url, 'PUT', `/v1/config/projects/${s.projectId}`, { token: s.token, body: { services: SHOP_SERVICES } });
    const logs = writeOutageLogs(s.app.config.logFilesDir, s.projectId, [
      { service: 'checkout', origin: 'payments', messages: ['payment gateway timeout after <n> ms'], minutesAgo: 30 },
    ]);
    expect((await v1('POST', '/v1/config/log-sources', { type: 'file', name: 'shop', credentials: {}, sources: [logs.glob] })).status).toBe(201);
    await installThroughConsent(s, { workspaceId: 'wsa' });
    await installThroughConsent(s, { workspaceId: 'wsb' });
    const bindings = (await v1('GET', '/v1/config/support-desk')).json.data;
    internal = bindings.find((b: any) => b.workspaceId === 'wsa').id;
    both = bindings.find((b: any) => b.workspaceId === 'wsb').id;
    expect((await v1('PUT', `/v1/config/support-desk/${internal}`, { autoAnalyzeThreshold: 'medium' })).status).toBe(200);
    expect(
      (
        await v1('PUT', `/v1/config/support-desk/${both}`, {
          autoAnalyzeThreshold: 'medium',
          postingMode: 'both',
          publicReplyTemplate: 'Hi {{ customer_name }}, we are on it: {{ analysis_url }}',
        })
      ).status,
    ).toBe(200);
  });
  afterAll(async () => {
    await db?.end();
    await s?.stop();
  });

  it('checks tracker tickets: a tracker ticket type of the workspace is required', async () => {
    const customerType = await v1('PUT', `/v1/config/support-desk/${both}`, { trackerTickets: { enabled: true, ticketTypeId: '89' } });
    expect(customerType.status).toBe(400);
    expect(customerType.json.error.message).toMatch(/not a Tracker type/);
    const missing = await v1('PUT', `/v1/config/support-desk/${both}`, { trackerTickets: { enabled: true, ticketTypeId: '4040' } });
    expect(missing.status).toBe(400);
    expect(missing.json.error.details.fields[0].field).toBe('trackerTickets.ticketTypeId');
    expect((await v1('PUT', `/v1/config/support-desk/${both}`, { trackerTickets: { enabled: true } })).status).toBe(400);
    const ok = await v1('PUT', `/v1/config/support-desk/${both}`, { trackerTickets: { enabled: true, ticketTypeId: '88' } });
    expect(ok.status).toBe(200);
    expect(ok.json.data.trackerTickets).toEqual({ enabled: true, ticketTypeId: '88' });
  });

  it('one incident over both workspaces; each conversation is posted per its own binding; a re-analysis posts notes only', async () => {
    // Triaged high (the threshold), not critical: the critical report below escalates the incident.
    const report = 'Our customers cannot pay, the basket fails with a 502 error';
    const first = [create('wsa', 'Ann', report), create('wsb', 'Ben', report)];
    await waitFor(async () => first.every((id) => analysisNotes(s.sandbox.getConversation(id)).length === 1), 60000, 300);
    const inc = (await v1('GET', '/v1/incidents')).json.data.items.find((i: any) => i.service === 'checkout');
    expect(inc.conversationCount).toBe(2);
    const publicOf = (id: string) => ours(s.sandbox.getConversation(id), 'comment');
    // Binding "internal": notes only; binding "both": a note at triage, the templated public reply and a note at analysis.
    expect(publicOf(first[0])).toHaveLength(0);
    await waitFor(async () => publicOf(first[1]).length === 1, 20000);
    expect(publicOf(first[1])[0].body).toContain('analyses/');

    // An escalation (a critical report) runs a second analysis: every conversation gets a second note, no public reply.
    const late = create('wsb', 'Cleo', 'The checkout is down again for everyone, all orders fail');
    const all = [...first, late];
    await waitFor(async () => all.every((id) => analysisNotes(s.sandbox.getConversation(id)).length === 2), 60000, 300);
    const detail = (await v1('GET', `/v1/incidents/${inc.id}`)).json.data;
    expect(detail.analyses.map((a: any) => a.reason)).toEqual(['escalation', 'threshold']);
    expect(detail.severity).toBe('critical');
    expect(publicOf(first[1])).toHaveLength(1); // unchanged: a customer gets one public analysis reply per incident
    expect(publicOf(first[0])).toHaveLength(0);
    // The late one got the first analysis (public reply + note) when it joined, then the second one (note only).
    expect(publicOf(late).length).toBeLessThanOrEqual(1);
    const posts = await db.query(`SELECT purpose, count(*)::int AS n FROM support_desk_posts WHERE purpose LIKE 'incident-analysis%' GROUP BY 1`);
    for (const r of posts.rows) expect(r.n).toBeLessThanOrEqual(3);
  }, 150000);

  it('mirrors the incident as a tracker ticket in the workspace that asked for it, and resolves it with the incident', async () => {
    const inc = (await v1('GET', '/v1/incidents')).json.data.items.find((i: any) => i.service === 'checkout');
    const detail = (await v1('GET', `/v1/incidents/${inc.id}`)).json.data;
    const inB = detail.conversations.filter((c: any) => c.bindingId === both).map((c: any) => c.conversationId);
    const inA = detail.conversations.filter((c: any) => c.bindingId === internal).map((c: any) => c.conversationId);
    const ticket = await waitFor(async () => {
      const t = [...s.sandbox.tickets.tickets.values()].find((x) => x.workspaceId === 'wsb');
      return t && t.linked.length === inB.length ? t : null;
    }, 30000);
    expect([...ticket.linked].sort()).toEqual([...inB].sort());
    // The ticket's title follows the incident's (set from the analysis's category once it finished).
    await waitFor(async () => ticket.attributes._default_title_ === `${detail.ref} · ${detail.title}`, 20000);
    expect([...s.sandbox.tickets.tickets.values()].filter((x) => x.workspaceId === 'wsa')).toHaveLength(0);
    for (const id of inA) expect(s.sandbox.getConversation(id).linked_objects.data).toEqual([]);
    expect(s.sandbox.getConversation(inB[0]).linked_objects.data).toEqual([{ type: 'ticket', id: ticket.id, category: 'Tracker' }]);

    // Unlinking a conversation takes it off the ticket.
    await v1('DELETE', `/v1/incidents/${inc.id}/conversations/${both}/${inB[0]}`);
    await waitFor(async () => !ticket.linked.includes(inB[0]), 20000);
    // Resolving the incident resolves the ticket.
    expect((await v1('PUT', `/v1/incidents/${inc.id}`, { status: 'resolved' })).json.data.status).toBe('resolved');
    const resolvedState = s.sandbox.tickets.types.get('wsb:88')!.states.find((x) => x.category === 'resolved')!.id;
    await waitFor(async () => ticket.stateId === resolvedState, 20000);
    const timeline = (await v1('GET', `/v1/incidents/${inc.id}`)).json.data.timeline.map((e: any) => e.kind);
    expect(timeline).toEqual(expect.arrayContaining(['tracker_created', 'resolved']));
    expect([...s.sandbox.tickets.tickets.values()].filter((x) => x.workspaceId === 'wsb')).toHaveLength(1);
  }, 90000);
});
