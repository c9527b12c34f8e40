/*
 * Real: our app (api + worker), PostgreSQL (embedded), pg-boss, the triage engine. Stand-in: the Intercom sandbox
 * (independent implementation of reference/intercom.md): conversations, signed webhooks, notes, replies, attributes.
 */
import { createHmac } from 'node:crypto';
import { Client } from 'pg';
import { DataSource, type EntityTarget, type ObjectLiteral } from 'typeorm';
import { entityRows } from '@app/core';
import { ProjectEntity } from '@app/projects';
import { BindingEntity, SupportDeskEventEntity } from '@app/support-desk';
import { TriageEntity } from '@app/triage';
import { api } from '../helpers/app';
import { CLIENT_SECRET, installThroughConsent, IntercomStack, startIntercomStack, waitFor } from '../helpers/intercom';

const WS = 'sbx12345';

/** A createdAt (unix seconds) at 10:30 Europe/Paris on a recent day, so "since 9am" is in the past. */
function parisAt(hour: number, minute: number): number {
  const now = new Date();
  for (let back = 0; back < 3; back++) {
    const d = new Date(now.getTime() - back * 86_400_000);
    const ymd = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
    // Find the UTC instant whose Paris wall time is ymd hour:minute (offset is +1 or +2).
    for (const off of [1, 2]) {
      const t = Date.parse(`${ymd}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00+0${off}:00`);
      const wall = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(t));
      if (wall === `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}` && t < now.getTime() - 60_000) return Math.floor(t / 1000);
    }
  }
  throw new Error('no suitable time');
}

function ourParts(conv: any, type?: 'note' | 'comment') {
  return (conv.conversation_parts?.conversation_parts ?? []).filter((p: any) => p.app_package_code && (!type || p.part_type === type));
}

/** Our triage notes only (analysis notes follow when an auto-analysis finishes). */
function triageNotes(conv: any) {
  return ourParts(conv, 'note').filter((p: any) => /SigSentry triage/.test(p.body));
}

