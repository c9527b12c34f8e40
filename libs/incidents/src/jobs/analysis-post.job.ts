import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { incidentRef } from '@app/contracts';
import { AnalysesService, AnalysisEntity, TERMINAL_STATUSES } from '@app/analysis';
import { APP_CONFIG, JobQueue, type AppConfig, type JobContext } from '@app/core';
import { ProjectEntity } from '@app/projects';
import {
  analysisNote,
  analysisNoteContent,
  AttributesService,
  BindingEntity,
  ConversationFactsPort,
  countedAttempt,
  escapeHtml,
  PostService,
  ProviderError,
  renderPublicReply,
  RetryLater,
  SupportDeskEventEntity,
} from '@app/support-desk';
import { TriageEntity } from '@app/triage';
import { IncidentAnalysisEntity, IncidentConversationEntity, IncidentEntity } from '../incident.entities';
import { INCIDENT_ANALYSIS_POST_QUEUE, type IncidentAnalysisPostPayload } from '../incidents.queues';
import { incidentUrl } from '../links';

/** The public analysis reply of a conversation's incidents: at most one per conversation (contract §7 `both`). */
export const INCIDENT_PUBLIC_PURPOSE = 'incident-analysis:public';

/**
 * Posts an incident's analysis to one linked conversation, per that conversation's binding's posting mode: the
 * internal note once per analysis; the public reply (mode `both`) once per conversation and only for the incident's
 * first analysis (a re-analysis posts notes only); then `analysis_url`. Exactly-once is support-desk's post records.
 */
@Injectable()
export class IncidentAnalysisPostJob implements OnModuleInit {
  private readonly logger = new Logger('incidents');

  constructor(
    private readonly ds: DataSource,
    private readonly queue: JobQueue,
    private readonly posts: PostService,
    private readonly attributes: AttributesService,
    private readonly facts: ConversationFactsPort,
    private readonly analyses: AnalysesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.queue.handle<Partial<IncidentAnalysisPostPayload>>(INCIDENT_ANALYSIS_POST_QUEUE.name, (job, ctx) =>
      countedAttempt(INCIDENT_ANALYSIS_POST_QUEUE.name, this.logger, () => this.handle(job, ctx)),
    );
  }

  async handle(job: Partial<IncidentAnalysisPostPayload>, ctx: JobContext): Promise<void> {
    const { incidentId, analysisId, bindingId, conversationId } = job ?? {};
    if (!incidentId || !analysisId || !bindingId || !conversationId) {
      this.logger.warn({ event: 'incidents.bad_post_job' }, 'incident post job without incident, analysis, binding or conversation; dropped');
      return;
    }
    const final = ctx.retryCount >= (INCIDENT_ANALYSIS_POST_QUEUE.retryLimit ?? 0);
    const row = await this.ds.getRepository(IncidentConversationEntity).findOne({ where: { bindingId, conversationId } });
    // Unlinked or moved (merge) since: nothing to post for this incident.
    if (!row || row.status !== 'linked' || row.incidentId !== incidentId) return;
    const [inc, analysis, b] = await Promise.all([
      this.ds.getRepository(IncidentEntity).findOne({ where: { id: incidentId } }),
      this.ds.getRepository(AnalysisEntity).findOne({ where: { id: analysisId } }),
      this.ds.getRepository(BindingEntity).findOne({ where: { id: bindingId } }),
    ]);
    if (!inc || !analysis || !TERMINAL_STATUSES.includes(analysis.status) || !b || b.status !== 'active') return;
    // The triage note comes first: wait (bounded by the retries) while the conversation's triage job still runs.
    if (!final && (await this.triagePending(row.triageId))) throw new RetryLater('the triage note is not posted yet');
    const project = await this.ds.getRepository(ProjectEntity).findOneByOrFail({ id: inc.projectId });
    const url = this.analyses.analysisUrl(analysis, project.slug);
    const ref = incidentRef(inc.number);
    const firstAnalysis =
      (await this.ds.getRepository(IncidentAnalysisEntity).findOne({ where: { incidentId }, order: { createdAt: 'ASC' } }))?.analysisId === analysisId;
    try {
      // As for a single conversation's analysis (support-desk), a failed one is answered too: the customer hears once.
      if (b.postingMode === 'both' && firstAnalysis) {
        const facts = await this.facts.conversationFacts(b.id, conversationId);
        const reply = renderPublicReply(b, { conversationId, projectName: project.name, facts, analysisUrl: url });
        await this.posts.post(b, conversationId, INCIDENT_PUBLIC_PURPOSE, 'public', () => reply, { final });
      }
      if (b.postingMode !== 'public') {
        const content = analysisNoteContent({
          status: analysis.status,
          result: analysis.result,
          errorMessage: analysis.errorMessage,
          partialReasons: analysis.partialReasons ?? [],
        });
        const head = `<p>Incident <a href="${escapeHtml(incidentUrl(this.config.publicUrl, project.slug, inc.id))}">${escapeHtml(`${ref} · ${inc.title}`)}</a>: one analysis for its ${inc.conversationCount} conversation${inc.conversationCount === 1 ? '' : 's'}.</p>`;
        await this.posts.post(
          b,
          conversationId,
          `incident-analysis:${analysisId}:note`,
          'internal',
          (postRef) => ({ html: head + analysisNote(content, { timezone: b.timezone, link: url, ref: postRef }), text: '' }),
          { final },
        );
      }
      await this.attributes.write(b, conversationId, { analysis_url: url }, { final });
    } catch (e) {
      if (e instanceof ProviderError && e.retryable && !final) throw new RetryLater(e.message);
      throw e;
    }
  }

  /** Is the job that triaged (and posts the triage note of) this conversation still running? */
  private async triagePending(triageId: string | null): Promise<boolean> {
    if (!triageId) return false;
    const t = await this.ds.getRepository(TriageEntity).findOne({ where: { id: triageId } });
    if (!t) return false;
    const ev = await this.ds.getRepository(SupportDeskEventEntity).findOne({ where: { id: t.eventId } });
    return ev?.status === 'received';
  }
}
