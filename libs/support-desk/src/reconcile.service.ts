import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '@app/core';
import { APP_CONFIG } from '@app/core';
import { BindingClient, BindingClients } from './binding-client';
import { IngestService } from './ingest.service';
import { ProviderError, SupportDeskRegistry } from './provider';
import { BindingEntity, ReconcileState } from './support-desk.entities';

/** Never look further back than this (a first run must not post into old conversations). */
export const RECONCILE_MAX_LOOKBACK_MS = 24 * 3600 * 1000;
/** The next run starts this much before the last one did (clock skew between Intercom and us); units dedupe. */
const OVERLAP_MS = 60_000;
/** A worker holds a binding's run this long at most (another worker takes over after a crash). */
const LEASE_SECONDS = 300;
/** Below this share of the rate budget, a run stops and the next one resumes from the same point. */
const RATE_RESERVE = 0.2;
/** The most conversations one run reads (the rest wait for the next run, from the same point). */
const MAX_READS_PER_RUN = 2000;

export interface ReconcileOutcome {
  bindingId: string;
  scanned: number;
  recovered: { conversations: number; replies: number };
  errors: string[];
  complete: boolean;
}

/**
 * Reconciliation (issue 16, contract §6): every INTERCOM_RECONCILE_SECONDS each active binding asks the platform for
 * conversations updated since its last seen point (paged, rate-limit aware) and handles any customer-started
 * conversation or customer reply whose webhook never arrived, as if it had: the event is recorded with its units
 * (IngestService), so whichever of webhook and reconciliation comes second does nothing. Never further back than
 * the later of the binding's (re)activation and 24 h ago. One binding at a time per worker; a lease in the binding
 * row lets one worker at a time (across replicas) reconcile a binding.
 */
