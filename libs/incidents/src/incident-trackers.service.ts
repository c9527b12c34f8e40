import { Injectable } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import { JobQueue } from '@app/core';
import { BindingEntity } from '@app/support-desk';
import type { IncidentEntity } from './incident.entities';
import { INCIDENT_TRACKER_QUEUE, type IncidentTrackerSyncPayload } from './incidents.queues';

/** Asks for a tracker-ticket sync of an incident in the bindings that mirror incidents (one pending job per pair). */
@Injectable()
export class IncidentTrackers {
  constructor(private readonly queue: JobQueue) {}

  async sync(m: EntityManager, inc: IncidentEntity, bindingIds: string[]): Promise<void> {
    const ids = [...new Set(bindingIds)];
    if (!ids.length) return;
    const bindings = await m.getRepository(BindingEntity).find({ where: { id: In(ids) } });
    for (const b of bindings.filter((x) => x.trackerTickets?.enabled)) {
      await this.queue.enqueue<IncidentTrackerSyncPayload>(
        INCIDENT_TRACKER_QUEUE.name,
        { incidentId: inc.id, bindingId: b.id },
        { manager: m, singletonKey: `${inc.id}:${b.id}` },
      );
    }
  }

  /** Every binding of the incident's conversations (linked or not: an unlinked one may still sit on the ticket). */
  async syncAll(m: EntityManager, inc: IncidentEntity): Promise<void> {
    const rows: Array<{ bindingId: string }> = await m.query('SELECT DISTINCT "bindingId" FROM incident_conversations WHERE "incidentId" = $1', [inc.id]);
    const trackers: Array<{ bindingId: string }> = await m.query('SELECT "bindingId" FROM incident_trackers WHERE "incidentId" = $1', [inc.id]);
    await this.sync(
      m,
      inc,
      [...rows, ...trackers].map((r) => r.bindingId),
    );
  }
}
