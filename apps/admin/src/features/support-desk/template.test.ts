import { describe, expect, it } from 'vitest';
import { checkTemplate, TEMPLATE_MAX_LENGTH } from '@app/contracts';
import { DEFAULT_TEMPLATE, TEMPLATE_VARIABLES, insertVariable, templateProblem } from './template';

describe('template variables', () => {
  it('are exactly the contract §7 list', () => {
    expect(TEMPLATE_VARIABLES.map((v) => v.name).sort()).toEqual(
      ['affected_service', 'analysis_url', 'conversation_id', 'customer_name', 'project_name', 'severity', 'summary'].sort(),
    );
  });

  it('accepts the default template', () => {
    expect(templateProblem(DEFAULT_TEMPLATE)).toBeUndefined();
    expect(checkTemplate(DEFAULT_TEMPLATE).used).toEqual(['customer_name', 'affected_service']);
  });

  it('accepts spacing variants and names unknown variables', () => {
    const c = checkTemplate('Hi {{customer_name}} / {{  severity  }} / {{ ticket.subject }} / {{ requester.name }}');
    expect(c.used).toEqual(['customer_name', 'severity']);
    expect(c.unknown).toEqual(['ticket.subject', 'requester.name']);
    expect(templateProblem('{{ foo }}')).toMatch(/unknown template variable: \{\{ foo \}\}/i);
    for (const v of TEMPLATE_VARIABLES) expect(v.help).toBeTruthy();
  });

  it('flags empty placeholders and unclosed braces', () => {
    expect(checkTemplate('{{ }}').unknown).toEqual(['']);
    expect(templateProblem('{{ }}')).toBeDefined();
    expect(checkTemplate('Hi {{ customer_name').unclosed).toBe(true);
    expect(templateProblem('Hi {{ customer_name')).toMatch(/not closed/);
    expect(templateProblem('plain text, no variables')).toBeUndefined();
    // The server's length limit, which the editor used not to know.
    expect(templateProblem('x'.repeat(TEMPLATE_MAX_LENGTH + 1))).toMatch(/at most 5000/);
  });

  it('inserts a variable at the cursor, replacing the selection', () => {
    expect(insertVariable('Hi !', 'customer_name', 3, 3)).toEqual({ text: 'Hi {{ customer_name }}!', cursor: 22 });
    expect(insertVariable('Hi XX!', 'severity', 3, 5).text).toBe('Hi {{ severity }}!');
    expect(insertVariable('', 'summary', 10, 10).text).toBe('{{ summary }}');
  });
});
