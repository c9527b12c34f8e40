/*
 * Incident burst, full pipeline (issue 14): 1 api + 2 worker processes on embedded PostgreSQL, the Intercom sandbox
 * in this process delivering a burst of 300 conversations over 5 simultaneous outages (+ unrelated ones, 7
 * languages; test/fixtures/outage-reports.ts, holdout variants, never tuned on), a Loki stand-in as the project's only
 * log source (it counts the queries it is asked), the binding's default auto-analyze threshold (high).
 * Prints: incidents found vs expected and the pairwise precision/recall of the grouping, analyses run, log-source
 * queries made (and what one analysis per conversation would have cost), and the time until every conversation has
 * its triage note and every outage conversation its analysis note. Never fails on a timing; timings on a shared
 * machine are noisy.
 * Env: BENCH_SEED (default 201).
 */
import { Pool } from 'pg';
import { LocalServer, lokiStandIn } from '@app/log-sources/testing';
import { burst, pairwise } from '../test/fixtures/outage-reports';
import { outageLines, SHOP_SERVICES } from '../test/helpers/outage-logs';
import { sleep, startCluster, v1 } from '../test/stress/cluster';

const SEED = Number(process.env.BENCH_SEED ?? 201);
const COUNTS = { checkout: 90, auth: 70, search: 40, shipping: 30, notifications: 30 } as const;
const UNRELATED = 40;

