/*
 * Real: our app (api + worker roles), PostgreSQL (embedded), pg-boss. Stand-in: the Intercom sandbox, an independent
 * implementation of reference/intercom.md (OAuth consent page, token exchange, /me, signed webhook delivery, revoke).
 */
import { createHmac } from 'node:crypto';
import { Client } from 'pg';
import { api } from '../helpers/app';
import { CLIENT_SECRET, installThroughConsent, IntercomStack, startIntercomStack, waitFor } from '../helpers/intercom';

const sign = (body: string | Buffer, secret = CLIENT_SECRET) => `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`;

async function sql(s: IntercomStack, q: string, params: unknown[] = []) {
  const c = new Client({ connectionString: s.app.dbUrl });
  await c.connect();
  try {
    return (await c.query(q, params)).rows;
  } finally {
    await c.end();
  }
}

function notification(appId: string, topic = 'conversation.user.created', id = `notif_${Math.random().toString(36).slice(2)}`) {
  return {
    type: 'notification_event',
    app_id: appId,
    id,
    topic,
    created_at: Math.floor(Date.now() / 1000),
    delivery_attempts: 1,
    first_sent_at: Math.floor(Date.now() / 1000),
    data: {
      type: 'notification_event_data',
      item: {
        type: 'conversation',
        id: '99',
        created_at: Math.floor(Date.now() / 1000),
        source: { type: 'conversation', body: '<p>How do I export a CSV?</p>', author: { type: 'user', id: 'u1', name: 'Ann' } },
        conversation_parts: { type: 'conversation_part.list', conversation_parts: [], total_count: 0 },
      },
    },
  };
}

async function postWebhook(s: IntercomStack, body: string | Buffer, headers: Record<string, string>) {
  const r = await fetch(`${s.app.url}/webhooks/intercom`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: r.status, json: (await r.json().catch(() => null)) as any };
}

