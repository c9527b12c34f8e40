/*
 * Webhook-to-note latency (issues #4, #9): 1 api + 1 worker process on embedded PostgreSQL, the Intercom sandbox in
 * this process. A steady stream of new conversations (each = a signed conversation.user.created webhook); for each,
 * the time from the sandbox sending the webhook to the triage note being stored in the sandbox (its reply endpoint).
 * Goal (architecture.md): p95 ≤ 300 ms. Prints median/p95/p99/max; never fails on a timing.
 * Env: BENCH_RATE (conversations/s, default 20), BENCH_SECONDS (default 30).
 */
import { percentile, sleep, startCluster, v1 } from '../test/stress/cluster';

const RATE = Number(process.env.BENCH_RATE ?? 20);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);

async function main() {
  process.stdout.write('starting PostgreSQL, 1 api + 1 worker process and the Intercom sandbox; installing a binding through OAuth…\n');
  const c = await startCluster({ apis: 1, workers: 1, env: { LOG_LEVEL: 'warn' } });
  try {
    await v1(c, 'PUT', `/v1/config/support-desk/${c.bindingId}`, { autoAnalyzeThreshold: 'disabled' });
    const sentAt = new Map<string, number>();
    const noteAt = new Map<string, number>();
    // Record the moment the note lands in the sandbox (ms precision; part.created_at is in seconds).
    const store = c.sandbox.store as any;
    const addPart = store.addPart.bind(store);
    store.addPart = (conv: any, p: any) => {
      const part = addPart(conv, p);
      if (part.app_package_code && /SigSentry triage/.test(part.body) && !noteAt.has(conv.id)) noteAt.set(conv.id, Date.now());
      return part;
    };
    // Warm-up: a few conversations, not measured.
    for (let i = 0; i < 10; i++) c.sandbox.createConversation({ customer: { name: `Warm ${i}`, email: `w${i}@example.com` }, body: 'Search is slow for me' });
    await sleep(3000);
    noteAt.clear();
    const total = RATE * SECONDS;
    const start = Date.now();
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / RATE;
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
      const t = Date.now();
      const conv = c.sandbox.createConversation({
        customer: { name: `Customer ${i}`, email: `c${i}@example.com` },
        body: ['Checkout fails with a 500 error for me', 'How do I export a CSV?', 'Login is down for all our team since 9am'][i % 3],
      });
      sentAt.set(String(conv.id), t); // the webhook leaves on the next tick
    }
    const until = Date.now() + 30_000;
    while (noteAt.size < sentAt.size && Date.now() < until) await sleep(100);
    const lat = [...sentAt.entries()]
      .filter(([id]) => noteAt.has(id))
      .map(([id, t]) => noteAt.get(id)! - t)
      .sort((a, b) => a - b);
    const mean = lat.reduce((a, b) => a + b, 0) / lat.length;
    process.stdout.write(`\nWebhook → triage note through the sandbox, ${RATE}/s for ${SECONDS} s (${sentAt.size} conversations, ${noteAt.size} notes)\n`);
    process.stdout.write(
      `  median ${percentile(lat, 50)} ms · p95 ${percentile(lat, 95)} ms · p99 ${percentile(lat, 99)} ms · max ${lat[lat.length - 1]} ms · mean ${mean.toFixed(0)} ms · within 300 ms: ${((lat.filter((x) => x <= 300).length / lat.length) * 100).toFixed(1)} %\n`,
    );
    process.stdout.write(`  RSS: api ${c.apis[0].rssMb()} MB, worker ${c.workers[0].rssMb()} MB\n`);
  } finally {
    await c.stop();
  }
}

main().catch((e) => {
  process.stderr.write(`${e?.stack ?? e}\n`);
  process.exit(1);
});
