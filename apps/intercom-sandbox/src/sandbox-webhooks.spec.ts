/**
 * Real: the sandbox and its webhook/uninstall sender. Stand-in: a local receiver playing the app's endpoints.
 */
import { createHmac } from 'node:crypto';
import { startSandbox } from './sandbox';
import type { Sandbox } from './sandbox';
import { startReceiver } from './test-receiver.util';
import type { Receiver } from './test-receiver.util';

const asAny = (x: unknown): any => x;

const SECRET = 'intercom_secret';
const sha1 = (raw: Buffer) => 'sha1=' + createHmac('sha1', SECRET).update(raw).digest('hex');

let rx: Receiver;
let sb: Sandbox;

async function start(extra: Partial<Parameters<typeof startSandbox>[0]> = {}) {
  rx = await startReceiver();
  sb = await startSandbox({
    port: 0,
    clientId: 'sandbox',
    clientSecret: SECRET,
    redirectUris: ['http://app.test/cb'],
    webhookUrl: `${rx.url}/webhooks/intercom`,
    uninstallUrl: `${rx.url}/webhooks/intercom/uninstall`,
    retryDelayMs: 150,
    deliveryTimeoutMs: 1000,
    ...extra,
  });
}
afterEach(async () => {
  await sb.close();
  await rx.close();
});

const newConv = () => sb.createConversation({ customer: { name: 'Joe', email: 'joe@example.com' }, subject: 'Help', body: 'Checkout is down' });

describe('webhook delivery', () => {
  it('sends a pretty-printed, signed notification_event for conversation.user.created', async () => {
    await start();
    sb.install();
    const conv = newConv();
    const [req] = await rx.waitFor(1);
    expect(req.path).toBe('/webhooks/intercom');
    expect(req.headers['x-hub-signature']).toBe(sha1(req.raw));
    expect(req.headers['user-agent']).toBe('intercom-parrot-service-client/1.0');
    expect(req.headers['content-type']).toBe('application/json');
    const text = req.raw.toString('utf8');
    expect(text).toContain('\n');
    expect(text).not.toBe(JSON.stringify(JSON.parse(text))); // re-serialising changes the bytes
    const n = JSON.parse(text);
    expect(n).toMatchObject({
      type: 'notification_event',
      topic: 'conversation.user.created',
      app_id: 'sbx12345',
      delivery_attempts: 1,
      delivered_at: 0,
      links: {},
      self: null,
    });
    expect(n.id).toMatch(/^notif_[0-9a-f-]{36}$/);
    expect(n.first_sent_at).toBeGreaterThan(0);
    expect(n.data.type).toBe('notification_event_data');
    expect(n.data.item).toMatchObject({ type: 'conversation', id: conv.id, source: { body: '<p>Checkout is down</p>', subject: 'Help' } });
    expect(n.data.item.conversation_parts).toEqual({ type: 'conversation_part.list', conversation_parts: [], total_count: 0 });
    await sb.waitForDelivery((d) => d.outcome === 'delivered');
  });

  it('reply topics carry only the new part; API notes fire conversation.admin.noted with app_package_code; unlisted topics are not sent', async () => {
    await start({ webhookTopics: ['conversation.user.created', 'conversation.user.replied', 'conversation.admin.noted'] });
    const token = sb.install();
    const conv = newConv();
    sb.customerReply(conv.id as string, 'still down');
    sb.adminReply(conv.id as string, '991267001', 'public hello'); // conversation.admin.replied: not subscribed
    await fetch(`${sb.url}/conversations/${String(conv.id)}/reply`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ message_type: 'note', type: 'admin', admin_id: '991267002', body: 'triage note' }),
    });
    await rx.waitFor(3);
    await sb.idle();
    const topics = rx.received.map((r) => JSON.parse(r.raw.toString()).topic).sort();
    expect(topics).toEqual(['conversation.admin.noted', 'conversation.user.created', 'conversation.user.replied']);
    const noted = rx.received.map((r) => JSON.parse(r.raw.toString())).find((n) => n.topic === 'conversation.admin.noted');
    expect(noted.data.item.conversation_parts.total_count).toBe(1);
    expect(noted.data.item.conversation_parts.conversation_parts[0]).toMatchObject({
      part_type: 'note',
      app_package_code: 'sigsentry-sandbox',
      author: { type: 'admin', id: '991267002' },
    });
    const replied = rx.received.map((r) => JSON.parse(r.raw.toString())).find((n) => n.topic === 'conversation.user.replied');
    expect(replied.data.item.conversation_parts.conversation_parts).toHaveLength(1);
    expect(replied.data.item.conversation_parts.conversation_parts[0].author.type).toBe('user');
  });

  it('uses plain-text bodies from API version 2.15', async () => {
    await start({ apiVersion: '2.15' });
    sb.install();
    newConv();
    const [req] = await rx.waitFor(1);
    expect(JSON.parse(req.raw.toString()).data.item.source.body).toBe('Checkout is down');
  });

  it('retries once after a failure, same notification id, then marks failed', async () => {
    await start();
    sb.install();
    rx.respond.push(500, 502);
    newConv();
    await rx.waitFor(2);
    await sb.idle();
    const [a, b] = rx.received.map((r) => JSON.parse(r.raw.toString()));
    expect(b.id).toBe(a.id);
    expect([a.delivery_attempts, b.delivery_attempts]).toEqual([1, 2]);
    expect(b.first_sent_at).toBe(a.first_sent_at);
    expect(rx.received[1].headers['x-hub-signature']).toBe(sha1(rx.received[1].raw));
    expect(sb.deliveries.map((d) => [d.attempt, d.status, d.outcome])).toEqual([
      [1, 500, 'retry_scheduled'],
      [2, 502, 'failed'],
    ]);
  });

  it('a timeout is retried and the retry can succeed', async () => {
    await start({ deliveryTimeoutMs: 200 });
    sb.install();
    rx.respond.push(-1);
    newConv();
    await sb.waitForDelivery((d) => d.outcome === 'delivered', 5000);
    expect(sb.deliveries.map((d) => d.status)).toEqual(['timeout', 200]);
  });

  it('410 disables webhooks for the app', async () => {
    await start();
    sb.install();
    rx.respond.push(410);
    newConv();
    await sb.waitForDelivery((d) => d.outcome === 'disabled');
    newConv();
    await sb.idle();
    expect(rx.received).toHaveLength(1);
    expect(sb.webhookSettings().enabled).toBe(false);
  });

  it('429 throttles and the notification is sent later', async () => {
    await start({ throttleDelayMs: 100 });
    sb.install();
    rx.respond.push(429);
    newConv();
    await sb.waitForDelivery((d) => d.outcome === 'delivered', 5000);
    expect(sb.deliveries.map((d) => d.outcome)).toEqual(['throttled', 'delivered']);
  });

  it('redeliver sends the same notification id again; ping is always subscribed', async () => {
    await start({ webhookTopics: ['conversation.user.created'] });
    sb.install();
    newConv();
    const [first] = await rx.waitFor(1);
    const id = JSON.parse(first.raw.toString()).id;
    const res = await fetch(`${sb.url}/_sandbox/webhooks/redeliver/${id}`, { method: 'POST' });
    expect(res.status).toBe(200);
    await fetch(`${sb.url}/_sandbox/webhooks/ping`, { method: 'POST' });
    await rx.waitFor(3);
    const bodies = rx.received.map((r) => JSON.parse(r.raw.toString()));
    expect(bodies[1].id).toBe(id);
    const ping = bodies.find((b) => b.topic === 'ping');
    expect(ping.data.item.type).toBe('ping');
  });

  it('nothing is sent for a workspace where the app is not installed', async () => {
    await start();
    newConv();
    await sb.idle();
    expect(rx.received).toHaveLength(0);
  });
});

