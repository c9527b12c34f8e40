/**
 * Real: the sandbox HTTP server on a random port, spoken to with fetch: tickets and tracker links as Intercom's 2.16
 * OpenAPI description has them, and closing a conversation. Stand-ins: none (this is the stand-in).
 */
import { startSandbox } from './sandbox';
import type { Sandbox } from './sandbox';

let sb: Sandbox;
let token: string;

beforeAll(async () => {
  sb = await startSandbox({ port: 0, clientId: 'sandbox', clientSecret: 'tickets_secret', redirectUris: ['http://app.test/cb'] });
  token = sb.install();
});
afterAll(() => sb.close());

const call = async (method: string, path: string, body?: unknown, version = '2.16') => {
  const r = await fetch(`${sb.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', 'Content-Type': 'application/json', 'Intercom-Version': version },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, json: (await r.json()) as Record<string, any> };
};

const conversation = (email: string) => String(sb.createConversation({ customer: { name: 'Ann', email }, body: 'Checkout fails' }).id);

describe('tickets (API 2.16)', () => {
  it('reads a ticket type with its states; unknown types are 404', async () => {
    const t = await call('GET', '/ticket_types/88');
    expect(t.status).toBe(200);
    expect(t.json).toMatchObject({ type: 'ticket_type', id: '88', category: 'Tracker' });
    expect(t.json.ticket_states.data.map((s: any) => s.category)).toEqual(['submitted', 'in_progress', 'waiting_on_customer', 'resolved']);
    expect((await call('GET', '/ticket_types/404')).status).toBe(404);
  });

  it('creates a tracker ticket with a linked conversation, links and unlinks others, one tracker per conversation', async () => {
    const [a, b] = [conversation('a@example.com'), conversation('b@example.com')];
    const contact = (sb.getConversation(a) as any).contacts.contacts[0].id;
    expect((await call('POST', '/tickets', { contacts: [{ id: contact }] })).json.errors[0].code).toBe('parameter_not_found');
    expect((await call('POST', '/tickets', { ticket_type_id: '88', contacts: [] })).status).toBe(400);
    const created = await call('POST', '/tickets', {
      ticket_type_id: '88',
      contacts: [{ id: contact }],
      conversation_to_link_id: a,
      ticket_attributes: { _default_title_: 'INC-1 · checkout errors', _default_description_: 'see SigSentry' },
    });
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({ type: 'ticket', category: 'Tracker', ticket_state: { category: 'submitted' }, open: true });
    const id = created.json.id;
    expect((sb.getConversation(a) as any).linked_objects.data).toEqual([{ type: 'ticket', id, category: 'Tracker' }]);

    const linked = await call('POST', `/tickets/${id}/linked_conversations`, { conversation_id: b });
    expect(linked.status).toBe(200);
    expect(linked.json).toMatchObject({ type: 'conversation', id: b });
    const again = await call('POST', `/tickets/${id}/linked_conversations`, { conversation_id: b });
    expect(again.status).toBe(400);
    expect(again.json.errors[0].code).toBe('already_linked_to_tracker');
    expect((await call('POST', `/tickets/${id}/linked_conversations`, {})).json.errors[0].code).toBe('parameter_not_found');
    expect((await call('POST', `/tickets/${id}/linked_conversations`, { conversation_id: '999' })).json.errors[0].code).toBe('conversation_not_found');
    expect((await call('POST', '/tickets/424242/linked_conversations', { conversation_id: b })).json.errors[0].code).toBe('ticket_not_found');
    // Linking needs 2.16.
    expect((await call('POST', `/tickets/${id}/linked_conversations`, { conversation_id: b }, '2.14')).json.errors[0].code).toBe('intercom_version_invalid');

    const un = await call('DELETE', `/tickets/${id}/linked_conversations/${b}`);
    expect(un.status).toBe(200);
    expect((sb.getConversation(b) as any).linked_objects.data).toEqual([]);
    const notLinked = await call('DELETE', `/tickets/${id}/linked_conversations/${b}`);
    expect(notLinked.status).toBe(404);
    expect(notLinked.json.errors[0]).toEqual({ code: 'conversation_not_found', message: 'Conversation is not linked to this ticket' });
  });

  it('refuses linking to a ticket that is not a tracker', async () => {
    const a = conversation('c@example.com');
    const contact = (sb.getConversation(a) as any).contacts.contacts[0].id;
    const customer = await call('POST', '/tickets', { ticket_type_id: '89', contacts: [{ id: contact }] });
    expect(customer.status).toBe(200);
    const r = await call('POST', `/tickets/${customer.json.id}/linked_conversations`, { conversation_id: a });
    expect(r.status).toBe(400);
    expect(r.json.errors[0].code).toBe('invalid_ticket_type');
  });

  it('updates the state (only one of its type), the title and who did it', async () => {
    const a = conversation('d@example.com');
    const contact = (sb.getConversation(a) as any).contacts.contacts[0].id;
    const { json } = await call('POST', '/tickets', { ticket_type_id: '88', contacts: [{ id: contact }] });
    const resolved = (await call('GET', '/ticket_types/88')).json.ticket_states.data.find((s: any) => s.category === 'resolved').id;
    expect((await call('PUT', `/tickets/${json.id}`, { ticket_state_id: '1' })).json.errors[0].code).toBe('ticket_state_id_invalid');
    expect((await call('PUT', `/tickets/${json.id}`, { ticket_state_id: resolved, admin_id: '1' })).json.errors[0].code).toBe('admin_not_found');
    const r = await call('PUT', `/tickets/${json.id}`, { ticket_state_id: resolved, admin_id: 991267001, ticket_attributes: { _default_title_: 'new' } });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ ticket_state: { id: resolved, category: 'resolved' }, ticket_attributes: { _default_title_: 'new' } });
  });
});

describe('closing a conversation', () => {
  it('POST /conversations/:id/parts close / open changes its state', async () => {
    const a = conversation('e@example.com');
    const closed = await call('POST', `/conversations/${a}/parts`, { message_type: 'close', type: 'admin', admin_id: '991267001' });
    expect(closed.status).toBe(200);
    expect(closed.json).toMatchObject({ state: 'closed', open: false });
    expect((await call('POST', `/conversations/${a}/parts`, { message_type: 'snoozed', type: 'admin', admin_id: '991267001' })).status).toBe(400);
    expect((await call('POST', `/conversations/${a}/parts`, { message_type: 'open', type: 'admin' })).json.errors[0].code).toBe('parameter_not_found');
    expect((await call('POST', `/conversations/${a}/parts`, { message_type: 'open', type: 'admin', admin_id: '991267001' })).json.state).toBe('open');
  });
});
