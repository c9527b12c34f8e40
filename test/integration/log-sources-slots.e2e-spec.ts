/*
 * Query slots per log source across workers (issue 14: LOG_SOURCE_CONCURRENCY), and what the migration that adds them
 * tells existing `file` sources about their new per-project folder (issue 19.1).
 * Real: PostgreSQL (embedded) with the product's migrations, the LogSourceSlots gate. Each "worker" is its own
 * DataSource (its own connection pool, as a separate process has) with its own gate over the same table.
 * Stand-ins: none.
 */
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { LogSourceSlots, type SlotLease } from '@app/log-sources';
import { ENTITIES } from '../../apps/api/src/entities';
import { MIGRATIONS } from '../../apps/api/src/migrations';
import { LogSourceSlots1796167266365 } from '../../apps/api/src/migrations/1796167266365-log-source-slots';
import { runMigrations } from '../../apps/api/src/bootstrap';
import { createTestDatabase } from '../helpers/database';

describe('log-source query slots, shared by every worker through PostgreSQL', () => {
  let db: { url: string; drop(): Promise<void> };
  const pools: DataSource[] = [];
  const workers: LogSourceSlots[] = [];
  const PROJECT = randomUUID();

  const pool = async () => {
    const ds = new DataSource({ type: 'postgres', url: db.url, entities: ENTITIES, migrations: MIGRATIONS, synchronize: false, extra: { max: 4 } });
    await ds.initialize();
    pools.push(ds);
    return ds;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    await runMigrations(await pool());
    // Three workers, LOG_SOURCE_CONCURRENCY=2; short leases so a dead worker's slot is freed within the test.
    for (let i = 0; i < 3; i++) {
      workers.push(new LogSourceSlots(await pool(), { logSourceConcurrency: 2 }, { leaseMs: 1500, heartbeatMs: 400, waitTicketMs: 1500, maxPollMs: 50 }));
    }
  });
  afterAll(async () => {
    for (const w of workers) w.onModuleDestroy();
    for (const p of pools) await p.destroy().catch(() => undefined);
    await db?.drop();
  });

  it('never lets more than LOG_SOURCE_CONCURRENCY queries of one source run at once, whichever worker asks', async () => {
    const source = { id: randomUUID(), projectId: PROJECT };
    let running = 0;
    let most = 0;
    const query = async (w: LogSourceSlots, i: number) => {
      const lease = await w.acquire(source, { waitUntil: Date.now() + 30_000, purpose: `q${i}` });
      expect(lease).not.toBeNull();
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 40));
      running--;
      await lease!.release();
    };
    await Promise.all(Array.from({ length: 12 }, (_, i) => query(workers[i % 3], i)));
    expect(most).toBe(2);
    expect(await workers[0].line(source.id)).toEqual([]);
  });

  it('serves one source first in, first out, and other sources independently', async () => {
    const source = { id: randomUUID(), projectId: PROJECT };
    const other = { id: randomUUID(), projectId: randomUUID() };
    const held = [
      await workers[0].acquire(source, { waitUntil: Date.now() + 1000, purpose: 'h1' }),
      await workers[1].acquire(source, { waitUntil: Date.now() + 1000, purpose: 'h2' }),
    ];
    const order: string[] = [];
    const waiters: Array<Promise<SlotLease | null>> = [];
    for (const [i, name] of ['first', 'second', 'third'].entries()) {
      waiters.push(
        workers[i % 3].acquire(source, { waitUntil: Date.now() + 20_000, purpose: name }).then((l) => {
          order.push(name);
          return l;
        }),
      );
      // Each one is in line before the next asks.
      await new Promise((r) => setTimeout(r, 60));
    }
    // Another source (another project's) is not held up by this line.
    const free = await workers[2].acquire(other, { waitUntil: Date.now() + 1000, purpose: 'other' });
    expect(free).not.toBeNull();
    await free!.release();
    expect((await workers[0].line(source.id)).map((t) => t.state)).toEqual(['running', 'running', 'waiting', 'waiting', 'waiting']);
    // Free the slots one at a time: the waiters get them in the order they asked.
    await held[0]!.release();
    const a = await waiters[0];
    await held[1]!.release();
    const b = await waiters[1];
    await a!.release();
    const c = await waiters[2];
    await b!.release();
    await c!.release();
    expect(order).toEqual(['first', 'second', 'third']);
  });

  it('gives up at the wait deadline without taking a slot (the analysis then reports rate_limited)', async () => {
    const source = { id: randomUUID(), projectId: PROJECT };
    const a = await workers[0].acquire(source, { waitUntil: Date.now() + 1000, purpose: 'a' });
    const b = await workers[1].acquire(source, { waitUntil: Date.now() + 1000, purpose: 'b' });
    const late = await workers[2].acquire(source, { waitUntil: Date.now() + 300, purpose: 'late' });
    expect(late).toBeNull();
    expect((await workers[0].line(source.id)).map((t) => t.holder.split(' ').pop())).toEqual(['a', 'b']);
    await a!.release();
    await b!.release();
  });

  it("frees a crashed worker's slot once its lease runs out", async () => {
    const source = { id: randomUUID(), projectId: PROJECT };
    // A worker takes both slots and dies: its pool is gone, nobody refreshes or releases its leases.
    const doomedPool = await pool();
    const doomed = new LogSourceSlots(doomedPool, { logSourceConcurrency: 2 }, { leaseMs: 1500, heartbeatMs: 400, waitTicketMs: 1500, maxPollMs: 50 });
    await doomed.acquire(source, { waitUntil: Date.now() + 1000, purpose: 'doomed-1' });
    await doomed.acquire(source, { waitUntil: Date.now() + 1000, purpose: 'doomed-2' });
    // It dies: no more heartbeats, its connections are gone.
    doomed.onModuleDestroy();
    await doomedPool.destroy();
    // Right away the slots are still held (the leases are live)…
    expect(await workers[1].acquire(source, { waitUntil: Date.now() + 100, purpose: 'too-early' })).toBeNull();
    // …and a live worker that waits gets one once the dead worker's lease has run out.
    const lease = await workers[0].acquire(source, { waitUntil: Date.now() + 10_000, purpose: 'survivor' });
    expect(lease).not.toBeNull();
    // The dead worker's leases ran out (they did a few ms apart, so the second may be seen a moment longer).
    const holders = (await workers[0].line(source.id)).map((t) => t.holder.split(' ').pop());
    expect(holders).toContain('survivor');
    expect(holders).not.toContain('doomed-1');
    await lease!.release();
  });

  it('keeps a long query its slot by refreshing the lease', async () => {
    const source = { id: randomUUID(), projectId: PROJECT };
    const a = await workers[0].acquire(source, { waitUntil: Date.now() + 1000, purpose: 'long-a' });
    const b = await workers[1].acquire(source, { waitUntil: Date.now() + 1000, purpose: 'long-b' });
    // Three lease lengths later, both are still held (heartbeats), so a third asker still finds no slot.
    await new Promise((r) => setTimeout(r, 4500));
    expect(await workers[2].acquire(source, { waitUntil: Date.now() + 200, purpose: 'third' })).toBeNull();
    await a!.release();
    await b!.release();
  });
});

