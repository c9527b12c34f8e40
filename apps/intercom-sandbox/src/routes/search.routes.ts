/**
 * `POST /conversations/search` (Intercom OpenAPI 2.14–2.16, reference §2.5): a query of single filters
 * `{field, operator, value}` or groups `{operator: AND|OR, value: [...]}` (at most 2 levels of nesting, 15 filters per
 * group), paged with `pagination: {per_page (default 20, max 150), starting_after}`. Answers a `conversation.list`
 * without parts, with `pages.next` only while more results follow. Dates (`created_at`, `updated_at`, …) take
 * `=`, `<`, `>` (for conversations `>` and `<` include the value) with a unix timestamp (number or numeric string).
 * Results come in id order and the cursor names the last id seen, so paging is stable while conversations change.
 */
import express from 'express';
import type { Response } from 'express';
import { sendError } from '../http.util';
import type { SandboxCore } from '../sandbox.core';
import { ApiError } from '../sandbox.store';
import type { Conversation, Workspace } from '../sandbox.store';
import type { Json } from '../sandbox.types';

type Field = { type: 'date' | 'string' | 'boolean' | 'integer'; get: (c: Conversation) => unknown };

const FIELDS: Record<string, Field> = {
  id: { type: 'string', get: (c) => c.id },
  created_at: { type: 'date', get: (c) => c.created_at },
  updated_at: { type: 'date', get: (c) => c.updated_at },
  snoozed_until: { type: 'date', get: (c) => (c.state === 'snoozed' ? c.snoozed_until : null) },
  state: { type: 'string', get: (c) => c.state },
  open: { type: 'boolean', get: (c) => c.state !== 'closed' },
  read: { type: 'boolean', get: (c) => c.read },
  'source.id': { type: 'string', get: (c) => c.sourceId },
  'source.type': { type: 'string', get: () => 'conversation' },
  'source.delivered_as': { type: 'string', get: () => 'customer_initiated' },
  'source.subject': { type: 'string', get: (c) => c.subject },
  'source.author.type': { type: 'string', get: () => 'user' },
  'source.author.id': { type: 'string', get: (c) => c.contact.id },
  'source.author.email': { type: 'string', get: (c) => c.contact.email },
  'source.author.name': { type: 'string', get: (c) => c.contact.name },
  contact_ids: { type: 'string', get: (c) => c.contact.id },
};

const OPERATORS: Record<Field['type'], string[]> = {
  date: ['=', '<', '>'],
  integer: ['=', '!=', 'IN', 'NIN', '<', '>'],
  string: ['=', '!=', 'IN', 'NIN', '~', '!~', '^', '$'],
  boolean: ['=', '!=', 'IN', 'NIN'],
};

const bad = (message: string, field?: string) => new ApiError(400, 'parameter_invalid', message, field);

function coerceValue(f: Field, field: string, v: unknown): unknown {
  if (f.type === 'date' || f.type === 'integer') {
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
    if (!Number.isInteger(n)) throw bad(`The value for ${field} must be a ${f.type === 'date' ? 'unix timestamp' : 'number'}`, field);
    return n;
  }
  if (f.type === 'boolean') {
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 'false') return v === 'true';
    throw bad(`The value for ${field} must be a boolean`, field);
  }
  if (typeof v !== 'string' && typeof v !== 'number') throw bad(`The value for ${field} must be a string`, field);
  return String(v);
}

/** Compiles a query into a predicate, checking it as Intercom documents (fields, operators, nesting, group size). */
function compile(q: unknown, depth: number): (c: Conversation) => boolean {
  if (!q || typeof q !== 'object' || Array.isArray(q)) throw bad('query must be an object');
  const node = q as Json;
  if (node.operator === 'AND' || node.operator === 'OR') {
    if (depth > 2) throw bad('There is a limit of max 2 nested filters');
    if (!Array.isArray(node.value) || node.value.length === 0) throw bad(`${String(node.operator)} needs an array of filters`);
    if (node.value.length > 15) throw bad('There is a limit of max 15 filters for each AND or OR group');
    const parts = node.value.map((v) => compile(v, depth + 1));
    return node.operator === 'AND' ? (c) => parts.every((p) => p(c)) : (c) => parts.some((p) => p(c));
  }
  const field = typeof node.field === 'string' ? node.field : '';
  const f = FIELDS[field];
  if (!f) throw bad(`'${field}' is not a searchable field`, 'field');
  const op = String(node.operator ?? '');
  if (!OPERATORS[f.type].includes(op)) throw bad(`Operator '${op}' is not supported for ${field}`, 'operator');
  if (op === 'IN' || op === 'NIN') {
    if (!Array.isArray(node.value)) throw bad(`${op} needs an array value`, 'value');
    const set = node.value.map((v) => coerceValue(f, field, v));
    return (c) => set.includes(f.get(c)) === (op === 'IN');
  }
  const want = coerceValue(f, field, node.value);
  return (c) => {
    const got = f.get(c);
    switch (op) {
      case '=':
        return got === want;
      case '!=':
        return got !== want;
      case '>':
        return typeof got === 'number' && got >= (want as number);
      case '<':
        return typeof got === 'number' && got <= (want as number);
      case '~':
        return String(got ?? '').includes(String(want));
      case '!~':
        return !String(got ?? '').includes(String(want));
      case '^':
        return String(got ?? '').startsWith(String(want));
      case '$':
        return String(got ?? '').endsWith(String(want));
      default:
        return false;
    }
  };
}

export function searchRoutes(core: SandboxCore): express.Router {
  const r = express.Router();
  r.post('/conversations/search', (req, res: Response) => {
    const ws = res.locals.ws as Workspace;
    const body = (req.body ?? {}) as Json;
    if (body.query === undefined) return sendError(res, { status: 400, code: 'parameter_not_found', message: 'query is a required parameter', field: 'query' });
    let match: (c: Conversation) => boolean;
    try {
      match = compile(body.query, 1);
    } catch (e) {
      if (e instanceof ApiError) return sendError(res, e);
      throw e;
    }
    const pg = (body.pagination ?? {}) as Json;
    const perPage = pg.per_page === undefined || pg.per_page === null ? 20 : Number(pg.per_page);
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 150)
      return sendError(res, { status: 400, code: 'parameter_invalid', message: 'per_page must be between 1 and 150', field: 'per_page' });
    let after: bigint | null = null;
    if (pg.starting_after !== undefined && pg.starting_after !== null) {
      const raw = Buffer.from(String(pg.starting_after), 'base64url').toString();
      if (!/^\d+$/.test(raw)) return sendError(res, { status: 400, code: 'parameter_invalid', message: 'Invalid starting_after', field: 'starting_after' });
      after = BigInt(raw);
    }
    const all = core.store
      .listConversations(ws.id_code)
      .filter(match)
      .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
    const rest = after === null ? all : all.filter((c) => BigInt(c.id) > after!);
    const page = rest.slice(0, perPage);
    const more = rest.length > perPage;
    const done = all.length - rest.length;
    res.json({
      type: 'conversation.list',
      pages: {
        type: 'pages',
        page: Math.floor(done / perPage) + 1,
        per_page: perPage,
        total_pages: Math.max(1, Math.ceil(all.length / perPage)),
        ...(more ? { next: { per_page: perPage, starting_after: Buffer.from(page[page.length - 1].id).toString('base64url') } } : {}),
      },
      total_count: all.length,
      conversations: page.map((c) => {
        const j: Json = core.store.conversationJson(c, { version: res.locals.version as string, parts: 'none' });
        delete j.conversation_parts;
        return j;
      }),
    });
  });
  return r;
}
