/*
 * Triage that learns (issue 12): agents' corrections.
 * Real: our app (api + worker), PostgreSQL (embedded), pg-boss, the triage engine. Stand-in: the Intercom sandbox
 * (conversations, signed webhooks, notes, attributes).
 */
import { Client } from 'pg';
import { api } from '../helpers/app';
import { installThroughConsent, IntercomStack, startIntercomStack, waitFor } from '../helpers/intercom';

function triageNotes(conv: any) {
  return (conv.conversation_parts?.conversation_parts ?? []).filter(
    (p: any) => p.app_package_code && p.part_type === 'note' && /SigSentry triage/.test(p.body),
  );
}

describe('triage feedback: agents correct triage, and triage learns per project', () => {
  let s: IntercomStack;
  let bindingId: string;
  const h = () => ({ 'x-project-id': s.projectId });

  async function sql<T = any>(q: string, params: unknown[] = []): Promise<T[]> {
    const c = new Client({ connectionString: s.app.dbUrl });
    await c.connect();
    try {
      return (await c.query(q, params)).rows;
    } finally {
      await c.end();
    }
  }

  async function processed(conversationId: string) {
    await waitFor(async () => {
      const rows = await sql(`SELECT status FROM support_desk_events WHERE "conversationId" = $1 AND action <> 'record'`, [conversationId]);
      return rows.length > 0 && rows.every((r) => r.status !== 'received');
    }, 20000);
  }

  /** A new customer conversation, triaged (its note posted and its event finished). */
  async function conversation(text: string, name = 'Pat'): Promise<string> {
    const conv = s.sandbox.createConversation({ customer: { name, email: `${name.toLowerCase()}@example.com` }, body: `<p>${text}</p>` });
    const id = String(conv.id);
    await waitFor(async () => triageNotes(s.sandbox.getConversation(id)).length >= 1, 20000);
    await processed(id);
    return id;
  }

  const view = async (id: string) => (await api(s.app.url, 'GET', `/v1/support-desk/conversations/${bindingId}/${id}`, { token: s.token })).json.data;
  const correct = (id: string, body: unknown, token = s.token, binding = bindingId) =>
    api(s.app.url, 'POST', `/v1/support-desk/conversations/${binding}/${id}/triage-feedback`, { token, body });

  beforeAll(async () => {
    s = await startIntercomStack({ ALLOW_SIGNUP: 'true' });
    await api(s.app.url, 'PUT', `/v1/config/projects/${s.projectId}`, {
      token: s.token,
      body: {
        services: [{ name: 'checkout', critical: true }, { name: 'auth', critical: true }, { name: 'search' }, { name: 'finance-sync' }],
      },
    });
    const r = await installThroughConsent(s);
    bindingId = r.callback.headers.get('location')!.split('/').pop()!;
    const put = await api(s.app.url, 'PUT', `/v1/config/support-desk/${bindingId}`, {
      token: s.token,
      headers: h(),
      body: { autoAnalyzeThreshold: 'high', attributeMapping: { severity: 'severity', affected_service: 'affected_service' } },
    });
    expect(put.status).toBe(200);
  }, 60_000);
  afterAll(async () => s?.stop());

  let slowSearch: string;

  it('stores a correction, rewrites the attributes, posts no note, and counts for the auto-analysis gate', async () => {
    slowSearch = await conversation('The search results page is a little slow for me this afternoon');
    const before = await view(slowSearch);
    expect(before.triages[0]).toMatchObject({ severity: 'low', affectedService: 'search' });
    expect(await sql('SELECT id FROM analyses WHERE "conversationId" = $1', [slowSearch])).toHaveLength(0);
    expect(s.sandbox.getConversation(slowSearch).custom_attributes.severity).toBe('low');

    const r = await correct(slowSearch, { severity: 'high' });
    expect(r.status).toBe(201);
    expect(r.json.data.feedback).toMatchObject({
      bindingId,
      conversationId: slowSearch,
      before: { severity: 'low', affectedService: 'search' },
      after: { severity: 'high', affectedService: 'search' },
      set: { severity: true, affectedService: false },
      author: { kind: 'user', name: expect.any(String) },
      undoneAt: null,
    });
    expect(r.json.data.feedback.excerpt).toContain('search results page');
    expect(r.json.data.attributes.written).toEqual(expect.arrayContaining(['severity', 'affected_service']));
    expect(r.json.data.triage.evidence[0]).toMatchObject({ kind: 'correction', signal: 'correction.agent' });

    const attrs = s.sandbox.getConversation(slowSearch).custom_attributes;
    expect(attrs).toMatchObject({ severity: 'high', affected_service: 'search' });
    // A correction counts like a re-triage for the gate: high meets the binding's threshold.
    await waitFor(async () => (await sql('SELECT trigger FROM analyses WHERE "conversationId" = $1', [slowSearch])).length === 1, 10000);
    expect((await sql('SELECT trigger FROM analyses WHERE "conversationId" = $1', [slowSearch]))[0].trigger).toBe('support_desk');
    await new Promise((res) => setTimeout(res, 300));
    expect(triageNotes(s.sandbox.getConversation(slowSearch))).toHaveLength(1);

    const after = await view(slowSearch);
    expect(after.triages[0]).toMatchObject({ reason: 'correction', severity: 'high', affectedService: 'search' });
    const list = await api(s.app.url, 'GET', `/v1/support-desk/conversations/${bindingId}?page=1&limit=50`, { token: s.token });
    expect(list.json.data.items.find((x: any) => x.conversationId === slowSearch)).toMatchObject({ severity: 'high' });
  });

  it('refuses bad input with a clear code and loses nothing', async () => {
    const n = (await sql('SELECT count(*)::int AS n FROM triage_corrections'))[0].n;
    const empty = await correct(slowSearch, {});
    expect(empty.status).toBe(400);
    expect(empty.json.error.code).toBe('EMPTY_CORRECTION');
    const unknown = await correct(slowSearch, { affectedService: 'warehouse' });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error).toMatchObject({ code: 'UNKNOWN_SERVICE', details: { service: 'warehouse' } });
    const badSeverity = await correct(slowSearch, { severity: 'urgent' });
    expect(badSeverity.status).toBe(400);
    expect(badSeverity.json.error.code).toBe('VALIDATION_ERROR');
    const extra = await correct(slowSearch, { severity: 'low', note: 'x' });
    expect(extra.status).toBe(400);
    const noConversation = await correct('999999999', { severity: 'low' });
    expect(noConversation.status).toBe(404);
    const badBinding = await correct(slowSearch, { severity: 'low' }, s.token, '00000000-0000-4000-8000-000000000001');
    expect(badBinding.status).toBe(404);

    // Another tenant: A's binding and conversation do not exist for it.
    const signup = await api(s.app.url, 'POST', '/v1/auth/signup', {
      body: { name: 'Other', email: 'other@tenant.example', password: 'other tenant password', companyName: 'Other Co' },
    });
    expect(signup.status).toBe(201);
    const other = await correct(slowSearch, { severity: 'low' }, signup.json.data.token);
    expect(other.status).toBe(404);
    const otherList = await api(s.app.url, 'GET', '/v1/triage/feedback', { token: signup.json.data.token, headers: h() });
    expect(otherList.status).toBe(404);

    // A viewer reads corrections but cannot write them.
    const m = await api(s.app.url, 'POST', '/v1/team/members', {
      token: s.token,
      body: { email: 'viewer@example.com', name: 'Vi', password: 'viewer password 123', role: 'viewer' },
    });
    expect(m.status).toBe(201);
    const viewer = (await api(s.app.url, 'POST', '/v1/auth/login', { body: { email: 'viewer@example.com', password: 'viewer password 123' } })).json.data.token;
    const denied = await correct(slowSearch, { severity: 'low' }, viewer);
    expect(denied.status).toBe(403);
    expect(denied.json.error.code).toBe('FORBIDDEN');
    expect((await api(s.app.url, 'GET', '/v1/triage/feedback', { token: viewer, headers: h() })).status).toBe(200);
    const missing = await api(s.app.url, 'GET', '/v1/triage/feedback', { token: s.token });
    expect(missing.json.error.code).toBe('MISSING_PROJECT_ID');
    const badPage = await api(s.app.url, 'GET', '/v1/triage/feedback?limit=101', { token: s.token, headers: h() });
    expect(badPage.status).toBe(400);

    expect((await sql('SELECT count(*)::int AS n FROM triage_corrections'))[0].n).toBe(n);
    expect((await view(slowSearch)).triages[0]).toMatchObject({ severity: 'high', affectedService: 'search' });
  }, 60_000);

  it("keeps the agent's labels through a re-triage; new text that is more severe raises the severity", async () => {
    s.sandbox.customerReply(slowSearch, 'Thanks, let me know when you hear more.');
    await waitFor(async () => (await view(slowSearch)).triages.length >= 3, 20000);
    await processed(slowSearch);
    const kept = (await view(slowSearch)).triages[0];
    expect(kept).toMatchObject({ reason: 'customer_reply', severity: 'high', affectedService: 'search' });
    expect(kept.evidence.filter((e: any) => e.signal === 'correction.kept').length).toBeGreaterThan(0);
    expect(triageNotes(s.sandbox.getConversation(slowSearch))).toHaveLength(1);
    expect(s.sandbox.getConversation(slowSearch).custom_attributes.severity).toBe('high');

    const pay = await conversation('Checkout page shows an error 500 for me, I tried twice', 'Quinn');
    const r = await correct(pay, { severity: 'info', affectedService: 'checkout' });
    expect(r.status).toBe(201);
    s.sandbox.customerReply(pay, 'Now checkout is completely down for all our customers, nobody can pay, we are losing revenue');
    await waitFor(async () => (await view(pay)).triages.length >= 3, 20000);
    await processed(pay);
    const raised = (await view(pay)).triages[0];
    expect(['high', 'critical']).toContain(raised.severity);
    expect(raised.affectedService).toBe('checkout');
    expect(raised.evidence[0]).toMatchObject({ kind: 'correction', signal: 'correction.raised' });
    await waitFor(async () => triageNotes(s.sandbox.getConversation(pay)).length === 2, 10000);
  }, 60_000);

  let reconciliation: string;

  it('triages a later similar conversation with the correction as evidence, and so does POST /v1/triage for the project', async () => {
    reconciliation = await conversation('Our quarterly reconciliation stopped matching the bank statements since Monday', 'Rae');
    expect((await view(reconciliation)).triages[0].affectedService).toBeNull();
    const r = await correct(reconciliation, { severity: 'high', affectedService: 'finance-sync' });
    expect(r.status).toBe(201);

    const later = await conversation('Our quarterly reconciliation stopped matching the bank statements since Monday morning', 'Sam');
    const t = (await view(later)).triages[0];
    expect(t).toMatchObject({ severity: 'high', affectedService: 'finance-sync' });
    expect(t.evidence.map((e: any) => e.detail).join('\n')).toContain(`like conversation ${reconciliation} that an agent marked high`);

    const text = 'Our quarterly reconciliation stopped matching the bank statements since Monday morning';
    const withProject = await api(s.app.url, 'POST', '/v1/triage', { token: s.token, headers: h(), body: { text } });
    expect(withProject.status).toBe(200);
    expect(withProject.json.data).toMatchObject({ severity: 'high', affectedService: 'finance-sync' });
    expect(withProject.json.data.evidence.some((e: any) => e.kind === 'correction' && e.detail.includes(`conversation ${reconciliation}`))).toBe(true);
    const without = await api(s.app.url, 'POST', '/v1/triage', { token: s.token, body: { text } });
    expect(without.json.data.evidence.some((e: any) => e.kind === 'correction')).toBe(false);
  }, 60_000);

  it('lists corrections (paged, newest first), gives agreement and learned words, and removes a learned word', async () => {
    const second = await conversation('The reconciliation export for our Dutch entity shows duplicated ledger lines', 'Tia');
    expect((await view(second)).triages[0].affectedService).toBeNull();
    expect((await correct(second, { affectedService: 'finance-sync' })).status).toBe(201);

    const page1 = await api(s.app.url, 'GET', '/v1/triage/feedback?page=1&limit=2', { token: s.token, headers: h() });
    expect(page1.status).toBe(200);
    expect(page1.json.data.pagination).toMatchObject({ page: 1, limit: 2, total: 4, totalPages: 2 });
    expect(page1.json.data.items[0]).toMatchObject({ conversationId: second, set: { severity: false, affectedService: true } });
    const page2 = await api(s.app.url, 'GET', '/v1/triage/feedback?page=2&limit=2', { token: s.token, headers: h() });
    expect(page2.json.data.items.map((x: any) => x.conversationId)).toEqual([expect.any(String), slowSearch]);

    const stats = (await api(s.app.url, 'GET', '/v1/triage/feedback/stats', { token: s.token, headers: h() })).json.data;
    // Conversations: slowSearch, pay, reconciliation, later, second = 5 triaged; 4 corrected (later was left as triaged).
    expect(stats).toMatchObject({ triaged: 5, corrected: 4, agreement: 0.2, corrections: { standing: 4, undone: 0, used: 4, max: 5000 } });
    expect(stats.bySeverity.find((x: any) => x.key === 'low')).toMatchObject({ triaged: 2, corrected: 2, agreement: 0 });
    expect(stats.byService.find((x: any) => x.key === 'finance-sync')).toMatchObject({ triaged: 1, corrected: 0, agreement: 1 });
    expect(stats.overTime.reduce((a: number, w: any) => a + w.triaged, 0)).toBe(5);
    const words = stats.learnedWords.map((w: any) => w.word);
    expect(words).toContain('reconciliation');
    expect(stats.learnedWords.find((w: any) => w.word === 'reconciliation')).toMatchObject({ service: 'finance-sync', support: 2 });

    // The learned word makes a differently worded message point to the service.
    const probe = { text: 'Reconciliation is off by a few cents for some accounts' };
    const learned = await api(s.app.url, 'POST', '/v1/triage', { token: s.token, headers: h(), body: probe });
    expect(learned.json.data.affectedService).toBe('finance-sync');
    expect(learned.json.data.evidence.some((e: any) => e.signal === 'service.learned')).toBe(true);

    const del = await api(s.app.url, 'DELETE', '/v1/triage/feedback/learned-words/reconciliation', { token: s.token, headers: h() });
    expect(del.status).toBe(200);
    expect(del.json.data).toMatchObject({ word: 'reconciliation', removedAt: expect.any(String) });
    const again = await api(s.app.url, 'DELETE', '/v1/triage/feedback/learned-words/reconciliation', { token: s.token, headers: h() });
    expect(again.status).toBe(404);
    const after = (await api(s.app.url, 'GET', '/v1/triage/feedback/stats', { token: s.token, headers: h() })).json.data;
    expect(after.learnedWords.map((w: any) => w.word)).not.toContain('reconciliation');
    expect(after.removedWords).toEqual(['reconciliation']);
    const unlearned = await api(s.app.url, 'POST', '/v1/triage', { token: s.token, headers: h(), body: probe });
    expect(unlearned.json.data.evidence.some((e: any) => e.signal === 'service.learned' && /reconciliation/i.test(e.match))).toBe(false);
  }, 60_000);

  it('undoes a correction once: it stops teaching and the conversation gets triage’s labels back', async () => {
    const list = (await api(s.app.url, 'GET', '/v1/triage/feedback?limit=100', { token: s.token, headers: h() })).json.data.items;
    const target = list.find((x: any) => x.conversationId === reconciliation);
    const undo = await api(s.app.url, 'DELETE', `/v1/triage/feedback/${target.id}`, { token: s.token, headers: h() });
    expect(undo.status).toBe(200);
    expect(undo.json.data).toMatchObject({ id: target.id, undoneAt: expect.any(String), undoneBy: { kind: 'user' } });
    const twice = await api(s.app.url, 'DELETE', `/v1/triage/feedback/${target.id}`, { token: s.token, headers: h() });
    expect(twice.status).toBe(409);
    expect(twice.json.error.code).toBe('CORRECTION_ALREADY_UNDONE');
    const unknown = await api(s.app.url, 'DELETE', '/v1/triage/feedback/00000000-0000-4000-8000-000000000002', { token: s.token, headers: h() });
    expect(unknown.status).toBe(404);

    const t = (await view(reconciliation)).triages[0];
    expect(t).toMatchObject({ reason: 'correction_undo', affectedService: null });
    expect(s.sandbox.getConversation(reconciliation).custom_attributes.affected_service).toBe('');
    const text = 'Our quarterly reconciliation stopped matching the bank statements since Monday morning';
    const r = await api(s.app.url, 'POST', '/v1/triage', { token: s.token, headers: h(), body: { text } });
    expect(r.json.data.evidence.some((e: any) => e.detail.includes(`conversation ${reconciliation} `))).toBe(false);
    const stats = (await api(s.app.url, 'GET', '/v1/triage/feedback/stats', { token: s.token, headers: h() })).json.data;
    expect(stats.corrections).toMatchObject({ standing: 3, undone: 1 });
  }, 60_000);

  it('corrects triage from the Intercom panel as the Intercom admin: form, refusal kept open, saved without a note', async () => {
    const id = await conversation('The sign in page takes a while to load for me today', 'Uma');
    const init = await s.sandbox.canvasInitialize({ conversationId: id });
    expect(init.errors).toEqual([]);
    expect(init.body.canvas.content.components.some((c: any) => c.id === 'correct_triage' && c.action?.type === 'submit')).toBe(true);
    const form = await s.sandbox.canvasSubmit({ conversationId: id, componentId: 'correct_triage', currentCanvas: init.body.canvas });
    expect(form.errors).toEqual([]);
    const comps = form.body.canvas.content.components;
    const severity = comps.find((c: any) => c.id === 'triage_severity');
    expect(severity).toMatchObject({ type: 'dropdown', value: 'keep' });
    expect(severity.options.map((o: any) => o.id)).toEqual(['keep', 'critical', 'high', 'medium', 'low', 'info']);
    const service = comps.find((c: any) => c.id === 'triage_service');
    expect(service.options.map((o: any) => o.id)).toEqual(['keep', 'none', 'service:checkout', 'service:auth', 'service:search', 'service:finance-sync']);

    // Nothing chosen: refused, the form stays open with the reason.
    const empty = await s.sandbox.canvasSubmit({ conversationId: id, componentId: 'save_correction', currentCanvas: form.body.canvas });
    expect(empty.errors).toEqual([]);
    const emptyComps = empty.body.canvas.content.components;
    expect(emptyComps.some((c: any) => c.style === 'error' && /severity and\/or affectedService/.test(c.text))).toBe(true);
    expect(emptyComps.some((c: any) => c.id === 'save_correction')).toBe(true);

    const saved = await s.sandbox.canvasSubmit({
      conversationId: id,
      componentId: 'save_correction',
      currentCanvas: empty.body.canvas,
      inputValues: { triage_severity: 'medium', triage_service: 'service:auth' },
    });
    expect(saved.errors).toEqual([]);
    expect(saved.body.canvas.content.components.some((c: any) => c.text === 'Triage corrected: medium, auth.')).toBe(true);
    const first = (await api(s.app.url, 'GET', '/v1/triage/feedback?limit=1', { token: s.token, headers: h() })).json.data.items[0];
    expect(first).toMatchObject({ conversationId: id, after: { severity: 'medium', affectedService: 'auth' }, author: { kind: 'intercom_admin' } });
    expect(first.author.id).toEqual(expect.any(String));
    expect(s.sandbox.getConversation(id).custom_attributes).toMatchObject({ severity: 'medium', affected_service: 'auth' });
    expect(triageNotes(s.sandbox.getConversation(id))).toHaveLength(1);
  }, 60_000);

  it('deletes the corrections and removed words with their project', async () => {
    const p = await api(s.app.url, 'POST', '/v1/config/projects', { token: s.token, body: { name: 'Short lived', slug: 'short-lived' } });
    expect(p.status).toBe(201);
    const pid = p.json.data.id;
    const [{ tenantId }] = await sql('SELECT "tenantId" FROM projects WHERE id = $1', [pid]);
    await sql(
      `INSERT INTO triage_corrections ("tenantId", "projectId", "bindingId", "conversationId", "correctedTriageId", text, "beforeSeverity", severity, "serviceSet", author)
       VALUES ($1, $2, gen_random_uuid(), '1', gen_random_uuid(), 'x', 'low', 'high', false, '{"kind":"user","id":null,"name":null}')`,
      [tenantId, pid],
    );
    await sql(`INSERT INTO triage_removed_words ("projectId", word, "removedBy") VALUES ($1, 'word', '{"kind":"user","id":null,"name":null}')`, [pid]);
    const del = await api(s.app.url, 'DELETE', `/v1/config/projects/${pid}`, { token: s.token, body: { confirm: 'short-lived' } });
    expect(del.status).toBe(200);
    expect(await sql('SELECT id FROM triage_corrections WHERE "projectId" = $1', [pid])).toHaveLength(0);
    expect(await sql('SELECT id FROM triage_removed_words WHERE "projectId" = $1', [pid])).toHaveLength(0);
    expect((await sql('SELECT count(*)::int AS n FROM triage_corrections'))[0].n).toBe(5);
  });
});
