/*
 * Where the time of one conversation goes (issue 16 "Keeping up": profile first). Not part of `npm run bench` (it is
 * not a *.bench.ts): run it with `node scripts/run-ts.cjs bench/pipeline-profile.ts`.
 *
 * 1 api + 1 worker process (each profiled through its inspector during the burst only) on embedded PostgreSQL with pg_stat_statements, the Intercom
 * sandbox in this process. A burst of PROFILE_BURST conversations (default 300); then it prints, per conversation:
 * the CPU time of each process (api, worker, PostgreSQL, this process = sandbox + relays), the SQL statements by
 * calls and time, and the hottest functions and packages of the api and worker profiles. PROFILE_CPU=0 skips the
 * profilers (their sampling costs CPU of its own): then the CPU figures are the pipeline's alone.
 */
import { Client } from 'pg';
import { AppProcess, postgresCpuMs, procCpuMs, sleep, startCluster, v1 } from '../test/stress/cluster';

const BURST = Number(process.env.PROFILE_BURST ?? 300);
const PROFILE = process.env.PROFILE_CPU !== '0';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** A CPU profiler session over the process's inspector WebSocket (the process runs with --inspect=127.0.0.1:0). */
async function profiler(p: AppProcess): Promise<{ stop(): Promise<CpuProfile> }> {
  const url = p.tail.map((l) => /Debugger listening on (ws:\/\/\S+)/.exec(l)?.[1]).find(Boolean);
  if (!url) throw new Error(`no inspector URL for ${p.role}`);
  const ws = new WebSocket(url);
  await new Promise((r, j) => ((ws.onopen = r), (ws.onerror = j)));
  let seq = 0;
  const pending = new Map<number, (v: any) => void>();
  ws.onmessage = (m) => {
    const msg = JSON.parse(String(m.data));
    if (msg.id && pending.has(msg.id)) pending.get(msg.id)!(msg.result);
  };
  const send = (method: string, params: object = {}) =>
    new Promise<any>((r) => {
      const id = ++seq;
      pending.set(id, r);
      ws.send(JSON.stringify({ id, method, params }));
    });
  await send('Profiler.enable');
  await send('Profiler.setSamplingInterval', { interval: 200 });
  await send('Profiler.start');
  return {
    stop: async () => {
      const r = await send('Profiler.stop');
      ws.close();
      return r.profile as CpuProfile;
    },
  };
}

function summariseProfile(p: CpuProfile, label: string) {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byFn = new Map<string, number>();
  const byPkg = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const url = n.callFrame.url;
    const fn = `${n.callFrame.functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|wt-[^/]+)\//, '$1/')}:${n.callFrame.lineNumber + 1}`;
    byFn.set(fn, (byFn.get(fn) ?? 0) + us);
    const pkg =
      /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ??
      (url.includes('/libs/')
        ? `libs/${/libs\/([^/]+)/.exec(url)?.[1]}`
        : url
          ? url.startsWith('node:')
            ? 'node:internal'
            : 'other'
          : n.callFrame.functionName);
    byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + us);
  }
  const top = (m: Map<string, number>, k: number) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([name, us]) => `    ${((us / total) * 100).toFixed(1).padStart(5)} %  ${(us / 1000 / BURST).toFixed(2).padStart(6)} ms/conv  ${name}`)
      .join('\n');
  process.stdout.write(
    `\n${label} profile (${(total / 1000).toFixed(0)} ms sampled; idle included as "(idle)")\n  by package:\n${top(byPkg, 14)}\n  by function (self):\n${top(byFn, 25)}\n`,
  );
}

