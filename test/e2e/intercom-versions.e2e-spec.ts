/*
 * Issue 16 failure modes 4 and 5, end to end, on Intercom API versions 2.14, 2.15 and 2.16. Real: our app (api +
 * worker), PostgreSQL (embedded), the triage engine. Stand-in: the Intercom sandbox answering as each version's
 * OpenAPI description does: up to 2.15 conversation attributes come from GET /data_attributes?model=conversation (a
 * list attribute is a string with `options`), from 2.16 that answers 422 and GET /conversations/attributes lists them
 * (list options as {id, label, archived}); from 2.15 webhook bodies are plain text.
 */
import { DEFAULT_WORKSPACE } from '../../apps/intercom-sandbox/src/sandbox';
import { api } from '../helpers/app';
import { installThroughConsent, IntercomStack, startIntercomStack, waitFor } from '../helpers/intercom';

const ATTRIBUTES = [
  { name: 'severity', data_type: 'list' as const, label: 'Severity', options: ['Low', 'Medium', 'High', 'Critical'] },
  { name: 'affected_service', data_type: 'string' as const, label: 'Affected service' },
  { name: 'sigsentry_analysis_url', data_type: 'string' as const, label: 'SigSentry analysis URL' },
  { name: 'confidence', data_type: 'float' as const, label: 'Confidence' },
  // a list whose options our summary can never be: the value is skipped and reported, never forced
  { name: 'category', data_type: 'list' as const, label: 'Category', options: ['Billing', 'Bug report'] },
];

const triageNotes = (conv: any) =>
  (conv.conversation_parts?.conversation_parts ?? []).filter((p: any) => p.app_package_code && p.part_type === 'note' && /SigSentry triage/.test(p.body));

describe.each(['2.14', '2.15', '2.16'])('Intercom API version %s: attributes and bodies', (version) => {
  let s: IntercomStack;
  let bindingId: string;
  const headers = () => ({ 'x-project-id': s.projectId });

  beforeAll(async () => {
    s = await startIntercomStack(
      { INTERCOM_API_VERSION: version, INTERCOM_RECONCILE_SECONDS: '0' },
      { apiVersion: version, workspaces: [{ ...DEFAULT_WORKSPACE, dataAttributes: ATTRIBUTES }] },
    );
    await api(s.app.url, 'PUT', `/v1/config/projects/${s.projectId}`, {
      token: s.token,
      body: { services: [{ name: 'checkout', aliases: ['payment page'], critical: true }, { name: 'search' }] },
    });
    const r = await installThroughConsent(s);
    bindingId = r.callback.headers.get('location')!.split('/').pop()!;
    const put = await api(s.app.url, 'PUT', `/v1/config/support-desk/${bindingId}`, {
      token: s.token,
      headers: headers(),
      body: {
        autoAnalyzeThreshold: 'disabled',
        attributeMapping: { severity: 'severity', affected_service: 'affected_service', confidence: 'confidence', summary: 'category' },
      },
    });
    expect(put.status).toBe(200);
  });
  afterAll(async () => s?.stop());

  it('lists the attributes with the call of this version', async () => {
    const r = await api(s.app.url, 'GET', `/v1/config/support-desk/${bindingId}/attributes`, { token: s.token, headers: headers() });
    expect(r.status).toBe(200);
    const names = r.json.data.map((a: { name: string }) => a.name);
    expect(names).toEqual(expect.arrayContaining(['severity', 'affected_service', 'confidence', 'category']));
    const paths = s.sandbox.apiCalls.filter((c) => c.method === 'GET' && /attributes$/.test(c.path)).map((c) => `${c.path} ${c.status}`);
    if (version === '2.16') expect(paths).toContain('/conversations/attributes 200');
    else expect(paths).toContain('/data_attributes 200');
    expect(paths.every((p) => !p.endsWith(' 422'))).toBe(true);
  });

  it('writes a list attribute only as one of its options, leaves an unknown service out, reports the skipped value', async () => {
    const conv = s.sandbox.createConversation({
      customer: { name: 'Joe', email: 'joe@example.com' },
      body: '<p>Checkout has been throwing 500 errors for everyone since 9am when the total is &lt; 10 &amp; a coupon is used</p>',
    });
    const id = String(conv.id);
    await waitFor(async () => s.sandbox.getConversation(id).custom_attributes?.severity, 20000);
    const attrs = s.sandbox.getConversation(id).custom_attributes;
    expect(['High', 'Critical']).toContain(attrs.severity);
    expect(attrs.affected_service).toBe('checkout');
    expect(typeof attrs.confidence).toBe('number');
    expect(attrs.category).toBeUndefined();
    const notes = triageNotes(s.sandbox.getConversation(id));
    expect(notes).toHaveLength(1);
    expect(notes[0].body).toMatch(/Service: <b>checkout<\/b>/);

    const other = s.sandbox.createConversation({
      customer: { name: 'Ann', email: 'ann@example.com' },
      body: '<p>Could you send me a copy of my March invoice?</p>',
    });
    const otherId = String(other.id);
    await waitFor(async () => triageNotes(s.sandbox.getConversation(otherId)).length === 1, 20000);
    await waitFor(async () => s.sandbox.apiCalls.filter((c) => c.method === 'PUT' && c.path === `/conversations/${otherId}`).length > 0, 20000);
    const otherAttrs = s.sandbox.getConversation(otherId).custom_attributes ?? {};
    if (otherAttrs.severity !== undefined) expect(ATTRIBUTES[0].options).toContain(otherAttrs.severity);
    // no affected service: the key is left out, never written as ''
    expect('affected_service' in otherAttrs).toBe(false);

    const view = await api(s.app.url, 'GET', `/v1/config/support-desk/${bindingId}`, { token: s.token, headers: headers() });
    const check = view.json.data.health.checks.find((c: { code: string }) => c.code === 'attribute_missing');
    expect(check.ok).toBe(false);
    expect(check.detail).toMatch(/Values skipped .*category/);
  });
});
