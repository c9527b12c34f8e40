/*
 * Webhook → note (issue 16 "Keeping up"): 1 api + 1 worker process on embedded PostgreSQL, the Intercom sandbox (an
 * instant stand-in) in this process. For each new conversation (= one signed conversation.user.created webhook) the
 * time from the sandbox sending the webhook to the triage note being stored by the sandbox's reply endpoint.
 *
 * No recording relay sits in the path (the sandbox delivers to the api and the app calls the sandbox directly): their
 * CPU would count against the same 2 cores. Each phase runs twice in the same run, against the same sandbox:
 *   - bare ceiling: a node:http server that checks the HMAC and posts a note straight back (no database, no queue);
 *   - the app: verify ▸ record row + job ▸ worker ▸ triage ▸ note.
 * Phases: a steady stream at BENCH_RATE/s for BENCH_SECONDS (p50/p95/p99), then a burst of BENCH_BURST conversations
 * created at once (drain rate = conversations / time until the last note, and the latencies under the burst).
 * Never fails on a timing. Env: BENCH_RATE (default 20), BENCH_SECONDS (default 20), BENCH_BURST (default 300).
 */
import { spawn } from 'node:child_process';
import { freePort } from '@app/core';
import { CLIENT_SECRET, percentile, postgresCpuMs, procCpuMs, sleep, startCluster, v1 } from '../test/stress/cluster';

const RATE = Number(process.env.BENCH_RATE ?? 20);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const BURST = Number(process.env.BENCH_BURST ?? 300);
const MESSAGES = ['Checkout fails with a 500 error for me', 'How do I export a CSV?', 'Login is down for all our team since 9am'];

/** The ceiling: verify the signature, answer 200, post a note to the same sandbox. Nothing else. */
const BARE = `
const { createServer, request, Agent } = require('node:http');
const { createHmac, timingSafeEqual } = require('node:crypto');
const secret = process.env.SECRET;
const api = new URL(process.env.API);
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
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
    if (!ok) return;
    const n = JSON.parse(body.toString('utf8'));
    if (n.topic !== 'conversation.user.created') return;
    const note = JSON.stringify({ message_type: 'note', type: 'admin', admin_id: process.env.ADMIN, body: '<p><b>SigSentry triage</b> (bare)</p>' });
    const out = request({ host: api.hostname, port: api.port, method: 'POST', path: '/conversations/' + n.data.item.id + '/reply', agent,
      headers: { authorization: 'Bearer ' + process.env.TOKEN, 'content-type': 'application/json', accept: 'application/json', 'intercom-version': '2.14' } },
      (r) => r.resume());
    out.on('error', () => undefined);
    out.end(note);
  });
}).listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('ready\\n'));
`;

interface PhaseResult {
  sent: number;
  notes: number;
  lat: number[];
  /** ms from the first webhook to the last note */
  spanMs: number;
}

const fmt = (lat: number[]) =>
  lat.length ? `p50 ${percentile(lat, 50)} ms · p95 ${percentile(lat, 95)} ms · p99 ${percentile(lat, 99)} ms · max ${lat[lat.length - 1]} ms` : 'no notes';

