/*
 * Real: our app (api + worker roles in one process), PostgreSQL (embedded), pg-boss, `npm start` (scripts/start.mjs)
 * as a child process with its own embedded PostgreSQL. Stand-in: the Intercom sandbox (signed webhooks, notes, faults).
 * Graceful shutdown (issue 16, "Shutdown"): no new request or job is taken, an in-flight webhook is answered and
 * recorded, a running job finishes or is released and runs again exactly once, and `npm start` stops its database
 * only after the app has closed.
 */
import { spawn } from 'node:child_process';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Client } from 'pg';
import { freePort } from '@app/core';
import { createApp, StartedApp } from '../apps/api/src/bootstrap';
import { api } from './helpers/app';
import { createTestDatabase } from './helpers/database';
import { installThroughConsent, IntercomStack, startIntercomStack, waitFor } from './helpers/intercom';

const root = join(__dirname, '..');

async function sql<T = any>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text, values)).rows;
  } finally {
    await c.end();
  }
}

/** Our notes in a sandbox conversation. */
function ourNotes(conv: any): any[] {
  return (conv.conversation_parts?.conversation_parts ?? []).filter((p: any) => p.app_package_code && p.part_type === 'note');
}

/** A second app process on the same database and port (a restarted replica). */
async function restart(s: IntercomStack): Promise<StartedApp> {
  const logs = new PassThrough();
  logs.resume();
  return createApp({ config: s.app.config, databaseUrl: s.app.dbUrl, logStream: logs, publicDir: join(s.app.dataDir, 'public') });
}

async function jobStatesFor(dbUrl: string, conversationId: string): Promise<string[]> {
  const rows = await sql(
    dbUrl,
    `SELECT j.state FROM pgboss.job j JOIN support_desk_events e ON j.data->'eventIds' ? e.id::text WHERE e."conversationId" = $1 AND e.action <> 'record'`,
    [conversationId],
  );
  return rows.map((r) => r.state);
}

