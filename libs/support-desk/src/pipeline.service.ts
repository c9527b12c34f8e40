import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { meetsThreshold, SEVERITY_ORDER, type TriageResult } from '@app/contracts';
import { AnalysesService } from '@app/analysis/analyses.service';
import { AnalysisEntity } from '@app/analysis/analysis.entity';
import { APP_CONFIG } from '@app/core/config/config.module';
import type { AppConfig } from '@app/core/config/config';
import { jobsProcessed } from '@app/core/health/metrics';
import { JobContext, JobQueue } from '@app/core/queue/job-queue';
import { ProjectEntity } from '@app/projects/project.entity';
import { TriageService } from '@app/triage/triage.service';
import { AttributesService } from './attributes.service';
import { BindingsService } from './bindings.service';
import { EVENT_QUEUE } from './ingest.service';
import { analysisNote, triageNote } from './notes';
import { PostService, RetryLater } from './post.service';
import { ConversationContext, ProviderError, SupportDeskRegistry } from './provider';
import { BindingEntity, SupportDeskEventEntity, TriageEntity } from './support-desk.entities';
import { DEFAULT_PUBLIC_REPLY_TEMPLATE, renderTemplate } from './templates/reply-template';

export const ANALYSIS_FINISHED_QUEUE = 'support-desk.analysis-finished';
const RETRY_LIMIT = 6;

/**
 * The worker side of the support desk: triage new conversations and customer replies, post per posting mode,
 * write mapped attributes, gate auto-analyses, and post finished analyses back. Every handler is idempotent:
 * it re-reads state and does nothing that is already done.
 */
@Injectable()
export class PipelineService implements OnModuleInit {
  private readonly logger = new Logger('pipeline');

