import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { checkAnalysisWindow } from '@app/contracts';
import type { AnalysisRecordFields, AnalysisSummaryView, AnalysisTrigger, ConversationAnalysis } from '@app/contracts';
import { APP_CONFIG, AppError, page, Page, JobQueue } from '@app/core';
import type { AppConfig, UploadedFileData } from '@app/core';
import { analysisNotFound, type AnalysisScope } from './analysis-scope';
import { AnalysisEntity } from './analysis.entity';
import { ANALYSIS_RUN_QUEUE, type AnalysisRunJob } from './analysis.queues';
import { ScreenshotsService } from './screenshots/screenshots.service';

export interface CreateAnalysisInput {
  tenantId: string;
  projectId: string;
  description: string;
  timeStart: Date;
  timeEnd: Date;
  trigger: AnalysisTrigger;
  triggeredBy?: string | null;
  bindingId?: string | null;
  conversationId?: string | null;
  metadata?: Record<string, string>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_METADATA_KEYS = 50;

type FieldError = { field: string; message: string };

function checkMetadata(metadata: unknown): Record<string, string> {
  if (metadata === undefined || metadata === null) return {};
  const errors: FieldError[] = [];
  const out: Record<string, string> = {};
  if (typeof metadata !== 'object' || Array.isArray(metadata)) errors.push({ field: 'metadata', message: 'metadata must be an object of strings' });
  else {
    const entries = Object.entries(metadata as Record<string, unknown>);
    if (entries.length > MAX_METADATA_KEYS) errors.push({ field: 'metadata', message: `metadata can have at most ${MAX_METADATA_KEYS} keys` });
    for (const [k, v] of entries) {
      if (k.length === 0 || k.length > 100) errors.push({ field: 'metadata', message: 'metadata keys must be 1–100 characters' });
      else if (typeof v !== 'string') errors.push({ field: `metadata.${k}`, message: `metadata.${k} must be a string` });
      else if (v.length > 1000) errors.push({ field: `metadata.${k}`, message: `metadata.${k} must be at most 1000 characters` });
      else out[k] = v;
    }
  }
  if (errors.length) throw new AppError('VALIDATION_ERROR', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { fields: errors });
  return out;
}

@Injectable()
export class AnalysesService {
  private readonly logger = new Logger('analyses');

  constructor(
    private readonly ds: DataSource,
    private readonly queue: JobQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly screenshots: ScreenshotsService,
  ) {}

  /**
   * Creates a pending analysis and enqueues its job in the same transaction (the caller's, when `manager` is given).
   * Other features (support desk, Canvas Kit) call this; it does not re-validate the window.
   */
  async createAnalysis(input: CreateAnalysisInput, manager?: EntityManager): Promise<AnalysisEntity> {
    const work = async (m: EntityManager) => {
      const repo = m.getRepository(AnalysisEntity);
      const row = await repo.save(
        repo.create({
          tenantId: input.tenantId,
          projectId: input.projectId,
          status: 'pending',
          description: input.description.slice(0, 5000),
          timeStart: input.timeStart,
          timeEnd: input.timeEnd,
          metadata: input.metadata ?? {},
          trigger: input.trigger,
          triggeredBy: input.triggeredBy ?? null,
          bindingId: input.bindingId ?? null,
          conversationId: input.conversationId ?? null,
          partialReasons: [],
        }),
      );
      await this.queue.enqueue<AnalysisRunJob>(ANALYSIS_RUN_QUEUE.name, { analysisId: row.id }, { manager: m });
      return row;
    };
    const row = manager ? await work(manager) : await this.ds.transaction(work);
    this.logger.log({ event: 'analysis.created', analysisId: row.id, projectId: row.projectId, trigger: row.trigger }, 'analysis created');
    return row;
  }

