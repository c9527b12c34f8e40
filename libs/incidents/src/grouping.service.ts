import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { incidentRef, SEVERITY_ORDER, type Severity } from '@app/contracts';
import { AnalysisEntity, TERMINAL_STATUSES } from '@app/analysis';
import { APP_CONFIG, entityRows, type AppConfig } from '@app/core';
import { ProjectEntity } from '@app/projects';
import { PER_CONVERSATION, TriageEntity, type ConversationTriagedHandler, type TriageDecision, type TriagedConversation } from '@app/triage';
import { decide, incidentTitle, terms, type Arrival, type OpenIncident } from './engine';
import { IncidentAnalyses } from './incident-analyses.service';
import { IncidentTrackers } from './incident-trackers.service';
import { KeyedMutex } from './keyed-mutex';
import { IncidentConversationEntity, IncidentEntity } from './incident.entities';
import { addEvent, escalated, insertJoined, joined, lockProject, recompute } from './incident-tx';
import { incidentUrl } from './links';

/** Members per open incident the grouping compares with (the most recent ones). */
const MEMBERS_COMPARED = 30;
const MINUTE = 60_000;

/**
 * The incidents side of triage's seam (ConversationTriagedPort): after a conversation's triage is stored, link it
 * to the incident of its outage (or open one) and answer which incident its note names and that its auto-analysis
 * runs per incident. Idempotent: a retried job finds the answer its first attempt stored.
 */
@Injectable()
export class IncidentGrouping implements ConversationTriagedHandler {
  private readonly logger = new Logger('incidents');
  private readonly mutex = new KeyedMutex();

