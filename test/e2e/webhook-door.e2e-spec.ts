/*
 * The webhook door (issue 16, "Ingest"): POST /webhooks/<platform> is served by one handler mounted before the
 * browser-facing middleware, pino-http and Nest's router. What that handler must keep: the request id (echoed, stored
 * with the event, in every refusal's log line), the contract's answers for its own paths (trailing slash, other
 * methods and unknown platforms still reach the app's routes), the HTTP metrics, and ROLE=worker taking no webhook.
 * The contract's answer table itself (401/413/400/200/503) is covered by security-signatures, security-input and
 * intercom-connection, unchanged.
 * Real: our app (api + worker), PostgreSQL (embedded). Stand-in: the Intercom sandbox (install only).
 */
import { createHmac } from 'node:crypto';
import { Client } from 'pg';
import { startTestApp } from '../helpers/app';
import { CLIENT_SECRET, installThroughConsent, IntercomStack, startIntercomStack } from '../helpers/intercom';

const WS = 'sbx12345';
const hub = (body: string | Buffer) => `sha1=${createHmac('sha1', CLIENT_SECRET).update(body).digest('hex')}`;

function notification(id: string, topic = 'conversation.admin.noted') {
  const now = Math.floor(Date.now() / 1000);
  return JSON.stringify({
    type: 'notification_event',
    app_id: WS,
    id,
    topic,
    created_at: now,
    data: {
      type: 'notification_event_data',
      item: {
        type: 'conversation',
        id: '4343',
        created_at: now,
        source: { type: 'conversation', body: '<p>hello</p>', author: { type: 'admin', id: '1' } },
        conversation_parts: { type: 'conversation_part.list', conversation_parts: [], total_count: 0 },
      },
    },
  });
}