async function main() {
  process.stdout.write('starting PostgreSQL, 1 api + 1 worker process and the Intercom sandbox; installing a binding through OAuth…\n');
  const c = await startCluster({ apis: 1, workers: 1, direct: true, env: { LOG_LEVEL: 'warn' } });
  const bport = await freePort();
  const ws = c.sandbox.workspaces()[0];
  const bare = spawn(process.execPath, ['-e', BARE], {
    env: {
      PATH: process.env.PATH ?? '',
      SECRET: CLIENT_SECRET,
      PORT: String(bport),
      API: c.intercomApiUrl,
      TOKEN: c.sandbox.install(ws.id_code),
      ADMIN: ws.admins[0].id,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((r) => bare.stdout!.once('data', () => r()));
  try {
    await v1(c, 'PUT', `/v1/config/support-desk/${c.bindingId}`, { autoAnalyzeThreshold: 'disabled' });
    const sentAt = new Map<string, number>();
    const noteAt = new Map<string, number>();
    // The moment a note lands in the sandbox (ms precision; part.created_at is in seconds).
    const store = c.sandbox.store as any;
    const addPart = store.addPart.bind(store);
    store.addPart = (conv: any, p: any) => {
      const part = addPart(conv, p);
      if (part.app_package_code && /SigSentry triage/.test(part.body) && !noteAt.has(conv.id)) noteAt.set(conv.id, Date.now());
      return part;
    };
    let seq = 0;
    const create = () => {
      const i = seq++;
      const t = Date.now();
      const conv = c.sandbox.createConversation({
        customer: { name: `Customer ${i}`, email: `c${i}@example.com` },
        body: `${MESSAGES[i % MESSAGES.length]} (#${i})`,
      });
      sentAt.set(String(conv.id), t); // the webhook leaves on the next tick
      return String(conv.id);
    };
    const collect = async (ids: string[], timeoutMs: number): Promise<PhaseResult> => {
      const until = Date.now() + timeoutMs;
      while (ids.some((id) => !noteAt.has(id)) && Date.now() < until) await sleep(50);
      const done = ids.filter((id) => noteAt.has(id));
      const lat = done.map((id) => noteAt.get(id)! - sentAt.get(id)!).sort((a, b) => a - b);
      const first = Math.min(...ids.map((id) => sentAt.get(id)!));
      const last = done.length ? Math.max(...done.map((id) => noteAt.get(id)!)) : first;
      return { sent: ids.length, notes: done.length, lat, spanMs: last - first };
    };
    const steady = async () => {
      const ids: string[] = [];
      const start = Date.now();
      for (let i = 0; i < RATE * SECONDS; i++) {
        const wait = start + (i * 1000) / RATE - Date.now();
        if (wait > 0) await sleep(wait);
        ids.push(create());
      }
      return collect(ids, 60_000);
    };
    const burst = async () => {
      const ids: string[] = [];
      for (let i = 0; i < BURST; i++) ids.push(create());
      return collect(ids, 180_000);
    };

    const results: Record<string, { steady: PhaseResult; burst: PhaseResult }> = {};
    // CPU (ms) of each process of the app's pipeline, to tell a burst that waits from one that is CPU-bound.
    const cpu = () => ({
      api: procCpuMs(c.apis[0].proc.pid!),
      worker: procCpuMs(c.workers[0].proc.pid!),
      PostgreSQL: postgresCpuMs(c.pg.dir),
      'sandbox (this process)': procCpuMs(process.pid),
    });
    let burstCpu: Record<string, number> | null = null;
    for (const [name, target] of [
      ['bare node:http + HMAC + note', `http://127.0.0.1:${bport}/webhooks/intercom`],
      ['app (api + worker)', c.webhookUrl],
    ] as const) {
      await c.sandbox.setWebhookSettings({ url: target }, false);
      const warm: string[] = [];
      for (let i = 0; i < 10; i++) warm.push(create());
      await collect(warm, 30_000);
      await sleep(500);
      const s = await steady();
      await sleep(1000);
      const before = cpu();
      const b = await burst();
      if (target === c.webhookUrl) {
        const after = cpu();
        burstCpu = Object.fromEntries(Object.entries(after).map(([k, v]) => [k, (v - before[k as keyof typeof before]) / BURST]));
      }
      await sleep(1000);
      results[name] = { steady: s, burst: b };
    }

    const load = require('node:os').loadavg()[0].toFixed(1);
    process.stdout.write(`\nWebhook → triage note through the sandbox (load average ${load} on ${require('node:os').cpus().length} cores while measuring)\n`);
    for (const [name, r] of Object.entries(results)) {
      process.stdout.write(`${name}\n`);
      process.stdout.write(`  steady ${RATE}/s for ${SECONDS} s: ${r.steady.notes}/${r.steady.sent} notes · ${fmt(r.steady.lat)}\n`);
      const rate = r.burst.notes / (r.burst.spanMs / 1000);
      process.stdout.write(
        `  burst of ${BURST}: ${r.burst.notes}/${r.burst.sent} notes · drained in ${(r.burst.spanMs / 1000).toFixed(1)} s = ${rate.toFixed(0)} conversations/s · ${fmt(r.burst.lat)}\n`,
      );
    }
    const [bareR, appR] = Object.values(results);
    const drain = (r: PhaseResult) => r.notes / (r.spanMs / 1000);
    process.stdout.write(
      `app/bare: burst drain ${((drain(appR.burst) / drain(bareR.burst)) * 100).toFixed(0)} % · steady p95 ${percentile(appR.steady.lat, 95)} vs ${percentile(bareR.steady.lat, 95)} ms\n`,
    );
    process.stdout.write(`RSS: api ${c.apis[0].rssMb()} MB, worker ${c.workers[0].rssMb()} MB\n`);
    if (burstCpu) {
      const total = Object.values(burstCpu).reduce((a, v) => a + v, 0);
      const cores = require('node:os').cpus().length;
      process.stdout.write(
        `CPU per conversation in the app's burst: ${Object.entries(burstCpu)
          .map(([k, v]) => `${k} ${v.toFixed(1)} ms`)
          .join(' · ')} = ${total.toFixed(1)} ms → at most ~${Math.round((cores * 1000) / total)} conversations/s on ${cores} cores\n`,
      );
    }
  } finally {
    bare.kill();
    await c.stop();
  }
}

main().catch((e) => {
  process.stderr.write(`${e?.stack ?? e}\n`);
  process.exit(1);
});
