/*
 * Scale-out and fault scenarios of issue #9 (`npm run test:stress` with STRESS_N=1000; `npm test` with the default).
 * Real: 2 api + 2 worker processes (`node scripts/run-ts.cjs apps/api/src/main.ts`, ROLE=api|worker) on one
 * embedded PostgreSQL that the test stops and restarts, pg-boss, HTTP. Stand-ins: the Intercom sandbox (independent
 * implementation of reference/intercom.md) delivering signed webhooks through a round-robin relay (a load balancer in
 * front of the two api replicas), and a recording relay in front of its REST API; hanging/answering log sources are
 * local HTTP servers and files.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { SUPPORT_DESK_EVENT_QUEUE } from '@app/support-desk';
import { Cluster, MESSAGES, sleep, startCluster, summary, triageNoteCounts, v1, waitFor } from './cluster';

/** `npm test` sets STRESS_SMOKE=1: scenario 1 only, with 20 conversations; `npm run test:stress` runs everything. */
const SMOKE = process.env.STRESS_SMOKE === '1';
const N = Number(process.env.STRESS_N ?? (SMOKE ? 20 : 200));
const full = SMOKE ? it.skip : it;
const FULL = N >= 1000;
const figures: string[] = [];
/** Per-test budget: the worker pipeline runs ~15 conversations/s on 2 cores with 4 app processes. */
const T = FULL ? 600_000 : 180_000;
/** How long to wait for `count` notes. */
const budget = (count: number) => Math.max(120_000, count * 300);
const figure = (line: string) => {
  figures.push(line);
  process.stdout.write(`[stress] ${line}\n`);
};

