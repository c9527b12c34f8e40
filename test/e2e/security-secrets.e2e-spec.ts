/*
 * Security — secrets (issue #9). A full flow (Intercom install, Loki log sources with credentials, triage, analysis,
 * Canvas Kit, error paths, disconnect) while every response body and header, every captured log line, every note posted
 * to Intercom and every canvas is scanned for: the Intercom access tokens, the client secret, log-source credentials,
 * passwords, API key plaintexts, session tokens, the OAuth code, ENCRYPTION_KEY and SESSION_SECRET. None may appear
 * (the login/signup answer carries its own session token and the key create answer its key, by design).
 * Extends test/integration/http-conventions' scan (accounts only) to the Intercom and log-source paths.
 * Real: our app (api + worker), PostgreSQL (embedded), the Loki connector. Stand-ins: the Intercom sandbox; a local
 * node:http Loki that checks the credentials and, on its error route, echoes them back (a verbose upstream/proxy).
 */
import { createHmac } from 'node:crypto';
import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { api, OWNER, TEST_ENCRYPTION_KEY, TEST_SESSION_SECRET } from '../helpers/app';
import { CLIENT_SECRET, installThroughConsent, IntercomStack, startIntercomStack, waitFor } from '../helpers/intercom';

const WS = 'sbx12345';
const LOKI_KEY = 'loki-api-key-SECRET-4f9c2a71e0';
const LOKI_BASIC = 'lokiuser:loki-basic-SECRET-88d1c3';
const LOKI_WRONG_KEY = 'loki-wrong-key-SECRET-0b7e55aa';
const URL_PASSWORD = 'urlpass-SECRET-3c1d9e';
const MEMBER_PASSWORD = 'member-password-SECRET-61';
const WRONG_PASSWORD = 'wrong-password-SECRET-typed-9';

