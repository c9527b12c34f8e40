import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { entityRows } from '@app/core';
import type { Severity, TriageResult } from '@app/contracts';
import type { ConversationFacts, ConversationFactsSource } from '@app/support-desk';
import { TriageEntity } from './triage.entity';

export interface NewTriage {
  tenantId: string;
  projectId: string;
  bindingId: string;
  conversationId: string;
  eventId: string;
  reason: TriageEntity['reason'];
  subject: string | null;
  customerName: string | null;
  text: string;
  conversationCreatedAt: Date;
  result: TriageResult;
}

/** The stored triages of support-desk conversations (table `triages`): triage owns them. */
@Injectable()
export class TriageRecords implements ConversationFactsSource {
  constructor(private readonly ds: DataSource) {}

  private get repo() {
    return this.ds.getRepository(TriageEntity);
  }

  /** The newest triage of a conversation. */
  latest(bindingId: string, conversationId: string): Promise<TriageEntity | null> {
    return this.repo.findOne({ where: { bindingId, conversationId }, order: { createdAt: 'DESC' } });
  }

  /** The newest triage of a conversation before `at`. */
  before(bindingId: string, conversationId: string, at: Date): Promise<TriageEntity | null> {
    return this.repo
      .createQueryBuilder('t')
      .where('t.bindingId = :b AND t.conversationId = :c AND t.createdAt < :at', { b: bindingId, c: conversationId, at })
      .orderBy('t.createdAt', 'DESC')
      .getOne();
  }

  /** Every triage of a conversation, newest first. */
  all(bindingId: string, conversationId: string): Promise<TriageEntity[]> {
    return this.repo.find({ where: { bindingId, conversationId }, order: { createdAt: 'DESC' } });
  }

  /**
   * The triage stored for this event (a retried job finds it) and the conversation's newest triage, in one read.
   */
  async forEvent(eventId: string, bindingId: string, conversationId: string): Promise<{ stored: TriageEntity | null; latest: TriageEntity | null }> {
    const t = entityRows(this.ds, TriageEntity, 't');
    const raw: Array<Record<string, unknown>> = await this.ds.query(
      `SELECT ${t.columns} FROM ${t.table} t WHERE t."bindingId" = $1 AND t."conversationId" = $2
         AND (t."eventId" = $3 OR t.id = (SELECT l.id FROM ${t.table} l WHERE l."bindingId" = $1 AND l."conversationId" = $2 ORDER BY l."createdAt" DESC LIMIT 1))
       ORDER BY t."createdAt" DESC`,
      [bindingId, conversationId, eventId],
    );
    const rows = raw.map((r) => t.read(r)!);
    return { stored: rows.find((r) => r.eventId === eventId) ?? null, latest: rows[0] ?? null };
  }

  /** Stores the triage of an event once (unique on the event): a retried job gets the row stored the first time. */
  async store(t: NewTriage): Promise<TriageEntity> {
    const inserted = await this.repo
      .createQueryBuilder()
      .insert()
      .values({
        ...t,
        subject: t.subject?.slice(0, 500) ?? null,
        customerName: t.customerName?.slice(0, 255) ?? null,
        text: t.text.slice(0, 100_000),
        severity: t.result.severity,
        affectedService: t.result.affectedService,
      })
      .orIgnore()
      .returning('*')
      .updateEntity(false)
      .execute();
    const row = (inserted.raw as TriageEntity[] | undefined)?.[0];
    // Inserted now: the row came back; stored by an earlier attempt: read it.
    return row ? this.repo.create(row) : this.repo.findOneOrFail({ where: { eventId: t.eventId } });
  }

  /** support-desk's ConversationFactsPort: what its public reply may say about the conversation. */
  async conversationFacts(bindingId: string, conversationId: string): Promise<ConversationFacts | null> {
    const t = await this.latest(bindingId, conversationId);
    return t ? { customerName: t.customerName, severity: t.result.severity, affectedService: t.result.affectedService, summary: t.result.summary } : null;
  }

  /** One page of a binding's triaged conversations (latest triage each), newest first. */
  async conversations(bindingId: string, pageNo: number, limit: number) {
    const [{ total }] = await this.ds.query(`SELECT count(DISTINCT "conversationId")::int AS total FROM triages WHERE "bindingId" = $1`, [bindingId]);
    const rows: Array<{
      conversationId: string;
      subject: string | null;
      customerName: string | null;
      severity: Severity;
      affectedService: string | null;
      createdAt: Date;
      triageCount: number;
    }> = await this.ds.query(
      `WITH latest AS (
         SELECT DISTINCT ON ("conversationId") "conversationId", subject, "customerName", severity, "affectedService", "createdAt"
         FROM triages WHERE "bindingId" = $1 ORDER BY "conversationId", "createdAt" DESC
       )
       SELECT l.*, (SELECT count(*)::int FROM triages t WHERE t."bindingId" = $1 AND t."conversationId" = l."conversationId") AS "triageCount"
       FROM latest l ORDER BY l."createdAt" DESC LIMIT $2 OFFSET $3`,
      [bindingId, limit, (pageNo - 1) * limit],
    );
    return { total: total as number, rows };
  }
}