describe('webhook door: POST /webhooks/<platform> before the app middleware', () => {
  let s: IntercomStack;
  let db: Client;
  const post = (path: string, body: string | Buffer, headers: Record<string, string> = {}) =>
    fetch(`${s.app.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  /** Posts a signed webhook, expects it recorded (200), and answers the stored message body(ies) of its notification id. */
  const signedAndStoredBody = async (body: string | Buffer, notificationId: string) => {
    const r = await post('/webhooks/intercom', body, { 'x-hub-signature': hub(body) });
    expect([r.status, await r.json()]).toEqual([200, { received: true }]);
    const rows = await db.query(`SELECT payload->'data'->'item'->'source'->>'body' AS body FROM support_desk_events WHERE "notificationId" = $1`, [
      notificationId,
    ]);
    return rows.rows.map((row: { body: string }) => row.body);
  };
  const logLines = (requestId: string) =>
    s.app.logs
      .filter((l) => l.includes(requestId))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => typeof l.event === 'string' && String(l.event).startsWith('webhook.'));

  beforeAll(async () => {
    s = await startIntercomStack();
    const r = await installThroughConsent(s);
    if (r.callback.status !== 302) throw new Error(`install failed: ${r.body}`);
    db = new Client({ connectionString: s.app.dbUrl });
    await db.connect();
  }, 60_000);

  afterAll(async () => {
    await db?.end();
    await s?.stop();
  });

  it('records a signed event with the caller’s X-Request-Id, echoes it, and stores it with the event', async () => {
    const body = notification('door-1');
    const r = await post('/webhooks/intercom', body, { 'x-hub-signature': hub(body), 'x-request-id': 'door-req-1' });
    expect([r.status, await r.json()]).toEqual([200, { received: true }]);
    expect(r.headers.get('x-request-id')).toBe('door-req-1');
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    const rows = (await db.query('SELECT "requestId" FROM support_desk_events WHERE "notificationId" = $1', ['door-1'])).rows;
    expect(rows).toEqual([{ requestId: 'door-req-1' }]);
  });

  it('gives a request id to a request without one (a fresh one each time)', async () => {
    const body = notification('door-2');
    const a = await post('/webhooks/intercom', body, { 'x-hub-signature': hub(body) });
    const b = await post('/webhooks/intercom', body, { 'x-hub-signature': hub(body) });
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(await b.json()).toEqual({ received: true, ignored: 'duplicate' });
    const [ida, idb] = [a.headers.get('x-request-id'), b.headers.get('x-request-id')];
    expect(ida).toMatch(/^[0-9a-f-]{36}$/);
    expect(idb).toMatch(/^[0-9a-f-]{36}$/);
    expect(ida).not.toBe(idb);
    // The duplicate is logged with its own request id.
    expect(logLines(idb!).map((l) => l.event)).toEqual(['webhook.duplicate']);
  });

  it('logs every refusal with the request id, and answers it with the request id header', async () => {
    const body = notification('door-3');
    const cases: Array<[string, Record<string, string>, string, number, string]> = [
      ['door-bad-sig', { 'x-hub-signature': hub(`${body} `) }, body, 401, 'webhook.signature_invalid'],
      ['door-no-sig', {}, body, 401, 'webhook.signature_invalid'],
      ['door-not-json', { 'x-hub-signature': hub('{') }, '{', 400, 'webhook.malformed'],
    ];
    for (const [id, headers, sent, status, event] of cases) {
      const r = await post('/webhooks/intercom', sent, { ...headers, 'x-request-id': id });
      expect([id, r.status, r.headers.get('x-request-id')]).toEqual([id, status, id]);
      expect(((await r.json()) as { error: unknown }).error).toEqual(expect.any(String));
      const lines = logLines(id);
      expect([id, lines.map((l) => l.event)]).toEqual([id, [event]]);
      expect(lines[0].requestId).toBe(id);
    }
    expect(Number((await db.query('SELECT count(*) AS n FROM support_desk_events WHERE "notificationId" = $1', ['door-3'])).rows[0].n)).toBe(0);
  });

  it('serves the path with a trailing slash too, like the route it replaces', async () => {
    const body = notification('door-4');
    const r = await post('/webhooks/intercom/', body, { 'x-hub-signature': hub(body) });
    expect([r.status, await r.json()]).toEqual([200, { received: true }]);
  });

  it('leaves other methods, unknown platforms and the uninstall notice to the app', async () => {
    // HEAD is Intercom's URL check (the controller), GET has no route (a plain 404, never the SPA).
    expect((await fetch(`${s.app.url}/webhooks/intercom`, { method: 'HEAD' })).status).toBe(200);
    const get = await fetch(`${s.app.url}/webhooks/intercom`);
    expect(get.status).toBe(404);
    expect(await get.text()).not.toMatch(/<html/i);
    const body = notification('door-5');
    expect((await post('/webhooks/zendesk', body, { 'x-hub-signature': hub(body) })).status).toBe(404);
    // The uninstall notice (a sibling path) still goes through the controller: unsigned → 200, nothing deactivated.
    const u = await post('/webhooks/intercom/uninstall', JSON.stringify({ app_id: 'zzz00000' }));
    expect(u.status).toBe(200);
    expect(await u.json()).toEqual({ received: true });
  });

  it('stores the body as received, byte for byte (key order, spacing, big numbers), still queryable as JSON', async () => {
    const body = notification('door-raw').replace('"type":"notification_event"', '"type": "notification_event", "big": 12345678901234567890123');
    const r = await post('/webhooks/intercom', body, { 'x-hub-signature': hub(body) });
    expect([r.status, await r.json()]).toEqual([200, { received: true }]);
    const rows = (
      await db.query(
        `SELECT payload::text AS text, payload->>'big' AS big, payload->'data'->'item'->>'id' AS item FROM support_desk_events WHERE "notificationId" = $1`,
        ['door-raw'],
      )
    ).rows;
    expect(rows).toEqual([{ text: body, big: '12345678901234567890123', item: '4343' }]);
  });

  it('records a body that is not valid UTF-8 (signed as sent): U+FFFD in place of the bad bytes, nothing lost', async () => {
    const text = notification('door-latin1').replace('<p>hello</p>', '<p>caf@</p>');
    // A client that sent Latin-1: "é" as the single byte 0xE9, which is no UTF-8 sequence.
    const body = Buffer.from(text);
    body[body.indexOf('@')] = 0xe9;
    expect(await signedAndStoredBody(body, 'door-latin1')).toEqual(['<p>caf\uFFFD</p>']);
  });

  it('records a body with a NUL or a lone surrogate (refused by jsonb as sent): U+FFFD in their place, nothing lost', async () => {
    // JSON.stringify writes NUL as \u0000 and a lone surrogate as \ud83d: valid JSON that PostgreSQL's jsonb refuses.
    const body = notification('door-nul').replace('<p>hello</p>', '<p>he\\u0000llo \\ud83d and \\ud83d\\ude00</p>');
    expect(body).toContain('\\u0000');
    expect(await signedAndStoredBody(body, 'door-nul')).toEqual(['<p>he\uFFFDllo \uFFFD and 😀</p>']);
  });

  it('counts the door’s answers in the HTTP metrics under its route', async () => {
    const metrics = await (await fetch(`${s.app.url}/metrics`)).text();
    expect(metrics).toMatch(/sigsentry_http_request_duration_seconds_count\{[^}]*route="\/webhooks\/intercom"[^}]*status="200"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/sigsentry_http_request_duration_seconds_count\{[^}]*route="\/webhooks\/intercom"[^}]*status="401"[^}]*\} [1-9]/);
  });
});

describe('webhook door: ROLE=worker', () => {
  it('takes no webhook (404 like every route but health and metrics)', async () => {
    const app = await startTestApp({ ROLE: 'worker', INTERCOM_CLIENT_SECRET: CLIENT_SECRET });
    try {
      const body = notification('door-worker');
      const r = await fetch(`${app.url}/webhooks/intercom`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature': hub(body) },
        body,
      });
      expect(r.status).toBe(404);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    } finally {
      await app.stop();
    }
  }, 60_000);
});
