/** The public reply template (contract §7): plain text with `{{ name }}` placeholders, HTML-escaped output. */
import type { ConversationFacts } from '../conversation-facts.port';
import type { BindingEntity } from '../support-desk.entities';
import { DEFAULT_INCIDENT_UPDATE_TEMPLATE, DEFAULT_PUBLIC_REPLY_TEMPLATE, renderTemplate } from '@app/contracts';

// The template rules (variables, validation, rendering, escaping) live in libs/contracts: the SPA checks templates with the same code.
export {
  TEMPLATE_VARIABLES,
  type TemplateVariable,
  type TemplateValues,
  DEFAULT_PUBLIC_REPLY_TEMPLATE,
  escapeHtml,
  unknownVariables,
  validateTemplate,
  renderTemplate,
  INCIDENT_UPDATE_VARIABLES,
} from '@app/contracts';

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

/** The binding's incident update (contract §11) for one conversation: the reply variables plus the incident's and the message. */
export function renderIncidentUpdate(
  b: Pick<BindingEntity, 'incidentUpdateTemplate'>,
  v: {
    conversationId: string;
    projectName: string;
    facts: ConversationFacts | null;
    analysisUrl: string | null;
    incident: { ref: string; title: string; status: string };
    message: string;
  },
): { html: string; text: string } {
  return renderTemplate(b.incidentUpdateTemplate ?? DEFAULT_INCIDENT_UPDATE_TEMPLATE, {
    customer_name: v.facts?.customerName,
    conversation_id: v.conversationId,
    severity: v.facts?.severity,
    affected_service: v.facts?.affectedService,
    summary: v.facts?.summary,
    project_name: v.projectName,
    analysis_url: v.analysisUrl,
    incident_ref: v.incident.ref,
    incident_title: v.incident.title,
    incident_status: v.incident.status,
    message: v.message,
  });
}
