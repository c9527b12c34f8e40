import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { entityRows } from '@app/core';
import { ProjectEntity } from '@app/projects';
import { BindingClients } from './binding-client';
import { RetryLater } from './post.service';
import { ConversationContext, NormalizedPart, ProviderError, SupportDeskRegistry } from './provider';
import { BindingEntity, SupportDeskEventEntity } from './support-desk.entities';

export type EventOutcome = 'processed' | 'ignored' | 'failed';

/** A recorded event still to act on, with its binding (null when the binding is gone) and the binding's project. */
export interface OpenEvent {
  event: Pick<SupportDeskEventEntity, 'id' | 'action' | 'conversationId' | 'payload' | 'requestId' | 'topic'>;
  binding: BindingEntity | null;
  /** The binding's project; null when the binding or its project is gone. */
  project: ProjectEntity | null;
}

/**
 * The recorded conversation events, as the feature that acts on them (triage) sees them: load one, read its
 * conversation through the binding's platform, mark it done. Platform-agnostic.
 */
@Injectable()
export class ConversationEventsService {
  constructor(
    private readonly ds: DataSource,
    private readonly registry: SupportDeskRegistry,
    private readonly clients: BindingClients,
  ) {}

  /**
   * The event with its binding and project (one read: this runs once per conversation job); null when the event is
   * unknown or already done (processed or ignored).
   */
  async open(eventId: string): Promise<OpenEvent | null> {
    const e = entityRows(this.ds, SupportDeskEventEntity, 'e');
    const b = entityRows(this.ds, BindingEntity, 'b');
    const p = entityRows(this.ds, ProjectEntity, 'p');
    const [row] = await this.ds.query(
      `SELECT ${e.columns}, ${b.columns}, ${p.columns} FROM ${e.table} e
       LEFT JOIN ${b.table} b ON b.id = e."bindingId" LEFT JOIN ${p.table} p ON p.id = b."projectId" WHERE e.id = $1`,
      [eventId],
    );
    const event = row ? e.read(row) : null;
    if (!event || event.status === 'processed' || event.status === 'ignored') return null;
    return { event, binding: b.read(row), project: p.read(row) };
  }

  async finish(eventId: string, outcome: EventOutcome, note: string | null = null): Promise<void> {
    await this.ds.query(`UPDATE support_desk_events SET status = $2, note = $3, "processedAt" = $4 WHERE id = $1`, [eventId, outcome, note, new Date()]);
  }

  /** The customer parts this event carries (for a re-triage), already filtered by author. */
  customerParts(b: BindingEntity, event: OpenEvent['event']): NormalizedPart[] {
    return this.registry.get(b.platform).eventParts(event.payload, b);
  }

  /**
   * The conversation as the event carries it, else read from the platform. Null when it is gone (deleted before the
   * job ran) or the token was rejected (the binding then needs a reinstall); a retryable failure before the last
   * attempt is RetryLater.
   */
  async conversation(b: BindingEntity, event: OpenEvent['event'], attempt: { final: boolean }): Promise<ConversationContext | null> {
    const provider = this.registry.get(b.platform);
    const fromEvent = provider.conversationFromEvent(event.payload, b);
    if (fromEvent) return fromEvent;
    try {
      return await this.clients.for(b).readConversation(event.conversationId!);
    } catch (e) {
      if (e instanceof ProviderError && e.kind === 'not_found') return null;
      // A refused token or a missing permission: the client already recorded it (binding state, health); nothing to read.
      if (e instanceof ProviderError && (e.kind === 'unauthorized' || e.kind === 'permission_missing')) return null;
      if (e instanceof ProviderError && e.retryable && !attempt.final) throw new RetryLater('conversation read failed');
      throw e;
    }
  }
}
