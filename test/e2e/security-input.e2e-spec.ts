/*
 * Security — hostile input (issue #9): user text stays plain in Canvas Kit canvases (no Markdown injection); `file`
 * sources read only their project's folder, LOG_FILES_DIR/<projectId>/, and cannot escape it (absolute, .., brace and
 * extglob expansions, symlinked files and directories), nor reach another tenant's files (issue 19.1, 19.3); blocked
 * CIDRs, cloud metadata addresses in every IPv6 embedding and metadata hosts are refused for every connector with a
 * host, and no connector follows a redirect into them (issue 19.4, 19.5); bodies over the limit → 413 on /v1, webhooks and Canvas
 * Kit; property-based fuzzing (fast-check, seeded) of signed webhook and Canvas Kit payloads never gets a 5xx, and the
 * app keeps answering afterwards. Issue 19.8: out-of-range page/limit on every paged route and JSON nested 5,000 deep
 * on every JSON route → 400; a wrong signature over a body past 1 MB → 401 (not 413), past 64 MB reading stops; the
 * security headers. (HTML/script in notes: triage-pipeline.e2e-spec; the SPA: the browser tests.)
 * Real: our app (api + worker), PostgreSQL (embedded), the file and HTTP connectors. Stand-ins: the Intercom sandbox;
 * a local node:http server that redirects to the metadata address.
 */
import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { generateServiceAccount } from '@app/log-sources/testing';
import { Client } from 'pg';
import { api } from '../helpers/app';
import { CLIENT_SECRET, installThroughConsent, IntercomStack, startIntercomStack, waitFor } from '../helpers/intercom';

const WS = 'sbx12345';
const LIMIT = 1_048_576;
const OUTSIDE_MARK = 'OUTSIDE-SECRET-LINE-7731';
const hub = (b: string | Buffer) => `sha1=${createHmac('sha1', CLIENT_SECRET).update(b).digest('hex')}`;
const bodySig = (b: string | Buffer) => createHmac('sha256', CLIENT_SECRET).update(b).digest('hex');

