import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import pLimit from 'p-limit';
import type { TriageResult } from '@app/contracts';
import { APP_CONFIG, JobQueue, type AppConfig, type JobContext } from '@app/core';
import type { ProjectEntity } from '@app/projects';
import {
  AttributesService,
  BindingEntity,
  ConversationEventsService,
  countedAttempt,
  conversationUrl,
  eventIdsOf,
  OpenEvent,
  PostService,
  renderPublicReply,
  RetryLater,
  SUPPORT_DESK_EVENT_QUEUE,
  type SupportDeskEventJob,
} from '@app/support-desk';
import { ConversationTriagedPort, type TriageDecision } from '../conversation-triaged.port';
import { triageNote } from '../triage-note';
import { TriageRecords } from '../triage-records.service';
import type { TriageEntity } from '../triage.entity';
import { TriageService } from '../triage.service';
import { ProjectCorrections } from '../feedback/project-corrections';
import { agentLabels, keepAgentLabels } from '../feedback/keep-correction';
import { ConversationAutoAnalysis } from './conversation-auto-analysis';
import { bindingGate, followUp, onFailure, triageStep } from './conversation-plan';

/**
 * Events this process handles at once, over all of the queue's jobs (a job brings up to a whole ingest group): the
 * queue's own concurrency, measured for one event per job (SUPPORT_DESK_EVENT_QUEUE).
 */
const EVENTS_AT_ONCE = SUPPORT_DESK_EVENT_QUEUE.concurrency ?? 32;

/**
 * The conversation-triage job (queue `support-desk.event`, declared by support-desk): for each event it brings, triage
 * a new conversation or a customer reply, store it, ask the incidents seam, post per posting mode, write the mapped
 * attributes and start the auto-analysis. Idempotent: a retried attempt re-reads what is stored and does nothing that
 * is already done. A job of one event fails and is retried by the queue; in a job of several, each event settles on
 * its own and one that fails goes on alone, as a job of its own (SupportDeskEventJob).
 */
@Injectable()
export class ConversationTriageJob implements OnModuleInit {
  private readonly logger = new Logger('pipeline');
  private readonly limit = pLimit(EVENTS_AT_ONCE);

  constructor(
    private readonly queue: JobQueue,
    private readonly events: ConversationEventsService,
    private readonly records: TriageRecords,
    private readonly triage: TriageService,
    private readonly seam: ConversationTriagedPort,
    private readonly posts: PostService,
    private readonly attributes: AttributesService,
    private readonly autoAnalysis: ConversationAutoAnalysis,
    private readonly corrections: ProjectCorrections,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.queue.handle<Partial<SupportDeskEventJob>>(SUPPORT_DESK_EVENT_QUEUE.name, (job, ctx) => this.handle(job, ctx));
  }

  async handle(job: Partial<SupportDeskEventJob>, ctx: JobContext): Promise<void> {
    const ids = eventIdsOf(job);
    if (!ids) {
      this.logger.warn({ event: 'pipeline.bad_job' }, 'event job without valid event ids; dropped');
      return;
    }
    const tried = Number.isInteger(job.tried) && job.tried! > 0 ? job.tried! : 0;
    const final = ctx.retryCount + tried >= (SUPPORT_DESK_EVENT_QUEUE.retryLimit ?? 0);
    const one = (id: string) => this.limit(() => countedAttempt(SUPPORT_DESK_EVENT_QUEUE.name, this.logger, () => this.handleEvent(id, final)));
    if (ids.length === 1) return one(ids[0]);
    const settled = await Promise.allSettled(ids.map(one));
    const failed = ids.flatMap((id, i) => (settled[i].status === 'rejected' ? [{ id, reason: (settled[i] as PromiseRejectedResult).reason }] : []));
    if (!failed.length) return;
    // The last attempt: the job fails as one event's would (the others are done).
    if (final) throw failed[0].reason;
    // Each failed event goes on alone, retried like any other; if this enqueue fails, the whole job is retried (the
    // events already done are skipped: `open` answers null for them).
    const attempts = ctx.retryCount + tried + 1;
    await Promise.all(
      failed.map(({ id }) =>
        this.queue.enqueue(
          SUPPORT_DESK_EVENT_QUEUE.name,
          { eventIds: [id], tried: attempts },
          { startAfterSeconds: SUPPORT_DESK_EVENT_QUEUE.retryDelaySeconds ?? 1 },
        ),
      ),
    );
    this.logger.warn(
      { event: 'pipeline.events_split', jobId: ctx.id, eventIds: failed.map((f) => f.id) },
      'events of a job failed; each goes on as a job of its own',
    );
  }