  constructor(
    private readonly ds: DataSource,
    private readonly queue: JobQueue,
    private readonly registry: SupportDeskRegistry,
    private readonly bindings: BindingsService,
    private readonly posts: PostService,
    private readonly attributes: AttributesService,
    private readonly triage: TriageService,
    private readonly analyses: AnalysesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit() {
    // Short jobs (a few Intercom calls): a killed worker's job is picked up again after a 10 s heartbeat miss.
    this.queue.define({
      name: EVENT_QUEUE,
      retryLimit: RETRY_LIMIT,
      retryDelaySeconds: 1,
      retryBackoff: true,
      concurrency: 8,
      expireInSeconds: 120,
      heartbeatSeconds: 10,
    });
    this.queue.define({
      name: ANALYSIS_FINISHED_QUEUE,
      retryLimit: RETRY_LIMIT,
      retryDelaySeconds: 1,
      retryBackoff: true,
      concurrency: 4,
      expireInSeconds: 120,
      heartbeatSeconds: 10,
    });
    this.queue.handle<{ eventId: string }>(EVENT_QUEUE, (d, ctx) => this.run(EVENT_QUEUE, () => this.handleEvent(d.eventId, ctx)));
    this.queue.handle<{ analysisId: string }>(ANALYSIS_FINISHED_QUEUE, (d, ctx) =>
      this.run(ANALYSIS_FINISHED_QUEUE, () => this.handleAnalysisFinished(d.analysisId, ctx)),
    );
  }

  private async run(queue: string, fn: () => Promise<void>) {
    try {
      await fn();
      jobsProcessed.inc({ queue, outcome: 'ok' });
    } catch (e) {
      jobsProcessed.inc({ queue, outcome: e instanceof RetryLater ? 'retry' : 'error' });
      this.logger.warn({ event: 'job.failed', queue, err: (e as Error).message }, 'job attempt failed; it will be retried');
      throw e;
    }
  }

  conversationLink(b: BindingEntity, slug: string, conversationId: string): string {
    return `${this.config.publicUrl}/projects/${slug}/support-desk/${b.id}/conversations/${encodeURIComponent(conversationId)}`;
  }

  async handleEvent(eventId: string, ctx: JobContext): Promise<void> {
    const final = ctx.retryCount >= RETRY_LIMIT;
    const events = this.ds.getRepository(SupportDeskEventEntity);
    const ev = await events.findOne({ where: { id: eventId } });
    if (!ev || ev.status === 'processed' || ev.status === 'ignored') return;
    const b = await this.ds.getRepository(BindingEntity).findOne({ where: { id: ev.bindingId } });
    const done = (status: 'processed' | 'ignored' | 'failed', note: string | null = null) =>
      events.update({ id: ev.id }, { status, note, processedAt: new Date() });
    if (!b || b.status === 'inactive') return void (await done('ignored', 'binding inactive'));
    if (b.status === 'needs_reinstall') return void (await done('ignored', 'binding needs reinstall (token rejected)'));
    const project = await this.ds.getRepository(ProjectEntity).findOneOrFail({ where: { id: b.projectId } });
    const provider = this.registry.get(b.platform);
    const conversationId = ev.conversationId!;
    try {
      const existing = await this.ds.getRepository(TriageEntity).findOne({ where: { eventId: ev.id } });
      const previous = await this.ds.getRepository(TriageEntity).findOne({ where: { bindingId: b.id, conversationId }, order: { createdAt: 'DESC' } });
      let triage: TriageEntity;
      let prior: TriageEntity | null = null;
      if (existing) {
        triage = existing;
        prior = await this.ds
          .getRepository(TriageEntity)
          .createQueryBuilder('t')
          .where('t.bindingId = :b AND t.conversationId = :c AND t.createdAt < :at', { b: b.id, c: conversationId, at: existing.createdAt })
          .orderBy('t.createdAt', 'DESC')
          .getOne();
      } else if (ev.action === 'retriage' && previous) {
        prior = previous;
        const parts = provider.eventParts(ev.payload, b).filter((x) => x.text && !previous.text.includes(x.text));
        const text = [previous.text, ...parts.map((x) => x.text)].filter(Boolean).join('\n\n');
        triage = await this.storeTriage(b, project, ev, 'customer_reply', {
          subject: previous.subject,
          text,
          createdAt: previous.conversationCreatedAt,
          customerName: previous.customerName,
        });
      } else {
        if (previous && ev.action === 'triage') {
          // A second "created" event for a conversation we already triaged: nothing new to say.
          return void (await done('processed', 'conversation already triaged'));
        }
        const conv = await this.conversation(b, ev, conversationId, final);
        if (!conv) return void (await done('ignored', 'conversation not found (deleted before the job ran)'));
        triage = await this.storeTriage(b, project, ev, previous ? 'customer_reply' : 'created', conv);
      }
      const result = triage.result;
      const link = this.conversationLink(b, project.slug, conversationId);
      const isUpdate = !!prior;
      const changed =
        prior &&
        (SEVERITY_ORDER[result.severity] > SEVERITY_ORDER[prior.result.severity as keyof typeof SEVERITY_ORDER] ||
          prior.affectedService !== result.affectedService);

      if (!isUpdate) {
        if (b.postingMode === 'public') {
          await this.posts.post(b, conversationId, 'triage:public', 'public', () => this.publicReply(b, project, conversationId, triage, null), { final });
        } else {
          await this.posts.post(
            b,
            conversationId,
            'triage:note',
            'internal',
            (ref) => ({ html: triageNote(result, { timezone: b.timezone, link, ref }), text: '' }),
            { final },
          );
        }
      } else if (changed && b.postingMode !== 'public') {
        await this.posts.post(
          b,
          conversationId,
          `triage-update:${triage.id}`,
          'internal',
          (ref) => ({
            html: triageNote(result, {
              timezone: b.timezone,
              link,
              ref,
              updated: { previousSeverity: prior!.result.severity, previousService: prior!.affectedService },
            }),
            text: '',
          }),
          { final },
        );
      }
      if (!isUpdate || changed) {
        await this.attributes.write(
          b,
          conversationId,
          { severity: result.severity, affected_service: result.affectedService ?? '', confidence: result.confidence, summary: result.summary },
          { final },
        );
      }
      await this.maybeAnalyze(b, project, conversationId, triage, { final });
      await done('processed');
    } catch (e) {
      if (e instanceof RetryLater) throw e;
      if (e instanceof ProviderError && e.retryable && !final) throw new RetryLater(e.message);
      if (final || !(e instanceof ProviderError)) {
        this.logger.error({ event: 'pipeline.event_failed', eventId, err: (e as Error).message }, 'event processing failed');
        if (final) return void (await done('failed', String((e as Error).message).slice(0, 500)));
      }
      throw e;
    }
  }

  private async conversation(b: BindingEntity, ev: SupportDeskEventEntity, conversationId: string, final: boolean): Promise<ConversationContext | null> {
    const provider = this.registry.get(b.platform);
    const fromEvent = provider.conversationFromEvent(ev.payload, b);
    if (fromEvent) return fromEvent;
    try {
      return await provider.readConversation(this.bindings.auth(b), conversationId, b);
    } catch (e) {
      if (e instanceof ProviderError && e.kind === 'not_found') return null;
      if (e instanceof ProviderError && e.kind === 'unauthorized') {
        await this.bindings.markTokenRejected(b);
        return null;
      }
      if (e instanceof ProviderError && e.retryable && !final) throw new RetryLater('conversation read failed');
      throw e;
    }
  }

  private async storeTriage(
    b: BindingEntity,
    project: ProjectEntity,
    ev: SupportDeskEventEntity,
    reason: 'created' | 'customer_reply',
    conv: { subject: string | null; text: string; createdAt: Date; customerName: string | null },
  ): Promise<TriageEntity> {
    const result: TriageResult = this.triage.run({
      text: conv.text || '(no text: the message has only attachments)',
      subject: conv.subject,
      createdAt: conv.createdAt,
      timezone: b.timezone,
      timeBufferHours: b.timeBufferHours,
      services: project.services,
      llmContext: project.llmContext,
    });
    const repo = this.ds.getRepository(TriageEntity);
    await repo
      .createQueryBuilder()
      .insert()
      .values({
        tenantId: b.tenantId,
        projectId: b.projectId,
        bindingId: b.id,
        conversationId: ev.conversationId!,
        eventId: ev.id,
        reason,
        subject: conv.subject?.slice(0, 500) ?? null,
        customerName: conv.customerName?.slice(0, 255) ?? null,
        text: conv.text.slice(0, 100_000),
        conversationCreatedAt: conv.createdAt,
        severity: result.severity,
        affectedService: result.affectedService,
        result,
      })
      .orIgnore()
      .execute();
    return repo.findOneOrFail({ where: { eventId: ev.id } });
  }

  private publicReply(b: BindingEntity, project: ProjectEntity, conversationId: string, triage: TriageEntity, analysisUrl: string | null) {
    return renderTemplate(b.publicReplyTemplate ?? DEFAULT_PUBLIC_REPLY_TEMPLATE, {
      customer_name: triage.customerName,
      conversation_id: conversationId,
      severity: triage.result.severity,
      affected_service: triage.result.affectedService,
      summary: triage.result.summary,
      project_name: project.name,
      analysis_url: analysisUrl,
    });
  }

  /** Auto-analyze gate: severity ≥ threshold and no support-desk analysis for this conversation yet. */
  private async maybeAnalyze(b: BindingEntity, project: ProjectEntity, conversationId: string, triage: TriageEntity, attempt: { final: boolean }) {
    if (!meetsThreshold(triage.result.severity, b.autoAnalyzeThreshold)) return;
    const analysis = await this.ds.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`analysis:${b.id}:${conversationId}`]);
      const exists = await m.getRepository(AnalysisEntity).exists({ where: { bindingId: b.id, conversationId, trigger: 'support_desk' } });
      if (exists) return null;
      const bufferMs = b.timeBufferHours * 3_600_000;
      let start = new Date(triage.result.window.start);
      let end = new Date(triage.result.window.end);
      if (!(end.getTime() > start.getTime())) start = new Date(end.getTime() - bufferMs);
      if (end.getTime() - start.getTime() > 24 * 3_600_000) start = new Date(end.getTime() - 24 * 3_600_000);
      if (end.getTime() > Date.now()) end = new Date();
      if (start.getTime() >= end.getTime()) start = new Date(end.getTime() - bufferMs);
      const description = [triage.subject, triage.result.summary].filter(Boolean).join(' — ').slice(0, 5000) || `Conversation ${conversationId}`;
      return this.analyses.createAnalysis(
        {
          tenantId: b.tenantId,
          projectId: b.projectId,
          description,
          timeStart: start,
          timeEnd: end,
          trigger: 'support_desk',
          triggeredBy: `support_desk:${b.id}`,
          bindingId: b.id,
          conversationId,
          metadata: { ticketId: conversationId, platform: b.platform, ticketUrl: this.conversationLink(b, project.slug, conversationId) },
        },
        m,
      );
    });
    if (analysis) {
      this.logger.log({ event: 'pipeline.analysis_started', analysisId: analysis.id, conversationId }, 'auto-analysis created');
      await this.attributes.write(b, conversationId, { analysis_url: this.analyses.analysisUrl(analysis, project.slug) }, attempt);
    }
  }

  /** Posts a finished support-desk analysis back (contract §7 table) and writes analysis_url. */
  async handleAnalysisFinished(analysisId: string, ctx: JobContext): Promise<void> {
    const final = ctx.retryCount >= RETRY_LIMIT;
    const a = await this.ds.getRepository(AnalysisEntity).findOne({ where: { id: analysisId } });
    if (!a || !a.bindingId || !a.conversationId || !['complete', 'partial', 'failed'].includes(a.status)) return;
    const b = await this.ds.getRepository(BindingEntity).findOne({ where: { id: a.bindingId } });
    if (!b || b.status !== 'active') return;
    const project = await this.ds.getRepository(ProjectEntity).findOneOrFail({ where: { id: a.projectId } });
    const url = this.analyses.analysisUrl(a, project.slug);
    try {
      if (b.postingMode === 'both') {
        const triage = await this.ds
          .getRepository(TriageEntity)
          .findOne({ where: { bindingId: b.id, conversationId: a.conversationId }, order: { createdAt: 'DESC' } });
        if (triage)
          await this.posts.post(b, a.conversationId, `analysis:${a.id}:public`, 'public', () => this.publicReply(b, project, a.conversationId!, triage, url), {
            final,
          });
      }
      if (b.postingMode !== 'public') {
        await this.posts.post(
          b,
          a.conversationId,
          `analysis:${a.id}:note`,
          'internal',
          (ref) => ({ html: analysisNote(a, { timezone: b.timezone, link: url, ref }), text: '' }),
          { final },
        );
      }
      await this.attributes.write(b, a.conversationId, { analysis_url: url }, { final });
    } catch (e) {
      if (e instanceof ProviderError && e.retryable && !final) throw new RetryLater(e.message);
      throw e;
    }
  }
}