describe('Intercom connection: OAuth install, signed webhooks, disconnect', () => {
  let s: IntercomStack;
  let bindingId: string;
  const workspaceId = 'sbx12345';

  beforeAll(async () => {
    s = await startIntercomStack();
  });
  afterAll(async () => s?.stop());

  it('installs through the consent page and lands on the binding page with region, time zone and subscriptions', async () => {
    const r = await installThroughConsent(s);
    expect(r.authorizeUrl.searchParams.get('client_id')).toBe('sigsentry-test');
    expect(r.authorizeUrl.searchParams.get('redirect_uri')).toBe(`${s.app.url}/oauth/intercom/callback`);
    expect(r.authorizeUrl.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(r.authorizeUrl.searchParams.has('scope')).toBe(false);
    expect(r.callback.status).toBe(302);
    const loc = r.callback.headers.get('location')!;
    expect(loc).toMatch(new RegExp(`^${s.app.url}/projects/default/support-desk/[0-9a-f-]{36}$`));
    bindingId = loc.split('/').pop()!;
    const b = await api(s.app.url, 'GET', `/v1/config/support-desk/${bindingId}`, { token: s.token, headers: { 'x-project-id': s.projectId } });
    expect(b.status).toBe(200);
    expect(b.json.data).toMatchObject({
      platform: 'intercom',
      workspaceId,
      region: 'US',
      timezone: 'Europe/Paris',
      status: 'active',
      postingMode: 'internal',
      autoAnalyzeThreshold: 'high',
      timeBufferHours: 2,
      subscriptions: { mode: 'app', events: ['conversation.created', 'conversation_part.created'] },
    });
    expect(b.json.data.subscriptions.topics).toEqual(
      expect.arrayContaining([
        'conversation.user.created',
        'conversation.user.replied',
        'conversation.admin.replied',
        'conversation.admin.noted',
        'conversation.operator.replied',
        'conversation.admin.single.created',
      ]),
    );
    expect(b.json.data.replyAsAdminId).toBe(b.json.data.installedBy.adminId);
    const token = s.sandbox.tokensFor(workspaceId).find((t) => t.status === 'active')!.token;
    expect(JSON.stringify(b.json)).not.toContain(token);
    expect(Object.keys(b.json.data)).not.toContain('tokenSealed');
    const row = (await sql(s, 'SELECT "tokenSealed" FROM support_desk_bindings WHERE id = $1', [bindingId]))[0];
    expect(row.tokenSealed).toMatch(/^v1:/);
    expect(row.tokenSealed).not.toContain(token);
    const list = await api(s.app.url, 'GET', '/v1/config/support-desk/' + bindingId + '/attributes', {
      token: s.token,
      headers: { 'x-project-id': s.projectId },
    });
    expect(list.json.data.map((a: any) => a.name)).toEqual(expect.arrayContaining(['severity', 'affected_service']));
  });

  it('refuses a reused, expired, other-user or session-less state and a cancelled consent with a readable 400 page', async () => {
    const r = await installThroughConsent(s);
    expect(r.callback.status).toBe(302);
    const again = await fetch(r.callbackUrl, { headers: { cookie: s.cookie }, redirect: 'manual' });
    expect(again.status).toBe(400);
    expect(await again.text()).toMatch(/already used/);

    const cancelled = await installThroughConsent(s, { decision: 'cancel' });
    expect(cancelled.callback.status).toBe(400);
    expect(cancelled.body).toMatch(/cancelled.*access_denied/);

    const noSession = await fetch(`${s.app.url}/v1/support-desk/intercom/install?projectId=${s.projectId}`, {
      headers: { cookie: s.cookie },
      redirect: 'manual',
    });
    const stateUrl = new URL(noSession.headers.get('location')!);
    const cb = await fetch(`${s.app.url}/oauth/intercom/callback?code=abc&state=${stateUrl.searchParams.get('state')}`, { redirect: 'manual' });
    expect(cb.status).toBe(400);
    expect(await cb.text()).toMatch(/not logged in/);

    const exp = await fetch(`${s.app.url}/v1/support-desk/intercom/install?projectId=${s.projectId}`, { headers: { cookie: s.cookie }, redirect: 'manual' });
    const expState = new URL(exp.headers.get('location')!).searchParams.get('state')!;
    await sql(s, `UPDATE oauth_states SET "expiresAt" = now() - interval '1 minute' WHERE "usedAt" IS NULL`);
    const expired = await fetch(`${s.app.url}/oauth/intercom/callback?code=abc&state=${encodeURIComponent(expState)}`, {
      headers: { cookie: s.cookie },
      redirect: 'manual',
    });
    expect(expired.status).toBe(400);
    expect(await expired.text()).toMatch(/expired/);

    await api(s.app.url, 'POST', '/v1/team/members', {
      token: s.token,
      body: { email: 'other@example.com', name: 'Other', password: 'another password', role: 'admin' },
    });
    const other = await api(s.app.url, 'POST', '/v1/auth/login', { body: { email: 'other@example.com', password: 'another password' } });
    const otherCookie = other.headers.get('set-cookie')!.split(';')[0];
    const mine = await fetch(`${s.app.url}/v1/support-desk/intercom/install?projectId=${s.projectId}`, { headers: { cookie: s.cookie }, redirect: 'manual' });
    const myState = new URL(mine.headers.get('location')!).searchParams.get('state')!;
    const stolen = await fetch(`${s.app.url}/oauth/intercom/callback?code=abc&state=${encodeURIComponent(myState)}`, {
      headers: { cookie: otherCookie },
      redirect: 'manual',
    });
    expect(stolen.status).toBe(400);
    expect(await stolen.text()).toMatch(/another SigSentry user/);

    const unknown = await fetch(`${s.app.url}/oauth/intercom/callback?code=abc&state=nope`, { headers: { cookie: s.cookie }, redirect: 'manual' });
    expect(unknown.status).toBe(400);
  });

  it('answers a failed token exchange with the 400 page', async () => {
    const mine = await fetch(`${s.app.url}/v1/support-desk/intercom/install?projectId=${s.projectId}`, { headers: { cookie: s.cookie }, redirect: 'manual' });
    const state = new URL(mine.headers.get('location')!).searchParams.get('state')!;
    const bad = await fetch(`${s.app.url}/oauth/intercom/callback?code=${encodeURIComponent('not-a-code=')}&state=${encodeURIComponent(state)}`, {
      headers: { cookie: s.cookie },
      redirect: 'manual',
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/did not accept/);
  });

  it('answers the webhook table of contract §6', async () => {
    const body = JSON.stringify(notification(workspaceId, 'conversation.admin.noted'), null, '\t');
    expect((await postWebhook(s, body, {})).status).toBe(401);
    expect((await postWebhook(s, body, { 'x-hub-signature': 'sha1=zz' })).status).toBe(401);
    expect((await postWebhook(s, body, { 'x-hub-signature': `sha256=${'a'.repeat(64)}` })).status).toBe(401);
    expect((await postWebhook(s, body.replace('admin.noted', 'admin.replied'), { 'x-hub-signature': sign(body) })).status).toBe(401);
    // A signature over re-serialised JSON does not verify the pretty-printed bytes.
    expect((await postWebhook(s, body, { 'x-hub-signature': sign(JSON.stringify(JSON.parse(body))) })).status).toBe(401);
    const big = Buffer.alloc(1_100_000, 0x20);
    expect((await postWebhook(s, big, { 'x-hub-signature': sign(big) })).status).toBe(413);
    expect((await postWebhook(s, 'not json', { 'x-hub-signature': sign('not json') })).status).toBe(400);
    const notEvent = JSON.stringify({ type: 'something_else' });
    expect((await postWebhook(s, notEvent, { 'x-hub-signature': sign(notEvent) })).status).toBe(400);
    const ping = JSON.stringify({
      type: 'notification_event',
      app_id: workspaceId,
      data: { type: 'notification_event_data', item: { type: 'ping', message: 'hi' } },
      id: null,
      topic: 'ping',
    });
    expect((await postWebhook(s, ping, { 'x-hub-signature': sign(ping) })).status).toBe(200);
    const unknownTopic = JSON.stringify(notification(workspaceId, 'contact.created'));
    expect((await postWebhook(s, unknownTopic, { 'x-hub-signature': sign(unknownTopic) })).status).toBe(200);
    const unknownWs = JSON.stringify(notification('zzz99999', 'conversation.user.created'));
    const uw = await postWebhook(s, unknownWs, { 'x-hub-signature': sign(unknownWs) });
    expect(uw.status).toBe(200);
    expect(uw.json.ignored).toBe('unknown_workspace');
    expect((await fetch(`${s.app.url}/webhooks/intercom`, { method: 'HEAD' })).status).toBe(200);
    // Recorded once, duplicates are no-ops.
    const first = await postWebhook(s, body, { 'x-hub-signature': sign(body) });
    const dup = await postWebhook(s, body, { 'x-hub-signature': sign(body) });
    expect(first).toEqual({ status: 200, json: { received: true } });
    expect(dup.json.ignored).toBe('duplicate');
    const id = JSON.parse(body).id;
    expect((await sql(s, 'SELECT count(*)::int AS n FROM support_desk_events WHERE "notificationId" = $1', [id]))[0].n).toBe(1);
  });

  it('records a customer conversation exactly once though Intercom delivers it twice', async () => {
    const conv = s.sandbox.createConversation({ customer: { name: 'Joe', email: 'joe@example.com' }, body: 'How do I export a CSV?' });
    const delivery = await s.sandbox.waitForDelivery((d) => d.topic === 'conversation.user.created' && d.outcome === 'delivered', 10000);
    s.sandbox.redeliver(delivery.notificationId!);
    await waitFor(async () => s.sandbox.deliveries.filter((d: any) => d.notificationId === delivery.notificationId && d.outcome === 'delivered').length >= 2);
    const rows = await sql(s, 'SELECT * FROM support_desk_events WHERE "notificationId" = $1', [delivery.notificationId]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ topic: 'conversation.user.created', action: 'triage', conversationId: String(conv.id) });
  });

  it('refuses a workspace already bound to another project without naming it', async () => {
    const p2 = await api(s.app.url, 'POST', '/v1/config/projects', { token: s.token, body: { name: 'Second', slug: 'second' } });
    const r = await installThroughConsent(s, { projectId: p2.json.data.id });
    expect(r.callback.status).toBe(400);
    expect(r.body).toMatch(/already connected to another SigSentry project/);
    expect(r.body).not.toMatch(/Default|default/);
  });

  it('ignores an unsigned uninstall notice while the token still works', async () => {
    const body = JSON.stringify({ app_id: workspaceId });
    const r = await fetch(`${s.app.url}/webhooks/intercom/uninstall`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(r.status).toBe(200);
    const b = await api(s.app.url, 'GET', `/v1/config/support-desk/${bindingId}`, { token: s.token, headers: { 'x-project-id': s.projectId } });
    expect(b.json.data.status).toBe('active');
  });

  it('disconnects: the token is revoked, deliveries stop, later events are 200 and not acted on, history stays', async () => {
    // The earlier tests' conversations settle first: a note posted just before the disconnect is rightly delivered.
    await waitFor(async () => (await sql(s, `SELECT count(*)::int AS n FROM support_desk_events WHERE status = 'received'`))[0].n === 0);
    await new Promise((r) => setTimeout(r, 300));
    const d = await api(s.app.url, 'DELETE', `/v1/config/support-desk/${bindingId}`, { token: s.token, headers: { 'x-project-id': s.projectId } });
    expect(d.status).toBe(200);
    expect(d.json.data).toMatchObject({ status: 'inactive', inactiveReason: 'disconnected', subscriptions: { events: [], topics: [] } });
    expect(s.sandbox.tokensFor(workspaceId).every((t) => t.status === 'revoked')).toBe(true);
    expect(s.sandbox.workspaces().find((w: any) => w.id === workspaceId || w.id_code === workspaceId)).toBeTruthy();
    const before = s.sandbox.deliveries.length;
    s.sandbox.createConversation({ customer: { name: 'Late', email: 'late@example.com' }, body: 'Checkout is down for everyone' });
    await new Promise((r) => setTimeout(r, 300));
    expect(s.sandbox.deliveries.slice(before).filter((x) => x.outcome === 'delivered')).toHaveLength(0);
    const late = JSON.stringify(notification(workspaceId, 'conversation.user.created'));
    const ans = await postWebhook(s, late, { 'x-hub-signature': sign(late) });
    expect(ans.status).toBe(200);
    expect(ans.json.ignored).toBe('unknown_workspace');
    const again = await api(s.app.url, 'DELETE', `/v1/config/support-desk/${bindingId}`, { token: s.token, headers: { 'x-project-id': s.projectId } });
    expect(again.json.data.status).toBe('inactive');
    expect((await sql(s, 'SELECT count(*)::int AS n FROM support_desk_events WHERE "bindingId" = $1', [bindingId]))[0].n).toBeGreaterThan(0);
  });

  it('reactivates the inactive binding when reinstalled into the same project', async () => {
    const r = await installThroughConsent(s);
    expect(r.callback.status).toBe(302);
    expect(r.callback.headers.get('location')).toMatch(new RegExp(`${bindingId}$`));
    const b = await api(s.app.url, 'GET', `/v1/config/support-desk/${bindingId}`, { token: s.token, headers: { 'x-project-id': s.projectId } });
    expect(b.json.data.status).toBe('active');
  });

  it('marks the binding inactive on a signed uninstall notice', async () => {
    await s.sandbox.uninstallWorkspace(workspaceId);
    await waitFor(
      async () =>
        (await api(s.app.url, 'GET', `/v1/config/support-desk/${bindingId}`, { token: s.token, headers: { 'x-project-id': s.projectId } })).json.data.status ===
        'inactive',
    );
    const b = await api(s.app.url, 'GET', `/v1/config/support-desk/${bindingId}`, { token: s.token, headers: { 'x-project-id': s.projectId } });
    expect(b.json.data.inactiveReason).toBe('uninstalled');
  });
});
