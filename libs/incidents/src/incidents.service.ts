import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, In, type EntityManager } from 'typeorm';
import {
  incidentRef,
  checkIncidentTitle,
  meetsThreshold,
  type ConversationIncident,
  type Incident,
  type IncidentAnalysis,
  type IncidentChange,
  type IncidentConversation,
  type IncidentDetail,
  type IncidentListQuery,
} from '@app/contracts';
import type { ProjectContext } from '@app/accounts';
import { AnalysesService, AnalysisEntity } from '@app/analysis';
import { APP_CONFIG, AppError, page, type AppConfig, type Page } from '@app/core';
import { ProjectEntity } from '@app/projects';
import { BindingEntity, conversationUrl, SupportDeskRegistry } from '@app/support-desk';
import { autoAnalysisWindow, TriageRecords, type ConversationIncidentSource, type IncidentAnalysisItem } from '@app/triage';
import { CustomerUpdates } from './customer-updates.service';
import { IncidentGrouping } from './grouping.service';
import { IncidentAnalyses } from './incident-analyses.service';
import { IncidentTrackers } from './incident-trackers.service';
import { IncidentAnalysisEntity, IncidentConversationEntity, IncidentEntity, IncidentEventEntity } from './incident.entities';
import { addEvent, lockProject, recompute } from './incident-tx';
import { incidentUrl } from './links';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Who did it, for the timeline and the records ("user:<id>", "key:<id>", "intercom_admin:<id>"). */
export type Actor = string;

/**
 * The incidents of a project as admins and agents see and change them (contract §11): list, detail, title and
 * status, merge, unlink; and what one conversation's view and Canvas panel show of its incident.
 */
@Injectable()
export class IncidentsService implements ConversationIncidentSource {
  private readonly logger = new Logger('incidents');