@Injectable()
export class ReconcileService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('reconcile');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly ds: DataSource,
    private readonly clients: BindingClients,
    private readonly registry: SupportDeskRegistry,
    private readonly ingest: IngestService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private get every(): number {
    return this.config.intercom.reconcileSeconds;
  }

  onApplicationBootstrap(): void {
    // Workers reconcile (ROLE=all or worker); an api-only replica and the migrate role never do.
    if (!this.every || this.config.role === 'api' || this.config.role === 'migrate') return;
    const tickMs = Math.min(this.every, 30) * 1000;
    this.timer = setInterval(() => void this.tick(), tickMs);
    this.timer.unref();
    this.logger.log({ event: 'reconcile.started', everySeconds: this.every }, 'reconciliation of missed webhooks is on');
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** Reconciles every binding that is due, one at a time; a tick while one runs does nothing. */
  tick(): Promise<void> {
    if (this.running || this.stopped) return this.running ?? Promise.resolve();
    this.running = (async () => {
      try {
        for (let id = await this.claimDue(); id && !this.stopped; id = await this.claimDue()) await this.reconcileClaimed(id);
      } catch (e) {
        this.logger.error({ event: 'reconcile.tick_failed', err: (e as Error).message }, 'reconciliation tick failed');
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  /** Runs one binding now (tests, and an admin's "check now"), if no other worker holds it. */
  async reconcileNow(bindingId: string): Promise<ReconcileOutcome | null> {
    const rows = returned<{ id: string }>(
      await this.ds.query(
        `UPDATE support_desk_bindings SET "reconcileLeaseUntil" = now() + make_interval(secs => $2)
       WHERE id = $1 AND status = 'active' AND ("reconcileLeaseUntil" IS NULL OR "reconcileLeaseUntil" < now()) RETURNING id`,
        [bindingId, LEASE_SECONDS],
      ),
    );
    return rows.length ? this.reconcileClaimed(bindingId) : null;
  }

  /**
   * Takes the lease of the active binding that waited longest past its interval (one statement: one winner). A binding
   * is first reconciled one interval after its (re)activation: until then its webhooks have had no time to go missing.
   */
  private async claimDue(): Promise<string | null> {
    const rows = returned<{ id: string }>(
      await this.ds.query(
        `UPDATE support_desk_bindings SET "reconcileLeaseUntil" = now() + make_interval(secs => $2)
       WHERE id = (
         SELECT id FROM support_desk_bindings
         WHERE status = 'active' AND ("reconcileLeaseUntil" IS NULL OR "reconcileLeaseUntil" < now())
           AND COALESCE("reconciledAt", "installedAt") <= now() - make_interval(secs => $1)
         ORDER BY COALESCE("reconciledAt", "installedAt") LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING id`,
        [this.every, LEASE_SECONDS],
      ),
    );
    return rows[0]?.id ?? null;
  }

  private async reconcileClaimed(bindingId: string): Promise<ReconcileOutcome | null> {
    const b = await this.ds.getRepository(BindingEntity).findOne({ where: { id: bindingId } });
    if (!b || b.status !== 'active') {
      await this.ds.query(`UPDATE support_desk_bindings SET "reconcileLeaseUntil" = NULL WHERE id = $1`, [bindingId]);
      return null;
    }
    const startedAt = new Date();
    let out: ReconcileOutcome;
    let since: Date;
    try {
      ({ out, since } = await this.run(b, startedAt));
    } catch (e) {
      // never leave a binding leased after an unexpected failure
      since = this.floor(b, startedAt);
      out = { bindingId, scanned: 0, recovered: { conversations: 0, replies: 0 }, errors: [describe(e)], complete: false };
    }
    const prev = b.reconcileState;
    const state: ReconcileState = {
      lastRunAt: startedAt.toISOString(),
      since: since.toISOString(),
      scanned: out.scanned,
      recovered: out.recovered,
      recoveredTotal: (prev?.recoveredTotal ?? 0) + out.recovered.conversations + out.recovered.replies,
      errors: out.errors.slice(0, 5),
      lastOkAt: out.errors.length ? (prev?.lastOkAt ?? null) : new Date().toISOString(),
      // a complete run moves the point on; an interrupted one starts again from the same point
      nextSince: out.complete ? new Date(startedAt.getTime() - OVERLAP_MS).toISOString() : since.toISOString(),
    };
    await this.ds.query(`UPDATE support_desk_bindings SET "reconcileState" = $2::jsonb, "reconciledAt" = now(), "reconcileLeaseUntil" = NULL WHERE id = $1`, [
      bindingId,
      JSON.stringify(state),
    ]);
    b.reconcileState = state;
    const level = out.errors.length ? 'warn' : 'log';
    this.logger[level](
      { event: 'reconcile.run', bindingId, scanned: out.scanned, recovered: out.recovered, errors: out.errors.length, complete: out.complete },
      'reconciliation run',
    );
    return out;
  }

  /** The earliest point a run may look at: the later of the binding's (re)activation, the upgrade point and 24 h ago. */
  private floor(b: BindingEntity, now: Date): Date {
    const points = [b.installedAt?.getTime() ?? 0, b.reconcileSince?.getTime() ?? 0, now.getTime() - RECONCILE_MAX_LOOKBACK_MS];
    // platforms count in whole seconds: a conversation started in the second of the activation is after it
    return new Date(Math.floor(Math.max(...points) / 1000) * 1000);
  }

  private async run(b: BindingEntity, now: Date): Promise<{ out: ReconcileOutcome; since: Date }> {
    const floor = this.floor(b, now);
    const next = b.reconcileState?.nextSince;
    const since = new Date(Math.max(floor.getTime(), next ? Date.parse(next) : 0));
    const out: ReconcileOutcome = { bindingId: b.id, scanned: 0, recovered: { conversations: 0, replies: 0 }, errors: [], complete: false };
    const provider = this.registry.get(b.platform);
    const client = this.clients.for(b);
    const topics = new Set(b.subscriptions?.topics ?? []);
    let cursor: string | null = null;
    do {
      if (this.stopped || this.lowOnBudget(client)) return { out: this.interrupted(out, 'paused: rate budget low or shutting down'), since };
      let page;
      try {
        page = await client.updatedConversations(since, cursor);
      } catch (e) {
        out.errors.push(`search: ${describe(e)}`);
        return { out, since };
      }
      for (const c of page.conversations) {
        if (this.stopped || out.scanned >= MAX_READS_PER_RUN || this.lowOnBudget(client))
          return { out: this.interrupted(out, 'paused: read budget of this run used'), since };
        out.scanned++;
        try {
          await this.reconcileConversation(b, provider.platform, client, c.id, floor, topics, out);
        } catch (e) {
          out.errors.push(`conversation ${c.id}: ${describe(e)}`);
          if (e instanceof ProviderError && (e.kind === 'unauthorized' || e.kind === 'permission_missing')) return { out, since };
        }
      }
      cursor = page.next;
    } while (cursor);
    out.complete = out.errors.length === 0;
    return { out, since };
  }

  private interrupted(out: ReconcileOutcome, why: string): ReconcileOutcome {
    if (!this.stopped) out.errors.push(why);
    return out;
  }

  private lowOnBudget(client: BindingClient): boolean {
    const r = client.rateBudget();
    if (!r || r.remaining === null || r.limit === null || !r.limit) return false;
    if (r.resetAt !== null && r.resetAt <= Date.now()) return false;
    return r.remaining < r.limit * RATE_RESERVE;
  }

  /** Handles the units of one conversation that no webhook (or earlier run) brought. */
  private async reconcileConversation(
    b: BindingEntity,
    platform: string,
    client: BindingClient,
    conversationId: string,
    floor: Date,
    topics: Set<string>,
    out: ReconcileOutcome,
  ): Promise<void> {
    const provider = this.registry.get(platform);
    const raw = await client.readConversationRaw(conversationId);
    const units = provider.customerUnits(raw, b).filter((u) => u.at.getTime() >= floor.getTime());
    if (!units.length) return;
    const handled: Array<{ unit: string }> = await this.ds.query(
      `SELECT unit FROM support_desk_handled_units WHERE "bindingId" = $1 AND "conversationId" = $2 AND unit = ANY($3::varchar[])`,
      [b.id, conversationId, units.map((u) => u.unit)],
    );
    const done = new Set(handled.map((h) => h.unit));
    const missing = units.map((u) => u.unit).filter((u) => !done.has(u));
    if (!missing.length) return;
    const built = provider.reconciledEvent(raw, b, missing);
    if (!built || !topics.has(built.event.topic)) return;
    const id = await this.ingest.recordReconciled(platform, b, built.payload, built.event);
    if (!id) return;
    if (built.event.action === 'triage') out.recovered.conversations++;
    else if (built.event.action === 'retriage') out.recovered.replies += missing.length;
    this.logger.log(
      { event: 'reconcile.recovered', bindingId: b.id, eventId: id, topic: built.event.topic, units: missing.length },
      'missed webhook recovered',
    );
  }
}

/** TypeORM answers an UPDATE … RETURNING on PostgreSQL as [rows, count]; a SELECT as rows. */
function returned<T>(r: unknown): T[] {
  return (Array.isArray(r) && Array.isArray(r[0]) ? r[0] : r) as T[];
}

function describe(e: unknown): string {
  if (e instanceof ProviderError) return `${e.kind}: ${e.message}`.slice(0, 300);
  return String((e as Error)?.message ?? e).slice(0, 300);
}