describe('security: no secret in any response, log line, note or canvas through a full flow', () => {
  let s: IntercomStack;
  let loki: Server;
  let lokiUrl: string;
  const lokiAuth: string[] = [];
  const seen: Array<{ what: string; text: string }> = [];
  const secrets: Record<string, string> = {};
  /** Responses that hand out a secret by design. */
  const allowed: Record<string, string[]> = {};

  const call = async (what: string, method: string, path: string, opts: Parameters<typeof api>[3] = {}) => {
    const r = await api(s.app.url, method, path, opts);
    const headers = [...r.headers.entries()].filter(([k]) => k !== 'set-cookie');
    seen.push({ what, text: r.text + JSON.stringify(headers) });
    return r;
  };
  const raw = async (what: string, url: string, init: RequestInit = {}) => {
    const r = await fetch(url, { redirect: 'manual', ...init });
    seen.push({ what, text: (await r.text()) + JSON.stringify([...r.headers.entries()].filter(([k]) => k !== 'set-cookie')) });
    return r;
  };

  beforeAll(async () => {
    loki = createServer((req: IncomingMessage, res) => {
      const auth = String(req.headers.authorization ?? '');
      lokiAuth.push(auth);
      const u = new URL(req.url ?? '/', 'http://x');
      if (u.searchParams.get('query')?.includes('echo')) {
        // A verbose upstream that puts the request's credentials in its error body.
        res.writeHead(400, { 'content-type': 'text/plain' });
        return res.end(`parse error: request had Authorization: ${auth} and X-Scope-OrgID: ${String(req.headers['x-scope-orgid'])}`);
      }
      const okAuth = [
        `Bearer ${LOKI_KEY}`,
        `Basic ${Buffer.from(LOKI_BASIC).toString('base64')}`,
        `Basic ${Buffer.from(`u:${URL_PASSWORD}`).toString('base64')}`,
      ];
      if (!okAuth.includes(auth)) {
        res.writeHead(401, { 'content-type': 'text/plain' });
        return res.end(`invalid token ${auth}`);
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      if (u.pathname.endsWith('/query_range')) {
        const now = BigInt(Date.now()) * 1_000_000n;
        const values = Array.from({ length: 20 }, (_, i) => [
          String(now - BigInt(i + 1) * 60_000_000_000n),
          JSON.stringify({ level: i % 3 ? 'info' : 'error', message: `payment failed: pool exhausted (${i})` }),
        ]);
        return res.end(JSON.stringify({ status: 'success', data: { resultType: 'streams', result: [{ stream: { service: 'checkout' }, values }] } }));
      }
      if (u.pathname.endsWith('/labels')) return res.end(JSON.stringify({ status: 'success', data: ['service'] }));
      return res.end(JSON.stringify({ status: 'success', data: ['checkout'] }));
    });
    await new Promise<void>((r) => loki.listen(0, '127.0.0.1', r));
    lokiUrl = `http://127.0.0.1:${(loki.address() as AddressInfo).port}`;
    s = await startIntercomStack({ LOG_SOURCE_TIMEOUT_MS: '3000', ALLOW_SIGNUP: 'true' });
    Object.assign(secrets, {
      clientSecret: CLIENT_SECRET,
      ownerPassword: OWNER.password,
      memberPassword: MEMBER_PASSWORD,
      wrongPassword: WRONG_PASSWORD,
      lokiKey: LOKI_KEY,
      lokiBasicPassword: LOKI_BASIC.split(':')[1],
      lokiBasicB64: Buffer.from(LOKI_BASIC).toString('base64'),
      lokiWrongKey: LOKI_WRONG_KEY,
      urlPassword: URL_PASSWORD,
      encryptionKey: TEST_ENCRYPTION_KEY,
      sessionSecret: TEST_SESSION_SECRET,
      encryptionKeyB64: s.app.config.encryptionKey.toString('base64'),
      sessionSecretB64: s.app.config.sessionSecret.toString('base64'),
      ownerSession: s.token,
    });
  });
  afterAll(async () => {
    await s?.stop();
    await new Promise((r) => loki?.close(r));
  });

  it('runs the flow', async () => {
    const h = { 'x-project-id': s.projectId };
    const owner = s.token;
    await call('wrong-login', 'POST', '/v1/auth/login', { body: { email: OWNER.email, password: WRONG_PASSWORD } });
    await call('project', 'PUT', `/v1/config/projects/${s.projectId}`, { token: owner, body: { services: [{ name: 'checkout', critical: true }] } });

    // Team member and keys.
    await call('member', 'POST', '/v1/team/members', { token: owner, body: { email: 'm@example.com', name: 'M', password: MEMBER_PASSWORD, role: 'member' } });
    const ml = await call('member-login', 'POST', '/v1/auth/login', { body: { email: 'm@example.com', password: MEMBER_PASSWORD } });
    secrets.memberSession = ml.json.data.token;
    allowed['member-login'] = ['memberSession'];
    for (const type of ['secret', 'public', 'org'] as const) {
      const k = await call(`key-${type}`, 'POST', '/v1/config/api-keys', {
        token: owner,
        body: {
          name: type,
          type,
          ...(type === 'org' ? {} : { projectId: s.projectId }),
          ...(type === 'public' ? {} : { permissions: ['config:read', 'analysis:read', 'analysis:create'] }),
        },
      });
      expect(k.status).toBe(201);
      secrets[`${type}Key`] = k.json.data.key;
      allowed[`key-${type}`] = [`${type}Key`];
    }
    await call('list-keys', 'GET', '/v1/config/api-keys', { token: owner });

    // Intercom install through the consent page; the OAuth code is a secret too.
    const inst = await installThroughConsent(s);
    expect(inst.callback.status).toBe(302);
    seen.push({ what: 'callback', text: (inst.callback.headers.get('location') ?? '') + inst.body });
    secrets.oauthCode = new URL(inst.callbackUrl).searchParams.get('code')!;
    const bindingId = inst.callback.headers.get('location')!.split('/').pop()!;
    const tokens = s.sandbox.tokensFor(WS);
    expect(tokens.length).toBeGreaterThan(0);
    tokens.forEach((t, i) => (secrets[`intercomToken${i}`] = t.token));
    await call('binding', 'GET', `/v1/config/support-desk/${bindingId}`, { token: owner, headers: h });
    await call('bindings', 'GET', '/v1/config/support-desk', { token: owner, headers: h });
    await call('attributes', 'GET', `/v1/config/support-desk/${bindingId}/attributes`, { token: owner, headers: h });
    await call('admins', 'GET', `/v1/config/support-desk/${bindingId}/admins`, { token: owner, headers: h });
    await call('binding-put', 'PUT', `/v1/config/support-desk/${bindingId}`, {
      token: owner,
      headers: h,
      body: { postingMode: 'both', attributeMapping: { severity: 'severity', summary: 'missing_attr' } },
    });
    await call('preview', 'POST', `/v1/config/support-desk/${bindingId}/template-preview`, { token: owner, headers: h, body: {} });

    // Log sources with credentials: bearer, basic, user-info in the URL, a wrong key, an upstream that echoes them.
    const mk = async (what: string, credentials: Record<string, string>, sources = ['{service="checkout"}']) => {
      const r = await call(what, 'POST', '/v1/config/log-sources', { token: owner, headers: h, body: { type: 'loki', name: what, credentials, sources } });
      expect({ what, status: r.status }).toEqual({ what, status: 201 });
      return r.json.data.id as string;
    };
    const good = await mk('loki-bearer', { host: lokiUrl, apiKey: LOKI_KEY, orgId: 'tenant-1' });
    const basic = await mk('loki-basic', { host: lokiUrl, apiKey: LOKI_BASIC });
    const userinfo = await mk('loki-userinfo', { host: lokiUrl.replace('http://', `http://u:${URL_PASSWORD}@`) });
    const wrong = await mk('loki-wrong', { host: lokiUrl, apiKey: LOKI_WRONG_KEY });
    const echo = await mk('loki-echo', { host: lokiUrl, apiKey: LOKI_KEY }, ['{service="echo"}']);
    for (const id of [good, basic, userinfo, wrong, echo]) {
      await call(`ls-get-${id}`, 'GET', `/v1/config/log-sources/${id}`, { token: owner, headers: h });
      await call(`ls-test-${id}`, 'POST', `/v1/config/log-sources/${id}/test`, { token: owner, headers: h });
      await call(`ls-sources-${id}`, 'GET', `/v1/config/log-sources/${id}/sources`, { token: owner, headers: h });
    }
    const tested = await call('ls-test-good', 'POST', `/v1/config/log-sources/${good}/test`, { token: owner, headers: h });
    expect(tested.json.data.connected).toBe(true);
    const failed = await call('ls-test-wrong', 'POST', `/v1/config/log-sources/${wrong}/test`, { token: owner, headers: h });
    expect(failed.json.data.connected).toBe(false);
    // The echoing upstream's excerpt is shown (so its redaction is exercised), without the credentials.
    const echoed = await call('ls-test-echo', 'POST', `/v1/config/log-sources/${echo}/test`, { token: owner, headers: h });
    expect(echoed.json.data.connected).toBe(false);
    expect(echoed.json.data.message).toMatch(/parse error/);
    // The credentials were really used (so their absence from the answers means something).
    expect(lokiAuth).toEqual(expect.arrayContaining([`Bearer ${LOKI_KEY}`, `Bearer ${LOKI_WRONG_KEY}`, `Basic ${Buffer.from(LOKI_BASIC).toString('base64')}`]));
    await call('ls-list', 'GET', '/v1/config/log-sources', { token: owner, headers: h });
    await call('ls-put', 'PUT', `/v1/config/log-sources/${wrong}`, {
      token: owner,
      headers: h,
      body: { credentials: { host: lokiUrl, apiKey: `${LOKI_WRONG_KEY}-2` } },
    });
    secrets.lokiWrongKey2 = `${LOKI_WRONG_KEY}-2`;
    // Invalid creates and updates carrying credentials: the refusal must not repeat them.
    await call('ls-bad-host', 'POST', '/v1/config/log-sources', {
      token: owner,
      headers: h,
      body: { type: 'loki', name: 'bad', credentials: { host: `not a url ${LOKI_KEY}`, apiKey: LOKI_KEY }, sources: ['{a="b"}'] },
    });
    await call('ls-blocked', 'POST', '/v1/config/log-sources', {
      token: owner,
      headers: h,
      body: { type: 'loki', name: 'meta', credentials: { host: `http://u:${URL_PASSWORD}@169.254.169.254`, apiKey: LOKI_KEY }, sources: ['{a="b"}'] },
    });
    await call('ls-unknown-field', 'POST', '/v1/config/log-sources', {
      token: owner,
      headers: h,
      body: { type: 'loki', name: 'x', credentials: { host: lokiUrl, apiKey: LOKI_KEY, password: LOKI_KEY }, sources: ['{a="b"}'], secret: LOKI_KEY },
    });
    await call('ls-bad-query', 'POST', '/v1/config/log-sources', {
      token: owner,
      headers: h,
      body: { type: 'loki', name: 'x', credentials: { host: lokiUrl, apiKey: LOKI_KEY }, sources: [`rate({a="b"}[5m])`] },
    });

    // Triage through Intercom (note posted), the API, and an analysis over all sources (some fail, one echoes).
    const conv = s.sandbox.createConversation({
      customer: { name: 'Joe', email: 'joe@example.com' },
      body: 'Checkout is down for everyone, all payments fail with 500 errors since 9am',
    });
    const convId = String(conv.id);
    await waitFor(async () => (s.sandbox.getConversation(convId).conversation_parts as any)?.conversation_parts?.some((p: any) => p.app_package_code));
    for (const [what, token] of [
      ['triage-owner', owner],
      ['triage-secret', secrets.secretKey],
      ['triage-org', secrets.orgKey],
    ]) {
      await call(what, 'POST', '/v1/triage', { token, headers: token === secrets.orgKey ? h : {}, body: { text: 'checkout fails for everyone since 9am' } });
    }
    const an = await call('analysis-create', 'POST', '/v1/analyses', {
      token: secrets.publicKey,
      body: { description: 'checkout errors', timeStart: new Date(Date.now() - 3_600_000).toISOString(), timeEnd: new Date().toISOString() },
    });
    expect(an.status).toBe(202);
    const done = await waitFor(async () => {
      const r = await call('analysis-get', 'GET', `/v1/analyses/${an.json.data.id}`, { token: secrets.secretKey });
      return ['complete', 'partial', 'failed'].includes(r.json.data.status) ? r : null;
    }, 20000);
    expect(done.json.data.status).toBe('partial'); // bearer/basic/userinfo answered, wrong key and echo failed
    await call('analyses', 'GET', '/v1/analyses', { token: secrets.secretKey });
    await call('conversations', 'GET', `/v1/support-desk/conversations/${bindingId}`, { token: owner });
    await call('conversation', 'GET', `/v1/support-desk/conversations/${bindingId}/${convId}`, { token: owner });
    await call('canvas-preview', 'GET', `/v1/support-desk/conversations/${bindingId}/${convId}/canvas`, { token: owner });
    const init = await s.sandbox.canvasInitialize({ conversationId: convId });
    seen.push({ what: 'canvas-initialize', text: init.rawBody });
    const sub = await s.sandbox.canvasSubmit({ conversationId: convId, componentId: 'run_analysis', currentCanvas: init.body.canvas });
    seen.push({ what: 'canvas-submit', text: sub.rawBody });

    // Signed doors refused: their error bodies too.
    const wbody = JSON.stringify({
      type: 'notification_event',
      app_id: WS,
      topic: 'conversation.user.created',
      id: 'n1',
      data: { item: { type: 'conversation', id: '1' } },
    });
    await raw('webhook-bad-sig', `${s.app.url}/webhooks/intercom`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature': `sha1=${createHmac('sha1', 'x').update(wbody).digest('hex')}` },
      body: wbody,
    });
    await raw('webhook-not-json', `${s.app.url}/webhooks/intercom`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature': `sha1=${createHmac('sha1', CLIENT_SECRET).update('{').digest('hex')}` },
      body: '{',
    });
    await raw('canvas-bad-sig', `${s.app.url}/canvas-kit/intercom/initialize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-body-signature': 'f'.repeat(64) },
      body: '{}',
    });
    await raw('oauth-bad-state', `${s.app.url}/oauth/intercom/callback?code=${secrets.oauthCode}&state=nope`, { headers: { cookie: s.cookie } });
    await call('bad-json', 'POST', '/v1/config/projects', { token: owner, raw: `{"name": "${LOKI_KEY}"`, headers: { 'content-type': 'application/json' } });
    await call('bad-auth', 'GET', '/v1/config/projects', { token: `${secrets.secretKey}x` });
    await call('bad-auth-2', 'GET', '/v1/config/projects', { headers: { authorization: `Token ${secrets.orgKey}` } });
    await call('me', 'GET', '/v1/auth/me', { token: owner });
    await call('docs', 'GET', '/docs-json');
    await call('health', 'GET', '/health/ready');
    await call('metrics', 'GET', '/metrics');

    // Disconnect: revoke at Intercom, mark inactive; the uninstall notice follows.
    const d = await call('disconnect', 'DELETE', `/v1/config/support-desk/${bindingId}`, { token: owner, headers: h });
    expect(d.json.data.status).toBe('inactive');
    expect(s.sandbox.tokensFor(WS).every((t) => t.status === 'revoked')).toBe(true);
    await call('binding-after', 'GET', `/v1/config/support-desk/${bindingId}`, { token: owner, headers: h });
    await call('logout', 'POST', '/v1/auth/logout', { token: secrets.memberSession });
    await call('after-logout', 'GET', '/v1/auth/me', { token: secrets.memberSession });
    await new Promise((r) => setTimeout(r, 200)); // last log lines
  }, 60_000);

  it('no secret appears in any response body or header', () => {
    expect(seen.length).toBeGreaterThan(50);
    const found: string[] = [];
    for (const b of seen) {
      for (const [name, value] of Object.entries(secrets)) {
        if (value && !allowed[b.what]?.includes(name) && b.text.includes(value))
          found.push(`${b.what} shows ${name}: …${b.text.slice(Math.max(0, b.text.indexOf(value) - 80), b.text.indexOf(value) + 20)}…`);
      }
    }
    expect(found).toEqual([]);
  });

  it('no secret appears in any captured log line', () => {
    expect(s.app.logs.length).toBeGreaterThan(50);
    expect(s.app.logs.some((l) => /log.?source|connector|loki/i.test(l))).toBe(true);
    const found: string[] = [];
    for (const line of s.app.logs) {
      for (const [name, value] of Object.entries(secrets)) if (value && line.includes(value)) found.push(`${name}: ${line.slice(0, 300)}`);
    }
    expect(found).toEqual([]);
  });

  it('no secret reaches Intercom: notes, replies and attributes posted to the conversations', () => {
    const convs = JSON.stringify(s.sandbox.listConversations());
    expect(convs).toMatch(/app_package_code/); // our notes are there
    const found = Object.entries(secrets)
      .filter(([, v]) => v && convs.includes(v))
      .map(([n]) => n);
    expect(found).toEqual([]);
  });
});