  constructor(
    private readonly ds: DataSource,
    private readonly analyses: IncidentAnalyses,
    private readonly trackers: IncidentTrackers,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async conversationTriaged(c: TriagedConversation): Promise<TriageDecision> {
    // Questions and thanks in a conversation that is in no incident: nothing to do, no lock.
    if (
      SEVERITY_ORDER[c.result.severity] < SEVERITY_ORDER.low &&
      !(await this.ds.getRepository(IncidentConversationEntity).existsBy({ bindingId: c.bindingId, conversationId: c.conversationId }))
    )
      return PER_CONVERSATION;
    // Read before the lock what does not change under it.
    const stored = c.text ?? (await this.ds.getRepository(TriageEntity).findOne({ where: { id: c.triageId }, select: { id: true, text: true } }))?.text;
    const text = `${c.subject ?? ''}\n${stored ?? c.result.summary}`;
    const linked = await this.mutex.run(c.projectId, () =>
      this.ds.transaction(async (m) => {
        await lockProject(m, c.projectId);
        const l = entityRows(m.connection, IncidentConversationEntity, 'l');
        const [raw] = await m.query(`SELECT ${l.columns} FROM ${l.table} l WHERE l."bindingId" = $1 AND l."conversationId" = $2`, [
          c.bindingId,
          c.conversationId,
        ]);
        const row = raw ? l.read(raw) : null;
        // An agent said "not this incident": the conversation keeps its own path, never linked again automatically.
        if (row?.status === 'unlinked') return null;
        const current = row ? await m.getRepository(IncidentEntity).findOne({ where: { id: row.incidentId } }) : null;
        if (row && current && (row.triageId === c.triageId || current.status === 'open')) {
          if (row.triageId !== c.triageId) await this.replied(m, current, row, c);
          return current;
        }
        // Not linked yet (or its incident was resolved since): group it.
        return this.group(m, c, row, text);
      }),
    );
    if (!linked) return PER_CONVERSATION;
    const slug = c.projectSlug ?? (await this.ds.getRepository(ProjectEntity).findOne({ where: { id: c.projectId }, select: { id: true, slug: true } }))?.slug;
    return {
      incident: {
        id: linked.id,
        title: linked.title,
        url: incidentUrl(this.config.publicUrl, slug ?? 'default', linked.id),
        ref: incidentRef(linked.number),
        conversationCount: linked.conversationCount,
        firstSeenAt: linked.firstSeenAt.toISOString(),
      },
      autoAnalysis: 'per_incident',
    };
  }

  private async group(m: EntityManager, c: TriagedConversation, row: IncidentConversationEntity | null, text: string): Promise<IncidentEntity | null> {
    if (SEVERITY_ORDER[c.result.severity] < SEVERITY_ORDER.low) return null;
    const now = Date.now();
    // A reply moves the conversation now; a new conversation happened when it was created (never in the future).
    const at = c.reason === 'customer_reply' ? now : Math.min(now, c.conversationCreatedAt.getTime());
    const arrival: Arrival = {
      severity: c.result.severity,
      service: c.result.affectedService,
      terms: terms(text),
      at,
      window: { start: Date.parse(c.result.window.start), end: Date.parse(c.result.window.end) },
    };
    const { open, entities } = await this.openIncidents(m, c.projectId, at);
    const d = decide(arrival, open, { windowMinutes: this.config.incidentWindowMinutes });
    if (d.action === 'none') return null;
    const inc = d.action === 'join' ? entities.find((e) => e.id === d.incidentId)! : await this.openIncident(m, c, at);
    const repo = m.getRepository(IncidentConversationEntity);
    const link =
      row ?? repo.create({ tenantId: c.tenantId, projectId: c.projectId, bindingId: c.bindingId, conversationId: c.conversationId, trackerTicketId: null });
    const wasLinkedElsewhere = row?.status === 'linked' ? row.incidentId : null;
    Object.assign(link, {
      incidentId: inc.id,
      status: 'linked' as const,
      linkedBy: 'auto' as const,
      reason: d.reason.slice(0, 1000),
      triageId: c.triageId,
      severity: c.result.severity,
      service: c.result.affectedService,
      customerName: c.customerName?.slice(0, 255) ?? null,
      subject: c.subject?.slice(0, 500) ?? null,
      terms: arrival.terms,
      windowStart: new Date(arrival.window.start),
      windowEnd: new Date(arrival.window.end),
      seenAt: new Date(at),
      linkedAt: new Date(now),
      unlinkedAt: null,
      unlinkedBy: null,
    });
    const timeline = (before: Severity) => [
      { kind: 'linked' as const, detail: `Conversation ${c.conversationId} (${c.result.severity}) linked: ${d.reason}` },
      ...(d.action === 'join' && escalated(before, inc.severity) ? [{ kind: 'escalated' as const, detail: `Severity ${before} → ${inc.severity}` }] : []),
    ];
    if (!row) await insertJoined(m, inc, link, timeline);
    else {
      await repo.save(link);
      // Moved from a resolved incident (a new report in an old conversation): that one loses it.
      if (wasLinkedElsewhere && wasLinkedElsewhere !== inc.id) {
        const old = await m.getRepository(IncidentEntity).findOneBy({ id: wasLinkedElsewhere });
        if (old) await recompute(m, old);
      }
      const { before } = await joined(m, inc, link);
      for (const e of timeline(before)) await addEvent(m, inc.id, e.kind, e.detail);
    }
    await this.afterLink(m, inc, [link], c.trackerTickets === undefined ? undefined : new Map([[c.bindingId, c.trackerTickets]]));
    this.logger.log({ event: 'incidents.linked', incidentId: inc.id, conversationId: c.conversationId, action: d.action }, 'conversation linked');
    return inc;
  }

  /** A customer's reply re-triaged a linked conversation: its severity counts now; the incident may escalate. */
  private async replied(m: EntityManager, inc: IncidentEntity, row: IncidentConversationEntity, c: TriagedConversation): Promise<void> {
    row.triageId = c.triageId;
    row.severity = c.result.severity;
    row.service = row.service ?? c.result.affectedService;
    row.seenAt = new Date(Math.max(row.seenAt.getTime(), Date.now()));
    row.windowStart = new Date(Math.min(row.windowStart.getTime(), Date.parse(c.result.window.start)));
    await m.getRepository(IncidentConversationEntity).save(row);
    const { before } = await recompute(m, inc);
    if (escalated(before, inc.severity)) {
      await addEvent(m, inc.id, 'escalated', `Severity ${before} → ${inc.severity} after a reply in conversation ${c.conversationId}`);
      await this.analyses.maybeAnalyze(m, inc);
    }
  }

  /**
   * After conversations joined: the analysis (start it, or post the finished one to them) and the tracker ticket.
   * `mirrors`: which of their bindings mirror incidents to tracker tickets, where the caller knows (the rest are read).
   */
  async afterLink(m: EntityManager, inc: IncidentEntity, rows: IncidentConversationEntity[], mirrors?: ReadonlyMap<string, boolean>): Promise<void> {
    const latest = inc.analysisId ? await m.getRepository(AnalysisEntity).findOne({ where: { id: inc.analysisId } }) : null;
    // Finished: they get it now. Running: they get it when it finishes (the listener takes the same lock).
    if (latest && TERMINAL_STATUSES.includes(latest.status)) await this.analyses.enqueuePosts(m, inc, latest.id, rows);
    await this.analyses.maybeAnalyze(m, inc);
    await this.trackers.sync(
      m,
      inc,
      rows.map((r) => r.bindingId),
      mirrors,
    );
  }

  private async openIncident(m: EntityManager, c: TriagedConversation, at: number): Promise<IncidentEntity> {
    const [{ n }] = await m.query('SELECT coalesce(max("number"), 0) + 1 AS n FROM incidents WHERE "projectId" = $1', [c.projectId]);
    const repo = m.getRepository(IncidentEntity);
    const inc = await repo.save(
      repo.create({
        tenantId: c.tenantId,
        projectId: c.projectId,
        number: Number(n),
        status: 'open',
        title: incidentTitle(c.result.affectedService),
        titleSetBy: 'auto',
        service: c.result.affectedService,
        severity: c.result.severity,
        firstSeenAt: new Date(at),
        lastSeenAt: new Date(at),
        conversationCount: 0,
        analysisId: null,
        analysisSeverity: null,
        category: null,
        signatureTerms: [],
        mergedIntoId: null,
        resolvedAt: null,
      }),
    );
    await addEvent(m, inc.id, 'opened', `Opened by a ${c.result.severity} conversation about ${c.result.affectedService ?? 'an unidentified service'}`);
    return inc;
  }

  /**
   * The project's open incidents that saw a conversation within the window of `at`, with their recent members' terms
   * and windows (one read: this runs for every conversation that may join an incident).
   */
  private async openIncidents(m: EntityManager, projectId: string, at: number): Promise<{ open: OpenIncident[]; entities: IncidentEntity[] }> {
    const windowMs = this.config.incidentWindowMinutes * MINUTE;
    const { entities: incidents, raw } = await m
      .getRepository(IncidentEntity)
      .createQueryBuilder('i')
      .addSelect(
        `(SELECT coalesce(json_agg(json_build_array(x.terms, x."windowStart", x."windowEnd")), '[]'::json) FROM (
           SELECT ic.terms, ic."windowStart", ic."windowEnd" FROM incident_conversations ic
           WHERE ic."incidentId" = i.id AND ic.status = 'linked' ORDER BY ic."seenAt" DESC LIMIT :compared
         ) x)`,
        'members',
      )
      .where('i.projectId = :projectId AND i.status = :open AND i.lastSeenAt >= :from AND i.firstSeenAt <= :to', {
        projectId,
        open: 'open',
        from: new Date(at - windowMs),
        to: new Date(at + windowMs),
        compared: MEMBERS_COMPARED,
      })
      .getRawAndEntities<{ i_id: string; members: Array<[string[], string, string]> }>();
    const membersOf = new Map(raw.map((r) => [r.i_id, r.members]));
    const open = incidents.map((i) => {
      const mine = membersOf.get(i.id) ?? [];
      return {
        id: i.id,
        ref: incidentRef(i.number),
        service: i.service,
        firstSeenAt: i.firstSeenAt.getTime(),
        lastSeenAt: i.lastSeenAt.getTime(),
        window: {
          start: Math.min(...mine.map(([, start]) => Date.parse(start)), i.firstSeenAt.getTime()),
          end: Math.max(...mine.map(([, , end]) => Date.parse(end)), i.lastSeenAt.getTime()),
        },
        members: mine.map(([t]) => t),
        signatures: i.signatureTerms ?? [],
      };
    });
    return { open, entities: incidents };
  }
}
