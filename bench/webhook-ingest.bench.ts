/*
 * Webhook ingest throughput (issue #9): the real app (ROLE=api, its own process, embedded PostgreSQL, a binding
 * installed through OAuth) verifying X-Hub-Signature and recording row + job in one transaction, side by side with a
 * bare node:http server that only checks the signature. Fixed rates 200/s and 1000/s, then the maximum. Prints
 * requests/s, p50/p99, non-2xx, the app/bare ratio, the app's RSS under load, and the CPU time per request of each
 * process at max (server, PostgreSQL, autocannon in this process): where a webhook's cost goes. Never fails on a timing.
 * The maximum is measured in rounds that alternate bare and app (bare-app, app-bare, …): a virtual machine's speed
 * drifts by tens of percent within a minute, and one window each made the ratio follow the drift. The ratio is the
 * app's requests over the bare server's in all rounds (equal times), with each round's ratio beside it.
 * Env: BENCH_SECONDS (per step, default 8), BENCH_MAX_ROUNDS (default 4).
 */
import { spawn } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { freePort } from '@app/core';
import { CLIENT_SECRET, postgresCpuMs, procCpuMs, sleep, startCluster } from '../test/stress/cluster';

const autocannon = require('autocannon');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const MAX_ROUNDS = Math.max(1, Number(process.env.BENCH_MAX_ROUNDS ?? 4));
const WORKSPACE = 'sbx12345';

let seq = 0;
/** A pretty-printed conversation.user.created notification of realistic size (~2.5 KB), unique ids. */
function notification(): string {
  const k = ++seq;
  const now = Math.floor(Date.now() / 1000);
  const n = {
    type: 'notification_event',
    app_id: WORKSPACE,
    id: `notif_${randomUUID()}`,
    topic: 'conversation.user.created',
    created_at: now,
    delivery_attempts: 1,
    first_sent_at: now,
    delivery_status: 'pending',
    delivered_at: 0,
    links: {},
    self: null,
    data: {
      type: 'notification_event_data',
      item: {
        type: 'conversation',
        id: String(900000000 + k),
        title: null,
        created_at: now,
        updated_at: now,
        waiting_since: now,
        snoozed_until: null,
        open: true,
        state: 'open',
        read: false,
        priority: 'not_priority',
        admin_assignee_id: null,
        team_assignee_id: null,
        tags: { type: 'tag.list', tags: [] },
        conversation_rating: null,
        source: {
          type: 'conversation',
          id: String(400000000 + k),
          delivered_as: 'customer_initiated',
          subject: '',
          body: `<p>Checkout has been throwing 500s for everyone since 9am (#${k}). Our customers cannot pay and we are losing orders.</p>`,
          author: { type: 'user', id: `64f0c0ffee${k}`, name: `Customer ${k}`, email: `c${k}@example.com` },
          attachments: [],
          url: null,
          redacted: false,
        },
        contacts: { type: 'contact.list', contacts: [{ type: 'contact', id: `64f0c0ffee${k}`, external_id: null }] },
        teammates: { type: 'admin.list', admins: [] },
        custom_attributes: {},
        first_contact_reply: { created_at: now, type: 'conversation', url: null },
        sla_applied: null,
        statistics: null,
        linked_objects: { type: 'list', data: [], total_count: 0, has_more: false },
        ai_agent_participated: false,
        conversation_parts: { type: 'conversation_part.list', conversation_parts: [], total_count: 0 },
      },
    },
  };
  return JSON.stringify(n, null, '\t');
}

const sign = (body: string) => `sha1=${createHmac('sha1', CLIENT_SECRET).update(body).digest('hex')}`;

/** The ceiling: node:http + HMAC check only, in its own process like the app. */
const BARE = `
const { createServer } = require('node:http');
const { createHmac, timingSafeEqual } = require('node:crypto');
const secret = process.env.SECRET;
createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const got = String(req.headers['x-hub-signature'] || '');
    const want = 'sha1=' + createHmac('sha1', secret).update(body).digest('hex');
    const ok = got.length === want.length && timingSafeEqual(Buffer.from(got), Buffer.from(want));
    res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
    res.end(ok ? '{"received":true}' : '{"error":"signature"}');
  });
}).listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('ready\\n'));
`;

interface Step {
  target: string;
  rate: string;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  rssMb?: number | null;
  /** CPU µs per answered request, by process, over the step (server, PostgreSQL, this process = autocannon). */
  cpu?: Array<[string, number]>;
  /** Requests answered in the step. */
  total: number;
}

async function load(
  url: string,
  rate: number | null,
  rss?: () => number | null,
  cpu: Array<[string, () => number]> = [],
): Promise<Omit<Step, 'target' | 'rate'>> {
  const cpu0 = cpu.map(([, f]) => f());
  let maxRss: number | null = null;
  const timer = rss
    ? setInterval(() => {
        const v = rss();
        if (v !== null) maxRss = Math.max(maxRss ?? 0, v);
      }, 250)
    : null;
  const result = await autocannon({
    url: `${url}/webhooks/intercom`,
    connections: rate ? Math.min(50, Math.max(10, Math.ceil(rate / 20))) : 50,
    duration: SECONDS,
    ...(rate ? { overallRate: rate } : {}),
    requests: [
      {
        method: 'POST',
        setupRequest: (req: any) => {
          const body = notification();
          return {
            ...req,
            body,
            headers: { 'content-type': 'application/json', 'x-hub-signature': sign(body), 'user-agent': 'intercom-parrot-service-client/1.0' },
          };
        },
      },
    ],
  });
  if (timer) clearInterval(timer);
  const answered = result.requests.total || 1;
  const cpuUs: Array<[string, number]> = cpu.map(([name, f], i) => [name, ((f() - cpu0[i]) * 1000) / answered]);
  return {
    cpu: cpuUs,
    total: answered,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    rssMb: maxRss,
  };
}

