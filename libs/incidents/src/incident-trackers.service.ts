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

  /** `mirrors`: whether a binding mirrors incidents, where the caller already knows (those bindings are not read). */
  async sync(m: EntityManager, inc: IncidentEntity, bindingIds: string[], mirrors: ReadonlyMap<string, boolean> = new Map()): Promise<void> {
    const ids = [...new Set(bindingIds)];
    const unknown = ids.filter((id) => !mirrors.has(id));
    const read = unknown.length ? await m.getRepository(BindingEntity).find({ where: { id: In(unknown) } }) : [];
    const mirroring = [...ids.filter((id) => mirrors.get(id) === true), ...read.filter((x) => x.trackerTickets?.enabled).map((x) => x.id)];
    for (const bindingId of mirroring) {
      await this.queue.enqueue<IncidentTrackerSyncPayload>(
        INCIDENT_TRACKER_QUEUE.name,
        { incidentId: inc.id, bindingId },
        { manager: m, singletonKey: `${inc.id}:${bindingId}` },
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