describe('security: hostile input', () => {
  let s: IntercomStack;
  let logDir: string;
  let bindingId: string;
  let convId: string;
  let redirector: Server;
  let redirectUrl: string;
  const h = () => ({ 'x-project-id': s.projectId });

  const post = async (path: string, body: string | Buffer, headers: Record<string, string>) => {
    const r = await fetch(`${s.app.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const text = await r.text();
    let json: any = null;
    try {
      json = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: r.status, text, json };
  };
  const webhook = (body: string | Buffer) => post('/webhooks/intercom', body, { 'x-hub-signature': hub(body) });
  const canvas = (path: 'initialize' | 'submit', body: string | Buffer) => post(`/canvas-kit/intercom/${path}`, body, { 'x-body-signature': bodySig(body) });

  beforeAll(async () => {
    logDir = mkdtempSync(join(tmpdir(), 'ss-sec-logs-'));
    redirector = createServer((_req, res) => {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
      res.end();
    });
    await new Promise<void>((r) => redirector.listen(0, '127.0.0.1', r));
    redirectUrl = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`;
    s = await startIntercomStack({
      LOG_FILES_DIR: logDir,
      LOG_SOURCE_TIMEOUT_MS: '3000',
      RATE_LIMIT_WRITE: '100000',
      RATE_LIMIT_READ: '100000',
      RATE_LIMIT_ANALYSIS: '100000',
      ALLOW_SIGNUP: 'true',
    });
    // This project's folder, with links leading out of it; files outside it hold a line that must never come back.
    const mine = join(logDir, s.projectId);
    const outside = mkdtempSync(join(tmpdir(), 'ss-sec-outside-'));
    const ts = () => new Date(Date.now() - 10 * 60_000).toISOString();
    writeFileSync(join(outside, 'secret.log'), `${ts()} ERROR ${OUTSIDE_MARK}\n`);
    writeFileSync(join(outside, 'secret.ndjson'), `${JSON.stringify({ timestamp: ts(), level: 'error', service: 'x', message: OUTSIDE_MARK })}\n`);
    writeFileSync(join(logDir, 'root.log'), `${ts()} ERROR ${OUTSIDE_MARK} at the root of LOG_FILES_DIR\n`);
    mkdirSync(join(mine, 'app'), { recursive: true });
    writeFileSync(join(mine, 'app', 'inside.log'), `${ts()} ERROR checkout inside line\n`);
    symlinkSync(join(outside, 'secret.log'), join(mine, 'app', 'link.log'));
    symlinkSync(outside, join(mine, 'dirlink'));
    symlinkSync('/etc', join(mine, 'etc'));
    symlinkSync(logDir, join(mine, 'up'));
    const inst = await installThroughConsent(s);
    if (inst.callback.status !== 302) throw new Error(inst.body);
    bindingId = inst.callback.headers.get('location')!.split('/').pop()!;
  });
  afterAll(async () => {
    await s?.stop();
    await new Promise((r) => redirector?.close(r));
  });

  describe('Canvas Kit: user text is plain text', () => {
    const INJECT = ['[click here](http://evil.example/x)', '**URGENT**', '*bold*', '![img](http://evil.example/i.png)'];

    it('escapes Markdown from the customer and the conversation in every text component', async () => {
      await api(s.app.url, 'PUT', `/v1/config/projects/${s.projectId}`, { token: s.token, body: { services: [{ name: 'checkout', critical: true }] } });
      const conv = s.sandbox.createConversation({
        customer: { name: 'Eve [admin](http://evil.example/n) **boss**', email: 'eve@example.com' },
        body: `Checkout is down for everyone ${INJECT.join(' ')} since 9am`,
      });
      convId = String(conv.id);
      await waitFor(async () => (s.sandbox.getConversation(convId).conversation_parts as any)?.conversation_parts?.some((p: any) => p.app_package_code), 20000);
      const r = await s.sandbox.canvasInitialize({ conversationId: convId });
      expect(r.status).toBe(200);
      expect(r.errors).toEqual([]);
      const texts: string[] = [];
      const walk = (v: any) => {
        if (Array.isArray(v)) v.forEach(walk);
        else if (v && typeof v === 'object') {
          if (v.type === 'text' && typeof v.text === 'string') texts.push(v.text);
          Object.values(v).forEach(walk);
        }
      };
      walk(r.body.canvas.content.components);
      const all = texts.join('\n');
      // The customer's words are shown (so escaping is exercised) …
      expect(all).toMatch(/click here/);
      // … but never as a link, image or bold made from their text: every [ ] ( ) * of user text is backslash-escaped.
      expect(all).not.toMatch(/(?<!\\)\[click here(?<!\\)\]\(/);
      expect(all).not.toMatch(/(?<!\\)\]\(http:\/\/evil/);
      expect(all).not.toMatch(/(?<!\\)\*\*URGENT/);
      expect(all).toContain('\\[click here\\]\\(http://evil.');
      // The only links are ours.
      for (const m of all.matchAll(/(?<!\\)\[[^\]]*(?<!\\)\]\((?<url>[^)]*)\)/g)) expect(m.groups!.url.startsWith(s.app.url)).toBe(true);
    });

    it('the SPA preview of the canvas is the same escaped canvas', async () => {
      const r = await api(s.app.url, 'GET', `/v1/support-desk/conversations/${bindingId}/${convId}/canvas`, { token: s.token });
      expect(r.status).toBe(200);
      expect(r.text).toContain('\\\\[click here\\\\]');
      expect(r.text).not.toMatch(/[^\\]\[click here[^\\]\]/);
    });
  });

  describe("file sources stay inside their project's folder", () => {
    it('refuses absolute paths, .. in any form, home and drive paths, NUL — at create and at update', async () => {
      const bad = [
        '/etc/passwd',
        '/',
        '../secret.log',
        'app/../../x.log',
        './../x',
        'app/..',
        '..',
        '..\\secret.log',
        'app\\..\\..\\x',
        '~/x.log',
        '~root/.ssh/id_rsa',
        'C:\\Windows\\x.log',
        '\\\\server\\share\\x',
        'a\u0000b.log',
        '{..,app}/secret.log',
        'app/{x,..}/y.log',
        '@(..)/secret.log',
        '+(..|app)/*.log',
        // Brace and extglob expansions that leave the folder (issue 19.3).
        '{.,}./{.,}./etc/*',
        '{.,}./{.,}./{.,}./{.,}./{.,}./{.,}./*',
        '{/etc,app}/*',
        '.[.]/*',
        '*(.)/etc/*',
        '{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}{o,p}',
      ];
      const ok = await api(s.app.url, 'POST', '/v1/config/log-sources', {
        token: s.token,
        headers: h(),
        body: { type: 'file', name: 'ok', credentials: {}, sources: ['app/*.log'] },
      });
      expect(ok.status).toBe(201);
      for (const glob of bad) {
        const c = await api(s.app.url, 'POST', '/v1/config/log-sources', {
          token: s.token,
          headers: h(),
          body: { type: 'file', name: 'bad', credentials: {}, sources: [glob] },
        });
        expect({ glob, status: c.status, code: c.json?.error?.code }).toEqual({ glob, status: 400, code: 'VALIDATION_ERROR' });
        const u = await api(s.app.url, 'PUT', `/v1/config/log-sources/${ok.json.data.id}`, {
          token: s.token,
          headers: h(),
          body: { sources: ['app/*.log', glob] },
        });
        expect({ glob, status: u.status }).toEqual({ glob, status: 400 });
      }
      const after = await api(s.app.url, 'GET', `/v1/config/log-sources/${ok.json.data.id}`, { token: s.token, headers: h() });
      expect(after.json.data.sources).toEqual(['app/*.log']);
      await api(s.app.url, 'DELETE', `/v1/config/log-sources/${ok.json.data.id}`, { token: s.token, headers: h() });
    });

    it('skips symlinked files and directories that lead outside, in test, discovery and analyses', async () => {
      const src = await api(s.app.url, 'POST', '/v1/config/log-sources', {
        token: s.token,
        headers: h(),
        body: {
          type: 'file',
          name: 'globs',
          credentials: {},
          sources: ['**/*.log', '**/*.ndjson', 'dirlink/*', 'etc/passwd', 'app/link.log', 'up/**/*', 'dirlink/**'],
        },
      });
      expect(src.status).toBe(201);
      const id = src.json.data.id;
      const test = await api(s.app.url, 'POST', `/v1/config/log-sources/${id}/test`, { token: s.token, headers: h() });
      expect(test.status).toBe(200);
      expect(test.json.data.connected).toBe(true);
      const disc = await api(s.app.url, 'GET', `/v1/config/log-sources/${id}/sources`, { token: s.token, headers: h() });
      expect(disc.json.data.map((x: any) => x.name)).toEqual(['app/inside.log']);
      const an = await api(s.app.url, 'POST', '/v1/analyses', {
        token: s.token,
        headers: h(),
        body: { description: 'checkout errors', timeStart: new Date(Date.now() - 3_600_000).toISOString(), timeEnd: new Date().toISOString() },
      });
      expect(an.status).toBe(202);
      const done = await waitFor(async () => {
        const r = await api(s.app.url, 'GET', `/v1/analyses/${an.json.data.id}`, { token: s.token, headers: h() });
        return ['complete', 'partial', 'failed'].includes(r.json.data.status) ? r : null;
      }, 20000);
      expect(done.json.data.status).not.toBe('failed');
      for (const r of [test, disc, done]) {
        expect(r.text).not.toContain(OUTSIDE_MARK);
        expect(r.text).not.toMatch(/root:x:0:0/);
        // Skipped entries are counted, never named: no outside path, no file found out there, no link name.
        expect(r.text).not.toMatch(/secret|passwd|shadow|encryption\.key|ss-sec-outside|dirlink|link\.log|\/etc\b/);
      }
      expect(test.json.data.message).toMatch(/\d+ entries leading outside this project's folder \(symbolic links\) skipped/);
      expect(s.app.logs.join('\n')).not.toContain(OUTSIDE_MARK);
      await api(s.app.url, 'DELETE', `/v1/config/log-sources/${id}`, { token: s.token, headers: h() });
    });
  });

  describe("another tenant's files (issue 19.1)", () => {
    it("a tenant made by signup who creates `**/*` sees none of tenant A's lines or file names, in test, discovery and analyses", async () => {
      const MARK_A = 'TENANT-A-CONFIDENTIAL-4411';
      const mineA = join(logDir, s.projectId, 'tenant-a');
      mkdirSync(mineA, { recursive: true });
      writeFileSync(
        join(mineA, 'payments.ndjson'),
        `${JSON.stringify({ timestamp: new Date(Date.now() - 60_000).toISOString(), level: 'error', service: 'payments', message: `${MARK_A} card declined` })}\n`,
      );
      const signup = await api(s.app.url, 'POST', '/v1/auth/signup', {
        body: { name: 'Mallory', email: 'mallory@tenant-b.example', password: 'tenant b owner password', companyName: 'Tenant B' },
      });
      expect(signup.status).toBe(201);
      const tokenB = signup.json.data.token;
      const projectB = signup.json.data.project.id;
      const hb = { 'x-project-id': projectB };
      const src = await api(s.app.url, 'POST', '/v1/config/log-sources', {
        token: tokenB,
        headers: hb,
        body: { type: 'file', name: 'everything', credentials: {}, sources: ['**/*', '*', '**/*.ndjson'] },
      });
      expect(src.status).toBe(201);
      // B's record shows B's own folder, never A's.
      expect(src.json.data.folder).toBe(join(logDir, projectB));
      const id = src.json.data.id;
      const test = await api(s.app.url, 'POST', `/v1/config/log-sources/${id}/test`, { token: tokenB, headers: hb });
      expect(test.status).toBe(200);
      expect(test.json.data.sampleLogs).toEqual([]);
      const disc = await api(s.app.url, 'GET', `/v1/config/log-sources/${id}/sources`, { token: tokenB, headers: hb });
      expect(disc.json.data).toEqual([]);
      const an = await api(s.app.url, 'POST', '/v1/analyses', {
        token: tokenB,
        headers: hb,
        body: { description: 'payments card declined', timeStart: new Date(Date.now() - 3_600_000).toISOString(), timeEnd: new Date().toISOString() },
      });
      expect(an.status).toBe(202);
      const done = await waitFor(async () => {
        const r = await api(s.app.url, 'GET', `/v1/analyses/${an.json.data.id}`, { token: tokenB, headers: hb });
        return ['complete', 'partial', 'failed'].includes(r.json.data.status) ? r : null;
      }, 20000);
      for (const r of [src, test, disc, done]) {
        expect(r.text).not.toContain(MARK_A);
        expect(r.text).not.toContain(OUTSIDE_MARK);
        expect(r.text).not.toContain(s.projectId);
        expect(r.text).not.toMatch(/tenant-a|payments\.ndjson|inside\.log/);
      }
      expect(done.json.data.result?.logsScanned ?? 0).toBe(0);
      // Even knowing A's project id, B reads nothing of A's: the glob is relative to B's own folder.
      const guess = await api(s.app.url, 'POST', '/v1/config/log-sources', {
        token: tokenB,
        headers: hb,
        body: { type: 'file', name: 'guess', credentials: {}, sources: [`${s.projectId}/**/*`] },
      });
      const guessed = await api(s.app.url, 'POST', `/v1/config/log-sources/${guess.json.data.id}/test`, { token: tokenB, headers: hb });
      expect(guessed.json.data.connected).toBe(false);
      expect(guessed.text).not.toContain(MARK_A);
      // The same source in tenant A's project reads A's lines: the files are there, B just cannot reach them.
      const srcA = await api(s.app.url, 'POST', '/v1/config/log-sources', {
        token: s.token,
        headers: h(),
        body: { type: 'file', name: 'a-own', credentials: {}, sources: ['tenant-a/*'] },
      });
      const testA = await api(s.app.url, 'POST', `/v1/config/log-sources/${srcA.json.data.id}/test`, { token: s.token, headers: h() });
      expect(testA.text).toContain(MARK_A);
      await api(s.app.url, 'DELETE', `/v1/config/log-sources/${srcA.json.data.id}`, { token: s.token, headers: h() });
    });
  });

  describe('blocked network ranges', () => {
    const HOSTS = [
      'http://169.254.169.254',
      'http://169.254.169.254:80/latest/meta-data',
      'http://169.254.169.254.',
      'http://169.254.1.1',
      'http://[fe80::1]',
      'http://[fe80::1]:3100',
      'http://[FE80::abcd]',
      'http://[::ffff:169.254.169.254]',
      'http://[::ffff:a9fe:a9fe]',
      'http://2852039166',
      'http://0xa9fea9fe',
      'http://0251.0376.0251.0376',
      'http://169.254.43518',
      'http://metadata.google.internal',
      'http://METADATA.GOOGLE.INTERNAL.',
      'http://metadata.google.internal:8080/computeMetadata/v1',
      'http://user:pw@169.254.169.254',
      // Cloud metadata addresses outside 169.254/16 and fe80::/10, and IPv6 forms embedding a blocked IPv4 (issue 19.5).
      'http://[fd00:ec2::254]/latest/meta-data/',
      'http://[fd20:ce::254]/computeMetadata/v1/',
      'http://100.100.100.200/latest/meta-data/',
      'http://192.0.0.192/opc/v1/instance/',
      'http://[64:ff9b::a9fe:a9fe]/',
      'http://[64:ff9b::169.254.169.254]/',
      'http://[::a9fe:a9fe]/',
      'http://[::ffff:0:a9fe:a9fe]/',
      'http://[64:ff9b::6464:64c8]/',
      'http://[2002:a9fe:a9fe::]/',
      'http://metadata.goog/',
    ];
    const bodies: Record<string, (host: string) => Record<string, unknown>> = {
      loki: (host) => ({ type: 'loki', name: 'x', credentials: { host }, sources: ['{job="a"}'] }),
      elastic: (host) => ({ type: 'elastic', name: 'x', credentials: { host, apiKey: 'k' }, sources: ['logs-*'] }),
      splunk: (host) => ({ type: 'splunk', name: 'x', credentials: { host, token: 't' }, sources: ['main'] }),
    };

    it('refuses link-local, metadata addresses in every spelling, for every connector with a host, at create and update', async () => {
      const ok = await api(s.app.url, 'POST', '/v1/config/log-sources', { token: s.token, headers: h(), body: bodies.loki(redirectUrl) });
      expect(ok.status).toBe(201);
      for (const [type, body] of Object.entries(bodies)) {
        for (const host of HOSTS) {
          const r = await api(s.app.url, 'POST', '/v1/config/log-sources', { token: s.token, headers: h(), body: body(host) });
          expect({ type, host, status: r.status, code: r.json?.error?.code }).toEqual({ type, host, status: 400, code: 'VALIDATION_ERROR' });
        }
      }
      for (const host of HOSTS) {
        const u = await api(s.app.url, 'PUT', `/v1/config/log-sources/${ok.json.data.id}`, { token: s.token, headers: h(), body: { credentials: { host } } });
        expect({ host, status: u.status }).toEqual({ host, status: 400 });
      }
    });

    it('refuses a CloudWatch endpoint override in a blocked range', async () => {
      const r = await api(s.app.url, 'POST', '/v1/config/log-sources', {
        token: s.token,
        headers: h(),
        body: {
          type: 'cloudwatch',
          name: 'cw',
          credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'x' },
          region: 'us-east-1',
          settings: { endpoint: 'http://169.254.169.254' },
          sources: ['/aws/x'],
        },
      });
      expect(r.status).toBe(400);
    });

    it('does not follow a redirect from an allowed host into the metadata address', async () => {
      const src = await api(s.app.url, 'GET', '/v1/config/log-sources', { token: s.token, headers: h() });
      const id = src.json.data.find((x: any) => x.type === 'loki').id;
      const t = await api(s.app.url, 'POST', `/v1/config/log-sources/${id}/test`, { token: s.token, headers: h() });
      expect(t.status).toBe(200);
      expect(t.json.data.connected).toBe(false);
      expect(t.json.data.message).toMatch(/redirect/i);
      expect(t.text).not.toContain('meta-data');
    });

    it('no connector follows a redirect: GCP token endpoint, Datadog, Elastic and Splunk all stop at the allowed host', async () => {
      const sa = generateServiceAccount('redirect-test');
      const sources: Array<Record<string, unknown>> = [
        {
          type: 'gcp_logging',
          credentials: { serviceAccountJson: sa.json },
          settings: { apiEndpoint: redirectUrl, tokenUri: `${redirectUrl}/token` },
          sources: ['stdout'],
        },
        { type: 'datadog', credentials: { apiKey: 'dd-api', appKey: 'dd-app' }, settings: { endpoint: redirectUrl }, sources: ['service:x'] },
        { type: 'elastic', credentials: { host: redirectUrl, apiKey: 'k' }, sources: ['logs-*'] },
        { type: 'splunk', credentials: { host: redirectUrl, token: 't' }, sources: ['main'] },
      ];
      for (const body of sources) {
        const c = await api(s.app.url, 'POST', '/v1/config/log-sources', { token: s.token, headers: h(), body: { name: `redirect ${body.type}`, ...body } });
        expect({ type: body.type, status: c.status }).toEqual({ type: body.type, status: 201 });
        const t = await api(s.app.url, 'POST', `/v1/config/log-sources/${c.json.data.id}/test`, { token: s.token, headers: h() });
        expect({ type: body.type, connected: t.json.data.connected }).toEqual({ type: body.type, connected: false });
        expect(t.json.data.message).toMatch(/redirect/i);
        expect(t.text).not.toContain('meta-data');
        await api(s.app.url, 'DELETE', `/v1/config/log-sources/${c.json.data.id}`, { token: s.token, headers: h() });
      }
    });
  });

  describe('bodies over the limit', () => {
    it('answers 413 on /v1 (JSON), on the signed webhook and on Canvas Kit, and keeps serving', async () => {
      const big = JSON.stringify({ name: 'x'.repeat(LIMIT + 10), slug: 'big' });
      const v1 = await api(s.app.url, 'POST', '/v1/config/projects', { token: s.token, raw: big, headers: { 'content-type': 'application/json' } });
      expect([v1.status, v1.json?.error?.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
      const triage = await api(s.app.url, 'POST', '/v1/triage', {
        token: s.token,
        raw: JSON.stringify({ text: 'y'.repeat(LIMIT + 1) }),
        headers: { 'content-type': 'application/json' },
      });
      expect(triage.status).toBe(413);
      const wbig = JSON.stringify({
        type: 'notification_event',
        app_id: WS,
        topic: 'conversation.user.created',
        id: 'big',
        data: { item: { type: 'conversation', id: '1', x: 'z'.repeat(LIMIT) } },
      });
      expect((await webhook(wbig)).status).toBe(413);
      const cbig = JSON.stringify({ workspace_id: WS, conversation: { id: convId }, pad: 'p'.repeat(LIMIT) });
      expect((await canvas('initialize', cbig)).status).toBe(413);
      expect((await canvas('submit', cbig)).status).toBe(413);
      // The uninstall notice answers 200 without acting on an oversized body.
      const ubig = JSON.stringify({ app_id: WS, pad: 'u'.repeat(LIMIT) });
      expect((await post('/webhooks/intercom/uninstall', ubig, { 'x-body-signature': bodySig(ubig) })).status).toBe(200);
      expect((await api(s.app.url, 'GET', `/v1/config/support-desk/${bindingId}`, { token: s.token, headers: h() })).json.data.status).toBe('active');
      // Just under the limit is read and verified (not 413).
      const near = JSON.stringify({
        type: 'notification_event',
        app_id: WS,
        topic: 'conversation.admin.noted',
        id: 'near-limit',
        pad: 'n'.repeat(LIMIT - 200),
        data: { item: { type: 'conversation', id: '1' } },
      });
      expect(Buffer.byteLength(near)).toBeLessThanOrEqual(LIMIT);
      expect((await webhook(near)).status).toBe(200);
      expect((await api(s.app.url, 'GET', '/health/ready')).status).toBe(200);
    });
  });

  describe('property-based fuzzing (fast-check, seeded)', () => {
    const TOPICS = [
      'conversation.user.created',
      'conversation.user.replied',
      'conversation.admin.replied',
      'conversation.admin.noted',
      'conversation.operator.replied',
      'conversation.admin.single.created',
      'ping',
      'contact.created',
    ];
    const scalar = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.constant(''),
      fc.constant(-1),
      fc.constant(1e308),
      fc.constant('1e9999'),
      fc.constant('__proto__'),
      fc.constant('<script>alert(1)</script>'),
    );
    const anyJson = fc.jsonValue({ maxDepth: 6 });
    const deep = fc.integer({ min: 50, max: 1200 }).map((n) => JSON.parse('['.repeat(n) + ']'.repeat(n)));
    const hugeString = fc.integer({ min: 1000, max: LIMIT - 4096 }).map((n) => 'h'.repeat(n));
    const loose = fc.oneof({ weight: 5, arbitrary: scalar }, { weight: 3, arbitrary: anyJson }, { weight: 1, arbitrary: deep });
    const partArb = fc.record(
      {
        type: fc.oneof(fc.constant('conversation_part'), scalar),
        id: loose,
        part_type: fc.oneof(fc.constantFrom('comment', 'note', 'assignment'), scalar),
        body: fc.oneof(fc.string(), scalar),
        created_at: loose,
        app_package_code: fc.oneof(fc.constant(null), scalar),
        author: fc.oneof(
          fc.record(
            { type: fc.oneof(fc.constantFrom('user', 'lead', 'contact', 'admin', 'bot'), scalar), id: loose, name: loose, email: loose },
            { requiredKeys: [] },
          ),
          loose,
        ),
      },
      { requiredKeys: [] },
    );
    const itemArb = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record(
          {
            type: fc.oneof({ weight: 4, arbitrary: fc.constant('conversation') }, scalar),
            id: fc.oneof(fc.constantFrom('1', '99', '0', '-1', '18446744073709551616'), loose),
            created_at: loose,
            updated_at: loose,
            title: loose,
            source: fc.oneof(
              fc.record(
                {
                  type: loose,
                  body: fc.oneof(fc.string(), hugeString, scalar),
                  author: fc.oneof(fc.record({ type: fc.constantFrom('user', 'admin', 'lead'), id: loose }), loose),
                  subject: loose,
                },
                { requiredKeys: [] },
              ),
              loose,
            ),
            conversation_parts: fc.oneof(
              fc.record(
                { type: fc.constant('conversation_part.list'), conversation_parts: fc.oneof(fc.array(partArb, { maxLength: 4 }), loose), total_count: loose },
                { requiredKeys: [] },
              ),
              loose,
            ),
            contacts: loose,
            admin_assignee_id: loose,
            custom_attributes: loose,
          },
          { requiredKeys: [] },
        ),
      },
      { weight: 1, arbitrary: loose },
    );
    const notificationArb = fc.record(
      {
        type: fc.oneof({ weight: 6, arbitrary: fc.constant('notification_event') }, scalar),
        app_id: fc.oneof({ weight: 5, arbitrary: fc.constant(WS) }, fc.constantFrom('zzz99999', ''), loose),
        id: fc.oneof(
          fc.uuid().map((u) => `notif_${u}`),
          loose,
        ),
        topic: fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...TOPICS) }, loose),
        created_at: loose,
        delivery_attempts: loose,
        first_sent_at: loose,
        data: fc.oneof(
          { weight: 6, arbitrary: fc.record({ type: fc.oneof(fc.constant('notification_event_data'), scalar), item: itemArb }, { requiredKeys: [] }) },
          loose,
        ),
      },
      { requiredKeys: [] },
    );
    const webhookBody = fc.oneof(
      { weight: 8, arbitrary: notificationArb.map((n) => JSON.stringify(n, null, '\t')) },
      { weight: 1, arbitrary: anyJson.map((v) => JSON.stringify(v)) },
      { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
    );

    const canvasArb = (convIds: () => string[]) =>
      fc.record(
        {
          workspace_id: fc.oneof({ weight: 5, arbitrary: fc.constant(WS) }, fc.constantFrom('nope0000', ''), loose),
          workspace_region: fc.oneof(fc.constantFrom('US', 'EU', 'AU'), loose),
          admin: fc.oneof(
            fc.record({ id: fc.oneof(fc.constantFrom('1', '2'), loose), type: fc.constant('admin'), name: loose, email: loose }, { requiredKeys: [] }),
            loose,
          ),
          conversation: fc.oneof(
            {
              weight: 5,
              arbitrary: fc.record(
                { id: fc.oneof(fc.constantFrom(...convIds()), fc.constantFrom('0', '-1', '999999999999'), loose), state: loose, title: loose },
                { requiredKeys: [] },
              ),
            },
            loose,
          ),
          contact: loose,
          context: fc.oneof(
            fc.record(
              { conversation_id: loose, location: fc.oneof(fc.constantFrom('conversation', 'inbox', 'home'), loose), locale: loose },
              { requiredKeys: [] },
            ),
            loose,
          ),
          component_id: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('run_analysis', 'run_again', 'refresh', 'open', '') }, loose),
          input_values: loose,
          current_canvas: fc.oneof(
            fc.record(
              {
                content: loose,
                stored_data: fc.oneof(
                  fc.record(
                    { analysisId: fc.oneof(fc.uuid(), fc.constant('00000000-0000-4000-8000-000000000000'), loose), conversationId: loose },
                    { requiredKeys: [] },
                  ),
                  loose,
                ),
              },
              { requiredKeys: [] },
            ),
            loose,
          ),
          stored_data: loose,
        },
        { requiredKeys: [] },
      );

    const assertAlive = async () => {
      expect((await api(s.app.url, 'GET', '/health/ready')).status).toBe(200);
      const ok = JSON.stringify({
        type: 'notification_event',
        app_id: WS,
        topic: 'conversation.admin.noted',
        id: `alive_${Date.now()}`,
        data: { type: 'notification_event_data', item: { type: 'conversation', id: '1' } },
      });
      expect((await webhook(ok)).json).toEqual({ received: true });
    };

    /** Hand-picked shapes, tried first (wrong types for data.item and its ids, over-long ids, absurd dates). */
    const webhookExamples = (): string[] => {
      const base = (item: unknown, extra: Record<string, unknown> = {}) =>
        JSON.stringify(
          {
            type: 'notification_event',
            app_id: WS,
            id: `notif_ex_${Math.random().toString(36).slice(2)}`,
            topic: 'conversation.user.created',
            created_at: 1_700_000_000,
            data: { type: 'notification_event_data', item },
            ...extra,
          },
          null,
          '\t',
        );
      const conv = (o: Record<string, unknown>) => ({
        type: 'conversation',
        id: '77',
        source: { type: 'conversation', body: 'hi', author: { type: 'user', id: 'u' } },
        ...o,
      });
      return [
        base(conv({ id: { toString: 1 } })),
        base(conv({ id: ['1', '2'] })),
        base(conv({ id: 'x'.repeat(65) })),
        base(conv({ id: Array.from({ length: 40 }, (_, i) => i) })),
        base(conv({ id: 1e308 })),
        base(conv({ id: true })),
        base(conv({ id: '' })),
        base('conversation'),
        base([conv({})]),
        base(null),
        base(conv({}), { id: 'n'.repeat(5000) }),
        base(conv({}), { created_at: 1e308 }),
        base(conv({}), { created_at: 'yesterday' }),
        base(conv({ created_at: -1, source: { body: 42, author: 'user', subject: { a: 1 } } })),
        base(conv({ conversation_parts: { conversation_parts: 'not a list' } }), { topic: 'conversation.user.replied' }),
        base(
          conv({
            conversation_parts: {
              conversation_parts: [
                null,
                1,
                'x',
                { body: 5, author: { type: 'user', id: { a: 1 } }, created_at: 1e308 },
                { id: { toString: 'x' }, author: 'y' },
              ],
            },
          }),
          { topic: 'conversation.user.replied' },
        ),
        base(conv({ conversation_parts: { conversation_parts: [{ part_type: 'comment', body: { html: '<p>x</p>' }, author: { type: 'user', id: '1' } }] } }), {
          topic: 'conversation.user.replied',
        }),
      ];
    };

    it('signed webhook payloads of any shape never get a 5xx (200 runs)', async () => {
      const seen: Record<number, number> = {};
      await fc.assert(
        fc.asyncProperty(webhookBody, async (body) => {
          const r = await webhook(body);
          seen[r.status] = (seen[r.status] ?? 0) + 1;
          if (r.status >= 500) throw new Error(`webhook answered ${r.status} ${r.text.slice(0, 200)} for ${body.slice(0, 300)}`);
          expect(Buffer.byteLength(body) > LIMIT ? [413] : [200, 400]).toContain(r.status);
        }),
        { numRuns: 200, seed: 90210, endOnFailure: true, examples: webhookExamples().map((b) => [b] as [string]) },
      );
      // The generator reaches both the recorded path and the refusals.
      expect(seen[200]).toBeGreaterThan(20);
      expect(seen[400]).toBeGreaterThan(5);
      await assertAlive();
    }, 60_000);

    it('signed Canvas Kit payloads of any shape never get a 5xx (200 runs)', async () => {
      const seen: Record<number, number> = {};
      const arb = fc.oneof(
        { weight: 9, arbitrary: canvasArb(() => [convId, '1']).map((v) => JSON.stringify(v)) },
        { weight: 1, arbitrary: anyJson.map((v) => JSON.stringify(v)) },
      );
      await fc.assert(
        fc.asyncProperty(arb, fc.constantFrom('initialize', 'submit') as fc.Arbitrary<'initialize' | 'submit'>, async (body, path) => {
          const r = await canvas(path, body);
          seen[r.status] = (seen[r.status] ?? 0) + 1;
          if (r.status >= 500) throw new Error(`canvas ${path} answered ${r.status} ${r.text.slice(0, 200)} for ${body.slice(0, 300)}`);
          expect([200, 400]).toContain(r.status);
          if (r.status === 200) expect(Array.isArray(r.json?.canvas?.content?.components)).toBe(true);
        }),
        {
          numRuns: 200,
          seed: 4242,
          endOnFailure: true,
          // Tried first: ids of the wrong type or size on the paths that start an analysis.
          examples: [
            [
              JSON.stringify({
                workspace_id: WS,
                conversation: null,
                context: { conversation_id: Array.from({ length: 30 }, (_, i) => i) },
                component_id: 'run_analysis',
              }),
              'submit',
            ],
            [
              JSON.stringify({
                workspace_id: WS,
                conversation: { id: 'c'.repeat(65) },
                component_id: 'run_again',
                current_canvas: { stored_data: { analysisId: 'x'.repeat(36) } },
              }),
              'submit',
            ],
            [JSON.stringify({ workspace_id: WS, conversation: { id: { toString: 1 } }, component_id: 'refresh' }), 'submit'],
            [JSON.stringify({ workspace_id: WS, conversation: { id: 1e308 } }), 'initialize'],
            [JSON.stringify({ workspace_id: [WS], conversation: { id: convId } }), 'initialize'],
          ],
        },
      );
      expect(seen[200]).toBeGreaterThan(100);
      await assertAlive();
      const init = await s.sandbox.canvasInitialize({ conversationId: convId });
      expect([init.status, init.errors]).toEqual([200, []]);
    }, 60_000);

    it('the worker survives the fuzzed events: the app still triages a real conversation afterwards', async () => {
      const conv = s.sandbox.createConversation({
        customer: { name: 'After', email: 'after@example.com' },
        body: 'Login fails for the whole team since this morning',
      });
      await waitFor(
        async () => (s.sandbox.getConversation(String(conv.id)).conversation_parts as any)?.conversation_parts?.some((p: any) => p.app_package_code),
        20000,
      );
    }, 30_000);
  });

  /** Every /v1 route the app serves, as "METHOD /path", from Express's router. */
  const v1Routes = (): string[] => {
    const inst = s.app.app.getHttpAdapter().getInstance();
    const out = new Set<string>();
    for (const layer of (inst.router ?? inst._router).stack as any[]) {
      if (!layer.route) continue;
      for (const [m, on] of Object.entries(layer.route.methods as Record<string, boolean>))
        if (on && m !== '_all' && String(layer.route.path).startsWith('/v1')) out.add(`${m.toUpperCase()} ${layer.route.path}`);
    }
    return [...out].sort();
  };
  const fill = (p: string) =>
    p
      .replace(':bindingId', bindingId)
      .replace(':conversationId', convId || '1')
      .replace(':id', '00000000-0000-4000-8000-000000000001');
  /** What a user would notice: the projects, log sources, analyses and bindings of the tenant. */
  const tenantState = async () => {
    const reads = await Promise.all(
      ['/v1/config/projects', '/v1/config/log-sources', '/v1/config/support-desk', '/v1/analyses?limit=100', '/v1/team/members', '/v1/config/api-keys'].map(
        (p) => api(s.app.url, 'GET', p, { token: s.token, headers: h() }),
      ),
    );
    for (const r of reads) expect(r.status).toBe(200);
    return JSON.stringify(reads.map((r) => r.json.data));
  };

  // Issue 19.8: `page=99999999999999999999` answered 500.
  describe('page numbers on every paged route', () => {
    it('finds the paged routes by asking each GET route, and refuses out-of-range page/limit with 400 naming the field', async () => {
      const paged: string[] = [];
      for (const key of v1Routes().filter((k) => k.startsWith('GET '))) {
        const path = fill(key.slice(4));
        const probe = await api(s.app.url, 'GET', `${path}?page=1&limit=1`, { token: s.token, headers: h() });
        if (probe.json?.data?.pagination) paged.push(path);
        // Any GET route, paged or not, never answers 5xx to a huge page number.
        const huge = await api(s.app.url, 'GET', `${path}?page=99999999999999999999`, { token: s.token, headers: h() });
        expect({ key, status: huge.status < 500 }).toEqual({ key, status: true });
      }
      // The contract's paged lists that exist today (the others arrive with their issues and are found the same way).
      expect(paged).toEqual(expect.arrayContaining(['/v1/analyses', `/v1/support-desk/conversations/${bindingId}`]));
      const before = await tenantState();
      const bad: Array<[string, string]> = [
        ['page=99999999999999999999', 'page'],
        ['page=1e400', 'page'],
        ['page=10000001', 'page'],
        ['page=0', 'page'],
        ['page=-3', 'page'],
        ['page=1.5', 'page'],
        ['page=abc', 'page'],
        ['page=', 'page'],
        ['page=1&page=2', 'page'],
        ['limit=101', 'limit'],
        ['limit=0', 'limit'],
        ['limit=99999999999999999999', 'limit'],
      ];
      for (const path of paged) {
        for (const [query, field] of bad) {
          const r = await api(s.app.url, 'GET', `${path}?${query}`, { token: s.token, headers: h() });
          expect({ path, query, status: r.status, code: r.json?.error?.code }).toEqual({ path, query, status: 400, code: 'VALIDATION_ERROR' });
          expect(r.json.error.details.fields.map((f: any) => f.field)).toContain(field);
        }
        // The largest page accepted is simply empty, with the real total.
        const last = await api(s.app.url, 'GET', `${path}?page=10000000&limit=100`, { token: s.token, headers: h() });
        expect(last.status).toBe(200);
        expect(last.json.data.items).toEqual([]);
        expect(last.json.data.pagination).toMatchObject({ page: 10000000, limit: 100 });
      }
      expect(await tenantState()).toBe(before);
    });
  });

  // Issue 19.8: metadata nested 5,000 deep answered 500.
  describe('JSON nested too deep', () => {
    const deep = (n: number, leaf = '"x"') => '{"a":'.repeat(n) + leaf + '}'.repeat(n);
    const deepArray = (n: number) => '['.repeat(n) + ']'.repeat(n);

    it('every JSON route answers 400 VALIDATION_ERROR to a body nested 5,000 deep, and nothing is stored', async () => {
      const before = await tenantState();
      const now = Date.now();
      const analysis = `{"description":"deep","timeStart":"${new Date(now - 3_600_000).toISOString()}","timeEnd":"${new Date(now).toISOString()}","metadata":${deep(5000)}}`;
      const writes = v1Routes().filter((k) => !k.startsWith('GET '));
      expect(writes.length).toBeGreaterThan(10);
      for (const key of writes) {
        const [method, route] = key.split(' ');
        for (const raw of [deep(5000), deepArray(5000), `{"name":"x","services":[${deep(4990)}]}`]) {
          const r = await api(s.app.url, method, fill(route), { token: s.token, headers: { ...h(), 'content-type': 'application/json' }, raw });
          expect({ key, status: r.status, code: r.json?.error?.code }).toEqual({ key, status: 400, code: 'VALIDATION_ERROR' });
          expect(r.json.error.details.fields).toEqual([{ field: 'body', message: 'is nested too deep' }]);
        }
      }
      const r = await api(s.app.url, 'POST', '/v1/analyses', { token: s.token, headers: { ...h(), 'content-type': 'application/json' }, raw: analysis });
      expect([r.status, r.json.error.message]).toEqual([400, 'JSON body is nested deeper than 64 levels']);
      // Login and signup parse bodies too (no session needed to reach the parser).
      for (const p of ['/v1/auth/login', '/v1/auth/signup']) {
        const anon = await api(s.app.url, 'POST', p, { headers: { 'content-type': 'application/json' }, raw: deep(5000) });
        expect([anon.status, anon.json.error.code]).toEqual([400, 'VALIDATION_ERROR']);
      }
      expect(await tenantState()).toBe(before);
    });

    it('ordinary nesting still passes the parser and meets field validation (metadata is a string map)', async () => {
      const now = Date.now();
      const raw = `{"description":"nested","timeStart":"${new Date(now - 3_600_000).toISOString()}","timeEnd":"${new Date(now).toISOString()}","metadata":${deep(20)}}`;
      const r = await api(s.app.url, 'POST', '/v1/analyses', { token: s.token, headers: { ...h(), 'content-type': 'application/json' }, raw });
      expect([r.status, r.json.error.code]).toEqual([400, 'VALIDATION_ERROR']);
      expect(r.json.error.details.fields[0].field).toMatch(/^metadata/);
    });
  });

  // Issue 19.8 / contract §6: the signature is checked before the size, also past 1 MB.
  describe('webhook bodies over 1 MB: signature first', () => {
    const eventCount = async () => {
      const c = new Client({ connectionString: s.app.dbUrl });
      await c.connect();
      try {
        return Number((await c.query('SELECT count(*) AS n FROM support_desk_events')).rows[0].n);
      } finally {
        await c.end();
      }
    };
    const bigEvent = (id: string, bytes: number) =>
      JSON.stringify({
        type: 'notification_event',
        app_id: WS,
        topic: 'conversation.user.created',
        id,
        data: { item: { type: 'conversation', id: '1', pad: 'p'.repeat(bytes) } },
      });

    it('answers 401 to a well-formed but wrong signature over 1 MB (and over 20 MB), 413 only to a valid one, and records nothing', async () => {
      const before = await eventCount();
      const body = bigEvent('big-wrong', LIMIT + 10);
      const wrong = await post('/webhooks/intercom', body, { 'x-hub-signature': hub(`${body} `) });
      expect([wrong.status, wrong.json]).toEqual([401, { error: 'signature mismatch' }]);
      const forged = await post('/webhooks/intercom', body, { 'x-hub-signature': `sha1=${'0'.repeat(40)}` });
      expect(forged.status).toBe(401);
      expect((await post('/webhooks/intercom', body, {})).status).toBe(401);
      expect((await post('/webhooks/intercom', body, { 'x-hub-signature': 'sha256=abc' })).status).toBe(401);
      // Twenty times the limit: hashed as it streams (never held), still a 401.
      const huge = Buffer.alloc(20 * LIMIT, 'w');
      expect((await post('/webhooks/intercom', huge, { 'x-hub-signature': hub('something else') })).status).toBe(401);
      // The right signature over the same oversized body: 413.
      expect((await webhook(body)).status).toBe(413);
      expect(await eventCount()).toBe(before);
      // Just under the limit, signed, is still recorded (positive control).
      const near = bigEvent('near-limit-2', LIMIT - 400);
      expect(Buffer.byteLength(near)).toBeLessThanOrEqual(LIMIT);
      expect((await webhook(near)).status).toBe(200);
      expect(await eventCount()).toBe(before + 1);
    });
  });

  describe('webhook bodies past the 64 MB read cap', () => {
    it('stops reading (413 with Connection: close, or the connection cut while the client still writes), and keeps serving', async () => {
      // Without the cap the 100 MB would be read and hashed to the end, and the answer would be 401.
      const answer = await new Promise<{ status?: number; connection?: string; body?: string; error?: string }>((resolve) => {
        const req = httpRequest(
          `${s.app.url}/webhooks/intercom`,
          { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature': hub('not this body') } },
          (res) => {
            let body = '';
            res.on('data', (c) => (body += c));
            res.on('end', () => resolve({ status: res.statusCode, connection: res.headers.connection, body }));
          },
        );
        req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code }));
        const chunk = Buffer.alloc(LIMIT, 'x');
        let sent = 0;
        const pump = () => {
          while (sent < 100) {
            sent++;
            if (!req.write(chunk)) return void req.once('drain', pump);
          }
          req.end();
        };
        pump();
      });
      if (answer.error) expect(['EPIPE', 'ECONNRESET']).toContain(answer.error);
      else expect(answer).toEqual({ status: 413, connection: 'close', body: JSON.stringify({ error: 'body over 64 MB: not read' }) });
      expect((await api(s.app.url, 'GET', '/health/ready')).status).toBe(200);
    });
  });

  // Issue 19.8: the SPA gets security headers (the browser test checks that the SPA and Swagger UI still work with them).
  describe('security headers', () => {
    it('sends CSP, X-Frame-Options: DENY, nosniff and Referrer-Policy on the SPA, the API, the docs and the OAuth pages', async () => {
      for (const path of [
        '/',
        '/projects/default/support-desk',
        '/v1/auth/signup-enabled',
        '/docs',
        '/oauth/intercom/callback?error=access_denied',
        '/health',
      ]) {
        const r = await fetch(`${s.app.url}${path}`, { redirect: 'manual' });
        const csp = r.headers.get('content-security-policy') ?? '';
        expect({ path, frame: r.headers.get('x-frame-options'), nosniff: r.headers.get('x-content-type-options') }).toEqual({
          path,
          frame: 'DENY',
          nosniff: 'nosniff',
        });
        expect(r.headers.get('referrer-policy')).toBe('no-referrer');
        expect(csp).toContain("frame-ancestors 'none'");
        expect(csp).toContain("script-src 'self'");
        expect(csp).toContain("object-src 'none'");
        expect(csp).not.toMatch(/script-src[^;]*unsafe/);
        // Plain http here: no HSTS, and no upgrade-insecure-requests (it would break an http installation).
        expect(r.headers.get('strict-transport-security')).toBeNull();
        expect(csp).not.toContain('upgrade-insecure-requests');
        // The SPA's styles come from its own files; only the server-rendered pages may inline theirs.
        if (/^\/(docs|oauth)/.test(path)) expect(csp).toContain("style-src 'self' 'unsafe-inline'");
        else expect(csp).toMatch(/style-src 'self'(;|$)/);
      }
    });
  });
});
