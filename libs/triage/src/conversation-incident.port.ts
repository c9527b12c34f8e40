import { Injectable } from '@nestjs/common';
import type { ConversationAnalysis, ConversationIncident } from '@app/contracts';

/** An analysis as a conversation's view lists it. */
export type IncidentAnalysisItem = ConversationAnalysis;

/** What incidents says about one conversation: its incident and the incident's analyses (newest first). */
export interface ConversationIncidentSource {
  incidentOf(bindingId: string, conversationId: string): Promise<{ incident: ConversationIncident; analyses: IncidentAnalysisItem[] } | null>;
}

/**
 * Port declared by triage for the conversation view (contract §11: a linked conversation's view lists its
 * incident's analyses). Incidents registers its source at module init (`port.use(source)`); without one there are
 * no incidents.
 */
@Injectable()
export class ConversationIncidentPort implements ConversationIncidentSource {
  private source: ConversationIncidentSource | null = null;

  use(source: ConversationIncidentSource): void {
    if (this.source && this.source !== source) throw new Error('ConversationIncidentPort already has a source');
    this.source = source;
  }

  async incidentOf(bindingId: string, conversationId: string) {
    return this.source ? this.source.incidentOf(bindingId, conversationId) : null;
  }
}
