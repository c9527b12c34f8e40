/** The JSON control API under /_sandbox/* (no auth): for tests and demos running in other processes. */
import express from 'express';
import { str } from '../http.util';
import type { SandboxCore } from '../sandbox.core';
import { ApiError } from '../sandbox.store';
import type { FaultSpec, Json } from '../sandbox.types';

export function controlRouter(core: SandboxCore): express.Router {
  const r = express.Router();
  const { store, emitter } = core;

  r.post('/conversations', (req, res) => {
    const b = (req.body ?? {}) as Json;
    const customer = (b.customer ?? {}) as Json;
    const conv = core.createConversation({
      workspaceId: str(b.workspaceId),
      customer: { name: str(customer.name) ?? '', email: str(customer.email) ?? '' },
      subject: str(b.subject),
      body: str(b.body) ?? '',
      createdAt: typeof b.createdAt === 'number' ? b.createdAt : undefined,
    });
    res.status(201).json(core.full(conv));
  });
  r.get('/conversations', (req, res) => res.json(store.listConversations(str(req.query.workspace)).map((c) => core.full(c))));
  r.get('/conversations/:id', (req, res) => res.json(core.full(store.conversation(String(req.params.id)))));
  r.post('/conversations/:id/customer-reply', (req, res) =>
    res.json(core.full(core.customerReply(String(req.params.id), str(req.body?.body) ?? '', str(req.body?.appPackageCode) ?? null).conv)),
  );
  r.post('/conversations/:id/snooze', (req, res) => res.json(core.full(store.snooze(String(req.params.id), Number(req.body?.until)))));
  r.post('/conversations/:id/admin-reply', (req, res) => {
    const b = (req.body ?? {}) as Json;
    const conv = store.conversation(String(req.params.id));
    const adminId = str(b.adminId) ?? store.workspace(conv.workspaceId).admins[0].id;
    if (!str(b.body)) throw new ApiError(400, 'parameter_not_found', 'Body is a required parameter.', 'body');
    const type = b.messageType === 'note' ? 'note' : 'comment';
    res.json(core.full(core.adminPart(conv.id, adminId, String(b.body), type, false).conv));
  });

  r.post('/conversations/:id/close', (req, res) => res.json(core.full(core.setConversationState(String(req.params.id), 'closed', str(req.body?.adminId)))));
  r.get('/tickets/:id', (req, res) => {
    const ticket = core.tickets.tickets.get(String(req.params.id));
    if (!ticket) throw new ApiError(404, 'ticket_not_found', 'Ticket not found');
    res.json(core.tickets.ticketJson(ticket));
  });

  r.get('/deliveries', (req, res) => {
    const topic = str(req.query.topic);
    const w = str(req.query.workspace);
    res.json({
      deliveries: emitter.deliveries.filter((d) => (!topic || d.topic === topic) && (!w || d.workspaceId === w)),
      uninstallNotices: core.uninstallNotices,
    });
  });
  r.delete('/deliveries', (_req, res) => {
    emitter.deliveries.length = 0;
    core.uninstallNotices.length = 0;
    res.json({ ok: true });
  });

  r.get('/faults', (_req, res) => res.json(core.faults.map(({ regex: _r, ...f }) => ({ ...f, remaining: Number.isFinite(f.remaining) ? f.remaining : -1 }))));
  r.post('/faults', (req, res) => res.status(201).json(core.addFault((req.body ?? {}) as FaultSpec)));
  r.delete('/faults', (_req, res) => {
    core.clearFaults();
    res.json({ ok: true });
  });
  r.post('/rate-limit', (req, res) => {
    const b = (req.body ?? {}) as Json;
    core.setRateLimit(typeof b.limit === 'number' ? { limit: b.limit, windowMs: typeof b.windowMs === 'number' ? b.windowMs : undefined } : null);
    res.json({ rateLimit: core.rateLimit });
  });

  r.get('/webhooks/settings', (_req, res) => res.json(emitter.settings));
  r.post('/webhooks/settings', async (req, res) => {
    const b = (req.body ?? {}) as Json;
    res.json(await core.setWebhookSettings({ url: b.url as string | null | undefined, topics: b.topics as string[] | undefined }, b.validate !== false));
  });
  r.post('/webhooks/redeliver/:notificationId', (req, res) => {
    const n = emitter.redeliver(String(req.params.notificationId));
    if (!n) throw new ApiError(404, 'not_found', 'Unknown notification id');
    res.json({ id: n.id, topic: n.topic });
  });
  r.post('/webhooks/ping', (req, res) => res.json({ sent: core.ping(str(req.body?.workspaceId)) !== null }));

  r.get('/workspaces', (_req, res) => res.json(core.workspaces()));
  r.delete('/workspaces/:id/admins/:adminId', (req, res) => {
    if (!store.removeAdmin(store.workspace(String(req.params.id)).id_code, String(req.params.adminId)))
      throw new ApiError(404, 'admin_not_found', 'Admin not found');
    res.json({ ok: true });
  });
  r.post('/workspaces/:id/permissions', (req, res) => {
    const denied = req.body?.denied;
    if (!Array.isArray(denied) || !denied.every((p) => typeof p === 'string'))
      throw new ApiError(400, 'parameter_invalid', 'denied must be an array of permission names');
    store.workspace(String(req.params.id)).deniedPermissions = new Set(denied);
    res.json({ denied });
  });
  r.post('/webhooks/drop', (req, res) => {
    const count = Number(req.body?.count ?? 1);
    if (!Number.isInteger(count) || count < 0) throw new ApiError(400, 'parameter_invalid', 'count must be a non-negative integer');
    core.dropDeliveries(count, str(req.body?.topic));
    res.json({ drops: Object.fromEntries(core.drops) });
  });
  r.get('/api-calls', (req, res) => {
    const path = str(req.query.path);
    res.json(core.apiCalls.filter((c) => !path || c.path === path));
  });
  r.post('/workspaces/:id/install', (req, res) => res.status(201).json({ token: core.install(String(req.params.id), str(req.body?.adminId)) }));
  r.post('/workspaces/:id/uninstall', async (req, res) => {
    await core.uninstall(store.workspace(String(req.params.id)).id_code);
    res.json(core.workspaceSummary(store.workspace(String(req.params.id))));
  });

  r.post('/canvas/initialize', async (req, res) => {
    const b = (req.body ?? {}) as Json;
    res.json(await core.canvasInitialize({ conversationId: String(b.conversationId ?? ''), adminId: str(b.adminId), url: str(b.url) }));
  });
  r.post('/canvas/submit', async (req, res) => {
    const b = (req.body ?? {}) as Json;
    res.json(
      await core.canvasSubmit({
        conversationId: String(b.conversationId ?? ''),
        adminId: str(b.adminId),
        url: str(b.url),
        componentId: str(b.componentId) ?? '',
        inputValues: (b.inputValues as Json | undefined) ?? undefined,
        currentCanvas: b.currentCanvas,
        force: b.force === true,
      }),
    );
  });
  return r;
}
