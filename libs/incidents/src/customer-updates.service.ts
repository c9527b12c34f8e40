import { Injectable, Logger } from '@nestjs/common';
import { DataSource, In, type EntityManager } from 'typeorm';
import { checkIncidentMessage, incidentRef, type IncidentCustomerUpdate, type IncidentUpdateAccepted } from '@app/contracts';
import { AppError, JobQueue } from '@app/core';
import { IncidentConversationEntity, IncidentEntity, IncidentUpdateDeliveryEntity, IncidentUpdateEntity } from './incident.entities';
import { addEvent, lockProject } from './incident-tx';
import { INCIDENT_UPDATE_QUEUE, type IncidentUpdateDeliveryPayload } from './incidents.queues';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * "Update all customers" (contract §11): one public reply per linked conversation per update, exactly once even
 * across a crash (each copy is a delivery row and a support-desk post record), with progress and failures.
 */
@Injectable()
export class CustomerUpdates {
  private readonly logger = new Logger('incidents');

  constructor(
    private readonly ds: DataSource,
    private readonly queue: JobQueue,
  ) {}

  /**
   * Records the update and one delivery per linked conversation, and enqueues them, in one transaction.
   * `resolve` resolves the incident first (the "fixed" update), through `resolveIn`.
   */
  async create(
    inc: IncidentEntity,
    dto: { message: string; resolve?: boolean },
    by: string,
    resolveIn: (m: EntityManager, i: IncidentEntity) => Promise<void>,
  ): Promise<IncidentUpdateAccepted> {
    const bad = checkIncidentMessage(dto.message);
    if (bad) throw new AppError('VALIDATION_ERROR', bad, { fields: [{ field: 'message', message: bad }] });
    const message = dto.message.trim();
    return this.ds.transaction(async (m) => {
      await lockProject(m, inc.projectId);
      const i = await m.getRepository(IncidentEntity).findOneByOrFail({ id: inc.id });
      if (i.mergedIntoId) throw new AppError('CONFLICT', `${incidentRef(i.number)} was merged into another incident: send the update from that one`);
      if (dto.resolve) await resolveIn(m, i);
      const rows = await m.getRepository(IncidentConversationEntity).find({ where: { incidentId: i.id, status: 'linked' } });
      const update = await m.getRepository(IncidentUpdateEntity).save(
        m.getRepository(IncidentUpdateEntity).create({
          incidentId: i.id,
          tenantId: i.tenantId,
          projectId: i.projectId,
          message,
          resolve: !!dto.resolve,
          createdBy: by.slice(0, 120),
          conversations: rows.length,
        }),
      );
      if (rows.length) {
        const saved = await m.getRepository(IncidentUpdateDeliveryEntity).save(
          rows.map((r) =>
            m.getRepository(IncidentUpdateDeliveryEntity).create({
              updateId: update.id,
              incidentId: i.id,
              bindingId: r.bindingId,
              conversationId: r.conversationId,
              status: 'pending',
              error: null,
            }),
          ),
        );
        await this.queue.enqueueMany<IncidentUpdateDeliveryPayload>(
          INCIDENT_UPDATE_QUEUE.name,
          saved.map((d) => ({ data: { deliveryId: d.id } })),
          { manager: m },
        );
      }
      await addEvent(
        m,
        i.id,
        'update_sent',
        `Update to ${rows.length} conversation${rows.length === 1 ? '' : 's'} by ${by}${dto.resolve ? ' (resolved)' : ''}`,
      );
      this.logger.log({ event: 'incidents.update_created', incidentId: i.id, updateId: update.id, conversations: rows.length }, 'customer update queued');
      return { id: update.id, conversations: rows.length };
    });
  }

  async progress(incidentId: string, updateId: string): Promise<IncidentCustomerUpdate> {
    const u = UUID.test(updateId) ? await this.ds.getRepository(IncidentUpdateEntity).findOne({ where: { id: updateId, incidentId } }) : null;
    if (!u) throw new AppError('NOT_FOUND', 'Update not found');
    return (await this.views([u]))[0];
  }

  /** The incident's updates, newest first. */
  async listFor(incidentId: string): Promise<IncidentCustomerUpdate[]> {
    const list = await this.ds.getRepository(IncidentUpdateEntity).find({ where: { incidentId }, order: { createdAt: 'DESC' }, take: 50 });
    return this.views(list);
  }

  private async views(list: IncidentUpdateEntity[]): Promise<IncidentCustomerUpdate[]> {
    if (!list.length) return [];
    const deliveries = await this.ds.getRepository(IncidentUpdateDeliveryEntity).find({ where: { updateId: In(list.map((u) => u.id)) } });
    return list.map((u) => {
      const mine = deliveries.filter((d) => d.updateId === u.id);
      const n = (s: IncidentUpdateDeliveryEntity['status']) => mine.filter((d) => d.status === s).length;
      return {
        id: u.id,
        incidentId: u.incidentId,
        message: u.message,
        resolve: u.resolve,
        createdAt: u.createdAt.toISOString(),
        conversations: u.conversations,
        posted: n('posted'),
        failed: n('failed'),
        pending: n('pending'),
        skipped: n('skipped'),
        failures: mine
          .filter((d) => d.status === 'failed')
          .map((d) => ({ bindingId: d.bindingId, conversationId: d.conversationId, error: d.error ?? 'failed' })),
      };
    });
  }
}
