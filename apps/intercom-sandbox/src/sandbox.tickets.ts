/**
 * Tickets in the sandbox, written from Intercom's OpenAPI description (API 2.16): ticket types with their states,
 * tickets, and tracker tickets with linked conversations (a conversation has at most one tracker ticket; a tracker
 * holds at most 2,500 conversations). Shapes follow the `ticket`, `ticket_type` and `ticket_state` schemas.
 */
import { ApiError } from './sandbox.store';
import type { Conversation } from './sandbox.store';

export type TicketCategory = 'Customer' | 'Back-office' | 'Tracker';
export type TicketStateCategory = 'submitted' | 'in_progress' | 'waiting_on_customer' | 'resolved';

export interface TicketTypeSeed {
  id: string;
  name: string;
  category: TicketCategory;
}

export interface TicketState {
  id: string;
  category: TicketStateCategory;
  internal_label: string;
  external_label: string;
}

export interface TicketType extends TicketTypeSeed {
  workspaceId: string;
  states: TicketState[];
  created_at: number;
}

export interface Ticket {
  id: string;
  ticket_id: string;
  workspaceId: string;
  typeId: string;
  contactId: string;
  attributes: Record<string, unknown>;
  stateId: string;
  open: boolean;
  linked: string[];
  created_at: number;
  updated_at: number;
}

export const DEFAULT_TICKET_TYPES: TicketTypeSeed[] = [
  { id: '88', name: 'Incident tracker', category: 'Tracker' },
  { id: '89', name: 'Bug report', category: 'Customer' },
];

/** Most conversations one tracker ticket can hold (Intercom: 2,500). */
export const TRACKER_LINK_LIMIT = 2500;

const STATE_LABELS: Array<[TicketStateCategory, string, string]> = [
  ['submitted', 'Submitted', 'Submitted'],
  ['in_progress', 'In progress', 'In progress'],
  ['waiting_on_customer', 'Waiting on customer', 'Waiting on you'],
  ['resolved', 'Resolved', 'Resolved'],
];

const nowSec = () => Math.floor(Date.now() / 1000);

export class TicketStore {
  readonly types = new Map<string, TicketType>();
  readonly tickets = new Map<string, Ticket>();
  private nextStateId = 8481;
  private nextTicketId = 626;
  private nextInboxId = 33;

  addType(workspaceId: string, seed: TicketTypeSeed): TicketType {
    const states = STATE_LABELS.map(([category, internal_label, external_label]) => ({
      id: String(this.nextStateId++),
      category,
      internal_label,
      external_label,
    }));
    const t: TicketType = { ...seed, workspaceId, states, created_at: nowSec() };
    this.types.set(`${workspaceId}:${seed.id}`, t);
    return t;
  }

  type(workspaceId: string, id: unknown): TicketType {
    const t = this.types.get(`${workspaceId}:${String(id ?? '')}`);
    if (!t) throw new ApiError(404, 'not_found', 'Ticket type not found');
    return t;
  }

  ticket(workspaceId: string, id: string): Ticket {
    const t = this.tickets.get(id);
    if (!t || t.workspaceId !== workspaceId) throw new ApiError(404, 'ticket_not_found', 'Ticket not found');
    return t;
  }

  create(workspaceId: string, input: { typeId: unknown; contactId: string; attributes: Record<string, unknown> }): Ticket {
    const type = this.type(workspaceId, input.typeId);
    const t: Ticket = {
      id: String(this.nextTicketId++),
      ticket_id: String(this.nextInboxId++),
      workspaceId,
      typeId: type.id,
      contactId: input.contactId,
      attributes: { ...input.attributes },
      stateId: type.states[0].id,
      open: true,
      linked: [],
      created_at: nowSec(),
      updated_at: nowSec(),
    };
    this.tickets.set(t.id, t);
    return t;
  }

  /** Links a conversation to a tracker ticket (the rules of POST /tickets/{id}/linked_conversations). */
  link(ticket: Ticket, conv: Conversation, verb = 'linking'): void {
    if (this.type(ticket.workspaceId, ticket.typeId).category !== 'Tracker')
      throw new ApiError(400, 'invalid_ticket_type', `Only tracker tickets support ${verb} conversations`);
    if (conv.trackerTicketId) throw new ApiError(400, 'already_linked_to_tracker', 'A conversation can only have one tracker ticket');
    if (ticket.linked.length >= TRACKER_LINK_LIMIT)
      throw new ApiError(400, 'linked_conversation_limit_exceeded', 'Ticket has reached the maximum number of conversations that can be linked');
    ticket.linked.push(conv.id);
    conv.trackerTicketId = ticket.id;
    ticket.updated_at = nowSec();
  }

  unlink(ticket: Ticket, conv: Conversation): void {
    if (this.type(ticket.workspaceId, ticket.typeId).category !== 'Tracker')
      throw new ApiError(400, 'invalid_ticket_type', 'Only tracker tickets support unlinking conversations');
    if (!ticket.linked.includes(conv.id) || conv.trackerTicketId !== ticket.id)
      throw new ApiError(404, 'conversation_not_found', 'Conversation is not linked to this ticket');
    ticket.linked = ticket.linked.filter((c) => c !== conv.id);
    conv.trackerTicketId = null;
    ticket.updated_at = nowSec();
  }

  typeJson(t: TicketType) {
    return {
      type: 'ticket_type',
      id: t.id,
      name: t.name,
      description: '',
      icon: '🎟️',
      workspace_id: t.workspaceId,
      archived: false,
      created_at: t.created_at,
      updated_at: t.created_at,
      is_internal: t.category !== 'Customer',
      ticket_type_attributes: { type: 'list', data: [] },
      category: t.category,
      ticket_states: { type: 'list', data: t.states.map((s) => ({ type: 'ticket_state', ...s })) },
    };
  }

  ticketJson(t: Ticket) {
    const type = this.type(t.workspaceId, t.typeId);
    const state = type.states.find((s) => s.id === t.stateId)!;
    return {
      type: 'ticket',
      id: t.id,
      ticket_id: t.ticket_id,
      category: type.category,
      ticket_attributes: { ...t.attributes },
      ticket_state: { type: 'ticket_state', ...state },
      ticket_type: this.typeJson(type),
      contacts: { type: 'contact.list', contacts: [{ type: 'contact', id: t.contactId, external_id: null }] },
      admin_assignee_id: 0,
      team_assignee_id: 0,
      created_at: t.created_at,
      updated_at: t.updated_at,
      open: t.open,
      snoozed_until: null,
      linked_objects: { type: 'list', data: t.linked.map((id) => ({ type: 'conversation', id })), total_count: t.linked.length, has_more: false },
      ticket_parts: { type: 'ticket_part.list', ticket_parts: [], total_count: 0 },
      is_shared: false,
    };
  }
}
