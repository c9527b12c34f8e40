import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { Inject, Injectable, Logger, OnModuleDestroy, Optional } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@app/core';

/** A granted query slot; release it when the query is done (a lease the holder keeps alive until then). */
export interface SlotLease {
  release(): Promise<void>;
}

/** What the analysis pipeline needs from the slots: wait in line for one, or give up at `waitUntil`. */
export interface SlotGate {
  /** A slot of `source`, first in first out, or null when `waitUntil` (epoch ms) passed first. */
  acquire(source: { id: string; projectId: string }, o: { waitUntil: number; purpose: string; signal?: AbortSignal }): Promise<SlotLease | null>;
}

export interface SlotTimings {
  /** A running slot whose holder stops refreshing it is freed after this long (a crashed worker). */
  leaseMs: number;
  /** How often a holder refreshes its running lease. */
  heartbeatMs: number;
  /** A waiting ticket not refreshed for this long is dropped (its waiter died), so it does not block the line. */
  waitTicketMs: number;
  /** Longest pause between two looks at the line (another worker's release is seen within this). */
  maxPollMs: number;
}

/** Optional provider of other timings (tests of expiry). */
export const SLOT_TIMINGS = Symbol('LOG_SOURCE_SLOT_TIMINGS');

export const DEFAULT_SLOT_TIMINGS: SlotTimings = { leaseMs: 30_000, heartbeatMs: 10_000, waitTicketMs: 10_000, maxPollMs: 500 };

/** Advisory-lock class for the slot line of one log source (the second key is the source id's hash). */
const LOCK_CLASS = 0x51_07;

function rowsOf<T>(res: unknown): T[] {
  // TypeORM's postgres driver answers [rows, affected] for UPDATE/DELETE … RETURNING and rows otherwise.
  if (Array.isArray(res) && res.length === 2 && Array.isArray(res[0]) && typeof res[1] === 'number') return res[0] as T[];
  return Array.isArray(res) ? (res as T[]) : [];
}

/**
 * At most LOG_SOURCE_CONCURRENCY queries at a time per log source, across every worker, coordinated in PostgreSQL:
 * each query takes a ticket in `log_source_slots`; tickets are granted first in, first out per source, under a
 * transaction-scoped advisory lock on that source; tickets are leases (refreshed while waiting and while running), so
 * a crashed worker's slot frees itself once its lease runs out. Waiters poll (at most every `maxPollMs`), and a release
 * in this process wakes its local waiters at once.
 */
@Injectable()
export class LogSourceSlots implements SlotGate, OnModuleDestroy {
  private readonly logger = new Logger('log-source-slots');
  private readonly holder: string;
  private readonly released = new EventEmitter();
  private readonly beats = new Set<NodeJS.Timeout>();
  private closed = false;
  private readonly limit: number;
  private readonly timings: SlotTimings;

  constructor(
    private readonly ds: DataSource,
    @Inject(APP_CONFIG) config: Pick<AppConfig, 'logSourceConcurrency'>,
    @Optional() @Inject(SLOT_TIMINGS) timings?: Partial<SlotTimings>,
  ) {
    this.limit = Math.max(1, config.logSourceConcurrency);
    this.timings = { ...DEFAULT_SLOT_TIMINGS, ...(timings ?? {}) };
    this.holder = `${hostname()}:${process.pid}`;
    this.released.setMaxListeners(0);
  }

  async acquire(source: { id: string; projectId: string }, o: { waitUntil: number; purpose: string; signal?: AbortSignal }): Promise<SlotLease | null> {
    const holder = `${this.holder} ${o.purpose}`.slice(0, 200);
    let ticket = await this.enqueue(source, holder);
    let pause = 20;
    try {
      for (;;) {
        const state = await this.tryGrant(source.id, ticket);
        if (state === 'granted') return this.lease(ticket, source.id);
        // Our ticket expired (this process stalled longer than waitTicketMs): take a new one at the back of the line.
        if (state === 'lost') ticket = await this.enqueue(source, holder);
        const left = o.waitUntil - Date.now();
        if (left <= 0 || o.signal?.aborted) {
          await this.drop(ticket);
          return null;
        }
        await this.pause(source.id, Math.min(pause, left), o.signal);
        pause = Math.min(pause * 2, this.timings.maxPollMs);
      }
    } catch (e) {
      await this.drop(ticket).catch(() => undefined);
      throw e;
    }
  }

