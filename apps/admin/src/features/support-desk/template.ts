/** Public reply template rules (contract §7). Pure: unit-tested. */

export const TEMPLATE_VARIABLES = [
  { name: 'customer_name', help: 'The customer’s name; “there” when unknown' },
  { name: 'conversation_id', help: 'The Intercom conversation id' },
  { name: 'severity', help: 'Triage or analysis severity' },
  { name: 'affected_service', help: 'The affected service; “our service” when unknown' },
  { name: 'summary', help: 'The triage or analysis summary' },
  { name: 'project_name', help: 'This project’s name' },
  { name: 'analysis_url', help: 'Link to the analysis; empty before one exists' },
] as const;

export const TEMPLATE_VARIABLE_NAMES: readonly string[] = TEMPLATE_VARIABLES.map((v) => v.name);

export const DEFAULT_TEMPLATE =
  "Hi {{ customer_name }}, thanks for reaching out. We're looking into an issue affecting {{ affected_service }} and will update you here.";

export interface TemplateCheck {
  used: string[];
  unknown: string[];
  /** `{{` without a matching `}}`. */
  unclosed: boolean;
}

export function checkTemplate(template: string): TemplateCheck {
  const used = new Set<string>();
  const unknown = new Set<string>();
  const re = /\{\{([^{}]*)\}\}/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(template))) {
    const name = m[1].trim();
    if (TEMPLATE_VARIABLE_NAMES.includes(name)) used.add(name);
    else unknown.add(name || '(empty)');
  }
  const stripped = template.replace(re, '');
  return { used: [...used], unknown: [...unknown], unclosed: stripped.includes('{{') };
}

export function templateProblem(template: string): string | undefined {
  const c = checkTemplate(template);
  if (c.unknown.length) return `Unknown variable${c.unknown.length > 1 ? 's' : ''}: ${c.unknown.join(', ')}. Use only: ${TEMPLATE_VARIABLE_NAMES.join(', ')}.`;
  if (c.unclosed) return 'A “{{” is not closed with “}}”.';
  return undefined;
}

/** Inserts `{{ name }}` at the cursor. */
export function insertVariable(template: string, name: string, selStart: number, selEnd: number): { text: string; cursor: number } {
  const token = `{{ ${name} }}`;
  const start = Math.max(0, Math.min(selStart, template.length));
  const end = Math.max(start, Math.min(selEnd, template.length));
  return { text: template.slice(0, start) + token + template.slice(end), cursor: start + token.length };
}
