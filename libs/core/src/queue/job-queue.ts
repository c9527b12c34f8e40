import type { EntityManager } from 'typeorm';

export interface EnqueueOptions {
  /** Enqueue inside this transaction: the job exists only if the transaction commits. */
  manager?: EntityManager;
  /** Dedupe key: a second job with the same key while one is queued/active is not created. */
  singletonKey?: string;
  startAfterSeconds?: number;
  /** Carried into the job's logs (request id of the webhook that caused it). */
  requestId?: string;
}

export interface JobContext {
  id: string;
  retryCount: number;
  requestId?: string;
  /**
   * Aborted when this job was released back to the queue (shutdown grace over, or its claim lost): the job will run
   * again elsewhere, so a handler that sees it should stop before its next side effect.
   */
  signal?: AbortSignal;
}

export type JobHandler<T> = (data: T, ctx: JobContext) => Promise<void>;

export interface QueueDefinition {
  name: string;
  retryLimit?: number;
  retryDelaySeconds?: number;
  retryBackoff?: boolean;
  expireInSeconds?: number;
  /** Worker concurrency in this process: at most this many of the queue's jobs run at once. */
  concurrency?: number;
  /**
   * Jobs claimed per fetch (default 1), run concurrently; each settles on its own (one job's failure retries only that
   * job). While fetches come back full the workers fetch again at once instead of waiting the polling interval, so a
   * backlog drains at the speed of the handlers. For short jobs; keep 1 for long ones (a batch's next fetch waits for
   * its slowest job).
   */
  batchSize?: number;
  /**
   * A running job's worker must prove it is alive this often (seconds, ≥ 10); a job whose worker died (SIGKILL,
   * OOM, lost host) is retried after this instead of after `expireInSeconds`. Default 30.
   */
  heartbeatSeconds?: number;
}

/** The small port every feature uses to enqueue and handle jobs (pg-boss behind it). */
export abstract class JobQueue {
  abstract enqueue<T extends object>(queue: string, data: T, opts?: EnqueueOptions): Promise<string | null>;
  /** Many jobs in one statement (inside `manager`'s transaction when given): the group-commit path of webhook ingest. */
  abstract enqueueMany<T extends object>(queue: string, items: Array<{ data: T; requestId?: string }>, opts?: Pick<EnqueueOptions, 'manager'>): Promise<void>;
  abstract define(def: QueueDefinition): void;
  abstract handle<T>(queue: string, handler: JobHandler<T>): void;
}

/**
 * A queue as the feature that owns it declares it, once: its name, its options and (as a type) the payload of its
 * jobs. Only the owner calls `define`; others enqueue or handle by `spec.name` with `JobOf<typeof spec>`.
 */
export type QueueSpec<T extends object> = QueueDefinition & { readonly __payload?: T };

export function declareQueue<T extends object>(def: QueueDefinition): QueueSpec<T> {
  return def;
}

/** The payload of a declared queue's jobs. */
export type JobOf<Q> = Q extends QueueSpec<infer T> ? T : never;
