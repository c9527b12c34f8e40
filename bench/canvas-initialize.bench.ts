/*
 * Canvas Kit `initialize` latency (issue #7): the real app (ROLE=api, its own process, embedded PostgreSQL, a binding
 * installed through OAuth, conversations triaged by a worker) answering signed initialize requests
 * (X-Body-Signature, hex HMAC-SHA256) at a steady 50 requests/s, spread over conversations that have a triage.
 * Prints median/p99; never fails on a timing. Env: BENCH_RATE (default 50), BENCH_SECONDS (default 20).
 */
import { createHmac } from 'node:crypto';
import { CLIENT_SECRET, sleep, startCluster, triageNoteCounts, v1, waitFor } from '../test/stress/cluster';

const autocannon = require('autocannon');
const RATE = Number(process.env.BENCH_RATE ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);

async function main() {
  process.stdout.write('starting PostgreSQL, 1 api + 1 worker process and the Intercom sandbox; installing a binding through OAuth…\n');
  const c = await startCluster({ apis: 1, workers: 1, env: { LOG_LEVEL: 'warn' } });
  try {
    await v1(c, 'PUT', `/v1/config/support-desk/${c.bindingId}`, { autoAnalyzeThreshold: 'disabled' });
    const ids: string[] = [];
    for (let i = 0; i < 20; i++)
      ids.push(
        String(
          c.sandbox.createConversation({
            customer: { name: `Customer ${i}`, email: `c${i}@example.com` },
            body: 'Checkout has been throwing 500s for everyone since 9am',
          }).id,
        ),
      );
    await waitFor(() => [...triageNoteCounts(c.sandbox, ids).values()].every((n) => n >= 1), 60_000, 'triage notes');
    const ws = [...c.sandbox.store.workspaces.values()][0] as any;
    const bodies = ids.map((id) =>
      JSON.stringify({
        workspace_id: ws.id_code,
        workspace_region: ws.region,
        admin: c.sandbox.store.adminJson(ws.admins[0]),
        conversation: c.sandbox.getConversation(id),
        contact: c.sandbox.store.contactJson(c.sandbox.store.conversations.get(id)!),
        context: { conversation_id: Number(id), location: 'conversation', locale: 'en' },
      }),
    );
    const check = await fetch(`${c.publicUrl}/canvas-kit/intercom/initialize`, {
      method: 'POST',
      body: bodies[0],
      headers: { 'content-type': 'application/json', 'x-body-signature': createHmac('sha256', CLIENT_SECRET).update(bodies[0]).digest('hex') },
    });
    const canvas: any = await check.json();
    process.stdout.write(
      `check: ${check.status}, ${JSON.stringify(canvas).length} bytes of canvas, ${canvas?.canvas?.content?.components?.length ?? 0} components\n`,
    );
    let k = 0;
    const run = (rate: number, duration: number) =>
      autocannon({
        url: `${c.publicUrl}/canvas-kit/intercom/initialize`,
        connections: 10,
        overallRate: rate,
        duration,
        requests: [
          {
            method: 'POST',
            setupRequest: (req: any) => {
              const body = bodies[k++ % bodies.length];
              return {
                ...req,
                body,
                headers: { 'content-type': 'application/json', 'x-body-signature': createHmac('sha256', CLIENT_SECRET).update(body).digest('hex') },
              };
            },
          },
        ],
      });
    await run(RATE, 3); // warm-up
    await sleep(500);
    const r = await run(RATE, SECONDS);
    process.stdout.write(
      `\nCanvas Kit initialize at ${RATE}/s for ${SECONDS} s: ${r.requests.total} requests (${r.requests.average.toFixed(0)}/s), median ${r.latency.p50} ms · p90 ${r.latency.p90} ms · p99 ${r.latency.p99} ms · max ${r.latency.max} ms · non-2xx ${r.non2xx} · errors ${r.errors}\n`,
    );
    process.stdout.write(`  api RSS ${c.apis[0].rssMb()} MB\n`);
  } finally {
    await c.stop();
  }
}

main().catch((e) => {
  process.stderr.write(`${e?.stack ?? e}\n`);
  process.exit(1);
});