  /**
   * Stops refreshing this process's leases (shutdown): a query still running keeps its slot until its lease runs out,
   * as if the process had died, and nothing more is written to a database that may be closing.
   */
  onModuleDestroy(): void {
    this.closed = true;
    for (const b of this.beats) clearInterval(b);
    this.beats.clear();
  }

  /** Tickets of a source right now (tests and operators). */
  async line(sourceId: string): Promise<Array<{ state: string; holder: string }>> {
    return this.ds.query(`SELECT state, holder FROM log_source_slots WHERE "logSourceId" = $1 AND "expiresAt" >= clock_timestamp() ORDER BY "enqueuedAt", id`, [
      sourceId,
    ]);
  }

  private async enqueue(source: { id: string; projectId: string }, holder: string): Promise<string> {
    const rows = rowsOf<{ id: string }>(
      await this.ds.query(
        `INSERT INTO log_source_slots ("logSourceId", "projectId", holder, state, "enqueuedAt", "expiresAt")
         VALUES ($1, $2, $3, 'waiting', clock_timestamp(), clock_timestamp() + $4 * interval '1 millisecond') RETURNING id`,
        [source.id, source.projectId, holder, this.timings.waitTicketMs],
      ),
    );
    return rows[0].id;
  }

  private tryGrant(sourceId: string, ticket: string): Promise<'granted' | 'waiting' | 'lost'> {
    return this.ds.transaction(async (m: EntityManager) => {
      await m.query(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, [LOCK_CLASS, sourceId]);
      await m.query(`DELETE FROM log_source_slots WHERE "logSourceId" = $1 AND "expiresAt" < clock_timestamp()`, [sourceId]);
      const mine = rowsOf<{ id: string }>(
        await m.query(
          `UPDATE log_source_slots SET "expiresAt" = clock_timestamp() + $2 * interval '1 millisecond' WHERE id = $1 AND state = 'waiting' RETURNING id`,
          [ticket, this.timings.waitTicketMs],
        ),
      );
      if (mine.length === 0) return 'lost';
      const granted = rowsOf<{ id: string }>(
        await m.query(
          `UPDATE log_source_slots SET state = 'running', "grantedAt" = clock_timestamp(), "expiresAt" = clock_timestamp() + $4 * interval '1 millisecond'
           WHERE id = $2 AND id IN (
             SELECT id FROM log_source_slots WHERE "logSourceId" = $1 AND state = 'waiting' ORDER BY "enqueuedAt", id
             LIMIT GREATEST(0, $3 - (SELECT count(*) FROM log_source_slots WHERE "logSourceId" = $1 AND state = 'running'))
           ) RETURNING id`,
          [sourceId, ticket, this.limit, this.timings.leaseMs],
        ),
      );
      return granted.length ? 'granted' : 'waiting';
    });
  }

  private lease(ticket: string, sourceId: string): SlotLease {
    const beat = setInterval(() => {
      // Shut down (or the database is gone): the lease runs out by itself, as a crashed worker's would.
      if (this.closed || !this.ds.isInitialized) {
        clearInterval(beat);
        this.beats.delete(beat);
        return;
      }
      this.ds
        .query(`UPDATE log_source_slots SET "expiresAt" = clock_timestamp() + $2 * interval '1 millisecond' WHERE id = $1 AND state = 'running'`, [
          ticket,
          this.timings.leaseMs,
        ])
        .catch((err: unknown) => this.logger.warn({ event: 'log_source_slot.heartbeat_failed', sourceId, err }, 'could not refresh a log-source slot lease'));
    }, this.timings.heartbeatMs);
    beat.unref();
    this.beats.add(beat);
    if (this.closed) {
      clearInterval(beat);
      this.beats.delete(beat);
    }
    let done = false;
    return {
      release: async () => {
        if (done) return;
        done = true;
        clearInterval(beat);
        this.beats.delete(beat);
        try {
          await this.drop(ticket);
        } finally {
          this.released.emit(sourceId);
        }
      },
    };
  }

  private async drop(ticket: string): Promise<void> {
    await this.ds.query(`DELETE FROM log_source_slots WHERE id = $1`, [ticket]);
  }

  private pause(sourceId: string, ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(t);
        this.released.off(sourceId, finish);
        signal?.removeEventListener('abort', finish);
        resolve();
      };
      const t = setTimeout(finish, Math.max(1, ms));
      this.released.on(sourceId, finish);
      signal?.addEventListener('abort', finish, { once: true });
    });
  }
}