  constructor(
    private readonly ds: DataSource,
    private readonly grouping: IncidentGrouping,
    private readonly incidentAnalyses: IncidentAnalyses,
    private readonly updates: CustomerUpdates,
    private readonly trackers: IncidentTrackers,
    private readonly analyses: AnalysesService,
    private readonly triages: TriageRecords,
    private readonly registry: SupportDeskRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // ---- reading -------------------------------------------------------------------------------------------

  async find(project: ProjectContext, id: string): Promise<IncidentEntity> {
    const inc = UUID.test(id)
      ? await this.ds.getRepository(IncidentEntity).findOne({ where: { id, projectId: project.id, tenantId: project.tenantId } })
      : null;
    if (!inc) throw new AppError('NOT_FOUND', 'Incident not found');
    return inc;
  }

  async list(project: ProjectContext, q: IncidentListQuery & { page: number; limit: number }): Promise<Page<Incident>> {
    const qb = this.ds
      .getRepository(IncidentEntity)
      .createQueryBuilder('i')
      .where('i.projectId = :p AND i.tenantId = :t', { p: project.id, t: project.tenantId });
    if (q.status) qb.andWhere('i.status = :s', { s: q.status });
    if (q.service) qb.andWhere('i.service = :svc', { svc: q.service });
    const [rows, total] = await qb
      .orderBy('i.createdAt', 'DESC')
      .addOrderBy('i.number', 'DESC')
      .skip((q.page - 1) * q.limit)
      .take(q.limit)
      .getManyAndCount();
    return page(
      rows.map((r) => this.view(r, project.slug)),
      total,
      q.page,
      q.limit,
    );
  }

  async detail(project: ProjectContext, id: string): Promise<IncidentDetail> {
    const inc = await this.find(project, id);
    const rows = await this.ds.getRepository(IncidentConversationEntity).find({ where: { incidentId: inc.id, status: 'linked' }, order: { seenAt: 'ASC' } });
    const events = await this.ds.getRepository(IncidentEventEntity).find({ where: { incidentId: inc.id }, order: { at: 'ASC' } });
    return {
      ...this.view(inc, project.slug),
      conversations: await this.conversationViews(rows, project.slug),
      analyses: await this.analysisViews(inc.id, project.slug),
      timeline: events.map((e) => ({ at: e.at.toISOString(), kind: e.kind, detail: e.detail })),
      updates: await this.updates.listFor(inc.id),
    };
  }

  view(i: IncidentEntity, projectSlug: string): Incident {
    return {
      id: i.id,
      ref: incidentRef(i.number),
      projectId: i.projectId,
      status: i.status,
      title: i.title,
      service: i.service,
      severity: i.severity,
      firstSeenAt: i.firstSeenAt.toISOString(),
      lastSeenAt: i.lastSeenAt.toISOString(),
      conversationCount: i.conversationCount,
      analysisId: i.analysisId,
      createdAt: i.createdAt.toISOString(),
      resolvedAt: i.resolvedAt?.toISOString() ?? null,
      mergedIntoId: i.mergedIntoId,
      url: incidentUrl(this.config.publicUrl, projectSlug, i.id),
    };
  }

  private async conversationViews(rows: IncidentConversationEntity[], projectSlug: string): Promise<IncidentConversation[]> {
    const bindings = rows.length ? await this.ds.getRepository(BindingEntity).find({ where: { id: In([...new Set(rows.map((r) => r.bindingId))]) } }) : [];
    const byId = new Map(bindings.map((b) => [b.id, b]));
    return rows.map((r) => {
      const b = byId.get(r.bindingId);
      const link = b ? this.registry.get(b.platform).conversationLink?.(b.workspaceId, r.conversationId) : null;
      return {
        bindingId: r.bindingId,
        conversationId: r.conversationId,
        linkedAt: r.linkedAt.toISOString(),
        linkedBy: r.linkedBy,
        reason: r.reason,
        customerName: r.customerName,
        subject: r.subject,
        severity: r.severity,
        service: r.service,
        platformUrl: link ?? null,
        url: conversationUrl(this.config.publicUrl, projectSlug, r.bindingId, r.conversationId),
      };
    });
  }

  private async analysisViews(incidentId: string, projectSlug: string): Promise<IncidentAnalysis[]> {
    const links = await this.incidentAnalyses.list(incidentId);
    if (!links.length) return [];
    const rows = await this.ds.getRepository(AnalysisEntity).find({ where: { id: In(links.map((l) => l.analysisId)) } });
    const byId = new Map(rows.map((a) => [a.id, a]));
    return links
      .filter((l) => byId.has(l.analysisId))
      .map((l) => {
        const a = byId.get(l.analysisId)!;
        return {
          id: a.id,
          status: a.status,
          severity: a.severity,
          trigger: a.trigger,
          reason: l.reason,
          createdAt: a.createdAt.toISOString(),
          url: this.analyses.analysisUrl(a, projectSlug),
        };
      });
  }

  // ---- changing ------------------------------------------------------------------------------------------

  /** PUT: title (then kept; an admin's words, never a customer's) and/or status. */
  async change(project: ProjectContext, id: string, dto: IncidentChange, by: Actor): Promise<Incident> {
    const bad = dto.title === undefined ? null : checkIncidentTitle(dto.title);
    if (bad) throw new AppError('VALIDATION_ERROR', bad, { fields: [{ field: 'title', message: bad }] });
    const title = dto.title?.replace(/\s+/g, ' ').trim();
    const inc = await this.ds.transaction(async (m) => {
      await lockProject(m, project.id);
      const i = await m.getRepository(IncidentEntity).findOneByOrFail({ id: (await this.find(project, id)).id });
      if (title && title !== i.title) {
        i.title = title;
        i.titleSetBy = 'admin';
        await m.getRepository(IncidentEntity).save(i);
        await addEvent(m, i.id, 'title_changed', `Title set to "${title}" by ${by}`);
        await this.trackers.syncAll(m, i);
      }
      if (dto.status === 'resolved' && i.status === 'open') await this.resolveIn(m, i, by);
      if (dto.status === 'open' && i.status === 'resolved') {
        if (i.mergedIntoId) throw new AppError('CONFLICT', 'This incident was merged into another one and cannot be reopened');
        i.status = 'open';
        i.resolvedAt = null;
        await m.getRepository(IncidentEntity).save(i);
        await addEvent(m, i.id, 'reopened', `Reopened by ${by}`);
      }
      return i;
    });
    return this.view(inc, project.slug);
  }

  /** Resolves in the caller's transaction (the "fixed" update resolves first); tracker tickets follow. */
  async resolveIn(m: EntityManager, i: IncidentEntity, by: Actor): Promise<void> {
    if (i.status === 'resolved') return;
    i.status = 'resolved';
    i.resolvedAt = new Date();
    await m.getRepository(IncidentEntity).save(i);
    await addEvent(m, i.id, 'resolved', `Resolved by ${by}`);
    await this.trackers.syncAll(m, i);
  }

  /** POST …/merge: `sourceId`'s conversations move into the target; the source is resolved and points to it. */
  async merge(project: ProjectContext, targetId: string, sourceId: string, by: Actor): Promise<IncidentDetail> {
    if (typeof sourceId !== 'string' || !UUID.test(sourceId))
      throw new AppError('VALIDATION_ERROR', 'incidentId must be an incident id', { fields: [{ field: 'incidentId', message: 'must be a UUID' }] });
    if (sourceId === targetId)
      throw new AppError('VALIDATION_ERROR', 'An incident cannot be merged into itself', {
        fields: [{ field: 'incidentId', message: 'must be another incident' }],
      });
    const target = await this.find(project, targetId);
    const source = await this.find(project, sourceId);
    await this.ds.transaction(async (m) => {
      await lockProject(m, project.id);
      const t = await m.getRepository(IncidentEntity).findOneByOrFail({ id: target.id });
      const s = await m.getRepository(IncidentEntity).findOneByOrFail({ id: source.id });
      if (t.mergedIntoId) throw new AppError('CONFLICT', `${incidentRef(t.number)} was merged into another incident: merge into that one`);
      if (s.mergedIntoId) throw new AppError('CONFLICT', `${incidentRef(s.number)} was already merged`);
      const repo = m.getRepository(IncidentConversationEntity);
      const moved = await repo.find({ where: { incidentId: s.id, status: 'linked' } });
      for (const r of moved) {
        r.incidentId = t.id;
        r.reason = `merged from ${incidentRef(s.number)} by ${by}; before: ${r.reason}`.slice(0, 1000);
      }
      await repo.save(moved);
      // Unlinked rows move too, so the conversation is still never linked back automatically.
      await repo.update({ incidentId: s.id, status: 'unlinked' }, { incidentId: t.id });
      if (t.status === 'resolved') {
        t.status = 'open';
        t.resolvedAt = null;
      }
      const { before } = await recompute(m, t);
      s.status = 'resolved';
      s.resolvedAt = s.resolvedAt ?? new Date();
      s.mergedIntoId = t.id;
      await recompute(m, s);
      await addEvent(m, t.id, 'merged', `${incidentRef(s.number)} merged into this incident by ${by} (${moved.length} conversations)`);
      await addEvent(m, s.id, 'merged', `Merged into ${incidentRef(t.number)} by ${by}`);
      if (before !== t.severity) await addEvent(m, t.id, 'escalated', `Severity ${before} → ${t.severity} (merge)`);
      await this.grouping.afterLink(m, t, moved);
      await this.trackers.sync(
        m,
        s,
        moved.map((r) => r.bindingId),
      );
    });
    return this.detail(project, target.id);
  }

  /** DELETE …/conversations/:bindingId/:conversationId (an agent or admin): the conversation gets its own path back. */
  async unlink(project: ProjectContext, id: string, bindingId: string, conversationId: string, by: Actor): Promise<IncidentDetail> {
    const inc = await this.find(project, id);
    const row = UUID.test(bindingId)
      ? await this.ds.getRepository(IncidentConversationEntity).findOne({ where: { incidentId: inc.id, bindingId, conversationId, status: 'linked' } })
      : null;
    if (!row) throw new AppError('NOT_FOUND', 'This conversation is not linked to this incident');
    await this.unlinkRow(row, by);
    return this.detail(project, inc.id);
  }

  private async unlinkRow(row: IncidentConversationEntity, by: Actor): Promise<void> {
    const b = await this.ds.transaction(async (m) => {
      await lockProject(m, row.projectId);
      const r = await m.getRepository(IncidentConversationEntity).findOneByOrFail({ id: row.id });
      if (r.status !== 'linked') return null;
      const inc = await m.getRepository(IncidentEntity).findOneByOrFail({ id: r.incidentId });
      r.status = 'unlinked';
      r.linkedBy = 'agent';
      r.unlinkedAt = new Date();
      r.unlinkedBy = by.slice(0, 120);
      await m.getRepository(IncidentConversationEntity).save(r);
      await recompute(m, inc);
      await addEvent(m, inc.id, 'unlinked', `Conversation ${r.conversationId} unlinked by ${by}: it gets its own triage path back`);
      if (r.trackerTicketId) await this.trackers.sync(m, inc, [r.bindingId]);
      return m.getRepository(BindingEntity).findOne({ where: { id: r.bindingId } });
    });
    if (b) await this.ownPath(b, row.conversationId);
  }

  /** An unlinked conversation's own auto-analysis (as the triage job would have started it without incidents). */
  private async ownPath(b: BindingEntity, conversationId: string): Promise<void> {
    const triage = await this.triages.latest(b.id, conversationId);
    if (!triage || b.status !== 'active' || !meetsThreshold(triage.result.severity, b.autoAnalyzeThreshold)) return;
    const { start, end } = autoAnalysisWindow(triage.result.window, b.timeBufferHours, Date.now());
    const project = await this.ds.getRepository(ProjectEntity).findOneByOrFail({ id: b.projectId });
    const a = await this.analyses.createOncePerConversation({
      tenantId: b.tenantId,
      projectId: b.projectId,
      description: ([triage.subject, triage.result.summary].filter(Boolean).join(' — ') || `Conversation ${conversationId}`).slice(0, 5000),
      timeStart: start,
      timeEnd: end,
      trigger: 'support_desk',
      triggeredBy: `support_desk:${b.id}`,
      bindingId: b.id,
      conversationId,
      metadata: { ticketId: conversationId, platform: b.platform, ticketUrl: conversationUrl(this.config.publicUrl, project.slug, b.id, conversationId) },
    });
    if (a) this.logger.log({ event: 'incidents.own_analysis', analysisId: a.id, conversationId }, 'unlinked conversation: its own analysis started');
  }

  // ---- one conversation (its view, the Canvas panel) -------------------------------------------------------

  private async linkedOf(bindingId: string, conversationId: string) {
    const row = await this.ds.getRepository(IncidentConversationEntity).findOne({ where: { bindingId, conversationId, status: 'linked' } });
    if (!row) return null;
    const inc = await this.ds.getRepository(IncidentEntity).findOne({ where: { id: row.incidentId } });
    const project = inc ? await this.ds.getRepository(ProjectEntity).findOne({ where: { id: inc.projectId } }) : null;
    return inc && project ? { row, inc, project } : null;
  }

  /** triage's ConversationIncidentPort (and the panel): the incident of a conversation and its analyses. */
  async incidentOf(bindingId: string, conversationId: string): Promise<{ incident: ConversationIncident; analyses: IncidentAnalysisItem[] } | null> {
    const found = await this.linkedOf(bindingId, conversationId);
    if (!found) return null;
    const { inc, project } = found;
    return {
      incident: {
        id: inc.id,
        ref: incidentRef(inc.number),
        title: inc.title,
        status: inc.status,
        conversationCount: inc.conversationCount,
        firstSeenAt: inc.firstSeenAt.toISOString(),
        url: incidentUrl(this.config.publicUrl, project.slug, inc.id),
      },
      analyses: (await this.analysisViews(inc.id, project.slug)).map(({ reason: _reason, ...a }) => a),
    };
  }

  /** Is this analysis one of the conversation's incident's? (a panel's stored analysis id) */
  async isIncidentAnalysis(bindingId: string, conversationId: string, analysisId: string): Promise<boolean> {
    const found = await this.linkedOf(bindingId, conversationId);
    if (!found || !UUID.test(analysisId)) return false;
    return this.ds.getRepository(IncidentAnalysisEntity).exists({ where: { incidentId: found.inc.id, analysisId } });
  }

  /**
   * "Run analysis" in the panel of a linked conversation runs (or shows) the incident's analysis; "Run again" after
   * analysis `afterId` starts a new one once that one has finished. Null when the conversation is not linked.
   */
  async runForConversation(bindingId: string, conversationId: string, afterId: string | null, by: Actor): Promise<AnalysisEntity | null> {
    const found = await this.linkedOf(bindingId, conversationId);
    if (!found) return null;
    return this.ds.transaction(async (m) => {
      await lockProject(m, found.inc.projectId);
      const inc = await m.getRepository(IncidentEntity).findOneByOrFail({ id: found.inc.id });
      return this.incidentAnalyses.forAgent(m, inc, afterId, by);
    });
  }

  /** "Not this incident" in the panel. False when the conversation was not linked. */
  async unlinkConversation(bindingId: string, conversationId: string, by: Actor): Promise<boolean> {
    const found = await this.linkedOf(bindingId, conversationId);
    if (!found) return false;
    await this.unlinkRow(found.row, by);
    return true;
  }
}
