import type { ProductEvent } from '@app/support-desk';

/** Intercom's real topic names (reference §4.4) and what the product does with each (contract §6). */
export const TOPIC_ACTIONS: Record<string, { event: ProductEvent; action: 'triage' | 'retriage' | 'record' }> = {
  'conversation.user.created': { event: 'conversation.created', action: 'triage' },
  'conversation.user.replied': { event: 'conversation_part.created', action: 'retriage' },
  'conversation.admin.replied': { event: 'conversation_part.created', action: 'record' },
  'conversation.admin.noted': { event: 'conversation_part.created', action: 'record' },
  'conversation.operator.replied': { event: 'conversation_part.created', action: 'record' },
  'conversation.admin.single.created': { event: 'conversation.created', action: 'record' },
};

export const INTERCOM_TOPICS = Object.keys(TOPIC_ACTIONS);
export const CUSTOMER_AUTHOR_TYPES = new Set(['user', 'lead', 'contact']);
