/**
 * Intercom REST (OpenAPI 2.16), tickets: ticket types, create/read/update a ticket, link and unlink conversations to a
 * tracker ticket. Behind apiAuth. Linking several conversations to a tracker needs Intercom-Version 2.16 or later.
 */
import express from 'express';
import type { Response } from 'express';
import { nowSec, sendError, str } from '../http.util';
import type { SandboxCore } from '../sandbox.core';
import { versionNumber } from '../sandbox.store';
import type { Conversation, Workspace } from '../sandbox.store';
import type { Json } from '../sandbox.types';

const ws = (res: Response) => res.locals.ws as Workspace;
const ver = (res: Response) => res.locals.version as string;

export function ticketRoutes(core: SandboxCore): express.Router {
  const r = express.Router();
  const t = core.tickets;

  /** Linked conversations exist from 2.16 on. */
  const needs216 = (res: Response) => {
    if (versionNumber(ver(res)) >= versionNumber('2.16')) return false;
    sendError(res, { status: 400, code: 'intercom_version_invalid', message: 'Requested resource is not available in current API version.' });
    return true;
  };
  const conversation = (res: Response, id: unknown): Conversation | null => {
    const c = core.store.conversations.get(String(id ?? ''));
    if (!c || c.workspaceId !== ws(res).id_code) {
      sendError(res, { status: 404, code: 'conversation_not_found', message: 'Conversation not found' });
      return null;
    }
    return c;
  };

  r.get('/ticket_types/:id', (req, res) => res.json(t.typeJson(t.type(ws(res).id_code, req.params.id))));

  r.post('/tickets', (req, res) => {
    const w = ws(res);
    const b = (req.body ?? {}) as Json;
    if (b.ticket_type_id === undefined || b.ticket_type_id === null || b.ticket_type_id === '')
      return sendError(res, { status: 400, code: 'parameter_not_found', message: 'ticket_type_id not specified', field: 'ticket_type_id' });
    const contacts = Array.isArray(b.contacts) ? (b.contacts as Json[]) : [];
    if (contacts.length !== 1) return sendError(res, { status: 400, code: 'parameter_invalid', message: 'Exactly one contact is required', field: 'contacts' });
    const who = contacts[0] ?? {};
    const known = core.store.listConversations(w.id_code).map((c) => c.contact);
    const contact = known.find((c) => (str(who.id) && c.id === who.id) || (str(who.email) && c.email === who.email));
    if (!contact) return sendError(res, { status: 404, code: 'not_found', message: 'User Not Found' });
    const link = b.conversation_to_link_id === undefined ? null : conversation(res, b.conversation_to_link_id);
    if (b.conversation_to_link_id !== undefined && !link) return;
    const attrs = b.ticket_attributes && typeof b.ticket_attributes === 'object' && !Array.isArray(b.ticket_attributes) ? (b.ticket_attributes as Json) : {};
    const ticket = t.create(w.id_code, { typeId: b.ticket_type_id, contactId: contact.id, attributes: attrs });
    if (link) {
      try {
        t.link(ticket, link);
      } catch (e) {
        t.tickets.delete(ticket.id);
        throw e;
      }
    }
    res.json(t.ticketJson(ticket));
  });

  r.get('/tickets/:id', (req, res) => res.json(t.ticketJson(t.ticket(ws(res).id_code, String(req.params.id)))));

  r.put('/tickets/:id', (req, res) => {
    const w = ws(res);
    const ticket = t.ticket(w.id_code, String(req.params.id));
    const b = (req.body ?? {}) as Json;
    if (b.admin_id !== undefined && !core.store.admin(w, String(b.admin_id)))
      return sendError(res, { status: 404, code: 'admin_not_found', message: 'Admin not found' });
    if (b.ticket_state_id !== undefined) {
      const type = t.type(w.id_code, ticket.typeId);
      if (!type.states.some((s) => s.id === String(b.ticket_state_id)))
        return sendError(res, {
          status: 400,
          code: 'ticket_state_id_invalid',
          message: 'Ticket state id is not valid or is not associated with the ticket type.',
        });
      ticket.stateId = String(b.ticket_state_id);
    }
    if (b.open !== undefined) {
      if (typeof b.open !== 'boolean') return sendError(res, { status: 400, code: 'parameter_invalid', message: 'open must be a boolean', field: 'open' });
      ticket.open = b.open;
    }
    if (b.ticket_attributes && typeof b.ticket_attributes === 'object') Object.assign(ticket.attributes, b.ticket_attributes);
    ticket.updated_at = nowSec();
    res.json(t.ticketJson(ticket));
  });

  r.post('/tickets/:id/linked_conversations', (req, res) => {
    if (needs216(res)) return;
    const ticket = t.ticket(ws(res).id_code, String(req.params.id));
    const id = (req.body ?? {}).conversation_id;
    if (id === undefined || id === null || id === '')
      return sendError(res, { status: 400, code: 'parameter_not_found', message: 'conversation_id not specified', field: 'conversation_id' });
    const conv = conversation(res, id);
    if (!conv) return;
    t.link(ticket, conv);
    res.json(core.store.conversationJson(conv, { version: ver(res), parts: 'none' }));
  });

  r.delete('/tickets/:id/linked_conversations/:conversationId', (req, res) => {
    if (needs216(res)) return;
    const ticket = t.ticket(ws(res).id_code, String(req.params.id));
    const conv = core.store.conversations.get(String(req.params.conversationId));
    if (!conv || conv.workspaceId !== ws(res).id_code)
      return sendError(res, { status: 404, code: 'conversation_not_found', message: 'Conversation is not linked to this ticket' });
    t.unlink(ticket, conv);
    res.json(core.store.conversationJson(conv, { version: ver(res), parts: 'none' }));
  });
  return r;
}
