import { Injectable } from '@nestjs/common';
import type { TriageResult } from '@app/contracts';

/** A conversation whose triage was just stored, as the conversation-triage job hands it to the seam. */
export interface TriagedConversation {
  tenantId: string;
  projectId: string;
  bindingId: string;
  platform: string;
  conversationId: string;
  /** The stored triage (table `triages`) and why it was made (`correction`/`correction_undo`: an agent's correction). */
  triageId: string;
  reason: 'created' | 'customer_reply' | 'correction' | 'correction_undo';
  /** True when an earlier triage of this conversation exists (a customer reply re-triaged it, or an agent corrected it). */
  isUpdate: boolean;
  subject: string | null;
  customerName: string | null;
  conversationCreatedAt: Date;
  result: TriageResult;
  /** The stored triage's text and the project's slug, when the caller has them at hand (the handler reads them otherwise). */
  text?: string;
  projectSlug?: string;
  /** Whether the conversation's binding mirrors incidents to tracker tickets, when the caller has the binding at hand. */
  trackerTickets?: boolean;
}

/** An incident a conversation was linked to, as the triage note names it. */
export interface IncidentRef {
  id: string;
  title: string;
  /** Its dashboard page, when there is one. */
  url: string | null;
  /** `INC-<n>`, how many conversations it holds and since when (ISO-8601), when the incident owner says so. */
  ref?: string;
  conversationCount?: number;
  firstSeenAt?: string;
}

export interface TriageDecision {
  /** The incident the triage note names (null: the note names none). */
  incident: IncidentRef | null;
  /**
   * `per_conversation`: the job starts the conversation's auto-analysis when the severity meets the binding's
   * threshold. `per_incident`: it starts none; the incident's owner runs one analysis for the incident.
   */
  autoAnalysis: 'per_conversation' | 'per_incident';
}

/** The answer without incidents: no incident, auto-analysis per conversation. */
export const PER_CONVERSATION: TriageDecision = Object.freeze({ incident: null, autoAnalysis: 'per_conversation' as const });

/** What incidents implements. Called on every attempt of the job (a retried job calls it again): be idempotent. */
export interface ConversationTriagedHandler {
  conversationTriaged(conversation: TriagedConversation): Promise<TriageDecision>;
}

/**
 * The seam for incidents (architecture.md): the conversation-triage job calls it after the triage is stored and
 * before anything is posted, and honours the answer. Default: no incidents (PER_CONVERSATION). Incidents registers
 * its handler once, at module init: `port.use(handler)`.
 */
@Injectable()
export class ConversationTriagedPort implements ConversationTriagedHandler {
  private handler: ConversationTriagedHandler | null = null;

  use(handler: ConversationTriagedHandler): void {
    if (this.handler && this.handler !== handler) throw new Error('ConversationTriagedPort already has a handler');
    this.handler = handler;
  }

  async conversationTriaged(conversation: TriagedConversation): Promise<TriageDecision> {
    return this.handler ? this.handler.conversationTriaged(conversation) : PER_CONVERSATION;
  }
}