describe('migration of existing file sources to per-project folders', () => {
  it('keeps their globs, and says on each where its files must now be', async () => {
    const db = await createTestDatabase();
    // Every migration but the one that introduced per-project folders, then that one.
    const before = MIGRATIONS.filter((m) => m !== LogSourceSlots1796167266365);
    const old = new DataSource({ type: 'postgres', url: db.url, entities: ENTITIES, migrations: before, synchronize: false });
    await old.initialize();
    const project = randomUUID();
    try {
      await old.runMigrations();
      const insert = (type: string, sources: string[]) =>
        old.query(
          `INSERT INTO log_sources ("tenantId", "projectId", type, name, "credentialsSealed", sources, "lastTestResult") VALUES ($1, $2, $3, $4, 'v1:x', $5, $6) RETURNING id`,
          [randomUUID(), project, type, `${type} source`, sources, JSON.stringify({ success: true, message: 'Connected' })],
        );
      await insert('file', ['checkout/*.log', '**/*.ndjson']);
      await insert('loki', ['{job="a"}']);
    } finally {
      await old.destroy();
    }
    const ds = new DataSource({ type: 'postgres', url: db.url, entities: ENTITIES, migrations: MIGRATIONS, synchronize: false });
    await ds.initialize();
    try {
      await runMigrations(ds);
      const rows = await ds.query(`SELECT type, sources, "lastTestResult" FROM log_sources ORDER BY type`);
      expect(rows[0]).toEqual({
        type: 'file',
        sources: ['checkout/*.log', '**/*.ndjson'],
        lastTestResult: { success: false, message: expect.stringContaining(`LOG_FILES_DIR/${project}/`) },
      });
      expect(rows[1]).toEqual({ type: 'loki', sources: ['{job="a"}'], lastTestResult: { success: true, message: 'Connected' } });
    } finally {
      await ds.destroy();
      await db.drop();
    }
  });
});