  private async handleEvent(eventId: string, final: boolean): Promise<void> {
    const open = await this.events.open(eventId);
    if (!open) return;
    const { event } = open;
    const gate = bindingGate(open.binding);
    if (!gate.go) return this.events.finish(event.id, 'ignored', gate.note);
    const b = open.binding!;
    const project = open.project;
    if (!project) throw new Error(`project ${b.projectId} of binding ${b.id} not found`);
    try {
      const outcome = await this.run(b, project, event, { final });
      await this.events.finish(event.id, outcome.status, outcome.note);
    } catch (e) {
      const handling = onFailure(e, final);
      if (handling === 'retry_later') throw new RetryLater((e as Error).message);
      if (handling === 'mark_failed' || handling === 'log_and_rethrow')
        this.logger.error({ event: 'pipeline.event_failed', eventId, err: (e as Error).message }, 'event processing failed');
      if (handling === 'mark_failed') return this.events.finish(event.id, 'failed', String((e as Error).message).slice(0, 500));
      throw e;
    }
  }

  private async run(
    b: BindingEntity,
    project: ProjectEntity,
    event: OpenEvent['event'],
    attempt: { final: boolean },
  ): Promise<{ status: 'processed' | 'ignored'; note: string | null }> {
    const conversationId = event.conversationId!;
    const { stored, latest: previous } = await this.records.forEvent(event.id, b.id, conversationId);
    const step = triageStep(event.action as 'triage' | 'retriage' | 'record', !!stored, !!previous);
    let triage: TriageEntity;
    let prior: TriageEntity | null = null;
    switch (step.kind) {
      case 'already_triaged':
        return { status: 'processed', note: 'conversation already triaged' };
      case 'reuse':
        triage = stored!;
        prior = await this.records.before(b.id, conversationId, triage.createdAt);
        break;
      case 'retriage': {
        prior = previous!;
        const seen = prior.text;
        const parts = this.events.customerParts(b, event).filter((x) => x.text && !seen.includes(x.text));
        const text = [seen, ...parts.map((x) => x.text)].filter(Boolean).join('\n\n');
        const newText = parts.map((x) => x.text).join('\n\n');
        triage = await this.store(
          b,
          project,
          event.id,
          conversationId,
          'customer_reply',
          { subject: prior.subject, text, createdAt: prior.conversationCreatedAt, customerName: prior.customerName },
          newText,
        );
        break;
      }
      case 'fresh': {
        const conv = await this.events.conversation(b, event, attempt);
        if (!conv) return { status: 'ignored', note: 'conversation not found (deleted before the job ran)' };
        triage = await this.store(b, project, event.id, conversationId, step.reason, conv);
        break;
      }
    }

    // The seam for incidents: after the triage is stored, before anything is posted.
    const decision = await this.seam.conversationTriaged({
      tenantId: b.tenantId,
      projectId: b.projectId,
      bindingId: b.id,
      platform: b.platform,
      conversationId,
      triageId: triage.id,
      reason: triage.reason,
      isUpdate: prior !== null,
      subject: triage.subject,
      customerName: triage.customerName,
      conversationCreatedAt: triage.conversationCreatedAt,
      result: triage.result,
      text: triage.text,
      projectSlug: project.slug,
      trackerTickets: !!b.trackerTickets?.enabled,
    });
    const plan = followUp({
      postingMode: b.postingMode,
      threshold: b.autoAnalyzeThreshold,
      result: triage.result,
      prior: prior ? { severity: prior.result.severity, affectedService: prior.affectedService } : null,
      decision,
    });
    await this.post(plan.post, b, project, conversationId, triage, prior, decision, attempt);
    const result = triage.result;
    if (plan.writeAttributes) {
      await this.attributes.write(
        b,
        conversationId,
        { severity: result.severity, affected_service: result.affectedService ?? '', confidence: result.confidence, summary: result.summary },
        attempt,
      );
    }
    if (plan.autoAnalysis) await this.autoAnalysis.start(b, project, conversationId, triage, attempt);
    return { status: 'processed', note: null };
  }