describe('triage pipeline: notes, posting modes, attributes, auto-analyze gate', () => {
  let s: IntercomStack;
  let bindingId: string;
  const headers = () => ({ 'x-project-id': s.projectId });

  async function analysesFor(conversationId: string) {
    const c = new Client({ connectionString: s.app.dbUrl });
    await c.connect();
    try {
      // Its own analyses and, once it is linked to an incident (issue 14), the incident's: one analysis answers them all.
      return (
        await c.query(
          `SELECT * FROM analyses WHERE "conversationId" = $1 OR id IN (
             SELECT ia."analysisId" FROM incident_analyses ia JOIN incident_conversations ic ON ic."incidentId" = ia."incidentId"
             WHERE ic."conversationId" = $1 AND ic.status = 'linked') ORDER BY "createdAt"`,
          [conversationId],
        )
      ).rows;
    } finally {
      await c.end();
    }
  }

  async function configure(body: Record<string, unknown>) {
    const r = await api(s.app.url, 'PUT', `/v1/config/support-desk/${bindingId}`, { token: s.token, headers: headers(), body });
    expect(r.status).toBe(200);
    return r.json.data;
  }

  async function processed(conversationId: string) {
    await waitFor(async () => {
      const c = new Client({ connectionString: s.app.dbUrl });
      await c.connect();
      try {
        const rows = (await c.query(`SELECT status FROM support_desk_events WHERE "conversationId" = $1 AND action <> 'record'`, [conversationId])).rows;
        return rows.length > 0 && rows.every((r) => r.status !== 'received');
      } finally {
        await c.end();
      }
    }, 20000);
  }

  beforeAll(async () => {
    s = await startIntercomStack();
    await api(s.app.url, 'PUT', `/v1/config/projects/${s.projectId}`, {
      token: s.token,
      body: {
        services: [
          { name: 'checkout', aliases: ['check-out', 'payment page'], critical: true },
          { name: 'auth', aliases: ['login', 'sign in'], critical: true },
          { name: 'search' },
        ],
        llmContext: 'Critical paths: /checkout and login.',
      },
    });
    const r = await installThroughConsent(s);
    bindingId = r.callback.headers.get('location')!.split('/').pop()!;
    await configure({
      attributeMapping: {
        severity: 'severity',
        affected_service: 'affected_service',
        analysis_url: 'sigsentry_analysis_url',
        confidence: 'confidence',
        summary: 'triage_summary',
      },
    });
  });
  afterAll(async () => s?.stop());

  it('turns "Checkout has been throwing 500s for everyone since 9am" into one note, the attributes and an analysis', async () => {
    const conv = s.sandbox.createConversation({
      customer: { name: 'Joe', email: 'joe@example.com' },
      body: '<p>Checkout has been throwing 500s for everyone since 9am</p>',
      createdAt: parisAt(10, 30),
    });
    const id = String(conv.id);
    await waitFor(async () => ourParts(s.sandbox.getConversation(id), 'note').length >= 1);
    await processed(id);
    const after = s.sandbox.getConversation(id);
    const notes = triageNotes(after);
    expect(notes).toHaveLength(1);
    expect(notes[0].body).toMatch(/Severity: <b>(HIGH|CRITICAL)<\/b>/);
    expect(notes[0].body).toMatch(/Service: <b>checkout<\/b>/);
    expect(notes[0].body).toMatch(/08:55 – .*10:30 \(Europe\/Paris\)/);
    expect(notes[0].body).toMatch(/Ref SS-[0-9A-F]{8}/);
    expect(ourParts(after, 'comment')).toHaveLength(0);
    await waitFor(async () => s.sandbox.getConversation(id).custom_attributes?.sigsentry_analysis_url);
    const attrs = s.sandbox.getConversation(id).custom_attributes;
    expect(['high', 'critical']).toContain(attrs.severity);
    expect(attrs.affected_service).toBe('checkout');
    expect(typeof attrs.confidence).toBe('number');
    expect(attrs.triage_summary.length).toBeLessThanOrEqual(250);
    const analyses = await analysesFor(id);
    expect(analyses).toHaveLength(1);
    expect(analyses[0].trigger).toBe('support_desk');
    expect(attrs.sigsentry_analysis_url).toBe(`${s.app.url}/projects/default/analyses/${analyses[0].id}`);
    const view = await api(s.app.url, 'GET', `/v1/support-desk/conversations/${bindingId}/${id}`, { token: s.token });
    expect(view.json.data.triages[0]).toMatchObject({ affectedService: 'checkout', model: 'heuristic' });
    expect(view.json.data.triages[0].evidence.length).toBeGreaterThan(0);
    expect(view.json.data.analyses[0]).toMatchObject({ id: analyses[0].id, trigger: 'support_desk' });
    const list = await api(s.app.url, 'GET', `/v1/support-desk/conversations/${bindingId}?page=1&limit=10`, { token: s.token });
    expect(list.json.data.items.map((x: any) => x.conversationId)).toContain(id);
    expect(list.json.data.pagination).toMatchObject({ page: 1, limit: 10 });
  });

  it('posts an info note for a how-to question and starts no analysis', async () => {
    const conv = s.sandbox.createConversation({ customer: { name: 'Ann', email: 'ann@example.com' }, body: 'How do I export a CSV?' });
    const id = String(conv.id);
    await waitFor(async () => ourParts(s.sandbox.getConversation(id), 'note').length >= 1);
    await processed(id);
    expect(ourParts(s.sandbox.getConversation(id), 'note')[0].body).toMatch(/Severity: <b>INFO<\/b>/);
    expect(await analysesFor(id)).toHaveLength(0);
  });

  it('escapes HTML and script from the customer in the note', async () => {
    const conv = s.sandbox.createConversation({
      customer: { name: '<img src=x onerror=alert(1)>', email: 'x@example.com' },
      body: 'Login is broken for everyone: <script>alert("x")</script> &lt;b&gt;',
    });
    const id = String(conv.id);
    await waitFor(async () => ourParts(s.sandbox.getConversation(id), 'note').length >= 1);
    const body = ourParts(s.sandbox.getConversation(id), 'note')[0].body as string;
    expect(body).not.toMatch(/<script|<img/i);
  });

  it('never posts twice for a redelivered webhook, and re-triages on a customer reply that raises severity', async () => {
    const conv = s.sandbox.createConversation({ customer: { name: 'Bo', email: 'bo@example.com' }, body: 'The search page feels a bit slow for me today' });
    const id = String(conv.id);
    const d = await s.sandbox.waitForDelivery(
      (x: any) => x.topic === 'conversation.user.created' && x.outcome === 'delivered' && s.sandbox.getConversation(id) && true,
      10000,
    );
    await waitFor(async () => triageNotes(s.sandbox.getConversation(id)).length >= 1);
    s.sandbox.redeliver(d.notificationId!);
    await new Promise((r) => setTimeout(r, 500));
    expect(triageNotes(s.sandbox.getConversation(id))).toHaveLength(1);
    s.sandbox.customerReply(id, 'Update: now search is completely down for all our users, nobody can search at all');
    await waitFor(async () => triageNotes(s.sandbox.getConversation(id)).length >= 2, 15000);
    const notes = triageNotes(s.sandbox.getConversation(id));
    expect(notes[1].body).toMatch(/updated/);
    expect(notes[1].body).toMatch(/→/);
    // Our own notes fire admin.noted webhooks: they are recorded only, never re-triaged. (The raised severity may
    // also start the auto-analysis, whose note is not a triage note.)
    await new Promise((r) => setTimeout(r, 500));
    expect(triageNotes(s.sandbox.getConversation(id))).toHaveLength(2);
  });

  it('triages an attachment-only message and a huge message without failing', async () => {
    const empty = s.sandbox.createConversation({
      customer: { name: 'Pic', email: 'pic@example.com' },
      body: '<p><img src="https://example.com/screenshot.png"></p>',
    });
    const huge = s.sandbox.createConversation({
      customer: { name: 'Big', email: 'big@example.com' },
      body: `<p>Checkout fails for me. ${'Here is my log line again and again. '.repeat(6000)}</p>`,
    });
    for (const c of [empty, huge]) {
      const id = String(c.id);
      await waitFor(async () => triageNotes(s.sandbox.getConversation(id)).length >= 1);
      await processed(id);
      expect(triageNotes(s.sandbox.getConversation(id))).toHaveLength(1);
    }
    // A message to support is a report until shown otherwise: a screenshot alone is read as low, with low confidence.
    expect(triageNotes(s.sandbox.getConversation(String(empty.id)))[0].body).toMatch(/Severity: <b>LOW<\/b>.*low confidence/);
  });

  it('drops an event whose conversation was deleted before the job ran', async () => {
    const body = JSON.stringify(
      {
        type: 'notification_event',
        app_id: WS,
        id: 'notif_deleted_1',
        topic: 'conversation.user.created',
        created_at: Math.floor(Date.now() / 1000),
        data: {
          type: 'notification_event_data',
          item: {
            type: 'conversation',
            id: '999999999',
            created_at: Math.floor(Date.now() / 1000),
            source: { type: 'conversation', body: '', author: { type: 'user', id: 'u9' } },
          },
        },
      },
      null,
      2,
    );
    const r = await fetch(`${s.app.url}/webhooks/intercom`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature': `sha1=${createHmac('sha1', CLIENT_SECRET).update(body).digest('hex')}` },
      body,
    });
    expect(r.status).toBe(200);
    const row = await waitFor(async () => {
      const c = new Client({ connectionString: s.app.dbUrl });
      await c.connect();
      try {
        const x = (await c.query(`SELECT status, note FROM support_desk_events WHERE "notificationId" = 'notif_deleted_1'`)).rows[0];
        return x && x.status !== 'received' ? x : null;
      } finally {
        await c.end();
      }
    });
    expect(row.status).toBe('ignored');
    expect(row.note).toMatch(/not found/);
  });

  it('retries an Intercom 500 during posting and still posts exactly once', async () => {
    s.sandbox.setFault({ route: 'POST /conversations/\\d+/reply', status: 500, times: 2 });
    const conv = s.sandbox.createConversation({ customer: { name: 'Cy', email: 'cy@example.com' }, body: 'Search results are empty for me' });
    const id = String(conv.id);
    await waitFor(async () => triageNotes(s.sandbox.getConversation(id)).length >= 1, 20000);
    await processed(id);
    expect(triageNotes(s.sandbox.getConversation(id))).toHaveLength(1);
    // The report may join an incident whose analysis note follows; whatever was posted, each post is there once.
    const refs = ourParts(s.sandbox.getConversation(id), 'note').map((p: { body: string }) => /Ref (SS-[0-9A-F]+)/.exec(p.body)?.[1]);
    expect(refs.every(Boolean)).toBe(true);
    expect(new Set(refs).size).toBe(refs.length);
    s.sandbox.clearFaults();
  });

  it('does not post again when a previous attempt reached Intercom but was not recorded (worker killed)', async () => {
    const conv = s.sandbox.createConversation({ customer: { name: 'Di', email: 'di@example.com' }, body: 'Quick question about invoices' });
    const id = String(conv.id);
    await waitFor(async () => ourParts(s.sandbox.getConversation(id), 'note').length >= 1);
    await processed(id);
    const c = new Client({ connectionString: s.app.dbUrl });
    await c.connect();
    // Simulate the crash window: the record says "started" after the note was accepted by Intercom.
    await c.query(`UPDATE support_desk_posts SET status = 'started', attempts = 1 WHERE "conversationId" = $1`, [id]);
    await c.query(`UPDATE support_desk_events SET status = 'received' WHERE "conversationId" = $1`, [id]);
    const ev = (await c.query(`SELECT id FROM support_desk_events WHERE "conversationId" = $1 AND action = 'triage'`, [id])).rows[0];
    await c.end();
    await s.app.queue.enqueue('support-desk.event', { eventId: ev.id });
    await processed(id);
    expect(ourParts(s.sandbox.getConversation(id), 'note')).toHaveLength(1);
  });

  it('reports a mapped attribute the workspace lacks and still posts the note', async () => {
    await configure({ attributeMapping: { severity: 'severity', affected_service: 'does_not_exist' } });
    const conv = s.sandbox.createConversation({ customer: { name: 'Ed', email: 'ed@example.com' }, body: 'Checkout button does nothing for me' });
    const id = String(conv.id);
    await waitFor(async () => ourParts(s.sandbox.getConversation(id), 'note').length >= 1);
    await processed(id);
    const b = await api(s.app.url, 'GET', `/v1/config/support-desk/${bindingId}`, { token: s.token, headers: headers() });
    const check = b.json.data.health.checks.find((c: any) => c.code === 'attribute_missing');
    expect(check.ok).toBe(false);
    expect(check.detail).toMatch(/does_not_exist/);
    expect(s.sandbox.getConversation(id).custom_attributes.severity).toBeTruthy();
  });

  it('public mode posts the templated public reply at triage and nothing else', async () => {
    await configure({ postingMode: 'public', publicReplyTemplate: 'Hi {{ customer_name }}, we are on it ({{ affected_service }}, {{ severity }}).' });
    const conv = s.sandbox.createConversation({
      customer: { name: 'Flo <b>', email: 'flo@example.com' },
      body: 'Checkout is down for all customers since 10 minutes',
    });
    const id = String(conv.id);
    await waitFor(async () => ourParts(s.sandbox.getConversation(id)).length >= 1);
    await processed(id);
    const parts = ourParts(s.sandbox.getConversation(id));
    expect(parts).toHaveLength(1);
    expect(parts[0].part_type).toBe('comment');
    expect(parts[0].body).toMatch(/Hi Flo &lt;b&gt;, we are on it \(checkout, (high|critical)\)\./);
  });

  it('rejects an unknown template variable by name', async () => {
    const r = await api(s.app.url, 'PUT', `/v1/config/support-desk/${bindingId}`, {
      token: s.token,
      headers: headers(),
      body: { publicReplyTemplate: 'Hi {{ ticket.subject }}' },
    });
    expect(r.status).toBe(400);
    expect(r.json.error.message).toMatch(/ticket\.subject/);
    const p = await api(s.app.url, 'POST', `/v1/config/support-desk/${bindingId}/template-preview`, {
      token: s.token,
      headers: headers(),
      body: { template: 'Hello {{ customer_name }} <3' },
    });
    expect(p.status).toBe(200);
    expect(p.json.data.rendered).toBe('Hello Jane Doe <3');
  });

  it('both mode: internal note at triage; public reply + internal note when the analysis finishes', async () => {
    await configure({ postingMode: 'both', publicReplyTemplate: 'Hi {{ customer_name }}, update: {{ analysis_url }}' });
    const conv = s.sandbox.createConversation({
      customer: { name: 'Gus', email: 'gus@example.com' },
      body: 'Nobody can log in, login fails for all our users since 5 minutes',
    });
    const id = String(conv.id);
    await waitFor(async () => ourParts(s.sandbox.getConversation(id)).length >= 3, 20000);
    const parts = ourParts(s.sandbox.getConversation(id));
    expect(parts[0].part_type).toBe('note');
    expect(parts.filter((p: any) => p.part_type === 'comment')).toHaveLength(1);
    expect(parts.filter((p: any) => p.part_type === 'note')).toHaveLength(2);
    const analyses = await analysesFor(id);
    expect(analyses[0].status).toBe('failed');
    expect(parts.find((p: any) => p.part_type === 'comment').body).toContain(`/analyses/${analyses[0].id}`);
  });

  it('the hot reads written in plain SQL (entityRows) give exactly the entities TypeORM find gives, on every row this run stored', async () => {
    const ds = s.app.app.get(DataSource);
    const entities = [SupportDeskEventEntity, BindingEntity, ProjectEntity, TriageEntity] as const;
    for (const entity of entities) {
      const rows = entityRows(ds, entity as EntityTarget<ObjectLiteral>, 'x');
      const raw: Array<Record<string, unknown>> = await ds.query(`SELECT ${rows.columns} FROM ${rows.table} x ORDER BY x.id`);
      expect(raw.length).toBeGreaterThan(0);
      const viaFind = await ds.getRepository(entity as EntityTarget<ObjectLiteral>).find({ order: { id: 'ASC' } });
      expect(raw.map((r) => rows.read(r))).toEqual(viaFind);
      expect(raw.map((r) => rows.read(r)!.constructor)).toEqual(viaFind.map((e) => e.constructor));
    }
    // A LEFT JOIN that finds nothing reads as null, not as an empty entity.
    const b = entityRows(ds, BindingEntity, 'b');
    const [missed] = await ds.query(`SELECT ${b.columns} FROM (SELECT 1) one LEFT JOIN ${b.table} b ON false`);
    expect(b.read(missed)).toBeNull();
  });
});
