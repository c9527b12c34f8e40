/** The reply-template editor's helpers. The rules (variables, validation, rendering) are libs/contracts', shared with the server. Pure: unit-tested. */
import { checkTemplate, DEFAULT_PUBLIC_REPLY_TEMPLATE, TEMPLATE_VARIABLES as NAMES, validateTemplate, type TemplateVariable } from '@app/contracts';

const HELP: Record<TemplateVariable, string> = {
  customer_name: 'The customer’s name; “there” when unknown',
  conversation_id: 'The Intercom conversation id',
  severity: 'Triage or analysis severity',
  affected_service: 'The affected service; “our service” when unknown',
  summary: 'The triage or analysis summary',
  project_name: 'This project’s name',
  analysis_url: 'Link to the analysis; empty before one exists',
};

/** The variables with their help text, in the contract's order. */
export const TEMPLATE_VARIABLES = NAMES.map((name) => ({ name, help: HELP[name] }));
export const DEFAULT_TEMPLATE = DEFAULT_PUBLIC_REPLY_TEMPLATE;

/** The server's refusal (same rule), else a hint about an unclosed `{{`. */
export function templateProblem(template: string): string | undefined {
  const refused = validateTemplate(template);
  if (refused) return refused.charAt(0).toUpperCase() + refused.slice(1);
  if (checkTemplate(template).unclosed) return 'A “{{” is not closed with “}}”.';
  return undefined;
}

/** Inserts `{{ name }}` at the cursor. */
export function insertVariable(template: string, name: string, selStart: number, selEnd: number): { text: string; cursor: number } {
  const token = `{{ ${name} }}`;
  const start = Math.max(0, Math.min(selStart, template.length));
  const end = Math.max(start, Math.min(selEnd, template.length));
  return { text: template.slice(0, start) + token + template.slice(end), cursor: start + token.length };
}
