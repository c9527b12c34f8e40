import { Injectable, Logger } from '@nestjs/common';
import { isUtf8 } from 'node:buffer';
import { DataSource, QueryFailedError } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { webhookEvents, JobQueue } from '@app/core';
import { Answer } from './http/doors';
import { LiveBindings } from './live-bindings.service';
import { BindingEntity, SupportDeskEventEntity } from './support-desk.entities';
import { NormalizedEvent, ProviderError, SupportDeskProvider, SupportDeskRegistry } from './provider';
import { storableJson } from './storable-json';
import { SUPPORT_DESK_EVENT_QUEUE, SupportDeskEventJob } from './support-desk.queues';
const DB_DEADLINE_MS = 2000;
/**
 * Commits running at once before webhooks start to wait for the next group, and the largest group. One: a group's
 * statements cost about as much once per group as per event (pg-boss's job insert alone ≈ 0.35 ms of PostgreSQL per
 * call), so fewer, larger groups are cheaper. Measured with `bench/webhook-ingest` at max (50 connections): with one
 * commit at a time ≈ 100 µs of api and ≈ 95 µs of PostgreSQL CPU per webhook and 4.8–5.0k webhooks/s; with two,
 * ≈ 120 and ≈ 130 µs and 4.4–4.8k/s; with four or eight, fewer webhooks/s again. At low load every webhook still
 * commits at once.
 */
const GROUP_CONCURRENCY = 1;
const GROUP_MAX = 200;
/**
 * Events per job: a group's acting events share jobs (a job's insert costs PostgreSQL about as much as an event row:
 * pg-boss's job table has four indexes and a foreign key), at most this many each, so that a large group still spreads
 * over several jobs and workers. `bench/webhook-ingest` at max, alternating runs on one machine (2 Dec): PostgreSQL
 * CPU per webhook 214–249 µs with one job per webhook, 157–217 with 25 events a job, 163–173 with one job per group.
 */
const EVENTS_PER_JOB = 50;

type EventRow = Omit<EventColumns, 'payload'> & {
  /**
   * The payload as UTF-8 JSON text: a webhook's body as received (already parsed once to check it; serialising the
   * parsed object again would cost the api as much as parsing), a reconciled event's payload serialised once; cleaned
   * of what jsonb refuses (storableJson, see payloadBytes).
   */
  payloadBytes: Buffer;
  /** The customer content the event brings (ConversationUnit keys): it is handled once, by this event or an earlier one. */
  units?: string[];
};

type EventColumns = Pick<
  SupportDeskEventEntity,
  | 'platform'
  | 'notificationId'
  | 'topic'
  | 'event'
  | 'action'
  | 'workspaceId'
  | 'bindingId'
  | 'conversationId'
  | 'payload'
  | 'requestId'
  | 'status'
  | 'processedAt'
>;

/**
 * Group commit: while GROUP_CONCURRENCY groups are being committed, new items wait and leave together in the next
 * group. At low load every item is committed at once (no added latency); under load the number of commits stays
 * flat while the group size grows.
 */
export class GroupCommitter<T, R> {
  private waiting: Array<{ item: T; resolve: (r: R) => void; reject: (e: unknown) => void }> = [];
  private running = 0;

  constructor(
    private readonly run: (items: T[]) => Promise<Array<R | Error>>,
    private readonly concurrency = GROUP_CONCURRENCY,
    private readonly max = GROUP_MAX,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.concurrency && this.waiting.length) {
      const group = this.waiting.splice(0, this.max);
      this.running++;
      this.run(group.map((g) => g.item))
        .then(
          (results) => group.forEach((g, i) => (results[i] instanceof Error ? g.reject(results[i]) : g.resolve(results[i] as R))),
          (e) => group.forEach((g) => g.reject(e)),
        )
        .finally(() => {
          this.running--;
          this.pump();
        });
    }
  }
}

function timeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(Object.assign(new Error('database deadline'), { deadline: true })), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e) => (clearTimeout(t), reject(e)),
    );
  });
}

/**
 * The bytes to store for a webhook's payload: the body as received when it is valid UTF-8 and jsonb-safe as it is
 * (storableJson), else the text it was parsed from (invalid UTF-8 read as U+FFFD), cleaned where needed, encoded.
 */
function payloadBytes(payload: unknown, body: Buffer, text: string): Buffer {
  const stored = storableJson(payload, text);
  return stored === text && isUtf8(body) ? body : Buffer.from(stored);
}

const unitKey = (bindingId: string, conversationId: string, unit: string) => `${bindingId}\n${conversationId}\n${unit}`;

/**
 * The units a group's acting events (not only recorded, with a conversation) would claim, in group order; of several
 * requests with one notification id only the first (the one that can own the row) claims.
 */
