import { Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { AppError, metricsRegistry } from '@app/core';
import { hashPassword, matchPassword } from '../password';

/** `top`: an address that logged in to this account before; `high`: no failure from the address this minute. */
export type GatePriority = 'top' | 'high' | 'low';
const PRIORITIES: GatePriority[] = ['top', 'high', 'low'];

/**
 * At most `concurrency` tasks at once; the rest wait in three classes (top first), and within a class round-robin by
 * key (a client address), so one busy key cannot make another wait behind all of its tasks. Full → RATE_LIMITED.
 * No npm queue fits: p-limit/p-queue have no per-key fairness, and this is the one place that needs it.
 */
export class FairGate {
  private running = 0;
  private waitingCount = 0;
  /** Per class: key → waiting tasks. Map order is the rotation: a served key moves to the back. */
  private readonly waiting: Record<GatePriority, Map<string, Array<() => void>>> = { top: new Map(), high: new Map(), low: new Map() };

  constructor(
    readonly concurrency: number,
    readonly maxWaiting: number,
    readonly maxWaitingPerKey: number,
  ) {}

  get stats() {
    return { running: this.running, waiting: this.waitingCount };
  }

  /** Would a task wait now? */
  get busy(): boolean {
    return this.running >= this.concurrency || this.waitingCount > 0;
  }

  async run<T>(key: string, priority: GatePriority, task: () => Promise<T>): Promise<T> {
    if (this.running < this.concurrency && this.waitingCount === 0) this.running++;
    else {
      const q = this.waiting[priority].get(key);
      if (this.waitingCount >= this.maxWaiting || (q?.length ?? 0) >= this.maxWaitingPerKey) {
        throw new AppError('RATE_LIMITED', 'Too many password checks in progress: retry in a second', { retryAfter: 1 }, { 'Retry-After': '1' });
      }
      await new Promise<void>((resolve) => {
        if (q) q.push(resolve);
        else this.waiting[priority].set(key, [resolve]);
        this.waitingCount++;
      });
      // The slot was handed over by release(): `running` already counts this task.
    }
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private release(): void {
    for (const priority of PRIORITIES) {
      const classQueue = this.waiting[priority];
      const first = classQueue.entries().next();
      if (first.done) continue;
      const [key, q] = first.value;
      const wake = q.shift()!;
      classQueue.delete(key);
      if (q.length) classQueue.set(key, q);
      this.waitingCount--;
      wake();
      return;
    }
    this.running--;
  }
}

/**
 * Two password checks at a time per process (scrypt runs on libuv's 4-thread pool, which DNS lookups and file reads
 * share), up to 256 waiting, 4 per client and class. Logins from an address that logged in to the account before go
 * first, then those from addresses with no failure this minute.
 */
export const HASH_CONCURRENCY = 2;

const passwordChecks = new Counter({
  name: 'sigsentry_password_hashes_total',
  help: 'scrypt runs (password checks and new passwords), by purpose',
  labelNames: ['purpose'],
  registers: [metricsRegistry],
});

const gateWaiting = new Gauge({
  name: 'sigsentry_password_hash_queue',
  help: 'Password hashing tasks waiting for a slot',
  registers: [metricsRegistry],
});

@Injectable()
export class PasswordHasher {
  private readonly gate = new FairGate(HASH_CONCURRENCY, 256, 4);

  /** Index of the matching stored hash, or -1 (see matchPassword). */
  match(password: string, stored: string[], clientKey: string, priority: GatePriority): Promise<number> {
    return this.gated(clientKey, priority, 'login', () => matchPassword(password, stored));
  }

  hash(password: string, clientKey: string, reuseSaltOf?: string | null): Promise<string> {
    return this.gated(clientKey, 'low', 'new_password', () => hashPassword(password, reuseSaltOf));
  }

  private async gated<T>(key: string, priority: GatePriority, purpose: string, task: () => Promise<T>): Promise<T> {
    try {
      return await this.gate.run(key, priority, () => {
        passwordChecks.inc({ purpose });
        gateWaiting.set(this.gate.stats.waiting);
        return task();
      });
    } finally {
      gateWaiting.set(this.gate.stats.waiting);
    }
  }
}
