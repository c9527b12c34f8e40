/** Intercom REST (reference §2–§3), the workspace's side: /me, admins, data attributes, tags. Behind apiAuth. */
import express from 'express';
import type { Response } from 'express';
import { sendError, str } from '../http.util';
import type { SandboxCore } from '../sandbox.core';
import { versionNumber } from '../sandbox.store';
import type { DataType, Workspace } from '../sandbox.store';
import type { Json } from '../sandbox.types';

const ws = (res: Response) => res.locals.ws as Workspace;
const ver = (res: Response) => res.locals.version as string;
/** From 2.16 (and Preview) conversation attributes live under /conversations/attributes (Intercom OpenAPI 2.16). */
const conversationAttributesApi = (res: Response) => versionNumber(ver(res)) >= versionNumber('2.16');

export function workspaceRoutes(core: SandboxCore): express.Router {
  const r = express.Router();
  r.get('/me', (req, res) => {
    const w = ws(res);
    const admin = core.store.admin(w, res.locals.token.adminId) ?? w.admins[0];
    res.json(core.store.meJson(w, admin));
  });
  r.get('/admins', (_req, res) => res.json({ type: 'admin.list', admins: ws(res).admins.map((a) => core.store.adminJson(a)) }));
  r.get('/admins/:id', (req, res) => {
    const a = core.store.admin(ws(res), String(req.params.id));
    if (!a) return sendError(res, { status: 404, code: 'admin_not_found', message: 'Admin not found' });
    res.json(core.store.adminJson(a));
  });

  r.get('/data_attributes', (req, res) => {
    const model = str(req.query.model);
    if (model !== undefined && !['contact', 'company', 'conversation'].includes(model)) {
      return sendError(res, {
        status: 400,
        code: 'parameter_invalid',
        message: 'The Data Attribute model field must be either contact, company or conversation',
        field: 'model',
      });
    }
    if (model === 'conversation' && conversationAttributesApi(res)) {
      return sendError(res, {
        status: 422,
        code: 'parameter_invalid',
        message: 'model=conversation is no longer supported. Use GET /conversations/attributes instead',
      });
    }
    const archived = str(req.query.include_archived) === 'true';
    const data = ws(res)
      .dataAttributes.filter(
        (a) => (!model || a.model === model) && (archived || !a.archived) && !(conversationAttributesApi(res) && a.model === 'conversation'),
      )
      .map((a) => core.store.dataAttributeJson(a));
    res.json({ type: 'list', data });
  });

  r.post('/data_attributes', (req, res) => {
    const b = (req.body ?? {}) as Json;
    if (!str(b.name)) return sendError(res, { status: 400, code: 'parameter_not_found', message: 'Name is a required parameter.', field: 'name' });
    if (b.model !== 'contact' && b.model !== 'company') {
      return sendError(res, {
        status: 400,
        code: 'parameter_invalid',
        message: 'The Data Attribute model field must be either contact or company',
        field: 'model',
      });
    }
    const types = ['string', 'integer', 'float', 'boolean', 'datetime', 'date', 'options'];
    if (!types.includes(b.data_type as string))
      return sendError(res, { status: 400, code: 'parameter_invalid', message: `Data type must be one of ${types.join(', ')}`, field: 'data_type' });
    const w = ws(res);
    if (w.dataAttributes.some((a) => a.model === b.model && a.name === b.name)) {
      return sendError(res, { status: 400, code: 'parameter_invalid', message: `You already have '${String(b.name)}' in your ${String(b.model)} data.` });
    }
    const attr = core.store.addAttribute(w, { name: String(b.name), data_type: b.data_type as DataType, description: str(b.description) }, b.model);
    res.json(core.store.dataAttributeJson(attr));
  });

  // The conversation attribute API (Preview, and 2.16 in Intercom's OpenAPI)
  const previewOnly = (res: Response) => {
    if (conversationAttributesApi(res)) return false;
    sendError(res, { status: 400, code: 'intercom_version_invalid', message: 'Requested resource is not available in current API version.' });
    return true;
  };
  const convAttrJson = (a: Workspace['dataAttributes'][number], dataType?: string) => ({
    type: 'conversation_attribute',
    id: String(a.id),
    name: a.name,
    description: a.description,
    data_type: dataType ?? (a.data_type === 'float' ? 'decimal' : a.data_type),
    required: false,
    visible_to_team_ids: [],
    archived: a.archived,
    created_at: a.created_at,
    updated_at: a.updated_at,
    ...(a.data_type === 'list'
      ? {
          options: a.options.map((label, i) => ({
            id: `${String(a.id).padStart(8, '0')}-0000-4000-8000-${String(i).padStart(12, '0')}`,
            label,
            archived: false,
          })),
        }
      : { multiline: false }),
  });
  r.get('/conversations/attributes', (req, res) => {
    if (previewOnly(res)) return;
    const archived = str(req.query.include_archived) === 'true';
    res.json({
      type: 'list',
      data: ws(res)
        .dataAttributes.filter((a) => a.model === 'conversation' && (archived || !a.archived))
        .map((a) => convAttrJson(a)),
    });
  });
  r.post('/conversations/attributes', (req, res) => {
    if (previewOnly(res)) return;
    const b = (req.body ?? {}) as Json;
    const map: Record<string, DataType> = { string: 'string', integer: 'integer', decimal: 'float', boolean: 'boolean', datetime: 'datetime', list: 'list' };
    if (!str(b.name)) return sendError(res, { status: 422, code: 'parameter_invalid', message: 'name is required', field: 'name' });
    const dt = map[b.data_type as string];
    if (!dt) return sendError(res, { status: 422, code: 'parameter_invalid', message: `Invalid data_type '${String(b.data_type)}'`, field: 'data_type' });
    const w = ws(res);
    if (w.dataAttributes.some((a) => a.model === 'conversation' && a.name === b.name && !a.archived)) {
      return sendError(res, { status: 422, code: 'parameter_invalid', message: `Conversation attribute '${String(b.name)}' already exists`, field: 'name' });
    }
    const options = Array.isArray(b.options) ? (b.options as Json[]).map((o) => str(o?.label) ?? '').filter(Boolean) : [];
    if (dt === 'list' && options.length < 2)
      return sendError(res, { status: 422, code: 'parameter_invalid', message: 'A list attribute must have at least 2 active options', field: 'options' });
    const attr = core.store.addAttribute(w, { name: String(b.name), data_type: dt, description: str(b.description), options }, 'conversation');
    res.json(convAttrJson(attr, String(b.data_type)));
  });

  r.get('/tags', (_req, res) => res.json({ type: 'list', data: [...core.store.tags.values()].map((t) => ({ type: 'tag', id: t.id, name: t.name })) }));
  r.post('/tags', (req, res) => {
    const name = str(req.body?.name);
    if (!name) return sendError(res, { status: 400, code: 'parameter_not_found', message: 'Name is a required parameter.', field: 'name' });
    const t = core.store.tag(name);
    res.json({ type: 'tag', id: t.id, name: t.name });
  });
  return r;
}
