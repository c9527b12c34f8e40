import { Injectable } from '@nestjs/common';

/** What support-desk may say about a conversation in a public reply (template values), as the last triage saw it. */
export interface ConversationFacts {
  customerName: string | null;
  severity: string;
  affectedService: string | null;
  summary: string | null;
}

/** The feature that triages conversations (triage) answers this; support-desk knows nothing above it. */
export interface ConversationFactsSource {
  conversationFacts(bindingId: string, conversationId: string): Promise<ConversationFacts | null>;
}

/**
 * Port declared by support-desk for the public reply it posts when an analysis finishes (posting mode `both`):
 * triage registers its records here at module init (`port.use(source)`). Without a source there are no facts, and
 * no public reply is posted (as for a conversation that was never triaged).
 */
@Injectable()
export class ConversationFactsPort implements ConversationFactsSource {
  private source: ConversationFactsSource | null = null;

  use(source: ConversationFactsSource): void {
    if (this.source && this.source !== source) throw new Error('ConversationFactsPort already has a source');
    this.source = source;
  }

  async conversationFacts(bindingId: string, conversationId: string): Promise<ConversationFacts | null> {
    return this.source ? this.source.conversationFacts(bindingId, conversationId) : null;
  }
}
