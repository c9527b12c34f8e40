import { DEFAULT_PUBLIC_REPLY_TEMPLATE, renderTemplate, unknownVariables, validateTemplate } from './reply-template';

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