async function main() {
  process.stdout.write('starting PostgreSQL, the app (ROLE=api) and the Intercom sandbox; installing a binding through OAuth…\n');
  const c = await startCluster({ apis: 1, workers: 0, env: { LOG_LEVEL: 'warn' } });
  const bport = await freePort();
  const bare = spawn(process.execPath, ['-e', BARE], {
    env: { PATH: process.env.PATH ?? '', SECRET: CLIENT_SECRET, PORT: String(bport) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((r) => bare.stdout!.once('data', () => r()));
  const bareUrl = `http://127.0.0.1:${bport}`;
  const app = c.apis[0];
  const steps: Step[] = [];
  try {
    // Warm-up (JIT, connection pools).
    await load(app.url, 200);
    await load(bareUrl, 200);
    const rssIdle = app.rssMb();
    const targets = [
      ['bare node:http + HMAC', bareUrl],
      ['app (verify + record + enqueue)', app.url],
    ] as const;
    const step = async (target: string, url: string, rate: number | null, label: string) => {
      const isApp = target.startsWith('app');
      const cpu: Array<[string, () => number]> = [
        [isApp ? 'api' : 'bare', () => procCpuMs(isApp ? app.proc.pid! : bare.pid!)],
        ...(isApp ? [['PostgreSQL', () => postgresCpuMs(c.pg.dir)] as [string, () => number]] : []),
        ['autocannon', () => procCpuMs(process.pid)],
      ];
      const r = await load(url, rate, isApp ? () => app.rssMb() : undefined, cpu);
      steps.push({ target, rate: label, ...r });
      await sleep(500);
    };
    for (const rate of [200, 1000] as const) for (const [target, url] of targets) await step(target, url, rate, `${rate}/s`);
    for (let round = 1; round <= MAX_ROUNDS; round++)
      for (const [target, url] of round % 2 ? targets : [...targets].reverse()) await step(target, url, null, `max #${round}`);
    const rows = (await fetch(`${c.publicUrl}/health/ready`)).status;
    process.stdout.write(`\nWebhook ingest, ${SECONDS} s per step (2 cores; autocannon shares the machine). App RSS idle after warm-up: ${rssIdle} MB\n`);
    process.stdout.write(
      `${'target'.padEnd(34)} ${'rate'.padEnd(7)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'non2xx'.padStart(7)} ${'errors'.padStart(7)} ${'RSS MB'.padStart(7)}\n`,
    );
    for (const s of steps) {
      process.stdout.write(
        `${s.target.padEnd(34)} ${s.rate.padEnd(7)} ${s.rps.toFixed(0).padStart(8)} ${String(s.p50).padStart(7)} ${String(s.p99).padStart(7)} ${String(s.non2xx).padStart(7)} ${String(s.errors).padStart(7)} ${String(s.rssMb ?? '').padStart(7)}\n`,
      );
    }
    // All rounds at max, per target: requests/s over equal times, and CPU per request weighted by requests.
    const atMax = (prefix: string) => {
      const rounds = steps.filter((st) => st.rate.startsWith('max') && st.target.startsWith(prefix));
      const total = rounds.reduce((n, st) => n + st.total, 0);
      const cpu = (rounds[0].cpu ?? []).map(([name], i): [string, number] => [name, rounds.reduce((m, st) => m + st.cpu![i][1] * st.total, 0) / total]);
      return { rounds, rps: rounds.reduce((n, st) => n + st.rps, 0) / rounds.length, cpu };
    };
    const bareMax = atMax('bare');
    const appMax = atMax('app');
    const perRound = appMax.rounds.map((a, i) => `${((a.rps / bareMax.rounds[i].rps) * 100).toFixed(1)} %`).join(', ');
    process.stdout.write(
      `ratio app/bare at max: ${((appMax.rps / bareMax.rps) * 100).toFixed(1)} % (${appMax.rps.toFixed(0)} vs ${bareMax.rps.toFixed(0)} req/s over ${MAX_ROUNDS} alternating rounds; by round: ${perRound}); app ready after the run: ${rows}\n`,
    );
    process.stdout.write(
      `CPU per request at max (µs): ${[
        ['bare node:http + HMAC', bareMax],
        ['app', appMax],
      ]
        .map(([name, m]) => `${name}: ${(m as typeof appMax).cpu.map(([n, v]) => `${n} ${v.toFixed(0)}`).join(' · ')}`)
        .join('; ')}\n`,
    );
    const recorded = await fetch(`${c.publicUrl}/metrics`)
      .then((r) => r.text())
      .then((t) => /webhook[^\n]*outcome="recorded"[^\n]* (\d+)/.exec(t)?.[1])
      .catch(() => undefined);
    if (recorded) process.stdout.write(`webhooks recorded by the app (metrics): ${recorded}\n`);
  } finally {
    bare.kill();
    await c.stop();
  }
}

main().catch((e) => {
  process.stderr.write(`${e?.stack ?? e}\n`);
  process.exit(1);
});
