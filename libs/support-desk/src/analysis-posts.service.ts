import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DataSource } from 'typeorm';
import type { AnalysisResult } from '@app/contracts';
import { JobContext, JobQueue } from '@app/core';
import { ProjectEntity } from '@app/projects';
import { AttributesService } from './attributes.service';
import { ConversationFactsPort } from './conversation-facts.port';
import { FinishedAnalysesPort } from './finished-analyses.port';
import { analysisNote, analysisNoteContent } from './notes';
import { renderPublicReply } from './templates/reply-template';
import { PostService, RetryLater } from './post.service';
import { ProviderError } from './provider';
import { ANALYSIS_POST_QUEUE, AnalysisPostJob, countedAttempt } from './support-desk.queues';
import { BindingEntity } from './support-desk.entities';

/** What support-desk reads of a finished analysis (a structural subset of analysis's FinishedAnalysis). */
export interface ConversationAnalysisOutcome {
  id: string;
  status: string;
  bindingId: string | null;
  conversationId: string | null;
  result: AnalysisResult | null;
  errorMessage: string | null;
  partialReasons: string[];
  url: string;
}

/**
 * Posts the finished analyses that belong to one conversation (contract §7 "what is posted where"): support-desk's
 * side of analysis's AnalysisFinishedPort. `analysisFinished` runs in analysis's transaction and only enqueues; the
 * job posts per posting mode and writes `analysis_url`.
 */
@Injectable()
export class AnalysisPostsService implements OnModuleInit {
  private readonly logger = new Logger('support-desk');

  constructor(
    private readonly ds: DataSource,
    private readonly queue: JobQueue,
    private readonly posts: PostService,
    private readonly attributes: AttributesService,
    private readonly facts: ConversationFactsPort,
    private readonly finished: FinishedAnalysesPort,
  ) {}

  onModuleInit(): void {
    this.queue.handle<Partial<AnalysisPostJob>>(ANALYSIS_POST_QUEUE.name, (job, ctx) =>
      countedAttempt(ANALYSIS_POST_QUEUE.name, this.logger, () => this.post(job, ctx)),
    );
  }

  /** The listener: an analysis of one conversation gets its posting job, in the caller's transaction. */
  async analysisFinished(a: ConversationAnalysisOutcome, manager: EntityManager): Promise<void> {
    const job = postJobOf(a);
    if (job) await this.queue.enqueue<AnalysisPostJob>(ANALYSIS_POST_QUEUE.name, job, { manager });
  }

  async post(raw: Partial<AnalysisPostJob>, ctx: JobContext): Promise<void> {
    const job = await this.complete(raw);
    if (!job) return;
    const { analysisId, bindingId, conversationId, url, note } = job;
    const final = ctx.retryCount >= (ANALYSIS_POST_QUEUE.retryLimit ?? 0);
    const b = await this.ds.getRepository(BindingEntity).findOne({ where: { id: bindingId } });
    if (!b || b.status !== 'active') return;
    const project = await this.ds.getRepository(ProjectEntity).findOneOrFail({ where: { id: b.projectId } });
    try {
      if (b.postingMode === 'both') {
        const facts = await this.facts.conversationFacts(b.id, conversationId);
        if (facts) {
          const reply = renderPublicReply(b, { conversationId, projectName: project.name, facts, analysisUrl: url });
          await this.posts.post(b, conversationId, `analysis:${analysisId}:public`, 'public', () => reply, { final });
        }
      }
      if (b.postingMode !== 'public') {
        await this.posts.post(
          b,
          conversationId,
          `analysis:${analysisId}:note`,
          'internal',
          (ref) => ({ html: analysisNote(note, { timezone: b.timezone, link: url, ref }), text: '' }),
          { final, late: true },
        );
      }
      await this.attributes.write(b, conversationId, { analysis_url: url }, { final });
    } catch (e) {
      if (e instanceof ProviderError && e.retryable && !final) throw new RetryLater(e.message);
      throw e;
    }
  }

  /**
   * A job as enqueued today, or one of the older format that carries only `analysisId` (or lacks any other field):
   * completed from the analysis as it finished (FinishedAnalysesPort), so nothing is lost. Null when there is nothing to
   * post: no analysis id at all, an analysis that no longer exists or belongs to no conversation (each logged).
   */
  private async complete(raw: Partial<AnalysisPostJob> | null | undefined): Promise<AnalysisPostJob | null> {
    const j = raw && typeof raw === 'object' ? raw : {};
    if (j.analysisId && j.bindingId && j.conversationId && j.url && j.note) return j as AnalysisPostJob;
    if (typeof j.analysisId !== 'string' || !j.analysisId) {
      this.logger.warn({ event: 'analysis_post.bad_job', fields: Object.keys(j).slice(0, 10) }, 'analysis post job without an analysis id: nothing to post');
      return null;
    }
    const a = await this.finished.finishedAnalysis(j.analysisId);
    const job = a ? postJobOf(a) : null;
    if (!job) {
      this.logger.warn(
        { event: 'analysis_post.nothing_to_post', analysisId: j.analysisId, found: !!a },
        a ? 'analysis of no conversation: nothing to post' : 'analysis not found (deleted, or not finished): nothing to post',
      );
      return null;
    }
    this.logger.log({ event: 'analysis_post.old_job_completed', analysisId: job.analysisId }, 'old-format posting job completed from the analysis');
    return job;
  }
}

/** The posting job of a finished analysis, or null when it belongs to no conversation. */
function postJobOf(a: ConversationAnalysisOutcome): AnalysisPostJob | null {
  if (!a.bindingId || !a.conversationId) return null;
  return { analysisId: a.id, bindingId: a.bindingId, conversationId: a.conversationId, url: a.url, note: analysisNoteContent(a) };
}
