/*
 * Security — login limits (issue 19.6). Real: the app, PostgreSQL (embedded; the counters live there, shared by
 * replicas), scrypt. Stand-ins: none. Clients at different addresses are played by X-Forwarded-For sent from
 * 127.0.0.1, which TRUST_PROXY's default (loopback) trusts, exactly as a local reverse proxy would send it; a second
 * app with TRUST_PROXY=none shows the header is ignored when the peer is not a trusted proxy.
 *
 * Limits count per one-minute window aligned on the clock: each scenario starts early in a window (freshWindow), so
 * a window boundary never falls inside it.
 */
import { api, OWNER, startTestApp, TestApp, timedPost } from '../helpers/app';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Waits for the next minute when fewer than `needSeconds` are left in this one. */
async function freshWindow(needSeconds = 25): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < needSeconds * 1000) await sleep(left + 250);
}

const from = (address: string) => ({ 'x-forwarded-for': address });
const login = (t: TestApp, email: string, password: string, address?: string) =>
  api(t.url, 'POST', '/v1/auth/login', { body: { email, password }, headers: address ? from(address) : {} });

const timedLogin = (t: TestApp, email: string, password: string, address: string) => timedPost(`${t.url}/v1/auth/login`, { email, password }, from(address));

/** scrypt runs for logins so far (Prometheus counter of this process). */
async function loginHashes(t: TestApp): Promise<number> {
  const text = (await api(t.url, 'GET', '/metrics')).text;
  const m = /^sigsentry_password_hashes_total\{purpose="login"\} (\d+)/m.exec(text);
  return m ? Number(m[1]) : 0;
}