function unitKeys(items: EventRow[]): Array<{ platform: string; notificationId: string; bindingId: string; conversationId: string; unit: string }> {
  const keys = [];
  const seen = new Set<string>();
  for (const it of items) {
    const first = !seen.has(`${it.platform}\n${it.notificationId}`);
    seen.add(`${it.platform}\n${it.notificationId}`);
    if (first && it.action !== 'record' && it.conversationId)
      for (const unit of it.units ?? [])
        keys.push({ platform: it.platform, notificationId: it.notificationId, bindingId: it.bindingId, conversationId: it.conversationId, unit });
  }
  return keys;
}

/**
 * Unit ownership: the first event (in group order) to bring a unit this group claimed owns it. Answers the ids of the
 * events that brought units but own none of them (all handled before): they are only recorded.
 */
function eventsOwningNoUnit(acting: Array<{ id: string; it: EventRow }>, claimed: Set<string>): string[] {
  const bringing = new Set<string>();
  const owners = new Set<string>();
  for (const { id, it } of acting) {
    if (!it.conversationId) continue;
    for (const u of it.units ?? []) {
      bringing.add(id);
      if (claimed.delete(unitKey(it.bindingId, it.conversationId, u))) owners.add(id);
    }
  }
  return [...bringing].filter((id) => !owners.has(id));
}

/**
 * Record ▸ enqueue ▸ answer (contract §6), after the platform's signature guard verified the raw bytes. The event row
 * and the job that brings it are committed in one transaction; redeliveries are no-ops thanks to the unique notification id.
 */
@Injectable()
export class IngestService {
  private readonly logger = new Logger('webhook');
  private readonly batcher = new GroupCommitter<EventRow, string | null>((items) => this.recordGroup(items));
  /** When this process last moved each binding's `lastEventAt` (ms). */
  private readonly lastEventWritten = new Map<string, number>();

  constructor(
    private readonly ds: DataSource,
    private readonly registry: SupportDeskRegistry,
    private readonly queue: JobQueue,
    private readonly live: LiveBindings,
  ) {}

  /** A verified webhook body: parse, normalise, and record it with its job (or say why not). */
  async ingest(platform: string, body: Buffer, requestId: string): Promise<Answer> {
    const provider = this.registry.get(platform);
    let payload: unknown;
    const text = body.toString('utf8');
    try {
      payload = JSON.parse(text);
    } catch {
      return this.refuse(platform, 400, 'malformed', 'body is not JSON', requestId);
    }
    let ev: NormalizedEvent;
    try {
      ev = provider.normalizeEvent(payload, null);
    } catch (e) {
      return this.refuse(platform, 400, 'malformed', e instanceof ProviderError ? e.message : 'not a notification', requestId);
    }
    if (ev.kind === 'ping') return this.refuse(platform, 200, 'ping', 'ping acknowledged', requestId);
    if (ev.kind === 'unknown' || ev.action === 'ignore') return this.refuse(platform, 200, 'unknown_topic', `topic ${ev.topic} not handled`, requestId);

    try {
      return await timeout(this.record(platform, provider, payload, body, text, ev, requestId), DB_DEADLINE_MS);
    } catch (e) {
      this.logger.error({ event: 'webhook.db_unavailable', requestId, err: (e as Error).message }, 'could not record webhook');
      return this.refuse(platform, 503, 'db_unavailable', 'database unavailable, retry later', requestId);
    }
  }

  private async record(
    platform: string,
    provider: SupportDeskProvider,
    payload: unknown,
    body: Buffer,
    text: string,
    ev: NormalizedEvent,
    requestId: string,
  ): Promise<Answer> {
    const binding = (await this.live.byWorkspaceForIngest(platform, ev.workspaceId))[0] as BindingEntity | undefined;
    if (!binding) return this.refuse(platform, 200, 'unknown_workspace', 'unknown or inactive workspace', requestId);
    if (!binding.subscriptions.topics.includes(ev.topic))
      return this.refuse(platform, 200, 'topic_not_subscribed', `topic ${ev.topic} not subscribed`, requestId);
    // Dispatch on the topic and the new parts' authors, with the binding known (our own parts never trigger anything).
    const decided = provider.normalizeEvent(payload, binding);
    const action = decided.action === 'ignore' ? 'record' : decided.action;
    const eventId = await this.batcher.submit({
      platform,
      notificationId: ev.notificationId,
      topic: ev.topic,
      event: ev.event ?? 'unknown',
      action,
      workspaceId: ev.workspaceId,
      bindingId: binding.id,
      conversationId: ev.conversationId,
      payloadBytes: payloadBytes(payload, body, text),
      requestId,
      status: action === 'record' ? 'processed' : 'received',
      processedAt: action === 'record' ? new Date() : null,
      units: action === 'record' ? [] : decided.units,
    });
    if (!eventId) return this.refuse(platform, 200, 'duplicate', `duplicate notification ${ev.notificationId}`, requestId);
    webhookEvents.inc({ platform, outcome: 'recorded' });
    this.logger.log({ event: 'webhook.recorded', requestId, eventId, topic: ev.topic, action, bindingId: binding.id }, 'webhook recorded');
    return Answer.json(200, { received: true });
  }

