import type { BindingEntity } from './support-desk.entities';
import type { ConversationFacts } from './conversation-facts.port';
import { DEFAULT_PUBLIC_REPLY_TEMPLATE, renderTemplate } from './templates/reply-template';

/** The binding's public reply (contract §7 template) for a conversation, with what the last triage knew. */
export function renderPublicReply(
  b: Pick<BindingEntity, 'publicReplyTemplate'>,
  v: { conversationId: string; projectName: string; facts: ConversationFacts | null; analysisUrl: string | null },
): { html: string; text: string } {
  return renderTemplate(b.publicReplyTemplate ?? DEFAULT_PUBLIC_REPLY_TEMPLATE, {
    customer_name: v.facts?.customerName,
    conversation_id: v.conversationId,
    severity: v.facts?.severity,
    affected_service: v.facts?.affectedService,
    summary: v.facts?.summary,
    project_name: v.projectName,
    analysis_url: v.analysisUrl,
  });
}

/** The dashboard page of a conversation of a binding. */
export function conversationUrl(publicUrl: string, projectSlug: string, bindingId: string, conversationId: string): string {
  return `${publicUrl}/projects/${projectSlug}/support-desk/${bindingId}/conversations/${encodeURIComponent(conversationId)}`;
}