describe('security: login limits per address, per account and globally', () => {
  describe('per address and per account (RATE_LIMIT_AUTH=5, RATE_LIMIT_AUTH_ACCOUNT=4)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ RATE_LIMIT_AUTH: '5', RATE_LIMIT_AUTH_ACCOUNT: '4', RATE_LIMIT_AUTH_GLOBAL: '100000' });
    });
    afterAll(async () => t?.stop());

    it('one address cannot walk through a list of emails: 429 after 5 failures, before any password is hashed', async () => {
      await freshWindow();
      const hashesBefore = await loginHashes(t);
      const answers: number[] = [];
      for (let i = 0; i < 40; i++) answers.push((await login(t, `victim${i}@example.com`, 'guess-123', '203.0.113.7')).status);
      expect(answers.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
      expect(new Set(answers.slice(5))).toEqual(new Set([429]));
      // 40 attempts, 5 password checks: the refused ones cost no scrypt run.
      expect((await loginHashes(t)) - hashesBefore).toBe(5);
      const blocked = await login(t, OWNER.email, OWNER.password, '203.0.113.7');
      expect([blocked.status, blocked.json.error.code]).toEqual([429, 'RATE_LIMITED']);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(blocked.headers.get('x-ratelimit-limit')).toBe('5');
      expect(blocked.json.error.message).toMatch(/from this address/);
      // Everyone else — the owner included — is unaffected.
      expect((await login(t, OWNER.email, OWNER.password, '198.51.100.20')).status).toBe(200);
    });

    it('successful logins give their attempt back: a busy office behind one address is never locked out by its own logins', async () => {
      await freshWindow();
      for (let i = 0; i < 7; i++) expect((await login(t, OWNER.email, OWNER.password, '192.0.2.50')).status).toBe(200);
      expect((await login(t, OWNER.email, 'typo', '192.0.2.50')).status).toBe(401);
      expect((await login(t, OWNER.email, OWNER.password, '192.0.2.50')).status).toBe(200);
    });

    it('an account guessed from many addresses refuses the guessers, and its owner still logs in from elsewhere', async () => {
      await freshWindow();
      const attackers = ['198.18.0.1', '198.18.0.2', '198.18.0.3', '198.18.0.4'];
      for (const a of attackers) expect((await login(t, OWNER.email, `wrong from ${a}`, a)).status).toBe(401);
      // The account is now under attack: an address that already failed on it is refused before hashing…
      const before = await loginHashes(t);
      for (const a of attackers) {
        const r = await login(t, OWNER.email, 'another guess', a);
        expect([r.status, r.json.error.code]).toEqual([429, 'RATE_LIMITED']);
        expect(r.json.error.message).toMatch(/for this account/);
      }
      // …even with the right password (a correct guess from a guessing address would otherwise be an oracle).
      expect((await login(t, OWNER.email, OWNER.password, attackers[0])).status).toBe(429);
      expect((await loginHashes(t)) - before).toBe(0);
      // The owner, from another address, gets in.
      const owner = await login(t, OWNER.email, OWNER.password, '198.51.100.99');
      expect(owner.status).toBe(200);
      expect(owner.json.data.user.email).toBe(OWNER.email);
      // A new address gets one honest try (401), then joins the refused.
      expect((await login(t, OWNER.email, 'new guess', '198.18.0.77')).status).toBe(401);
      expect((await login(t, OWNER.email, 'new guess 2', '198.18.0.77')).status).toBe(429);
      // Other accounts from the same guessing address are untouched by this account's lock.
      expect((await login(t, 'nobody@example.com', 'x', attackers[1])).status).toBe(401);
    });

    it('IPv6 clients are limited by their /64: rotating addresses inside it does not help', async () => {
      await freshWindow();
      const answers: number[] = [];
      for (let i = 1; i <= 8; i++) answers.push((await login(t, `v6-${i}@example.com`, 'guess', `2001:db8:1:2::${i.toString(16)}`)).status);
      expect(answers).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
      expect((await login(t, 'v6@example.com', 'guess', '2001:db8:1:3::1')).status).toBe(401);
    });

    it('bad login input is refused with a clear error and costs nothing', async () => {
      const before = await loginHashes(t);
      const r = await api(t.url, 'POST', '/v1/auth/login', { body: { email: 'not-an-email', password: '' }, headers: from('192.0.2.99') });
      expect(r.status).toBe(400);
      expect(r.json.error.details.fields.map((f: any) => f.field).sort()).toEqual(['email', 'password']);
      expect((await loginHashes(t)) - before).toBe(0);
    });

    it('a flood does not starve a real login: it succeeds during the flood (latency reported, not asserted)', async () => {
      await freshWindow(30);
      const firstWindow = Math.floor(Date.now() / 60_000);
      // The owner's usual address (a success there before) and a fresh one, both used during the flood.
      expect((await login(t, OWNER.email, OWNER.password, '198.51.100.7')).status).toBe(200);
      const hashesBefore = await loginHashes(t);
      // The attack (one address, 600 emails) and, at the same time, 8 addresses guessing twice each: the
      // hashing queue is full when the real login arrives (each scrypt run is ~0.1 s on a quiet core, more here).
      const flood: Array<Promise<number>> = [];
      for (let i = 0; i < 600; i++) flood.push(login(t, `flood${i}@example.com`, 'guess', '203.0.113.200').then((r) => r.status));
      for (let a = 0; a < 8; a++)
        for (let i = 0; i < 2; i++) flood.push(login(t, `spray${a}-${i}@example.com`, 'guess', `100.64.${a}.1`).then((r) => r.status));
      await sleep(300);
      const started = performance.now();
      const [fresh, usual] = await Promise.all([
        timedLogin(t, OWNER.email, OWNER.password, '198.51.100.9'),
        timedLogin(t, OWNER.email, OWNER.password, '198.51.100.7'),
      ]);
      const statuses = await Promise.all(flood);
      const floodDone = performance.now() - started;
      expect([usual.status, fresh.status]).toEqual([200, 200]);
      const counts = statuses.reduce<Record<number, number>>((m, s) => ((m[s] = (m[s] ?? 0) + 1), m), {});
      // Nothing but "wrong password" or "refused": no 5xx under the flood.
      expect(Object.keys(counts).sort()).toEqual(['401', '429']);
      // 5 checks from the single address per window (a slow run may reach the next one), 2 from each of the 8, 2 for
      // the owner: the rest of the 600 cost no scrypt run.
      const windows = Math.floor(Date.now() / 60_000) - firstWindow + 1;
      const hashed = (await loginHashes(t)) - hashesBefore;
      expect(hashed).toBeGreaterThanOrEqual(5 + 8 * 2 + 2);
      expect(hashed).toBeLessThanOrEqual(5 * windows + 8 * 2 + 2);
      expect(counts[429]).toBeGreaterThanOrEqual(600 - 5 * windows);
      expect(counts[401]).toBe(hashed - 2);
      // An idle login for comparison, in the same run.
      const idleLogin = await timedLogin(t, OWNER.email, OWNER.password, '198.51.100.8');
      expect(idleLogin.status).toBe(200);
      const idle = idleLogin.ms;
      process.stderr.write(
        `\n[security-login] owner login during a flood of ${flood.length} attempts (${counts[401] ?? 0}×401, ${counts[429] ?? 0}×429, ${hashed} scrypt runs): ` +
          `from the usual address ${usual.ms.toFixed(0)} ms, from a fresh address ${fresh.ms.toFixed(0)} ms; idle: ${idle.toFixed(0)} ms; ` +
          `flood drained in ${floodDone.toFixed(0)} ms (shared, noisy machine; client in the same process)\n`,
      );
    }, 240_000);
  });

  describe('globally (RATE_LIMIT_AUTH_GLOBAL=6)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ RATE_LIMIT_AUTH: '100', RATE_LIMIT_AUTH_ACCOUNT: '100', RATE_LIMIT_AUTH_GLOBAL: '6' });
    });
    afterAll(async () => t?.stop());

    it('past the global limit an address that failed is refused; a clean address still gets its check', async () => {
      await freshWindow();
      for (let i = 0; i < 6; i++) expect((await login(t, `g${i}@example.com`, 'guess', `198.18.1.${i + 1}`)).status).toBe(401);
      const again = await login(t, 'g0@example.com', 'guess again', '198.18.1.1');
      expect([again.status, again.json.error.code]).toEqual([429, 'RATE_LIMITED']);
      expect(again.json.error.message).toMatch(/on this installation/);
      expect((await login(t, OWNER.email, OWNER.password, '198.51.100.1')).status).toBe(200);
      expect((await login(t, 'g9@example.com', 'guess', '198.18.1.99')).status).toBe(401);
    });
  });

  describe('TRUST_PROXY=none: X-Forwarded-For from an untrusted peer is ignored', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ TRUST_PROXY: 'none', RATE_LIMIT_AUTH: '3', RATE_LIMIT_AUTH_GLOBAL: '100000' });
    });
    afterAll(async () => t?.stop());

    it('rotating a forged X-Forwarded-For does not get around the per-address limit', async () => {
      await freshWindow();
      const answers: number[] = [];
      for (let i = 0; i < 6; i++) answers.push((await login(t, `forged${i}@example.com`, 'guess', `10.9.8.${i}`)).status);
      expect(answers).toEqual([401, 401, 401, 429, 429, 429]);
    });
  });
});
