/*
 * Prepared statements (DATABASE_PREPARED_STATEMENTS): server and client CPU per statement for the product's own hot
 * reads, through TypeORM with the product's entities on embedded PostgreSQL, with the plain `pg` Client and with the
 * preparing one, alternating in the same run. Statements: the conversation job's first read (an event joined with
 * its binding and project: ≈ 60 aliased columns) and a primary-key read of a triage. Never fails on a timing.
 * Env: BENCH_STATEMENTS (per round, default 3000), BENCH_ROUNDS (default 3).
 */
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PreparingClient } from '@app/core';
import { ProjectEntity } from '@app/projects';
import { BindingEntity, SupportDeskEventEntity } from '@app/support-desk';
import { TriageEntity } from '@app/triage';
import { ENTITIES } from '../apps/api/src/entities';
import { MIGRATIONS } from '../apps/api/src/migrations';
import { migrateDatabase } from '../apps/api/src/bootstrap';
import { postgresCpuMs, procCpuMs, startPg } from '../test/stress/cluster';

const N = Number(process.env.BENCH_STATEMENTS ?? 3000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const out = (s: string) => process.stdout.write(s + '\n');

async function main() {
  const pg = await startPg();
  await migrateDatabase(pg.url);
  const open = async (prepared: boolean) => {
    const ds = new DataSource({
      type: 'postgres',
      url: pg.url,
      entities: ENTITIES,
      migrations: MIGRATIONS,
      extra: { max: 1, ...(prepared ? { Client: PreparingClient } : {}) },
    });
    return ds.initialize();
  };
  const plain = await open(false);
  const preparing = await open(true);
  try {
    const ids = Array.from({ length: 50 }, () => randomUUID());
    const statements: Record<string, (ds: DataSource, i: number) => Promise<unknown>> = {
      'event + binding + project': (ds, i) =>
        ds
          .getRepository(SupportDeskEventEntity)
          .createQueryBuilder('e')
          .leftJoinAndMapOne('e.binding', BindingEntity, 'b', 'b.id = e.bindingId')
          .leftJoinAndMapOne('e.project', ProjectEntity, 'p', 'p.id = b.projectId')
          .where('e.id = :id', { id: ids[i % ids.length] })
          .getOne(),
      'triage by id': (ds, i) => ds.getRepository(TriageEntity).findOne({ where: { id: ids[i % ids.length] } }),
    };
    out(`per statement, ${N} statements per round, best of ${ROUNDS} rounds (plain and preparing alternate):`);
    for (const [label, run] of Object.entries(statements)) {
      const best = { plain: { pg: Infinity, client: Infinity, rate: 0 }, prepared: { pg: Infinity, client: Infinity, rate: 0 } };
      for (let r = 0; r < ROUNDS; r++) {
        for (const [kind, ds] of [
          ['plain', plain],
          ['prepared', preparing],
        ] as const) {
          const pg0 = postgresCpuMs(pg.dir);
          const me0 = procCpuMs(process.pid);
          const t0 = performance.now();
          for (let i = 0; i < N; i++) await run(ds, i);
          const ms = performance.now() - t0;
          const b = best[kind];
          b.pg = Math.min(b.pg, ((postgresCpuMs(pg.dir) - pg0) * 1000) / N);
          b.client = Math.min(b.client, ((procCpuMs(process.pid) - me0) * 1000) / N);
          b.rate = Math.max(b.rate, (N / ms) * 1000);
        }
      }
      const row = (k: 'plain' | 'prepared') =>
        `    ${k.padEnd(9)} PostgreSQL ${best[k].pg.toFixed(0).padStart(4)} µs · client (TypeORM + pg) ${best[k].client.toFixed(0).padStart(4)} µs · ${best[k].rate.toFixed(0).padStart(5)} statements/s`;
      out(`  ${label}`);
      out(row('plain'));
      out(row('prepared'));
      out(
        `    ratio     PostgreSQL ${(best.plain.pg / best.prepared.pg).toFixed(2)}× less prepared · client ${(best.plain.client / best.prepared.client).toFixed(2)}× · rate ${(best.prepared.rate / best.plain.rate).toFixed(2)}×`,
      );
    }
  } catch (e) {
    process.stderr.write(`prepared-statements bench: ${(e as Error).stack ?? e}\n`);
    process.exitCode = 1;
  } finally {
    await plain.destroy();
    await preparing.destroy();
    await pg.destroy();
  }
}

main().catch((e) => {
  process.stderr.write(String(e?.stack ?? e) + '\n');
  process.exit(1);
});