  /**
   * The support-desk analysis of one conversation, created at most once (serialised per conversation): null when
   * one with this trigger already exists.
   */
  async createOncePerConversation(input: CreateAnalysisInput & { bindingId: string; conversationId: string }): Promise<AnalysisEntity | null> {
    return this.ds.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`analysis:${input.bindingId}:${input.conversationId}`]);
      const exists = await m
        .getRepository(AnalysisEntity)
        .exists({ where: { bindingId: input.bindingId, conversationId: input.conversationId, trigger: input.trigger } });
      return exists ? null : this.createAnalysis(input, m);
    });
  }

  /** The analyses of one support-desk conversation, newest first. */
  async forConversation(bindingId: string, conversationId: string, projectSlug: string): Promise<ConversationAnalysis[]> {
    const rows = await this.ds.getRepository(AnalysisEntity).find({ where: { bindingId, conversationId }, order: { createdAt: 'DESC' } });
    return rows.map((a) => ({
      id: a.id,
      status: a.status,
      severity: a.severity,
      trigger: a.trigger,
      createdAt: a.createdAt.toISOString(),
      url: this.analysisUrl(a, projectSlug),
    }));
  }

  /** How many analyses each of these conversations of a binding has. */
  async countByConversation(bindingId: string, conversationIds: string[]): Promise<Map<string, number>> {
    if (!conversationIds.length) return new Map();
    const rows: Array<{ conversationId: string; n: number }> = await this.ds.query(
      `SELECT "conversationId", count(*)::int AS n FROM analyses WHERE "bindingId" = $1 AND "conversationId" = ANY($2) GROUP BY 1`,
      [bindingId, conversationIds],
    );
    return new Map(rows.map((r) => [r.conversationId, r.n]));
  }

  /** The dashboard page of an analysis. */
  analysisUrl(analysis: Pick<AnalysisEntity, 'id'>, projectSlug: string): string {
    return `${this.config.publicUrl.replace(/\/+$/, '')}/projects/${encodeURIComponent(projectSlug)}/analyses/${analysis.id}`;
  }

  /**
   * POST /v1/analyses (JSON or multipart): checks the body against the rules and the request's project, then creates
   * the analysis, its job and its screenshot in one transaction. Nothing is written when anything is invalid.
   */
  async createFromApi(
    scope: AnalysisScope,
    dto: { description: string; timeStart: string; timeEnd: string; metadata?: unknown; projectId?: string; screenshot?: string },
    file?: UploadedFileData,
  ): Promise<AnalysisEntity> {
    if (dto.projectId !== undefined && dto.projectId !== scope.projectId)
      throw new AppError('WRONG_PROJECT', 'projectId does not match the project of this request');
    const metadata = checkMetadata(dto.metadata);
    const timeStart = new Date(dto.timeStart);
    const timeEnd = new Date(dto.timeEnd);
    const windowErrors = checkAnalysisWindow(timeStart, timeEnd);
    if (windowErrors.length) {
      throw new AppError('INVALID_TIME_RANGE', windowErrors.map((e) => `${e.field}: ${e.message}`).join('; '), { fields: windowErrors });
    }
    const shot = await this.screenshots.check({ file, dataUrl: dto.screenshot });
    const isKey = scope.kind === 'apiKey';
    return this.ds.transaction(async (m) => {
      const row = await this.createAnalysis(
        {
          tenantId: scope.tenantId,
          projectId: scope.projectId,
          description: dto.description.trim(),
          timeStart,
          timeEnd,
          trigger: isKey ? 'api' : 'dashboard',
          triggeredBy: scope.actor,
          metadata,
        },
        m,
      );
      if (shot) await this.screenshots.store(m, row.id, shot);
      return row;
    });
  }

  async list(
    scope: AnalysisScope,
    q: { page: number; limit: number; status?: string; severity?: string; fromDate?: string; toDate?: string },
  ): Promise<Page<AnalysisSummaryView>> {
    const from = q.fromDate ? new Date(q.fromDate) : null;
    const to = q.toDate ? new Date(q.toDate) : null;
    if (from && to && to.getTime() <= from.getTime()) {
      throw new AppError('INVALID_TIME_RANGE', 'toDate must be after fromDate', { fields: [{ field: 'toDate', message: 'toDate must be after fromDate' }] });
    }
    const qb = this.ds
      .getRepository(AnalysisEntity)
      .createQueryBuilder('a')
      .select(['a.id', 'a.status', 'a.severity', 'a.createdAt', 'a.timeStart', 'a.timeEnd', 'a.description', 'a.trigger'])
      .addSelect(`a.result->>'summary'`, 'summary')
      .where('a.tenantId = :tenantId AND a.projectId = :projectId', { tenantId: scope.tenantId, projectId: scope.projectId });
    if (scope.onlyTriggeredBy) qb.andWhere('a.triggeredBy = :triggeredBy', { triggeredBy: scope.onlyTriggeredBy });
    if (q.status) qb.andWhere('a.status = :status', { status: q.status });
    if (q.severity) qb.andWhere('a.severity = :severity', { severity: q.severity });
    if (from) qb.andWhere('a.createdAt >= :from', { from });
    if (to) qb.andWhere('a.createdAt < :to', { to });
    const total = await qb.getCount();
    const { entities, raw } = await qb
      .orderBy('a.createdAt', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .offset((q.page - 1) * q.limit)
      .limit(q.limit)
      .getRawAndEntities();
    const summaries = new Map<string, string | null>(raw.map((r: { a_id: string; summary?: string | null }) => [r.a_id, r.summary ?? null]));
    const items = entities.map((a) => ({
      id: a.id,
      status: a.status,
      severity: a.severity,
      summary: summaries.get(a.id) ?? null,
      createdAt: a.createdAt.toISOString(),
      timeStart: a.timeStart.toISOString(),
      timeEnd: a.timeEnd.toISOString(),
      description: a.description,
      trigger: a.trigger,
    }));
    return page(items, total, q.page, q.limit);
  }

  /** The analysis if this caller may see it; 404 ANALYSIS_NOT_FOUND otherwise (another tenant, project or key). */
  async findScoped(scope: AnalysisScope, id: string): Promise<AnalysisEntity> {
    const where: Record<string, string> = { id, tenantId: scope.tenantId, projectId: scope.projectId };
    if (scope.onlyTriggeredBy) where.triggeredBy = scope.onlyTriggeredBy;
    const row = UUID.test(id) ? await this.ds.getRepository(AnalysisEntity).findOne({ where }) : null;
    if (!row) throw analysisNotFound();
    return row;
  }

  view(a: AnalysisEntity, projectSlug: string): AnalysisRecordFields {
    return {
      id: a.id,
      analysisId: a.id,
      projectId: a.projectId,
      status: a.status,
      severity: a.severity,
      description: a.description,
      timeStart: a.timeStart.toISOString(),
      timeEnd: a.timeEnd.toISOString(),
      metadata: a.metadata ?? {},
      trigger: a.trigger,
      createdAt: a.createdAt.toISOString(),
      completedAt: a.completedAt ? a.completedAt.toISOString() : null,
      processingTimeMs: a.processingTimeMs,
      result: a.result,
      ...(a.errorCode ? { error: { code: a.errorCode, message: a.errorMessage ?? '' } } : {}),
      partialReasons: a.partialReasons ?? [],
      url: this.analysisUrl(a, projectSlug),
    };
  }
}

export { checkAnalysisWindow, FUTURE_SLACK_MS, MAX_WINDOW_MS, TERMINAL_STATUSES } from '@app/contracts';
export type { AnalysisSummaryView, AnalysisView } from '@app/contracts';
export type { ConversationAnalysis as ConversationAnalysisView } from '@app/contracts';