describe('graceful shutdown (SIGTERM/SIGINT)', () => {
  describe('in-process: requests and jobs', () => {
    let s: IntercomStack;
    let capture: Server;
    let captured: Array<{ body: Buffer; signature: string }> = [];

    beforeAll(async () => {
      s = await startIntercomStack({ SHUTDOWN_GRACE_SECONDS: '3' });
      const installed = await installThroughConsent(s);
      // Triage notes only: an auto-analysis would post a second note later, through the faults set below.
      const bindingId = installed.callback.headers.get('location')!.split('/').pop();
      const put = await api(s.app.url, 'PUT', `/v1/config/support-desk/${bindingId}`, {
        token: s.token,
        headers: { 'x-project-id': s.projectId },
        body: { autoAnalyzeThreshold: 'disabled' },
      });
      expect(put.status).toBe(200);
      capture = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          captured.push({ body: Buffer.concat(chunks), signature: String(req.headers['x-hub-signature']) });
          res.end('ok');
        });
      });
      await new Promise<void>((r) => capture.listen(0, '127.0.0.1', () => r()));
    });
    afterAll(async () => {
      capture?.close();
      await s?.stop();
    });

    it('answers and records a webhook that is in flight when shutdown starts, and refuses new connections', async () => {
      // The sandbox signs a real notification; it is captured here and sent to the app by hand, slowly.
      const original = s.sandbox.webhookSettings().url;
      await s.sandbox.setWebhookSettings({ url: `http://127.0.0.1:${(capture.address() as any).port}/` });
      captured = [];
      const conv = s.sandbox.createConversation({
        customer: { name: 'Ann', email: 'ann@example.com' },
        body: '<p>Login fails with error 500 since this morning</p>',
      });
      await waitFor(async () => captured.length === 1);
      await s.sandbox.setWebhookSettings({ url: original });
      const { body, signature } = captured[0];
      const notificationId = JSON.parse(body.toString('utf8')).id as string;

      const server = s.app.app.getHttpServer() as Server;
      const arrived = new Promise<void>((r) => server.once('request', () => r()));
      const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = request(
          `${s.app.url}/webhooks/intercom`,
          { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': body.length, 'x-hub-signature': signature } },
          (res: IncomingMessage) => {
            let text = '';
            res.on('data', (c) => (text += c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          },
        );
        req.on('error', reject);
        req.write(body.subarray(0, 10));
        void arrived.then(async () => {
          const closing = s.app.close();
          // Shutdown has begun: a new connection is refused while the first request is still open.
          await expect(fetch(`${s.app.url}/health`)).rejects.toThrow();
          req.end(body.subarray(10));
          await closing;
        });
      });
      const r = await answer;
      expect(r.status).toBe(200);
      const events = await sql(s.app.dbUrl, `SELECT "conversationId" FROM support_desk_events WHERE "notificationId" = $1`, [notificationId]);
      expect(events).toEqual([{ conversationId: String(conv.id) }]);
      // Recorded with its job (one transaction): the job waits for a worker.
      expect(await jobStatesFor(s.app.dbUrl, String(conv.id))).toEqual(['created']);
      expect(s.app.logs.some((l) => /"event":"shutdown.started"/.test(l) && /"inFlightRequests":1\b/.test(l))).toBe(true);

      // A restarted replica runs that job: one note.
      const again = await restart(s);
      try {
        await waitFor(async () => ourNotes(s.sandbox.getConversation(String(conv.id))).length >= 1, 20000);
        await waitFor(async () => (await jobStatesFor(s.app.dbUrl, String(conv.id))).join() === 'completed', 20000);
        expect(ourNotes(s.sandbox.getConversation(String(conv.id)))).toHaveLength(1);
      } finally {
        await again.close();
      }
    }, 120000);

    /** The job is running and inside the note call (its post is recorded as started, one attempt made). */
    const noteCallInFlight = async (conversationId: string) => {
      const state = async () => ({
        events: await sql(s.app.dbUrl, `SELECT status, note, action FROM support_desk_events WHERE "conversationId" = $1`, [conversationId]),
        posts: await sql(s.app.dbUrl, `SELECT purpose, status, attempts, error FROM support_desk_posts WHERE "conversationId" = $1`, [conversationId]),
        jobs: await jobStatesFor(s.app.dbUrl, conversationId),
      });
      try {
        await waitFor(async () => (await state()).posts.some((p) => p.status === 'started' && p.attempts >= 1), 60000, 20);
      } catch (e) {
        throw new Error(`${(e as Error).message}; state of conversation ${conversationId}: ${JSON.stringify(await state())}`, { cause: e });
      }
    };

    it('lets a running job finish within the grace period, and releases one that does not; it then runs again exactly once', async () => {
      await s.app.close(); // the stack's first process (already closed when the test above ran)
      let app = await restart(s);
      try {
        // 1. Finishes: the note call takes 1.5 s, the grace period is 3 s.
        s.sandbox.clearFaults();
        s.sandbox.setFault({ route: 'POST /conversations/[^/]+/reply', delayMs: 1500, times: 1 });
        const slow = s.sandbox.createConversation({
          customer: { name: 'Bo', email: 'bo@example.com' },
          body: '<p>Checkout throws 500 errors for everyone</p>',
        });
        await noteCallInFlight(String(slow.id));
        await app.close();
        expect(ourNotes(s.sandbox.getConversation(String(slow.id)))).toHaveLength(1);
        expect(await jobStatesFor(s.app.dbUrl, String(slow.id))).toEqual(['completed']);

        // 2. Released: the note call never answers; after the grace period the job goes back to the queue.
        app = await restart(s);
        s.sandbox.setFault({ route: 'POST /conversations/[^/]+/reply', hang: true, times: 1 });
        const stuck = s.sandbox.createConversation({ customer: { name: 'Cy', email: 'cy@example.com' }, body: '<p>Search is down, nothing loads</p>' });
        await noteCallInFlight(String(stuck.id));
        await app.close();
        expect(await jobStatesFor(s.app.dbUrl, String(stuck.id))).toEqual(['retry']);
        expect(ourNotes(s.sandbox.getConversation(String(stuck.id)))).toHaveLength(0);

        // Another replica picks it up: one note, the job completed, nothing posted twice.
        app = await restart(s);
        await waitFor(async () => (await jobStatesFor(s.app.dbUrl, String(stuck.id))).join() === 'completed', 30000);
        expect(ourNotes(s.sandbox.getConversation(String(stuck.id)))).toHaveLength(1);
        const posts = await sql(s.app.dbUrl, `SELECT status FROM support_desk_posts WHERE "conversationId" = $1`, [String(stuck.id)]);
        expect(posts).toEqual([{ status: 'completed' }]);
      } finally {
        s.sandbox.clearFaults();
        await app.close();
      }
    }, 180000);
  });

  describe('npm start', () => {
    async function startProcess(env: Record<string, string>) {
      const child = spawn(process.execPath, [join(root, 'scripts', 'start.mjs')], {
        cwd: root,
        // Its own process group, like a shell's foreground job: a signal to the group reaches every process in it.
        detached: true,
        env: { ...process.env, NODE_OPTIONS: '', LOG_FORMAT: 'json', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout!.on('data', (c) => (output += c));
      child.stderr!.on('data', (c) => (output += c));
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      return { child, exited, output: () => output };
    }

    it('on Ctrl-C (SIGINT to the whole process group) closes the app first, then the embedded PostgreSQL: no "terminating connection"', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'ss-start-'));
      const port = await freePort();
      const p = await startProcess({ PORT: String(port), SANDBOX_PORT: String(await freePort()), DATA_DIR: dataDir, INTERCOM_CLIENT_ID: '' });
      try {
        await waitFor(async () => /SigSentry is running/.test(p.output()), 90000, 200);
        // Some work in flight: a login and an API call just before the signal.
        const login = await api(`http://127.0.0.1:${port}`, 'GET', '/health/ready');
        expect(login.status).toBe(200);
        process.kill(-p.child.pid!, 'SIGINT');
        expect(await p.exited).toBe(0);
      } finally {
        if (p.child.exitCode === null) process.kill(-p.child.pid!, 'SIGKILL');
      }
      const out = p.output();
      expect(out).toMatch(/"event":"shutdown.finished"/);
      expect(out).toMatch(/SigSentry stopped \(SIGINT\)/);
      expect(out).not.toMatch(/terminating connection/i);
      expect(out).not.toMatch(/connection_lost|Connection terminated/i);
      // The database shut down cleanly (no stale postmaster.pid left behind).
      expect(existsSync(join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
    }, 150000);

    it('ROLE=migrate npm start applies pending migrations and exits; a second run finds none', async () => {
      const db = await createTestDatabase();
      try {
        const env = { ROLE: 'migrate', DATABASE_URL: db.url, ENCRYPTION_KEY: 'e'.repeat(64), SESSION_SECRET: 'f'.repeat(64) };
        const first = await startProcess(env);
        expect(await first.exited).toBe(0);
        expect(first.output()).toMatch(/migrations applied: .+/);
        const tables = await sql(db.url, `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name IN ('users', 'support_desk_events')`);
        expect(tables[0].n).toBe(2);
        const second = await startProcess(env);
        expect(await second.exited).toBe(0);
        expect(second.output()).toMatch(/migrations: none pending/);
        expect(second.output()).not.toMatch(/SigSentry is running/);
      } finally {
        await db.drop();
      }
    }, 90000);
  });
});