  private async post(
    kind: ReturnType<typeof followUp>['post'],
    b: BindingEntity,
    project: ProjectEntity,
    conversationId: string,
    triage: TriageEntity,
    prior: TriageEntity | null,
    decision: TriageDecision,
    attempt: { final: boolean },
  ): Promise<void> {
    const link = conversationUrl(this.config.publicUrl, project.slug, b.id, conversationId);
    const result = triage.result;
    if (kind === 'public_reply') {
      const facts = { customerName: triage.customerName, severity: result.severity, affectedService: result.affectedService, summary: result.summary };
      const reply = renderPublicReply(b, { conversationId, projectName: project.name, facts, analysisUrl: null });
      await this.posts.post(b, conversationId, 'triage:public', 'public', () => reply, attempt);
    } else if (kind === 'triage_note') {
      await this.posts.post(
        b,
        conversationId,
        'triage:note',
        'internal',
        (ref) => ({ html: triageNote(result, { timezone: b.timezone, link, ref, incident: decision.incident }), text: '' }),
        attempt,
      );
    } else if (kind === 'update_note') {
      const updated = { previousSeverity: prior!.result.severity, previousService: prior!.affectedService };
      await this.posts.post(
        b,
        conversationId,
        `triage-update:${triage.id}`,
        'internal',
        (ref) => ({ html: triageNote(result, { timezone: b.timezone, link, ref, updated, incident: decision.incident }), text: '' }),
        attempt,
      );
    }
  }

  private async store(
    b: BindingEntity,
    project: ProjectEntity,
    eventId: string,
    conversationId: string,
    reason: 'created' | 'customer_reply',
    conv: { subject: string | null; text: string; createdAt: Date; customerName: string | null },
    /** A re-triage: the customer's new text (a corrected conversation keeps the agent's labels unless it raises severity). */
    newText?: string,
  ): Promise<TriageEntity> {
    const request = {
      subject: conv.subject,
      createdAt: conv.createdAt,
      timezone: b.timezone,
      timeBufferHours: b.timeBufferHours,
      services: project.services,
      llmContext: project.llmContext,
    };
    let result: TriageResult = this.triage.run({
      ...request,
      text: conv.text || '(no text: the message has only attachments)',
      corrections: await this.corrections.forProject(project.id),
    });
    if (newText !== undefined) {
      const agent = agentLabels(await this.corrections.standingFor(b.id, conversationId));
      const newTextSeverity = agent && newText.trim() ? this.triage.run({ ...request, subject: null, text: newText }).severity : null;
      result = keepAgentLabels(result, agent, newTextSeverity);
    }
    return this.records.store({
      tenantId: b.tenantId,
      projectId: b.projectId,
      bindingId: b.id,
      conversationId,
      eventId,
      reason,
      subject: conv.subject,
      customerName: conv.customerName,
      text: conv.text,
      conversationCreatedAt: conv.createdAt,
      result,
    });
  }
}
