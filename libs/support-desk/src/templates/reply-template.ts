/** The public reply template (contract §7): plain text with `{{ name }}` placeholders, HTML-escaped output. */
import type { ConversationFacts } from '../conversation-facts.port';
import type { BindingEntity } from '../support-desk.entities';

export const TEMPLATE_VARIABLES = ['customer_name', 'conversation_id', 'severity', 'affected_service', 'summary', 'project_name', 'analysis_url'] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

export const DEFAULT_PUBLIC_REPLY_TEMPLATE =
  "Hi {{ customer_name }}, thanks for reaching out. We're looking into an issue affecting {{ affected_service }} and will update you here.";

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const MAX_TEMPLATE = 5000;

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Names used in the template that are not allowed (empty when valid). */
export function unknownVariables(template: string): string[] {
  const bad = new Set<string>();
  for (const m of template.matchAll(PLACEHOLDER)) if (!(TEMPLATE_VARIABLES as readonly string[]).includes(m[1])) bad.add(m[1]);
  return [...bad];
}

export function validateTemplate(template: string): string | null {
  if (template.length > MAX_TEMPLATE) return `the template must be at most ${MAX_TEMPLATE} characters`;
  const bad = unknownVariables(template);
  if (bad.length)
    return `unknown template variable${bad.length > 1 ? 's' : ''}: ${bad.map((b) => `{{ ${b} }}`).join(', ')} (allowed: ${TEMPLATE_VARIABLES.join(', ')})`;
  return null;
}

export type TemplateValues = Partial<Record<TemplateVariable, string | null | undefined>>;

const FALLBACKS: Partial<Record<TemplateVariable, string>> = { customer_name: 'there', affected_service: 'our service', analysis_url: '' };

/** Renders to HTML-escaped text (line breaks become <br>). */
export function renderTemplate(template: string, values: TemplateValues): { html: string; text: string } {
  const text = template.replace(PLACEHOLDER, (_m, name: string) => {
    const v = values[name as TemplateVariable];
    return v !== undefined && v !== null && String(v).trim() !== '' ? String(v) : (FALLBACKS[name as TemplateVariable] ?? '');
  });
  const html = template
    .split(PLACEHOLDER)
    .map((chunk, i) => {
      if (i % 2 === 0) return escapeHtml(chunk);
      const v = values[chunk as TemplateVariable];
      return escapeHtml(v !== undefined && v !== null && String(v).trim() !== '' ? String(v) : (FALLBACKS[chunk as TemplateVariable] ?? ''));
    })
    .join('')
    .replace(/\r?\n/g, '<br>');
  return { html: `<p>${html}</p>`, text };
}

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
