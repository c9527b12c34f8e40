import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { incidentRef } from '@app/contracts';
import { AnalysesService, AnalysisEntity } from '@app/analysis';
import { JobQueue, type JobContext } from '@app/core';
import { ProjectEntity } from '@app/projects';
import {
  BindingClients,
  BindingEntity,
  ConversationFactsPort,
  countedAttempt,
  PostEntity,
  PostService,
  ProviderError,
  renderIncidentUpdate,
  RetryLater,
} from '@app/support-desk';
import { IncidentConversationEntity, IncidentEntity, IncidentUpdateDeliveryEntity, IncidentUpdateEntity } from '../incident.entities';
import { INCIDENT_UPDATE_QUEUE, type IncidentUpdateDeliveryPayload } from '../incidents.queues';

/** The support-desk post record of one conversation's copy of an update. */
export const updatePurpose = (updateId: string) => `incident-update:${updateId}`;

/**
 * One conversation's copy of an "update all customers": skipped when the conversation was closed meanwhile, else one
 * public reply rendered from its binding's `incidentUpdateTemplate`. A crash after the platform accepted the reply
 * but before it was recorded is covered by support-desk's post record (it looks for the earlier copy first).
 */
@Injectable()
export class IncidentUpdateDeliveryJob implements OnModuleInit {
  private readonly logger = new Logger('incidents');

  constructor(
    private readonly ds: DataSource,
    private readonly queue: JobQueue,
    private readonly posts: PostService,
    private readonly clients: BindingClients,
    private readonly facts: ConversationFactsPort,
    private readonly analyses: AnalysesService,
  ) {}

  onModuleInit(): void {
    this.queue.handle<Partial<IncidentUpdateDeliveryPayload>>(INCIDENT_UPDATE_QUEUE.name, (job, ctx) =>
      countedAttempt(INCIDENT_UPDATE_QUEUE.name, this.logger, () => this.handle(job, ctx)),
    );
  }

  async handle(job: Partial<IncidentUpdateDeliveryPayload>, ctx: JobContext): Promise<void> {
    const d = job?.deliveryId ? await this.ds.getRepository(IncidentUpdateDeliveryEntity).findOne({ where: { id: job.deliveryId } }) : null;
    if (!d || d.status !== 'pending') return;
    const final = ctx.retryCount >= (INCIDENT_UPDATE_QUEUE.retryLimit ?? 0);
    const done = async (status: IncidentUpdateDeliveryEntity['status'], error: string | null = null): Promise<void> => {
      await this.ds.getRepository(IncidentUpdateDeliveryEntity).update({ id: d.id, status: 'pending' }, { status, error: error?.slice(0, 500) ?? null });
    };
    const [update, inc, b] = await Promise.all([
      this.ds.getRepository(IncidentUpdateEntity).findOne({ where: { id: d.updateId } }),
      this.ds.getRepository(IncidentEntity).findOne({ where: { id: d.incidentId } }),
      this.ds.getRepository(BindingEntity).findOne({ where: { id: d.bindingId } }),
    ]);
    if (!update || !inc) return done('failed', 'the update or its incident is gone');
    if (!b || b.status !== 'active')
      return done('failed', b?.status === 'needs_reinstall' ? 'the binding needs a reinstall (token rejected)' : 'the binding is disconnected');
    const purpose = updatePurpose(update.id);
    const record = await this.ds.getRepository(PostEntity).findOne({ where: { bindingId: b.id, conversationId: d.conversationId, purpose } });
    if (record?.status === 'completed') return done('posted');
    try {
      // Not started yet: only open conversations get it. (A started post is finished whatever happened since.)
      if (!record && !(await this.stillOpen(b, d.conversationId, final))) return done('skipped', 'the conversation is closed');
      const project = await this.ds.getRepository(ProjectEntity).findOneByOrFail({ id: inc.projectId });
      const facts = await this.facts.conversationFacts(b.id, d.conversationId);
      const row = await this.ds.getRepository(IncidentConversationEntity).findOne({ where: { bindingId: b.id, conversationId: d.conversationId } });
      const analysis = inc.analysisId ? await this.ds.getRepository(AnalysisEntity).findOne({ where: { id: inc.analysisId } }) : null;
      const reply = renderIncidentUpdate(b, {
        conversationId: d.conversationId,
        projectName: project.name,
        facts: facts
          ? { ...facts, affectedService: inc.service ?? facts.affectedService }
          : { customerName: row?.customerName ?? null, severity: inc.severity, affectedService: inc.service, summary: null },
        analysisUrl: analysis ? this.analyses.analysisUrl(analysis, project.slug) : null,
        incident: { ref: incidentRef(inc.number), title: inc.title, status: inc.status },
        message: update.message,
      });
      const outcome = await this.posts.post(b, d.conversationId, purpose, 'public', () => reply, { final });
      if (outcome === 'failed') {
        const rec = await this.ds.getRepository(PostEntity).findOne({ where: { bindingId: b.id, conversationId: d.conversationId, purpose } });
        return done('failed', rec?.error ?? 'the platform refused the reply');
      }
      return done('posted');
    } catch (e) {
      if (e instanceof RetryLater) throw e;
      if (e instanceof ProviderError && e.retryable && !final) throw new RetryLater(e.message);
      if (!final) throw e;
      return done('failed', (e as Error).message);
    }
  }

  /** Reads the conversation's state; a deleted conversation counts as closed, a refused token fails the copy. */
  private async stillOpen(b: BindingEntity, conversationId: string, final: boolean): Promise<boolean> {
    try {
      const conv = await this.clients.for(b).readConversation(conversationId);
      return conv.open !== false;
    } catch (e) {
      if (e instanceof ProviderError && e.kind === 'not_found') return false;
      if (e instanceof ProviderError && e.retryable && !final) throw new RetryLater(`conversation read failed: ${e.kind}`);
      throw e;
    }
  }
}
