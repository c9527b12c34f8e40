/*
 * Real: PostgreSQL (embedded), TypeORM with the product's entities and migrations, pg-boss. Stand-ins: none.
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { DataSource } from 'typeorm';
import { AuthService } from '@app/accounts';
import { loadConfig, freePort, PgBossQueue, workerShape } from '@app/core';
import { ENTITIES } from '../../apps/api/src/entities';
import { MIGRATIONS } from '../../apps/api/src/migrations';
import { createApp, runMigrations } from '../../apps/api/src/bootstrap';
import { api, login } from '../helpers/app';
import { createTestDatabase } from '../helpers/database';

describe('migrations agree with the entities', () => {
  it('a fresh database migrated to head needs no further schema change', async () => {
    const db = await createTestDatabase();
    const ds = new DataSource({ type: 'postgres', url: db.url, entities: ENTITIES, migrations: MIGRATIONS, synchronize: false });
    await ds.initialize();
    try {
      await runMigrations(ds);
      const applied = await ds.query(`SELECT name FROM migrations ORDER BY id`);
      expect(applied.map((r: any) => r.name)).toHaveLength(MIGRATIONS.length);
      expect(await ds.showMigrations()).toBe(false);
      const log = await ds.driver.createSchemaBuilder().log();
      expect(log.upQueries.map((q) => q.query)).toEqual([]);
      // Running again is a no-op (replicas start concurrently under the advisory lock).
      await Promise.all([runMigrations(ds), runMigrations(ds)]);
      expect((await ds.query(`SELECT count(*)::int AS n FROM migrations`))[0].n).toBe(MIGRATIONS.length);
    } finally {
      await ds.destroy();
      await db.drop();
    }
  });
});

describe('enqueue inside a database transaction', () => {
  let db: { url: string; drop(): Promise<void> };
  let ds: DataSource;
  let queue: PgBossQueue;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = new DataSource({ type: 'postgres', url: db.url, entities: ENTITIES, migrations: MIGRATIONS });
    await ds.initialize();
    await runMigrations(ds);
    queue = new PgBossQueue(db.url, { worker: false });
    queue.define({ name: 'spec-jobs' });
    await queue.start();
  });
  afterAll(async () => {
    await queue?.stop();
    await ds?.destroy();
    await db?.drop();
  });

  const jobs = async () => (await queue.findJobs('spec-jobs')) as Array<{ data: any }>;

  it('a rolled-back transaction leaves neither its row nor its job', async () => {
    await expect(
      ds.transaction(async (m) => {
        await m.query(`INSERT INTO tenants (name) VALUES ('rolled-back')`);
        const id = await queue.enqueue('spec-jobs', { n: 'rolled-back' }, { manager: m });
        expect(id).toEqual(expect.any(String));
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect((await jobs()).filter((j) => j.data.n === 'rolled-back')).toHaveLength(0);
    expect((await ds.query(`SELECT count(*)::int AS n FROM tenants WHERE name = 'rolled-back'`))[0].n).toBe(0);
  });

  it('a committed transaction leaves exactly one job, visible only after commit', async () => {
    let seenOutside = -1;
    await ds.transaction(async (m) => {
      await m.query(`INSERT INTO tenants (name) VALUES ('committed')`);
      await queue.enqueue('spec-jobs', { n: 'committed' }, { manager: m, requestId: 'req-q-1' });
      seenOutside = (await jobs()).filter((j) => j.data.n === 'committed').length;
    });
    expect(seenOutside).toBe(0);
    const committed = (await jobs()).filter((j) => j.data.n === 'committed');
    expect(committed).toHaveLength(1);
    expect(committed[0].data.__requestId).toBe('req-q-1');
  });

  it('enqueues outside a transaction and dedupes on a singleton key', async () => {
    expect(await queue.enqueue('spec-jobs', { n: 'single' }, { singletonKey: 'same' })).toEqual(expect.any(String));
    expect(await queue.enqueue('spec-jobs', { n: 'single' }, { singletonKey: 'same' })).toBeNull();
    expect(await ds.transaction((m) => queue.enqueue('spec-jobs', { n: 'single' }, { singletonKey: 'same', manager: m }))).toBeNull();
    expect(await ds.transaction((m) => queue.enqueue('spec-jobs', { n: 'single' }, { singletonKey: 'other', manager: m }))).toEqual(expect.any(String));
    expect((await jobs()).filter((j) => j.data.n === 'single')).toHaveLength(2);
  });

  it('a worker handles an enqueued job', async () => {
    const worker = new PgBossQueue(db.url, { worker: true, pollSeconds: 0.5 });
    worker.define({ name: 'spec-work' });
    const seen: unknown[] = [];
    let done!: () => void;
    const handled = new Promise<void>((r) => (done = r));
    worker.handle<{ x: number }>('spec-work', async (data, ctx) => {
      seen.push({ x: data.x, requestId: ctx.requestId });
      done();
    });
    await worker.start();
    try {
      await worker.enqueue('spec-work', { x: 42 }, { requestId: 'r-42' });
      await handled;
      expect(seen).toEqual([{ x: 42, requestId: 'r-42' }]);
    } finally {
      await worker.stop();
    }
  });
  it('a batched queue runs a batch concurrently and settles each job on its own: only the failed one is retried', async () => {
    const def = { name: 'spec-batch', batchSize: 4, concurrency: 4, retryLimit: 2, retryDelaySeconds: 1 };
    queue.define(def);
    await queue.stop();
    await queue.start(); // creates the new queue (no worker in this instance)
    await queue.enqueueMany(
      'spec-batch',
      Array.from({ length: 9 }, (_, x) => ({ data: { x } })),
    );
    const worker = new PgBossQueue(db.url, { worker: true, pollSeconds: 0.5 });
    worker.define(def);
    const attempts: Array<{ x: number; retry: number }> = [];
    let running = 0;
    let most = 0;
    let done!: () => void;
    const finished = new Promise<void>((r) => (done = r));
    worker.handle<{ x: number }>('spec-batch', async (data, ctx) => {
      attempts.push({ x: data.x, retry: ctx.retryCount });
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 50));
      running--;
      if (data.x === 3 && ctx.retryCount === 0) throw new Error('first attempt of job 3 fails');
      if (attempts.length === 10) done();
    });
    await worker.start();
    try {
      await finished;
      await new Promise((r) => setTimeout(r, 300)); // the batch settles after its handler
      const byX = new Map<number, number[]>();
      for (const a of attempts) byX.set(a.x, [...(byX.get(a.x) ?? []), a.retry]);
      expect([...byX.keys()].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
      expect(byX.get(3)).toEqual([0, 1]);
      for (const x of [0, 1, 2, 4, 5, 6, 7, 8]) expect(byX.get(x)).toEqual([0]);
      expect(most).toBeGreaterThan(1);
      const states = (await ds.query(`SELECT data->>'x' AS x, state FROM pgboss.job WHERE name = 'spec-batch' ORDER BY 1`)) as Array<{
        x: string;
        state: string;
      }>;
      expect(states.map((r) => r.state)).toEqual(Array(9).fill('completed'));
    } finally {
      await worker.stop();
    }
  });
});

describe("how a queue's concurrency is spread over workers", () => {
  it('batchSize jobs per fetch, as many workers as concurrency needs; defaults 4 and 1; never more per batch than concurrency', () => {
    expect(workerShape(undefined)).toEqual({ workers: 4, batchSize: 1 });
    expect(workerShape({ name: 'q', concurrency: 8, batchSize: 4 })).toEqual({ workers: 2, batchSize: 4 });
    expect(workerShape({ name: 'q', concurrency: 6, batchSize: 4 })).toEqual({ workers: 2, batchSize: 4 });
    expect(workerShape({ name: 'q', concurrency: 2, batchSize: 8 })).toEqual({ workers: 1, batchSize: 2 });
    expect(workerShape({ name: 'q', concurrency: 0, batchSize: 0 })).toEqual({ workers: 1, batchSize: 1 });
  });
});

describe('first-owner bootstrap', () => {
  it('embedded defaults: admin@localhost, password only in initial-admin.txt (0600), and it logs in', async () => {
    const db = await createTestDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), 'ss-boot-'));
    // Embedded-mode config (no DATABASE_URL), pointed at a test database instead of starting a second PostgreSQL.
    const config = { ...loadConfig({ DATA_DIR: dataDir, PORT: String(await freePort()), INTERCOM_CLIENT_ID: 'x', INTERCOM_CLIENT_SECRET: 'y' }) };
    const logs: string[] = [];
    const stream = new PassThrough();
    stream.on('data', (c: Buffer) => logs.push(c.toString('utf8')));
    const app = await createApp({ config, databaseUrl: db.url, logStream: stream, publicDir: join(dataDir, 'public') });
    try {
      expect(app.bootstrap).toMatchObject({ created: true, email: 'admin@localhost', passwordFile: join(dataDir, 'initial-admin.txt') });
      const file = join(dataDir, 'initial-admin.txt');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const password = /password: (\S+)/.exec(readFileSync(file, 'utf8'))![1];
      expect(password.length).toBeGreaterThanOrEqual(20);
      const token = await login(app.url, 'admin@localhost', password);
      const projects = await api(app.url, 'GET', '/v1/config/projects', { token });
      expect(projects.json.data).toMatchObject([{ slug: 'default', isDefault: true }]);
      expect(logs.join('')).not.toContain(password);
      // A second start does not create another owner.
      const again = await app.app.get(AuthService).bootstrapOwner();
      expect(again).toEqual({ created: false });
    } finally {
      await app.close();
      await db.drop();
    }
  });
});