async function main() {
  const lines = outageLines([
    { service: 'checkout', origin: 'payments', messages: ['payment gateway timeout after <n> ms'], minutesAgo: 40 },
    { service: 'auth', origin: 'auth', messages: ['identity provider returned 503 for token request <n>'], minutesAgo: 35 },
    { service: 'search', origin: 'search', messages: ['index shard <n> unavailable: circuit open'], minutesAgo: 30 },
    { service: 'shipping', origin: 'shipping', messages: ['carrier API timed out for parcel <n>'], minutesAgo: 30 },
    { service: 'notifications', origin: 'notifications', messages: ['SMTP relay refused message <n>: 421 too many connections'], minutesAgo: 25 },
  ]);
  const loki = await new LocalServer(lokiStandIn({ lines })).start();
  process.stdout.write('starting PostgreSQL, 1 api + 2 worker processes and the Intercom sandbox; installing a binding through OAuth…\n');
  const c = await startCluster({ apis: 1, workers: 2, env: { LOG_LEVEL: 'warn' } });
  const db = new Pool({ connectionString: c.env.DATABASE_URL, max: 2 });
  try {
    await v1(c, 'PUT', `/v1/config/projects/${c.projectId}`, { services: SHOP_SERVICES });
    const src = await v1(c, 'POST', '/v1/config/log-sources', { type: 'loki', name: 'loki', credentials: { host: loki.url }, sources: ['{env="prod"}'] });
    if (src.status !== 201) throw new Error(`log source: ${src.status} ${src.text}`);
    const reports = burst(COUNTS, UNRELATED, SEED, 'holdout');
    const queriesBefore = loki.requests.filter((r) => r.path === '/loki/api/v1/query_range').length;

    const start = Date.now();
    const ids = reports.map((r, i) =>
      String(c.sandbox.createConversation({ customer: { name: `Customer ${i}`, email: `b${i}@example.com` }, body: r.body }).id),
    );
    const notes = (id: string, what: RegExp) =>
      (c.sandbox.store.conversations.get(id)?.parts ?? []).filter((p) => p.app_package_code && p.part_type === 'note' && what.test(p.body)).length;
    let triagedAt = 0;
    let analysedAt = 0;
    const outageIds = ids.filter((_, i) => reports[i].outage !== null);
    const until = Date.now() + 15 * 60_000;
    while (Date.now() < until) {
      if (!triagedAt && ids.every((id) => notes(id, /SigSentry triage</) >= 1)) triagedAt = Date.now();
      // Only conversations of incidents that got an analysis (an incident below the threshold gets none) can have one.
      const analysed = new Set(
        (
          await db.query(
            `SELECT ic."conversationId" FROM incident_conversations ic JOIN incidents i ON i.id = ic."incidentId" WHERE ic.status = 'linked' AND i."analysisId" IS NOT NULL`,
          )
        ).rows.map((r) => r.conversationId as string),
      );
      const expected = outageIds.filter((id) => analysed.has(id));
      const pending = (await db.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name NOT LIKE '__pgboss%' AND state IN ('created', 'retry', 'active')`))
        .rows[0].n;
      if (triagedAt && !pending && expected.every((id) => notes(id, /SigSentry analysis</) >= 1)) {
        analysedAt = Date.now();
        break;
      }
      await sleep(250);
    }
    await sleep(2000);

    const rows = (await db.query(`SELECT "conversationId", "incidentId" FROM incident_conversations WHERE status = 'linked'`)).rows;
    const byConv = new Map(rows.map((r) => [r.conversationId as string, r.incidentId as string]));
    const truth = reports.map((r) => r.outage);
    const predicted = ids.map((id) => byConv.get(id) ?? null);
    const p = pairwise(truth, predicted);
    const incidents = (await db.query(`SELECT id, service, "conversationCount" FROM incidents ORDER BY "conversationCount" DESC`)).rows;
    const analyses = (await db.query(`SELECT count(*)::int AS n, count(*) FILTER (WHERE metadata ? 'incidentId')::int AS incident FROM analyses`)).rows[0];
    const wouldHave = (await db.query(`SELECT count(*)::int AS n FROM triages WHERE severity IN ('high', 'critical')`)).rows[0].n;
    const queries = loki.requests.filter((r) => r.path === '/loki/api/v1/query_range').length - queriesBefore;
    const big = incidents.filter((i) => i.conversationCount >= 5);
    const analysisNotes = outageIds.reduce((a, id) => a + notes(id, /SigSentry analysis</), 0);
    const withNote = outageIds.filter((id) => notes(id, /SigSentry analysis</) >= 1).length;

    process.stdout.write(
      `\nIncident burst: ${ids.length} conversations (${outageIds.length} over 5 outages + ${UNRELATED} unrelated, 7 languages, seed ${SEED}, holdout variants)\n`,
    );
    process.stdout.write(
      `  grouping: pairwise precision ${p.precision.toFixed(3)} · recall ${p.recall.toFixed(3)} (target ≥ 0.95 / ≥ 0.90) · incidents with ≥ 5 conversations ${big.length} (expected 5): ${big.map((i) => `${i.service ?? 'unknown'} ${i.conversationCount}`).join(', ')} · incidents opened ${incidents.length}\n`,
    );
    process.stdout.write(
      `  analyses run: ${analyses.n} (${analyses.incident} for incidents) — one per conversation at the same threshold would have been ${wouldHave} · log-source queries made: ${queries} (${(queries / Math.max(1, analyses.n)).toFixed(1)} per analysis)\n`,
    );
    process.stdout.write(
      `  time from the first webhook: every triage note ${triagedAt ? ((triagedAt - start) / 1000).toFixed(1) : 'n/a'} s · every analysis note of the linked outage conversations ${analysedAt ? ((analysedAt - start) / 1000).toFixed(1) : 'not reached'} s · ${withNote} of ${outageIds.length} outage conversations have an analysis note (${analysisNotes} notes)\n`,
    );
    process.stdout.write(`  RSS: api ${c.apis[0].rssMb()} MB, workers ${c.workers.map((w) => w.rssMb()).join(' / ')} MB (2 shared cores: timings are noisy)\n`);
  } finally {
    await db.end();
    await c.stop();
    await loki.close();
  }
}

main().catch((e) => {
  process.stderr.write(`${e?.stack ?? e}\n`);
  process.exit(1);
});
