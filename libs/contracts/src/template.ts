/** The public reply template (contract §7): plain text with `{{ name }}` placeholders, HTML-escaped output. */

export const TEMPLATE_VARIABLES = ['customer_name', 'conversation_id', 'severity', 'affected_service', 'summary', 'project_name', 'analysis_url'] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

export const DEFAULT_PUBLIC_REPLY_TEMPLATE =
  "Hi {{ customer_name }}, thanks for reaching out. We're looking into an issue affecting {{ affected_service }} and will update you here.";

/** The incident update template (contract §11): the public reply variables plus these. */
export const INCIDENT_TEMPLATE_VARIABLES = ['incident_ref', 'incident_title', 'incident_status', 'message'] as const;
export type IncidentTemplateVariable = (typeof INCIDENT_TEMPLATE_VARIABLES)[number];
export const INCIDENT_UPDATE_VARIABLES = [...TEMPLATE_VARIABLES, ...INCIDENT_TEMPLATE_VARIABLES] as const;
export const DEFAULT_INCIDENT_UPDATE_TEMPLATE = 'Hi {{ customer_name }}, an update on the issue you reported ({{ incident_ref }}): {{ message }}';

export const TEMPLATE_MAX_LENGTH = 5000;
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Names used in the template that are not allowed (empty when valid); `allowed`: the public reply's by default. */
export function unknownVariables(template: string, allowed: readonly string[] = TEMPLATE_VARIABLES): string[] {
  const bad = new Set<string>();
  for (const m of template.matchAll(PLACEHOLDER)) if (!allowed.includes(m[1])) bad.add(m[1]);
  return [...bad];
}

/** What a template uses: known variables, unknown names, and whether a `{{` is left unclosed (a hint; the server renders it as text). */
export function checkTemplate(template: string, allowed: readonly string[] = TEMPLATE_VARIABLES): { used: string[]; unknown: string[]; unclosed: boolean } {
  const used = new Set<string>();
  for (const m of template.matchAll(PLACEHOLDER)) if (allowed.includes(m[1])) used.add(m[1]);
  return { used: [...used], unknown: unknownVariables(template, allowed), unclosed: template.replace(PLACEHOLDER, '').includes('{{') };
}

/** The server's rule (400 naming the variable): null when valid. */
export function validateTemplate(template: string, allowed: readonly string[] = TEMPLATE_VARIABLES): string | null {
  if (template.length > TEMPLATE_MAX_LENGTH) return `the template must be at most ${TEMPLATE_MAX_LENGTH} characters`;
  const bad = unknownVariables(template, allowed);
  if (bad.length) return `unknown template variable${bad.length > 1 ? 's' : ''}: ${bad.map((b) => `{{ ${b} }}`).join(', ')} (allowed: ${allowed.join(', ')})`;
  return null;
}

export type TemplateValues = Partial<Record<TemplateVariable | IncidentTemplateVariable, string | null | undefined>>;

export const TEMPLATE_FALLBACKS: Partial<Record<TemplateVariable | IncidentTemplateVariable, string>> = {
  customer_name: 'there',
  affected_service: 'our service',
  analysis_url: '',
};

function valueOf(values: TemplateValues, name: string): string {
  const v = values[name as keyof TemplateValues];
  return v !== undefined && v !== null && String(v).trim() !== '' ? String(v) : (TEMPLATE_FALLBACKS[name as keyof TemplateValues] ?? '');
}

/** Renders to text and to HTML-escaped text (line breaks become <br>). */
export function renderTemplate(template: string, values: TemplateValues): { html: string; text: string } {
  const text = template.replace(PLACEHOLDER, (_m, name: string) => valueOf(values, name));
  const html = template
    .split(PLACEHOLDER)
    .map((chunk, i) => escapeHtml(i % 2 === 0 ? chunk : valueOf(values, chunk)))
    .join('')
    .replace(/\r?\n/g, '<br>');
  return { html: `<p>${html}</p>`, text };
}
