import { Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { JobResult, JobWithMetadata, PgBoss } from 'pg-boss' with { 'resolution-mode': 'import' };
import { EnqueueOptions, JobHandler, JobQueue, QueueDefinition } from './job-queue';
import { PreparingClient } from '../database/prepared-statements';

type PgBossT = PgBoss;

function managerDb(manager: EntityManager) {
  return {
    executeSql: async (text: string, values?: unknown[]) => {
      // Inside a transaction the manager has its query runner: ask it for the structured result (rows).
      const qr = manager.queryRunner;
      if (qr) {
        const r = await qr.query(text, values as unknown[], true);
        return { rows: (r as { records?: unknown[] } | undefined)?.records ?? [] };
      }
      const r = await manager.query(text, values as unknown[]);
      return { rows: Array.isArray(r) ? r : [] };
    },
  };
}

/**
 * How a queue's concurrency is spread over pg-boss workers: `batchSize` jobs per fetch, and as many workers as it takes
 * to run `concurrency` jobs at once.
 */
export function workerShape(def: QueueDefinition | undefined): { workers: number; batchSize: number } {
  const concurrency = Math.max(1, def?.concurrency ?? 4);
  const batchSize = Math.max(1, Math.min(def?.batchSize ?? 1, concurrency));
  return { workers: Math.ceil(concurrency / batchSize), batchSize };
}

/**
 * pg-boss in the same PostgreSQL. Workers are woken by LISTEN/NOTIFY (queues are created with notify: true)
 * and keep a short poll as the safety net.
 */
export class PgBossQueue extends JobQueue {
  private readonly logger = new Logger('queue');
  private boss: PgBossT | null = null;
  private readonly defs = new Map<string, QueueDefinition>();
  private readonly handlers = new Map<string, JobHandler<unknown>>();
  private started = false;
  private running = 0;

  constructor(
    private readonly databaseUrl: string,
    private readonly opts: {
      worker: boolean;
      pollSeconds?: number;
      schema?: string;
      /** DATABASE_PREPARED_STATEMENTS (default on) */ preparedStatements?: boolean;
    },
  ) {
    super();
  }

  define(def: QueueDefinition): void {
    this.defs.set(def.name, def);
  }

  handle<T>(queue: string, handler: JobHandler<T>): void {
    this.handlers.set(queue, handler as JobHandler<unknown>);
  }

  async start(): Promise<void> {
    if (this.started) return;
    // pg-boss is ESM-only; Node's require(esm) loads it from our CommonJS output.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a static import would be compiled to an ESM import TypeScript refuses in CommonJS
    const mod = require('pg-boss') as { PgBoss?: typeof PgBoss; default?: typeof PgBoss };
    const PgBossClass = (mod.PgBoss ?? mod.default) as typeof PgBoss;
    this.boss = new PgBossClass({
      connectionString: this.databaseUrl,
      schema: this.opts.schema ?? 'pgboss',
      // Only a process that works jobs listens: every NOTIFY (one per committed group of jobs) signals each listening
      // backend, and an api process has nothing to wake.
      useListenNotify: !!this.opts.worker,
      max: 10,
      application_name: 'sigsentry-queue',
      // Its claims, completions and inserts are the same few texts all day: prepared once per connection.
      ...(this.opts.preparedStatements === false ? {} : { Client: PreparingClient }),
      // Expiry and heartbeat checks run in the supervise pass (default every 60 s): a job whose worker was killed
      // would wait up to expireInSeconds + 60 s. Check every 5 s so a lost job is retried within seconds.
      superviseIntervalSeconds: 5,
      monitorIntervalSeconds: 5,
    });
    // Log the message and code only: a pg error carries its whole client object (connection parameters).
    this.boss.on('error', (err: Error & { code?: string }) =>
      this.logger.warn({ event: 'queue.error', error: String(err?.message ?? err), pgCode: err?.code }, 'queue.error'),
    );
    await this.boss.start();
    for (const def of this.defs.values()) {
      const options = {
        retryLimit: def.retryLimit ?? 5,
        retryDelay: def.retryDelaySeconds ?? 1,
        retryBackoff: def.retryBackoff ?? true,
        retryDelayMax: 300,
        expireInSeconds: def.expireInSeconds ?? 300,
        heartbeatSeconds: Math.max(10, def.heartbeatSeconds ?? 30),
        notify: true,
      };
      const existing = await this.boss.getQueue(def.name);
      if (!existing) await this.boss.createQueue(def.name, options);
      else await this.boss.updateQueue(def.name, options);
    }
    if (this.opts.worker) {
      for (const [name, handler] of this.handlers) {
        const def = this.defs.get(name);
        const { workers, batchSize } = workerShape(def);
        await this.boss.work(
          name,
          {
            localConcurrency: workers,
            batchSize,
            // A full batch means more may be waiting: fetch again at once (a short one falls back to NOTIFY + polling).
            burstWhenBatchFull: batchSize > 1,
            perJobResults: true,
            pollingIntervalSeconds: this.opts.pollSeconds ?? 1,
            notifyPollingIntervalSeconds: this.opts.pollSeconds ?? 1,
            includeMetadata: true,
          },
          (jobs: JobWithMetadata<Record<string, unknown>>[]) => Promise.all(jobs.map((job) => this.runOne(handler, job))),
        );
      }
    }
    this.started = true;
  }

  /** One job of a batch: settles on its own, so a failure retries only this job (the error is its output). */
  private async runOne(handler: JobHandler<unknown>, job: JobWithMetadata<Record<string, unknown>>): Promise<JobResult> {
    this.running++;
    try {
      await handler(job.data, {
        id: job.id,
        retryCount: job.retryCount ?? 0,
        requestId: typeof job.data?.__requestId === 'string' ? job.data.__requestId : undefined,
        signal: job.signal,
      });
      return { id: job.id, status: 'completed' };
    } catch (e) {
      return { id: job.id, status: 'failed', output: e instanceof Error ? e : new Error(String(e)) };
    } finally {
      this.running--;
    }
  }

  /** Shutdown, first step: this process takes no new job (running ones go on; enqueueing still works). */
  async stopWorkers(): Promise<void> {
    const boss = this.boss;
    if (!boss || !this.opts.worker) return;
    await Promise.all([...this.handlers.keys()].map((name) => boss.offWork(name, { wait: false }).catch(() => undefined)));
  }

  /**
   * Shutdown, last step: waits up to `graceMs` for running jobs to finish; any still running then is released — failed
   * back to the queue with its retry, so another worker runs it again (handlers are idempotent) — and the pool closes.
   */
  async stop(graceMs = 5000): Promise<void> {
    if (!this.boss) return;
    const boss = this.boss;
    const running = this.opts.worker ? this.activeJobs() : 0;
    await boss
      .stop({ graceful: true, timeout: Math.max(1000, graceMs) })
      .catch((e: unknown) => this.logger.warn({ event: 'queue.stop_failed', error: String(e) }));
    if (running) this.logger.log({ event: 'queue.stopped', runningAtStop: running }, 'queue stopped');
    this.boss = null;
    this.started = false;
  }

  /** Jobs this process's handlers are running now. */
  activeJobs(): number {
    return this.running;
  }

  async enqueue<T extends object>(queue: string, data: T, opts: EnqueueOptions = {}): Promise<string | null> {
    if (!this.boss) throw new Error('queue not started');
    const payload = opts.requestId ? { ...data, __requestId: opts.requestId } : data;
    const jobOptions: Record<string, unknown> = {};
    if (opts.singletonKey) jobOptions.singletonKey = opts.singletonKey;
    if (opts.startAfterSeconds) jobOptions.startAfter = opts.startAfterSeconds;
    const db = opts.manager ? managerDb(opts.manager) : this.boss.getDb();
    if (opts.manager) jobOptions.db = db;
    if (opts.singletonKey) {
      // pg-boss dedupes singleton keys only under special queue policies; ours are standard, so dedupe here:
      // a job with this key still created, retrying or active means no new job. Inside a transaction an
      // advisory lock serialises concurrent enqueuers until commit.
      if (opts.manager) await db.executeSql('SELECT pg_advisory_xact_lock(hashtext($1))', [`${queue}:${opts.singletonKey}`]);
      const schema = this.opts.schema ?? 'pgboss';
      const found = await db.executeSql(
        `SELECT 1 FROM ${schema}.job WHERE name = $1 AND singleton_key = $2 AND state IN ('created', 'retry', 'active') LIMIT 1`,
        [queue, opts.singletonKey],
      );
      if (found.rows.length) return null;
    }
    return this.boss.send(queue, payload, jobOptions);
  }

  async enqueueMany<T extends object>(queue: string, items: Array<{ data: T; requestId?: string }>, opts: Pick<EnqueueOptions, 'manager'> = {}): Promise<void> {
    if (!this.boss) throw new Error('queue not started');
    if (!items.length) return;
    const jobs = items.map((i) => ({ data: i.requestId ? { ...i.data, __requestId: i.requestId } : i.data }));
    await this.boss.insert(queue, jobs, opts.manager ? { db: managerDb(opts.manager) } : {});
  }

  /** Counts for /metrics and tests. */
  async stats(queue: string): Promise<{ queued: number; active: number }> {
    if (!this.boss) return { queued: 0, active: 0 };
    const q = await this.boss.getQueue(queue);
    return { queued: q?.queuedCount ?? 0, active: q?.activeCount ?? 0 };
  }

  async findJobs(queue: string): Promise<unknown[]> {
    return this.boss ? this.boss.findJobs(queue, {}) : [];
  }
}
