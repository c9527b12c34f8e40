/** Intercom REST (reference §2–§3), conversations: list, read, update (attributes), reply, tags. Behind apiAuth. */
import express from 'express';
import type { Request, Response } from 'express';
import { nowSec, sendError, str } from '../http.util';
import type { SandboxCore } from '../sandbox.core';
import { versionNumber } from '../sandbox.store';
import type { Conversation, Workspace } from '../sandbox.store';
import type { Json } from '../sandbox.types';

const ws = (res: Response) => res.locals.ws as Workspace;
const ver = (res: Response) => res.locals.version as string;
const plain = (req: Request) => str(req.query.display_as) === 'plaintext';

export function conversationRoutes(core: SandboxCore): express.Router {
  const r = express.Router();
  r.get('/conversations', (req, res) => {
    const perPage = req.query.per_page === undefined ? 20 : Number(str(req.query.per_page));
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 150) {
      return sendError(res, { status: 400, code: 'parameter_invalid', message: 'per_page must be between 1 and 150', field: 'per_page' });
    }
    const all = core.store.listConversations(ws(res).id_code).sort((a, b) => b.updated_at - a.updated_at || Number(b.id) - Number(a.id));
    const after = str(req.query.starting_after);
    let start = 0;
    if (after) {
      start = Number(Buffer.from(after, 'base64url').toString());
      if (!Number.isInteger(start) || start < 0)
        return sendError(res, { status: 400, code: 'parameter_invalid', message: 'Invalid starting_after', field: 'starting_after' });
    }
    const page = all.slice(start, start + perPage);
    const next = start + perPage < all.length ? { per_page: perPage, starting_after: Buffer.from(String(start + perPage)).toString('base64url') } : null;
    res.json({
      type: 'conversation.list',
      conversations: page.map((c) => {
        const j: Json = core.store.conversationJson(c, { version: ver(res), plaintext: plain(req), parts: 'none' });
        delete j.conversation_parts;
        return j;
      }),
      total_count: all.length,
      pages: {
        type: 'pages',
        page: Math.floor(start / perPage) + 1,
        per_page: perPage,
        total_pages: Math.max(1, Math.ceil(all.length / perPage)),
        ...(next ? { next } : {}),
      },
    });
  });

  r.get('/conversations/:id', (req, res) => {
    const conv = core.store.conversation(String(req.params.id), ws(res).id_code);
    res.json(core.store.conversationJson(conv, { version: ver(res), plaintext: plain(req) }));
  });

  r.put('/conversations/:id', (req, res) => {
    const conv = core.store.conversation(String(req.params.id), ws(res).id_code);
    const b = req.body;
    if (!b || typeof b !== 'object' || Array.isArray(b)) return sendError(res, { status: 400, code: 'bad_request', message: 'A JSON object body is required' });
    if (b.read !== undefined && typeof b.read !== 'boolean')
      return sendError(res, { status: 400, code: 'parameter_invalid', message: 'read must be a boolean', field: 'read' });
    if (b.title !== undefined && b.title !== null && typeof b.title !== 'string')
      return sendError(res, { status: 400, code: 'parameter_invalid', message: 'title must be a string', field: 'title' });
    if (b.custom_attributes !== undefined) core.store.updateAttributes(conv, b.custom_attributes);
    if (b.read !== undefined) conv.read = b.read;
    if (b.title !== undefined) conv.title = b.title;
    conv.updated_at = nowSec();
    res.json(core.store.conversationJson(conv, { version: ver(res), plaintext: plain(req) }));
  });

  r.post('/conversations/:id/reply', (req, res) => {
    const w = ws(res);
    const b = (req.body ?? {}) as Json;
    const id = String(req.params.id);
    const mt = b.message_type;
    if (mt === undefined)
      return sendError(res, { status: 400, code: 'parameter_not_found', message: 'Message type is a required parameter.', field: 'message_type' });
    if (!['comment', 'note', 'quick_reply'].includes(mt as string))
      return sendError(res, { status: 400, code: 'parameter_invalid', message: `Message type '${String(mt)}' is invalid`, field: 'message_type' });
    if (b.type !== 'admin' && b.type !== 'user')
      return sendError(res, { status: 400, code: 'parameter_invalid', message: "Type must be 'admin' or 'user'", field: 'type' });
    if (b.body !== undefined && typeof b.body !== 'string')
      return sendError(res, { status: 400, code: 'parameter_invalid', message: 'Body must be a string', field: 'body' });
    if (b.created_at !== undefined && !Number.isInteger(b.created_at))
      return sendError(res, { status: 400, code: 'parameter_invalid', message: 'created_at must be an integer', field: 'created_at' });
    if (b.type === 'user') {
      if (mt !== 'comment')
        return sendError(res, { status: 400, code: 'parameter_invalid', message: 'Contacts can only reply with a comment', field: 'message_type' });
      const target =
        id === 'last'
          ? core.store
              .listConversations(w.id_code)
              .filter((c) => c.contact.id === b.intercom_user_id || c.contact.email === b.email)
              .sort((x, y) => Number(y.id) - Number(x.id))[0]
          : core.store.conversation(id, w.id_code);
      if (!target) return sendError(res, { status: 404, code: 'not_found', message: 'Resource Not Found' });
      if (b.intercom_user_id !== target.contact.id && b.email !== target.contact.email)
        return sendError(res, { status: 404, code: 'not_found', message: 'User Not Found' });
      if (!str(b.body)) return sendError(res, { status: 400, code: 'parameter_not_found', message: 'Body is a required parameter.', field: 'body' });
      // a contact reply made through the API carries the app's package code (reference §3.1)
      const { conv, part } = core.customerReply(target.id, String(b.body), core.store.appPackageCode);
      return res.json(core.store.conversationJson(conv, { version: ver(res), plaintext: plain(req), parts: [part] }));
    }
    const conv = core.store.conversation(id, w.id_code);
    if (b.admin_id === undefined || b.admin_id === null || b.admin_id === '')
      return sendError(res, { status: 400, code: 'parameter_not_found', message: 'Admin ID is a required parameter.', field: 'admin_id' });
    // An admin_id that is not (or no longer) a teammate: the reply endpoint documents only 404 not_found.
    if (!core.store.admin(w, String(b.admin_id))) return sendError(res, { status: 404, code: 'not_found', message: 'Resource Not Found' });
    if (mt === 'quick_reply')
      return sendError(res, { status: 400, code: 'parameter_invalid', message: 'quick_reply is not supported by the sandbox', field: 'message_type' });
    if (!str(b.body)) return sendError(res, { status: 400, code: 'parameter_not_found', message: 'Body is a required parameter.', field: 'body' });
    // skip_unsnooze exists only in the Preview version (Intercom OpenAPI): elsewhere a reply or note wakes a snoozed conversation
    const skipUnsnooze = b.skip_unsnooze === true && versionNumber(ver(res)) === Number.POSITIVE_INFINITY;
    const { part } = core.adminPart(conv.id, String(b.admin_id), String(b.body), mt as 'comment' | 'note', true, b.created_at as number | undefined, {
      skipUnsnooze,
    });
    res.json(core.store.conversationJson(conv, { version: ver(res), plaintext: plain(req), parts: [part] }));
  });

  // Manage a conversation (close / open); snooze and assignment are not played by the sandbox.
  r.post('/conversations/:id/parts', (req, res) => {
    const w = ws(res);
    const b = (req.body ?? {}) as Json;
    const conv = core.store.conversation(String(req.params.id), w.id_code);
    if (b.type !== 'admin') return sendError(res, { status: 400, code: 'parameter_invalid', message: "Type must be 'admin'", field: 'type' });
    if (b.admin_id === undefined || b.admin_id === null || b.admin_id === '')
      return sendError(res, { status: 400, code: 'parameter_not_found', message: 'Admin ID is a required parameter.', field: 'admin_id' });
    if (b.message_type !== 'close' && b.message_type !== 'open')
      return sendError(res, {
        status: 400,
        code: 'parameter_invalid',
        message: `Message type '${String(b.message_type)}' is not supported by the sandbox`,
        field: 'message_type',
      });
    const part = core.store.setState(conv.id, String(b.admin_id), b.message_type === 'close' ? 'closed' : 'open', str(b.body));
    res.json(core.store.conversationJson(conv, { version: ver(res), plaintext: plain(req), parts: [part] }));
  });

  r.post('/conversations/:id/tags', (req, res) => {
    const w = ws(res);
    const b = (req.body ?? {}) as Json;
    let conv: Conversation;
    try {
      conv = core.store.conversation(String(req.params.id), w.id_code);
    } catch {
      return sendError(res, { status: 404, code: 'not_found', message: 'Conversation not found' });
    }
    if (!b.id || !b.admin_id) return sendError(res, { status: 400, code: 'parameter_not_found', message: 'id and admin_id are required parameters.' });
    const admin = core.store.admin(w, String(b.admin_id));
    if (!admin) return sendError(res, { status: 404, code: 'admin_not_found', message: 'Admin not found' });
    const tag = core.store.tags.get(String(b.id));
    if (!tag) return sendError(res, { status: 404, code: 'not_found', message: 'Tag not found' });
    if (!conv.tags.some((t) => t.id === tag.id)) conv.tags.push(tag);
    res.json({ type: 'tag', id: tag.id, name: tag.name, applied_at: nowSec(), applied_by: { type: 'admin', id: admin.id } });
  });
  r.delete('/conversations/:id/tags/:tagId', (req, res) => {
    const w = ws(res);
    const conv = core.store.conversation(String(req.params.id), w.id_code);
    if (!req.body?.admin_id)
      return sendError(res, { status: 400, code: 'parameter_not_found', message: 'Admin ID is a required parameter.', field: 'admin_id' });
    const tag = conv.tags.find((t) => t.id === String(req.params.tagId));
    if (!tag) return sendError(res, { status: 404, code: 'not_found', message: 'Tag not found' });
    conv.tags = conv.tags.filter((t) => t !== tag);
    res.json({ type: 'tag', id: tag.id, name: tag.name });
  });
  return r;
}
