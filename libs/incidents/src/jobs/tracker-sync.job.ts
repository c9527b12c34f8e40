import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { incidentRef } from '@app/contracts';
import { APP_CONFIG, JobQueue, type AppConfig, type JobContext } from '@app/core';
import { ProjectEntity } from '@app/projects';
import { BindingClients, BindingEntity, countedAttempt, ProviderError, RetryLater, type TrackerTicketApi } from '@app/support-desk';
import { IncidentConversationEntity, IncidentEntity, IncidentTrackerEntity } from '../incident.entities';
import { addEvent } from '../incident-tx';
import { INCIDENT_TRACKER_QUEUE, type IncidentTrackerSyncPayload } from '../incidents.queues';
import { incidentUrl } from '../links';

const ticketTitle = (inc: IncidentEntity) => `${incidentRef(inc.number)} · ${inc.title}`.slice(0, 250);

/**
 * Mirrors an incident as a tracker ticket in one binding's workspace (contract §11, optional per binding): creates
 * it with the first conversation linked, links the others, unlinks the ones that left, resolves it when the
 * incident is resolved. Idempotent: re-run after any change (a singleton job per incident and binding).
 */
@Injectable()
export class IncidentTrackerSyncJob implements OnModuleInit {
  private readonly logger = new Logger('incidents');

  constructor(
    private readonly ds: DataSource,
    private readonly queue: JobQueue,
    private readonly clients: BindingClients,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.queue.handle<Partial<IncidentTrackerSyncPayload>>(INCIDENT_TRACKER_QUEUE.name, (job, ctx) =>
      countedAttempt(INCIDENT_TRACKER_QUEUE.name, this.logger, () => this.handle(job, ctx)),
    );
  }

  async handle(job: Partial<IncidentTrackerSyncPayload>, ctx: JobContext): Promise<void> {
    const { incidentId, bindingId } = job ?? {};
    if (!incidentId || !bindingId) return;
    const final = ctx.retryCount >= (INCIDENT_TRACKER_QUEUE.retryLimit ?? 0);
    const [inc, b] = await Promise.all([
      this.ds.getRepository(IncidentEntity).findOne({ where: { id: incidentId } }),
      this.ds.getRepository(BindingEntity).findOne({ where: { id: bindingId } }),
    ]);
    if (!inc || !b || b.status !== 'active' || !b.trackerTickets?.enabled || !b.trackerTickets.ticketTypeId) return;
    const trackers = this.clients.for(b).trackers();
    if (!trackers) return;
    try {
      const rec = await this.ensureTicket(inc, b, trackers);
      if (!rec?.ticketId) return;
      await this.relink(inc, b, trackers, rec.ticketId);
      const title = ticketTitle(inc);
      if (rec.title !== title) {
        await trackers.retitle(rec.ticketId, title);
        await this.ds.getRepository(IncidentTrackerEntity).update({ id: rec.id }, { title });
      }
      if (inc.status === 'resolved' && rec.status !== 'resolved') {
        const type = await trackers.trackerType(b.trackerTickets.ticketTypeId);
        await trackers.resolve(rec.ticketId, { stateId: type.resolvedStateId, adminId: b.replyAsAdminId ?? b.installedBy.adminId });
        await this.ds.getRepository(IncidentTrackerEntity).update({ id: rec.id }, { status: 'resolved', error: null });
      }
    } catch (e) {
      const retry = e instanceof ProviderError ? e.retryable : true;
      if (retry && !final) throw new RetryLater(`tracker sync: ${(e as Error).message}`);
      await this.ds
        .getRepository(IncidentTrackerEntity)
        .update({ incidentId: inc.id, bindingId: b.id }, { error: String((e as Error).message).slice(0, 500), status: 'failed' });
      this.logger.warn({ event: 'incidents.tracker_failed', incidentId: inc.id, bindingId: b.id, err: (e as Error).message }, 'tracker ticket sync failed');
    }
  }

  /**
   * The incident's ticket in this workspace, created once: under a lock, recorded before the call; a retry after a
   * lost answer finds the ticket through the conversation it was created with.
   */
  private async ensureTicket(inc: IncidentEntity, b: BindingEntity, trackers: TrackerTicketApi): Promise<IncidentTrackerEntity | null> {
    return this.ds.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`incident-tracker:${inc.id}:${b.id}`]);
      const repo = m.getRepository(IncidentTrackerEntity);
      let rec = await repo.findOne({ where: { incidentId: inc.id, bindingId: b.id } });
      if (rec?.ticketId) return rec;
      const first = await m
        .getRepository(IncidentConversationEntity)
        .findOne({ where: { incidentId: inc.id, bindingId: b.id, status: 'linked' }, order: { seenAt: 'ASC' } });
      if (!first || inc.status !== 'open') return rec;
      if (!rec)
        rec = await repo.save(
          repo.create({ incidentId: inc.id, bindingId: b.id, status: 'creating', attempts: 0, ticketId: null, seedConversationId: first.conversationId }),
        );
      let ticketId: string | null = null;
      if (rec.attempts > 0 && rec.seedConversationId) ticketId = await trackers.trackerOf(rec.seedConversationId);
      const seed = ticketId ? rec.seedConversationId! : first.conversationId;
      const created = !ticketId;
      if (!ticketId) {
        await repo.update({ id: rec.id }, { attempts: rec.attempts + 1, seedConversationId: seed });
        const project = await m.getRepository(ProjectEntity).findOneByOrFail({ id: inc.projectId });
        const ref = incidentRef(inc.number);
        ({ ticketId } = await trackers.createTracker({
          ticketTypeId: b.trackerTickets.ticketTypeId!,
          title: ticketTitle(inc),
          description: `SigSentry incident ${ref}: ${incidentUrl(this.config.publicUrl, project.slug, inc.id)}`,
          conversationId: seed,
          adminId: b.replyAsAdminId ?? b.installedBy.adminId,
        }));
      }
      // A ticket found again (not made by this attempt) gets its title from the next sync.
      await repo.update({ id: rec.id }, { ticketId, status: 'created', error: null, title: created ? ticketTitle(inc) : null });
      await m.getRepository(IncidentConversationEntity).update({ bindingId: b.id, conversationId: seed }, { trackerTicketId: ticketId });
      await addEvent(m, inc.id, 'tracker_created', `Tracker ticket ${ticketId} in ${b.workspaceName}`);
      return repo.findOneByOrFail({ id: rec.id });
    });
  }

  /** Linked conversations of this workspace on the ticket; the ones that left (unlinked, merged away) off it. */
  private async relink(inc: IncidentEntity, b: BindingEntity, trackers: TrackerTicketApi, ticketId: string): Promise<void> {
    const repo = this.ds.getRepository(IncidentConversationEntity);
    const mine = await repo.find({ where: { incidentId: inc.id, bindingId: b.id, status: 'linked' } });
    for (const r of mine.filter((x) => x.trackerTicketId !== ticketId)) {
      if (r.trackerTicketId) await trackers.unlink(r.trackerTicketId, r.conversationId);
      await trackers.link(ticketId, r.conversationId);
      await repo.update({ id: r.id }, { trackerTicketId: ticketId });
    }
    const gone = await repo.find({ where: { bindingId: b.id, trackerTicketId: ticketId } });
    for (const r of gone.filter((x) => x.status !== 'linked' || x.incidentId !== inc.id)) {
      await trackers.unlink(ticketId, r.conversationId);
      // A conversation merged into another incident is re-linked by that incident's sync.
      await repo.update({ id: r.id, trackerTicketId: ticketId }, { trackerTicketId: null });
    }
  }
}