  /**
   * Reconciliation: an event built from the platform's own record of a conversation (its webhook never came) is
   * recorded exactly like a webhook's, with its units, so that whichever of the two arrives second does nothing.
   * Answers the event id, or null when it was recorded before.
   */
  async recordReconciled(platform: string, binding: BindingEntity, payload: unknown, ev: NormalizedEvent): Promise<string | null> {
    return this.batcher.submit({
      platform,
      notificationId: ev.notificationId,
      topic: ev.topic,
      event: ev.event ?? 'unknown',
      action: ev.action === 'ignore' ? 'record' : ev.action,
      workspaceId: ev.workspaceId,
      bindingId: binding.id,
      conversationId: ev.conversationId,
      payloadBytes: Buffer.from(storableJson(payload)),
      requestId: null,
      status: ev.action === 'ignore' || ev.action === 'record' ? 'processed' : 'received',
      processedAt: ev.action === 'ignore' || ev.action === 'record' ? new Date() : null,
      units: ev.units,
    });
  }

  /**
   * Records a group of events (rows and their jobs) in ONE transaction: one commit (one WAL flush) for every webhook that
   * arrived while the previous commit was running. A row and its job still commit together; duplicates (the unique
   * notification id, also within one group) get null. If a group fails for another reason, each event is retried
   * alone so that one bad row cannot refuse its neighbours.
   */
  private async recordGroup(items: EventRow[]): Promise<Array<string | null | Error>> {
    try {
      return await this.insertGroup(items);
    } catch (e) {
      if (items.length === 1) {
        if (e instanceof QueryFailedError && (e.driverError as { code?: string } | undefined)?.code === '23505') return [null];
        throw e;
      }
      const out: Array<string | null | Error> = [];
      for (const it of items)
        out.push(
          await this.recordGroup([it]).then(
            (r) => r[0],
            (err) => (err instanceof Error ? err : new Error(String(err))),
          ),
        );
      return out;
    }
  }

  private insertGroup(items: EventRow[]): Promise<Array<string | null>> {
    // Events only recorded (our own notes' webhooks, agents' replies) bring no job and no unit: their one INSERT needs
    // no transaction (two round trips fewer); the rest commit row, units and job together.
    if (items.every((it) => it.action === 'record')) return this.writeGroup(this.ds.manager, items);
    return this.ds.transaction((m) => this.writeGroup(m, items));
  }