async function main() {
  if (PROFILE) process.env.SS_CHILD_NODE_OPTIONS = '--inspect=127.0.0.1:0';
  const c = await startCluster({
    apis: 1,
    workers: 1,
    env: {
      LOG_LEVEL: process.env.PROFILE_LOG_LEVEL ?? 'warn',
      ...(process.env.DATABASE_PREPARED_STATEMENTS ? { DATABASE_PREPARED_STATEMENTS: process.env.DATABASE_PREPARED_STATEMENTS } : {}),
    },
  });
  const db = new Client({ connectionString: c.pg.url });
  const profiles: CpuProfile[] = [];
  try {
    await v1(c, 'PUT', `/v1/config/support-desk/${c.bindingId}`, { autoAnalyzeThreshold: 'disabled' });
    const admin = new Client({ connectionString: c.pg.url });
    await admin.connect();
    await admin.query(`ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'`);
    await admin.end();
    await c.pg.stop();
    await c.pg.start();
    await sleep(3000); // the app's pools reconnect
    await db.connect();
    await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    // warm-up
    for (let i = 0; i < 10; i++) c.sandbox.createConversation({ customer: { name: `W${i}`, email: `w${i}@example.com` }, body: 'Search is slow for me' });
    await sleep(5000);
    await db.query('SELECT pg_stat_statements_reset()');
    const dataDir = c.pg.dir;
    const procs: Array<[string, () => number]> = [
      ['api', () => procCpuMs(c.apis[0].proc.pid!)],
      ['worker', () => procCpuMs(c.workers[0].proc.pid!)],
      ['postgres', () => postgresCpuMs(dataDir)],
      ['bench (sandbox, relays)', () => procCpuMs(process.pid)],
    ];
    const profs = PROFILE ? [await profiler(c.apis[0]), await profiler(c.workers[0])] : [];
    const before = procs.map(([, f]) => f());
    const noted = new Set<string>();
    const store = c.sandbox.store as any;
    const addPart = store.addPart.bind(store);
    store.addPart = (conv: any, p: any) => {
      const part = addPart(conv, p);
      if (part.app_package_code && /SigSentry triage/.test(part.body)) noted.add(conv.id);
      return part;
    };
    const ids: string[] = [];
    const t0 = Date.now();
    for (let i = 0; i < BURST; i++)
      ids.push(
        String(
          c.sandbox.createConversation({ customer: { name: `C${i}`, email: `c${i}@example.com` }, body: `Checkout fails with a 500 error for me (#${i})` }).id,
        ),
      );
    while (ids.some((id) => !noted.has(id)) && Date.now() - t0 < 300_000) await sleep(50);
    const span = Date.now() - t0;
    await sleep(1500); // the admin.noted webhooks of our own notes are recorded too
    const after = procs.map(([, f]) => f());
    profiles.push(...(await Promise.all(profs.map((p) => p.stop()))));
    process.stdout.write(
      `\nburst of ${BURST}: ${ids.filter((id) => noted.has(id)).length} notes in ${(span / 1000).toFixed(1)} s (${((BURST / span) * 1000).toFixed(0)}/s), load average ${require('node:os').loadavg()[0].toFixed(1)}\n`,
    );
    process.stdout.write('CPU per conversation:\n');
    procs.forEach(([name], i) => process.stdout.write(`  ${name.padEnd(26)} ${((after[i] - before[i]) / BURST).toFixed(2)} ms\n`));
    const stmts = await db.query(
      `SELECT calls, total_exec_time, rows, left(regexp_replace(query, '\\s+', ' ', 'g'), 140) AS q FROM pg_stat_statements WHERE query NOT ILIKE '%pg_stat_statements%' ORDER BY calls DESC LIMIT 40`,
    );
    const totalCalls = stmts.rows.reduce((a, r) => a + Number(r.calls), 0);
    process.stdout.write(`\nSQL statements (top 40 by calls; ${(totalCalls / BURST).toFixed(1)} per conversation in these):\n`);
    for (const r of stmts.rows)
      process.stdout.write(
        `  ${(Number(r.calls) / BURST).toFixed(2).padStart(6)}/conv ${(Number(r.total_exec_time) / BURST).toFixed(3).padStart(7)} ms/conv  ${r.q}\n`,
      );
  } finally {
    await db.end().catch(() => undefined);
    await c.stop();
  }
  if (profiles.length === 2) {
    summariseProfile(profiles[0], 'api');
    summariseProfile(profiles[1], 'worker');
  }
}

main().catch((e) => {
  process.stderr.write(`${e?.stack ?? e}\n`);
  process.exit(1);
});