describe('uninstall', () => {
  it('POST /auth/uninstall revokes the token, stops deliveries and sends the signed notice', async () => {
    await start();
    const token = sb.install();
    const auth = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json' };
    const res = await fetch(`${sb.url}/auth/uninstall`, { method: 'POST', headers: auth });
    expect(res.status).toBe(200);
    const [notice] = await rx.waitFor(1);
    expect(notice.path).toBe('/webhooks/intercom/uninstall');
    expect(JSON.parse(notice.raw.toString())).toEqual({ app_id: 'sbx12345' });
    expect(notice.headers['x-body-signature']).toBe(createHmac('sha256', SECRET).update(notice.raw).digest('hex'));
    const me = await fetch(`${sb.url}/me`, { headers: auth });
    expect(me.status).toBe(401);
    expect((await me.json().then(asAny)).errors[0]).toEqual({ code: 'unauthorized', message: 'Access Token Invalid' });
    expect((await fetch(`${sb.url}/auth/uninstall`, { method: 'POST', headers: auth })).status).toBe(401);
    newConv();
    await sb.idle();
    expect(rx.received).toHaveLength(1);
    expect(sb.workspaces()[0].tokenStatus).toBe('revoked');
  });

  it('a pending retry stops once the workspace uninstalls', async () => {
    await start({ retryDelayMs: 300 });
    sb.install();
    rx.respond.push(500);
    newConv();
    await sb.waitForDelivery((d) => d.outcome === 'retry_scheduled');
    await sb.uninstallWorkspace();
    await sb.idle();
    const webhookCalls = rx.received.filter((r) => r.path === '/webhooks/intercom');
    expect(webhookCalls).toHaveLength(1);
  });
});
