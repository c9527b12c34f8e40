import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
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

type EventWithContext = SupportDeskEventEntity & { binding?: BindingEntity | null; project?: ProjectEntity | null };

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
    const row: EventWithContext | null = await this.ds
      .getRepository(SupportDeskEventEntity)
      .createQueryBuilder('e')
      .leftJoinAndMapOne('e.binding', BindingEntity, 'b', 'b.id = e.bindingId')
      .leftJoinAndMapOne('e.project', ProjectEntity, 'p', 'p.id = b.projectId')
      .where('e.id = :eventId', { eventId })
      .getOne();
    if (!row || row.status === 'processed' || row.status === 'ignored') return null;
    const { binding = null, project = null, ...event } = row;
    return { event, binding, project };
  }

  async finish(eventId: string, outcome: EventOutcome, note: string | null = null): Promise<void> {
    await this.ds.getRepository(SupportDeskEventEntity).update({ id: eventId }, { status: outcome, note, processedAt: new Date() });
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
