/**
 * Local Intercom stand-in (issue #3 item 7), written only from reference/intercom.md. Serves the Intercom-facing
 * OAuth + REST routes, sends signed webhooks and uninstall notices, drives Canvas Kit, and has an inbox (live), a
 * customer composer and a JSON control API under /_sandbox/* for tests running in other processes.
 *
 * Layout: sandbox.core.ts (state and domain actions), routes/ (one router per door: api-front, oauth, workspace and
 * conversation REST, inbox pages, control API), this file (mounting, listening, the programmatic API).
 */
import type { Server } from 'node:http';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { sendError } from './http.util';
import { errorPage } from './pages.render';
import { apiAuth, apiFront } from './routes/api-front';
import { controlRouter } from './routes/control.router';
import { conversationRoutes } from './routes/conversations.routes';
import { inboxRouter } from './routes/inbox.router';
import { searchRoutes } from './routes/search.routes';
import { authApiRouter, consentRouter } from './routes/oauth.router';
import { workspaceRoutes } from './routes/workspace.routes';
import { ticketRoutes } from './routes/tickets.routes';
import { SandboxCore } from './sandbox.core';
import { ApiError, DEFAULT_WORKSPACE } from './sandbox.store';
import type { WorkspaceSeed } from './sandbox.store';
import type { Json, Sandbox, SandboxOptions } from './sandbox.types';
import { DEFAULT_TOPICS } from './webhook.emitter';
import type { DeliveryAttempt, Notification, WebhookSettings } from './webhook.emitter';
import type { CanvasCallResult } from './canvas.driver';

export { DEFAULT_TOPICS, DEFAULT_WORKSPACE };
export type { DeliveryAttempt, Notification, WebhookSettings, CanvasCallResult, WorkspaceSeed };
export type * from './sandbox.types';

/** Intercom's REST resources (each behind a bearer token and Intercom-Version). */
const REST_PREFIXES = ['/me', '/admins', '/conversations', '/data_attributes', '/tags', '/tickets', '/ticket_types'];

function buildApp(core: SandboxCore): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(express.json({ limit: '2mb' }));
  app.use(express.urlencoded({ extended: false, limit: '2mb' }));

  // Pages first: /conversations/:id/view is a page, not the REST resource.
  app.use(inboxRouter(core));
  app.use(consentRouter(core));
  app.use('/_sandbox', controlRouter(core));

  const rest = express.Router();
  rest.use(apiAuth(core), workspaceRoutes(core), searchRoutes(core), conversationRoutes(core), ticketRoutes(core));
  rest.use((_req, res) => sendError(res, { status: 404, code: 'not_found', message: 'Resource Not Found' }));
  const api = express.Router();
  api.use(apiFront(core));
  api.use(authApiRouter(core));
  api.use(REST_PREFIXES, (req, res, next) => {
    // re-mount with the original path so the REST routers see /me, /conversations/1 …
    req.url = req.originalUrl;
    rest(req, res, next);
  });
  app.use(api);

  app.use((req: Request, res: Response) => {
    if (req.accepts(['json', 'html']) === 'html' && req.method === 'GET') return res.status(404).type('html').send(errorPage('Not found', req.path));
    sendError(res, { status: 404, code: 'not_found', message: 'Resource Not Found' });
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return;
    if (err instanceof ApiError) return sendError(res, err);
    const e = err as { status?: number; type?: string; message?: string };
    if (e?.type === 'entity.parse.failed') return sendError(res, { status: 400, code: 'bad_request', message: 'The request body is not valid JSON' });
    if (e?.status && e.status < 500) return sendError(res, { status: e.status, code: 'bad_request', message: e.message ?? 'Bad request' });
    core.log.error?.(`sandbox error on ${req.method} ${req.path}`, err);
    sendError(res, { status: 500, code: 'server_error', message: 'Internal sandbox error' });
  });
  return app;
}

export async function startSandbox(opts: SandboxOptions): Promise<Sandbox> {
  const core = new SandboxCore(opts);
  const { store, emitter } = core;
  const app = buildApp(core);
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', (err?: Error) => (err ? reject(err) : resolve(s)));
    s.on('error', reject);
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : Number(opts.port);
  const url = `http://${opts.host && opts.host !== '0.0.0.0' ? opts.host : '127.0.0.1'}:${port}`;
  core.log.info?.(`Intercom sandbox listening on ${url}`);

  return {
    url,
    port,
    store,
    async close() {
      if (core.closed) return;
      await core.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
    createConversation: (input) => core.full(core.createConversation(input)),
    customerReply: (id, body, o) => core.full(core.customerReply(id, body, o?.appPackageCode ?? null).conv),
    snooze: (id, until) => core.full(core.store.snooze(id, until)),
    removeAdmin: (wsId, adminId) => core.store.removeAdmin(store.workspace(wsId).id_code, adminId),
    setPermissions: (wsId, denied) => {
      store.workspace(wsId).deniedPermissions = new Set(denied);
    },
    dropDeliveries: (count, topic) => core.dropDeliveries(count, topic),
    apiCalls: core.apiCalls,
    adminReply: (id, adminId, body) => core.full(core.adminPart(id, adminId, body, 'comment', false).conv),
    adminNote: (id, adminId, body) => core.full(core.adminPart(id, adminId, body, 'note', false).conv),
    closeConversation: (id, adminId) => core.full(core.setConversationState(id, 'closed', adminId)),
    tickets: core.tickets,
    getConversation: (id, o) => store.conversationJson(store.conversation(id), { version: core.appVersion, plaintext: o?.plaintext }) as Json,
    listConversations: (wsId) => store.listConversations(wsId).map((c) => core.full(c)),
    tokensFor: (wsId) => core.tokenSummary(store.workspace(wsId).id_code),
    install: (wsId, adminId) => {
      const w = store.workspace(wsId);
      return store.issueToken(w.id_code, adminId ?? w.admins[0].id);
    },
    uninstallWorkspace: (wsId) => core.uninstall(store.workspace(wsId).id_code),
    workspaces: () => core.workspaces(),
    get deliveries() {
      return emitter.deliveries;
    },
    uninstallNotices: core.uninstallNotices,
    waitForDelivery: (pred, timeoutMs) => core.waitForDelivery(pred, timeoutMs),
    idle: () => emitter.idle(),
    setFault: (f) => core.addFault(f),
    clearFaults: () => core.clearFaults(),
    setRateLimit: (r) => core.setRateLimit(r),
    webhookSettings: () => ({ ...emitter.settings, topics: [...emitter.settings.topics] }),
    setWebhookSettings: (s, validate) => core.setWebhookSettings(s, validate),
    redeliver: (id) => emitter.redeliver(id),
    ping: (wsId) => core.ping(wsId),
    canvasInitialize: (input) => core.canvasInitialize(input),
    canvasSubmit: (input) => core.canvasSubmit(input),
  };
}