describe(`scale-out and faults (STRESS_N=${N})`, () => {
  let c: Cluster;
  let db: Pool;
  let logDir: string;
  let hang: Server;
  let hangUrl: string;
  let hangRequests = 0;
  let seq = 0;

  /** Creates `count` conversations through the sandbox (each one = a signed conversation.user.created webhook). */
  async function converse(count: number, perTick = 25, tickMs = 25, body?: (i: number) => string): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const k = seq++;
      const conv = c.sandbox.createConversation({
        customer: { name: `Customer ${k}`, email: `c${k}@example.com` },
        body: body ? body(k) : `${MESSAGES[k % MESSAGES.length]} (#${k})`,
      });
      ids.push(String(conv.id));
      if ((i + 1) % perTick === 0) await sleep(tickMs);
    }
    return ids;
  }

  async function queueDrained(): Promise<boolean> {
    const r = await db.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name LIKE 'support-desk.%' AND state IN ('created', 'retry', 'active')`);
    return r.rows[0].n === 0;
  }

  /** Waits until every conversation has its note and the queue is empty, then a little longer, and counts. */
  async function settle(ids: string[], timeoutMs: number, what: string) {
    await waitFor(
      () => summary(triageNoteCounts(c.sandbox, ids)).missing === 0,
      timeoutMs,
      `${what}: a triage note on each of ${ids.length} conversations`,
      200,
    ).catch((e) => {
      diag(what);
      throw e;
    });
    await waitFor(() => queueDrained(), 60_000, `${what}: queue drained`, 200);
    await sleep(500);
    return summary(triageNoteCounts(c.sandbox, ids));
  }

  function diag(what: string) {
    const s = summary(triageNoteCounts(c.sandbox, [...c.sandbox.store.conversations.keys()]));
    process.stdout.write(`[stress] ${what} diagnostics: ${JSON.stringify(s)}\n`);
    for (const p of [...c.apis, ...c.workers])
      process.stdout.write(
        `--- ${p.role} :${p.port} (exit ${p.proc.exitCode} ${p.proc.signalCode ?? ''})\n${p.tail
          .filter((l) => !l.startsWith('{'))
          .slice(-60)
          .join('\n')}\n`,
      );
  }

  async function eventRows(ids: string[]) {
    const r = await db.query(
      `SELECT "conversationId", status FROM support_desk_events WHERE topic = 'conversation.user.created' AND "conversationId" = ANY($1)`,
      [ids],
    );
    return r.rows as Array<{ conversationId: string; status: string }>;
  }

  const userCreated = (since: number) => c.webhooks.records.filter((r) => r.at >= since && r.topic === 'conversation.user.created');

  beforeAll(async () => {
    logDir = mkdtempSync(join(tmpdir(), 'ss-stress-logs-'));
    const now = Date.now();
    const lines: string[] = [];
    for (let i = 0; i < 200; i++)
      lines.push(
        JSON.stringify({
          timestamp: new Date(now - 3_600_000 + i * 15_000).toISOString(),
          level: i % 7 === 0 ? 'error' : 'info',
          service: 'checkout',
          message: i % 7 === 0 ? `payment provider timeout after ${i} ms` : `GET /checkout 200 in ${i} ms`,
        }),
      );
    const checkoutLines = lines.join('\n') + '\n';
    hang = createServer(() => {
      hangRequests++; // a log platform that accepts the connection and never answers
    });
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', () => r()));
    hangUrl = `http://127.0.0.1:${(hang.address() as { port: number }).port}`;

    c = await startCluster({ env: { LOG_FILES_DIR: logDir, LOG_SOURCE_TIMEOUT_MS: '1500' } });
    // The project's own folder of `file` sources, LOG_FILES_DIR/<projectId>/.
    mkdirSync(join(logDir, c.projectId, 'app'), { recursive: true });
    writeFileSync(join(logDir, c.projectId, 'app', 'checkout.ndjson'), checkoutLines);
    // A pool: its connections die with the database restart and are replaced.
    db = new Pool({ connectionString: c.pg.url, max: 2 });
    db.on('error', () => undefined);
    // Notes are what we count here: no auto-analysis until the log-source scenario turns it on.
    const r = await v1(c, 'PUT', `/v1/config/support-desk/${c.bindingId}`, { autoAnalyzeThreshold: 'disabled' });
    expect(r.status).toBe(200);
  }, 240_000);

  afterAll(async () => {
    process.stdout.write(`\n[stress] figures (STRESS_N=${N}):\n${figures.map((f) => `  ${f}`).join('\n')}\n`);
    await db?.end().catch(() => undefined);
    await c?.stop();
    hang?.closeAllConnections();
    await new Promise((r) => (hang ? hang.close(() => r(null)) : r(null)));
  }, 60_000);

  it(
    `1. 2 api + 2 worker processes: ${N} conversations, 10 % redelivered to the other replica → exactly ${N} triage notes`,
    async () => {
      const since = Date.now();
      const redelivered = new Set<string>();
      let pick = 0;
      c.webhooks.onRequest = (r) => {
        if (r.topic !== 'conversation.user.created' || !r.notificationId || redelivered.has(r.notificationId)) return;
        if (pick++ % 10 !== 0) return;
        redelivered.add(r.notificationId);
        // Same notification, same signed bytes, while the first delivery is still in flight: the relay sends it to the
        // other api replica (round robin). Half right away, half a little later.
        const nid = r.notificationId;
        setTimeout(() => c.sandbox.redeliver(nid), redelivered.size % 2 ? 0 : 300);
      };
      const started = Date.now();
      // 100 new conversations per second (a sustained busy hour is far less); a one-second burst of 1,000 would queue
      // behind ~500 commits/s of ingest on this 2-core machine and past the 2 s answer deadline (503, Intercom retries).
      const ids = await converse(N, 10, 100);
      const s = await settle(ids, budget(N), 'scale-out').catch((e) => {
        const answers = userCreated(since).reduce<Record<number, number>>((m, d) => ((m[d.status] = (m[d.status] ?? 0) + 1), m), {});
        process.stdout.write(`[stress] scale-out webhook answers: ${JSON.stringify(answers)}\n`);
        throw e;
      });
      const elapsed = (Date.now() - started) / 1000;
      c.webhooks.onRequest = null;
      await c.sandbox.idle();
      const deliveries = userCreated(since);
      const targets = new Set(deliveries.map((d) => d.target));
      const answers = deliveries.reduce<Record<number, number>>((m, d) => ((m[d.status] = (m[d.status] ?? 0) + 1), m), {});
      figure(
        `scale-out: ${deliveries.length} webhook deliveries (${N} conversations + ${redelivered.size} redeliveries, answered ${JSON.stringify(answers)}, spread over ${targets.size} api replicas) → ${s.notes} triage notes; ${N} conversations triaged in ${elapsed.toFixed(1)} s (${(N / elapsed).toFixed(0)}/s)`,
      );
      expect(redelivered.size).toBeGreaterThanOrEqual(Math.floor(N / 10));
      expect(targets.size).toBe(2);
      // 200, or 503 when the answer would miss the 2 s deadline under load (Intercom retries; nothing is lost either way).
      expect(Object.keys(answers).filter((st) => st !== '200' && st !== '503')).toEqual([]);
      expect(s).toEqual({ conversations: N, notes: N, withOne: N, missing: 0, extra: 0 });
      const rows = await eventRows(ids);
      expect(rows).toHaveLength(N); // one row per notification, redeliveries deduplicated
      expect(rows.every((r) => r.status === 'processed')).toBe(true);
    },
    T,
  );

  full(
    '2. a worker killed with SIGKILL mid-jobs: after the restart every job completes, one note each',
    async () => {
      const M = Math.max(40, Math.floor(N / 2));
      // Slow Intercom replies down so that jobs are in flight (some with the note accepted but not yet recorded).
      c.sandbox.setFault({ route: 'POST /conversations/\\d+/reply', delayMs: 150, times: 0 });
      const ids = await converse(M, 20, 50);
      await waitFor(() => summary(triageNoteCounts(c.sandbox, ids)).notes >= M * 0.15, budget(M), 'first notes');
      const victim = c.workers[0];
      const activeBefore = (await db.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'support-desk.event' AND state = 'active'`)).rows[0].n;
      const notesAtKill = summary(triageNoteCounts(c.sandbox, ids)).notes;
      victim.proc.kill('SIGKILL');
      await victim.exited;
      const killedAt = Date.now();
      await sleep(1000);
      await c.restartWorker(0);
      c.sandbox.clearFaults();
      const s = await settle(ids, budget(M), 'worker kill');
      const recovered = (Date.now() - killedAt) / 1000;
      const jobs = await db.query(
        `SELECT state, count(*)::int AS n, max(retry_count)::int AS retries FROM pgboss.job j JOIN support_desk_events e ON j.data->'eventIds' ? e.id::text
        WHERE j.name = 'support-desk.event' AND e."conversationId" = ANY($1) GROUP BY state`,
        [ids],
      );
      const byState = Object.fromEntries(jobs.rows.map((r) => [r.state, r.n]));
      const retried = jobs.rows.reduce((m, r) => Math.max(m, r.retries), 0);
      const posts = await db.query(
        `SELECT count(*)::int AS n, count(*) FILTER (WHERE attempts > 1)::int AS again FROM support_desk_posts WHERE "conversationId" = ANY($1)`,
        [ids],
      );
      figure(
        `worker SIGKILL: ${M} conversations, ${activeBefore} jobs active at the kill (${notesAtKill} notes posted), all done ${recovered.toFixed(1)} s after the kill → ${s.notes} triage notes; jobs ${JSON.stringify(byState)}, max retry ${retried}, posts re-attempted ${posts.rows[0].again}`,
      );
      expect(s).toEqual({ conversations: M, notes: M, withOne: M, missing: 0, extra: 0 });
      expect(byState.failed ?? 0).toBe(0);
      expect((await eventRows(ids)).every((r) => r.status === 'processed')).toBe(true);
    },
    T,
  );

  full(
    '3. the database restarts during a webhook burst: every 200 is processed, the rest got 503, no app restart',
    async () => {
      const K = Math.max(60, Math.floor(N / 2));
      const pids = [...c.apis, ...c.workers].map((p) => p.proc.pid);
      const since = Date.now();
      // A paced burst over ~4 s; the database goes away after ~1 s for ~3 s.
      const burst = converse(K, Math.max(1, Math.ceil(K / 40)), 100);
      await sleep(1000);
      const downAt = Date.now();
      await c.pg.stop();
      await sleep(3000);
      await c.pg.start();
      const downFor = (Date.now() - downAt) / 1000;
      const ids = await burst;
      await c.sandbox.idle();
      const deliveries = userCreated(since);
      const byNotif = new Map<string, { conv: string; statuses: number[] }>();
      for (const d of deliveries) {
        const e = byNotif.get(d.notificationId!) ?? { conv: d.conversationId!, statuses: [] };
        e.statuses.push(d.status);
        byNotif.set(d.notificationId!, e);
      }
      const acked = [...byNotif.values()].filter((e) => e.statuses.includes(200)).map((e) => e.conv);
      const refused = [...byNotif.entries()].filter(([, e]) => !e.statuses.includes(200));
      const answers = deliveries.reduce<Record<number, number>>((m, d) => ((m[d.status] = (m[d.status] ?? 0) + 1), m), {});
      const slowest503 = Math.max(0, ...deliveries.filter((d) => d.status === 503).map((d) => d.ms));
      // Every acknowledged webhook is processed (its note appears) before anything is redelivered.
      const ackedNotes = await settle(acked, budget(K), 'db restart (acknowledged)');
      // Intercom retries what was refused: redeliver those now that the database is back.
      for (const [nid] of refused) c.sandbox.redeliver(nid);
      const s = await settle(ids, budget(K), 'db restart (all)');
      figure(
        `db restart: ${K} conversations, database down ${downFor.toFixed(1)} s; ${deliveries.length} deliveries answered ${JSON.stringify(answers)} (slowest 503 in ${slowest503} ms); ${acked.length} acknowledged → ${ackedNotes.notes} notes; ${refused.length} refused and redelivered → ${s.notes} notes in all`,
      );
      const dead = [...c.apis, ...c.workers].filter((p) => p.proc.exitCode !== null || p.proc.signalCode !== null);
      if (dead.length) diag('db restart (a process exited)');
      expect(dead.map((p) => `${p.role}:${p.port}`)).toEqual([]);
      expect(Object.keys(answers).every((st) => st === '200' || st === '503')).toBe(true);
      expect(ackedNotes).toEqual({ conversations: acked.length, notes: acked.length, withOne: acked.length, missing: 0, extra: 0 });
      expect(s).toEqual({ conversations: K, notes: K, withOne: K, missing: 0, extra: 0 });
      expect(refused.length + acked.length).toBe(K);
      // Same processes, still ready: recovered without a restart.
      expect([...c.apis, ...c.workers].map((p) => p.proc.pid)).toEqual(pids);
      for (const p of [...c.apis, ...c.workers]) expect((await fetch(`${p.url}/health/ready`)).status).toBe(200);
    },
    T,
  );

  full(
    '4a. Intercom answers 429 with X-RateLimit-Reset: the workers wait, then every note is posted once',
    async () => {
      const since = Date.now();
      c.sandbox.setRateLimit({ limit: 5, windowMs: 1000 });
      const ids = await converse(15, 15, 0);
      const s = await settle(ids, 60_000, '429');
      c.sandbox.setRateLimit(null);
      const calls = c.rest.records.filter((r) => r.at >= since);
      const limited = calls.filter((r) => r.status === 429).length;
      figure(`429: 15 conversations under a limit of 5 calls/s → ${calls.length} Intercom calls, ${limited} answered 429 → ${s.notes} triage notes`);
      expect(limited).toBeGreaterThan(0);
      expect(s).toEqual({ conversations: 15, notes: 15, withOne: 15, missing: 0, extra: 0 });
    },
    T,
  );

  full(
    '4b. Intercom answers 500s and times out: backoff, then success, one note each',
    async () => {
      const since = Date.now();
      c.sandbox.setFault({ route: 'POST /conversations/\\d+/reply', status: 500, times: 4 });
      c.sandbox.setFault({ route: 'POST /conversations/\\d+/reply', status: 503, times: 2 });
      // A reply that Intercom accepts only after our 10 s client timeout: retried, found by its reference, not re-posted.
      if (FULL) c.sandbox.setFault({ route: 'POST /conversations/\\d+/reply', delayMs: 10_500, times: 1 });
      const ids = await converse(5, 5, 0);
      const s = await settle(ids, 90_000, '5xx');
      const calls = c.rest.records.filter((r) => r.at >= since);
      const failed = calls.filter((r) => r.status >= 500).length;
      figure(`5xx${FULL ? '/timeout' : ''}: 5 conversations, ${failed} Intercom answers ≥ 500 of ${calls.length} calls → ${s.notes} triage notes`);
      expect(failed).toBe(6);
      expect(s).toEqual({ conversations: 5, notes: 5, withOne: 5, missing: 0, extra: 0 });
      const b = await v1(c, 'GET', `/v1/config/support-desk/${c.bindingId}`);
      expect(b.body.data.health.checks.find((x: any) => x.code === 'delivery_failing').ok).toBe(true);
    },
    T,
  );

  full(
    '5. a hanging log source: the auto-analysis ends partial within its deadline',
    async () => {
      for (const body of [
        { type: 'file', name: 'app-files', sources: ['app/*.ndjson'] },
        { type: 'loki', name: 'hanging-loki', credentials: { host: hangUrl }, sources: ['{job="api"}'] },
      ])
        expect((await v1(c, 'POST', '/v1/config/log-sources', body)).status).toBe(201);
      expect((await v1(c, 'PUT', `/v1/config/support-desk/${c.bindingId}`, { autoAnalyzeThreshold: 'high' })).status).toBe(200);
      const [id] = await converse(1, 1, 0, () => 'Checkout is down for everyone, all our customers get 500 errors since 9am');
      const a = await waitFor(
        async () => {
          // The conversation's own analysis, or its incident's (a high conversation opens an incident, analysed once).
          const r = await db.query(
            `SELECT status, "partialReasons", "startedAt", "completedAt" FROM analyses
             WHERE "conversationId" = $1
                OR id = (SELECT i."analysisId" FROM incident_conversations ic JOIN incidents i ON i.id = ic."incidentId"
                         WHERE ic."conversationId" = $1 AND ic.status = 'linked' LIMIT 1)`,
            [id],
          );
          return r.rows[0] && ['complete', 'partial', 'failed'].includes(r.rows[0].status) ? r.rows[0] : null;
        },
        60_000,
        'the auto-analysis to finish',
      );
      const took = new Date(a.completedAt).getTime() - new Date(a.startedAt).getTime();
      figure(
        `hanging log source: analysis ${a.status} after ${took} ms (LOG_SOURCE_TIMEOUT_MS 1500; ${hangRequests} requests hung): ${JSON.stringify(a.partialReasons)}`,
      );
      expect(a.status).toBe('partial');
      expect(hangRequests).toBeGreaterThan(0);
      expect(JSON.stringify(a.partialReasons)).toMatch(/hanging-loki.*timed out/i);
      // The analysis note follows (posted by the analysis-finished job).
      await waitFor(
        () => c.sandbox.store.conversations.get(id)!.parts.some((p) => p.app_package_code && /analysis/i.test(p.body) && !/SigSentry triage/.test(p.body)),
        30_000,
        'the analysis note',
      );
      expect((await v1(c, 'PUT', `/v1/config/support-desk/${c.bindingId}`, { autoAnalyzeThreshold: 'disabled' })).status).toBe(200);
    },
    T,
  );

  full('4c. Intercom answers 401: the binding needs reinstall, no retry storm, the panel says so', async () => {
    const since = Date.now();
    c.sandbox.setFault({ route: '^(GET|POST|PUT) /(conversations|me|admins|data_attributes)', status: 401, times: 0 });
    const ids = await converse(20, 20, 0);
    await waitFor(async () => (await v1(c, 'GET', `/v1/config/support-desk/${c.bindingId}`)).body.data.status === 'needs_reinstall', 30_000, 'needs_reinstall');
    await waitFor(
      async () => (await eventRows(ids)).filter((r) => r.status !== 'received').length === ids.length && (await queueDrained()),
      60_000,
      'every event settled',
    );
    await sleep(1000);
    const calls = c.rest.records.filter((r) => r.at >= since);
    const rejected = calls.filter((r) => r.status === 401).length;
    const rows = await eventRows(ids);
    const b = await v1(c, 'GET', `/v1/config/support-desk/${c.bindingId}`);
    c.sandbox.clearFaults();
    const panel = await c.sandbox.canvasInitialize({ conversationId: ids[0] });
    const panelText = JSON.stringify(panel.body);
    figure(
      `401: 20 conversations after the token was rejected → ${calls.length} Intercom calls (${rejected} answered 401), ${summary(triageNoteCounts(c.sandbox, ids)).notes} notes; events ${JSON.stringify(rows.reduce<Record<string, number>>((m, r) => ((m[r.status] = (m[r.status] ?? 0) + 1), m), {}))}; binding ${b.body.data.status}`,
    );
    expect(b.body.data.status).toBe('needs_reinstall');
    expect(b.body.data.health.checks.find((x: any) => x.code === 'token_rejected').ok).toBe(false);
    // No storm: only the jobs in flight when the first 401 came back call at all (2 workers × the event queue's
    // concurrency), each once plus at most one GET /me to confirm the refusal; no conversation's reply is retried.
    const inFlight = 2 * (SUPPORT_DESK_EVENT_QUEUE.concurrency ?? 0);
    expect(calls.length).toBeLessThanOrEqual(2 * inFlight);
    const replies = new Map<string, number>();
    for (const r of calls.filter((x) => /^\/conversations\/\d+\/reply/.test(x.path))) replies.set(r.path, (replies.get(r.path) ?? 0) + 1);
    expect([...replies.values()].every((n) => n === 1)).toBe(true);
    expect(rows.every((r) => r.status !== 'failed')).toBe(true);
    expect(panel.status).toBe(200);
    expect(panelText).toMatch(/reinstall/i);
  });
});
