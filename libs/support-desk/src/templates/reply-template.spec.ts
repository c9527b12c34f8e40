import { DEFAULT_INCIDENT_UPDATE_TEMPLATE } from '@app/contracts';
import {
  DEFAULT_PUBLIC_REPLY_TEMPLATE,
  INCIDENT_UPDATE_VARIABLES,
  renderIncidentUpdate,
  renderTemplate,
  unknownVariables,
  validateTemplate,
} from './reply-template';

describe('public reply template (contract §7)', () => {
  it('accepts exactly the documented variables and names any other', () => {
    expect(validateTemplate(DEFAULT_PUBLIC_REPLY_TEMPLATE)).toBeNull();
    expect(unknownVariables('Hi {{ customer_name }} {{ssn}} {{ ticket.id }}')).toEqual(['ssn', 'ticket.id']);
    expect(validateTemplate('{{ nope }}')).toMatch(/nope/);
  });

  it('applies the fallbacks and escapes values', () => {
    const r = renderTemplate(DEFAULT_PUBLIC_REPLY_TEMPLATE, { customer_name: '<b>Eve</b>', affected_service: null });
    expect(r.html).toContain('Hi &lt;b&gt;Eve&lt;/b&gt;');
    expect(r.html).toContain('affecting our service');
    expect(renderTemplate('Hi {{customer_name}} — {{ analysis_url }}.', {}).text).toBe('Hi there — .');
  });

  it('escapes the template text itself', () => {
    expect(renderTemplate('<script>x</script> {{ severity }}', { severity: 'high' }).html).toBe('<p>&lt;script&gt;x&lt;/script&gt; high</p>');
  });
});

describe('incident update template (contract §11)', () => {
  it('allows the reply variables plus the incident ones, and only there', () => {
    expect(validateTemplate(DEFAULT_INCIDENT_UPDATE_TEMPLATE, INCIDENT_UPDATE_VARIABLES)).toBeNull();
    expect(validateTemplate('{{ incident_ref }} {{ message }} {{ severity }}', INCIDENT_UPDATE_VARIABLES)).toBeNull();
    expect(validateTemplate('{{ incident_ref }}')).toMatch(/incident_ref/);
    expect(validateTemplate('{{ incident.id }}', INCIDENT_UPDATE_VARIABLES)).toMatch(/incident\.id.*allowed: .*message/);
  });

  it('renders the incident and the message, escaped, with the reply fallbacks', () => {
    const r = renderIncidentUpdate(
      { incidentUpdateTemplate: null },
      {
        conversationId: '7',
        projectName: 'Shop',
        facts: null,
        analysisUrl: null,
        incident: { ref: 'INC-4', title: 'checkout errors', status: 'resolved' },
        message: 'Fixed <b>now</b> & "done"',
      },
    );
    expect(r.text).toBe('Hi there, an update on the issue you reported (INC-4): Fixed <b>now</b> & "done"');
    expect(r.html).toBe('<p>Hi there, an update on the issue you reported (INC-4): Fixed &lt;b&gt;now&lt;/b&gt; &amp; &quot;done&quot;</p>');
    const custom = renderIncidentUpdate(
      { incidentUpdateTemplate: '{{ incident_title }} is {{ incident_status }}\n{{ message }}' },
      {
        conversationId: '7',
        projectName: 'Shop',
        facts: null,
        analysisUrl: null,
        incident: { ref: 'INC-4', title: 'checkout errors', status: 'open' },
        message: 'x',
      },
    );
    expect(custom.html).toBe('<p>checkout errors is open<br>x</p>');
  });
});