  private async writeGroup(m: EntityManager, items: EventRow[]): Promise<Array<string | null>> {
    // ONE statement for the group's rows (column arrays, unnested) and the units they bring (a round trip fewer per
    // group: under a burst the group's round trips, not the bytes, set the ingest rate). RETURNING rows are mapped back
    // by notification id, never by position: rows skipped by ON CONFLICT (redeliveries, also within one group) would
    // shift a positional mapping (found by the stress test: a recorded event lost its job). Units are claimed only for
    // rows this statement inserted (joined on the inserted rows), so a redelivery claims nothing.
    const col = <K extends keyof EventRow>(k: K) => items.map((it) => it[k]);
    const keys = unitKeys(items);
    const offsets = { starts: [] as number[], lengths: [] as number[] };
    for (let at = 1, i = 0; i < items.length; at += items[i].payloadBytes.length, i++) {
      offsets.starts.push(at);
      offsets.lengths.push(items[i].payloadBytes.length);
    }
    const rows: Array<{ id: string | null; notificationId: string | null; bindingId: string | null; conversationId: string | null; unit: string | null }> =
      await m.query(
        `WITH ins AS (
           INSERT INTO support_desk_events (platform, "notificationId", topic, event, action, "workspaceId", "bindingId", "conversationId", payload, "requestId", status, "processedAt")
           SELECT p, n, t, e, a, w, b, c, convert_from(substring($9::bytea FROM o FOR l), 'UTF8')::json, r, s, x
           FROM ROWS FROM (
             unnest($1::varchar[]), unnest($2::varchar[]), unnest($3::varchar[]), unnest($4::varchar[]), unnest($5::varchar[]),
             unnest($6::varchar[]), unnest($7::uuid[]), unnest($8::varchar[]), unnest($18::int[]), unnest($19::int[]),
             unnest($10::varchar[]), unnest($11::varchar[]), unnest($12::timestamptz[])
           ) AS u(p, n, t, e, a, w, b, c, o, l, r, s, x)
           ON CONFLICT DO NOTHING
           RETURNING id, platform, "notificationId"
         ), claimed AS (
           INSERT INTO support_desk_handled_units ("bindingId", "conversationId", unit)
           SELECT k.b, k.c, k.u
           FROM unnest($13::varchar[], $14::varchar[], $15::uuid[], $16::varchar[], $17::varchar[]) AS k(p, n, b, c, u)
             JOIN ins ON ins.platform = k.p AND ins."notificationId" = k.n
           ON CONFLICT DO NOTHING
           RETURNING "bindingId", "conversationId", unit
         )
         SELECT id::text AS id, "notificationId", NULL::text AS "bindingId", NULL::text AS "conversationId", NULL::text AS unit FROM ins
         UNION ALL
         SELECT NULL, NULL, "bindingId"::text, "conversationId", unit FROM claimed`,
        [
          col('platform'),
          col('notificationId'),
          col('topic'),
          col('event'),
          col('action'),
          col('workspaceId'),
          col('bindingId'),
          col('conversationId'),
          // The payloads as ONE binary parameter, cut by offset and length in the database: the bytes go as they are
          // (no text[] escaping of every quote here and unescaping there, no JSON array to parse as a whole).
          Buffer.concat(items.map((it) => it.payloadBytes)),
          col('requestId'),
          col('status'),
          col('processedAt'),
          keys.map((k) => k.platform),
          keys.map((k) => k.notificationId),
          keys.map((k) => k.bindingId),
          keys.map((k) => k.conversationId),
          keys.map((k) => k.unit),
          offsets.starts,
          offsets.lengths,
        ],
      );
    const byNotification = new Map<string, string>();
    const claimed = new Set<string>();
    for (const r of rows) {
      if (r.id && r.notificationId) byNotification.set(r.notificationId, r.id);
      else claimed.add(unitKey(r.bindingId!, r.conversationId!, r.unit!));
    }
    const out: Array<string | null> = [];
    const bindings = new Set<string>();
    const acting: Array<{ id: string; it: EventRow }> = [];
    for (const it of items) {
      const id = byNotification.get(it.notificationId) ?? null;
      // The first request of a notification id in the group owns the row; a duplicate in the same group gets null.
      byNotification.delete(it.notificationId);
      out.push(id);
      if (!id) continue;
      bindings.add(it.bindingId);
      if (it.action !== 'record') acting.push({ id, it });
    }
    const handledBefore = eventsOwningNoUnit(acting, claimed);
    if (handledBefore.length) {
      // Everything these events bring was handled already (reconciliation came first, or the other way round).
      await m.query(`UPDATE support_desk_events SET action = 'record', status = 'processed', "processedAt" = now() WHERE id = ANY($1::uuid[])`, [
        handledBefore,
      ]);
    }
    const skip = new Set(handledBefore);
    const toAct = acting.filter((a) => !skip.has(a.id));
    // One job per EVENTS_PER_JOB events (SupportDeskEventJob), in one statement, in the same transaction as the rows.
    const jobs: Array<{ data: SupportDeskEventJob; requestId?: string }> = [];
    for (let i = 0; i < toAct.length; i += EVENTS_PER_JOB) {
      const part = toAct.slice(i, i + EVENTS_PER_JOB);
      jobs.push({ data: { eventIds: part.map((a) => a.id) }, requestId: part.length === 1 ? (part[0].it.requestId ?? undefined) : undefined });
    }
    await this.queue.enqueueMany(SUPPORT_DESK_EVENT_QUEUE.name, jobs, { manager: m });
    // `lastEventAt` moves at most once a minute: skip the statement for bindings this process moved less than a minute ago.
    const now = Date.now();
    for (const id of bindings) if (now - (this.lastEventWritten.get(id) ?? 0) < 60_000) bindings.delete(id);
    if (bindings.size) {
      for (const id of bindings) this.lastEventWritten.set(id, now);
      if (this.lastEventWritten.size > 10_000) this.lastEventWritten.clear();
      await m.query(
        `UPDATE support_desk_bindings SET "lastEventAt" = now() WHERE id = ANY($1::uuid[]) AND ("lastEventAt" IS NULL OR "lastEventAt" < now() - interval '1 minute')`,
        [[...bindings]],
      );
    }
    return out;
  }

  /**
   * A webhook not recorded (also the signature guard's refusals): counted by outcome, logged as
   * `webhook.<outcome>` (with the request id: the webhook door has no per-request logger), answered
   * `{received: true, ignored}` below 400 and `{error}` above.
   */
  refuse(platform: string, status: number, outcome: string, detail: string, requestId?: string): Answer {
    webhookEvents.inc({ platform, outcome });
    const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'log';
    this.logger[level]({ event: `webhook.${outcome}`, requestId, detail }, `webhook ${outcome}`);
    return Answer.json(status, status < 400 ? { received: true, ignored: outcome } : { error: detail });
  }
}
