/**
 * Local Intercom stand-in (issue #3 item 7), written only from reference/intercom.md. Serves the Intercom-facing
 * OAuth + REST routes, sends signed webhooks and uninstall notices, drives Canvas Kit, and has an inbox, a
 * customer composer and a JSON control API under /_sandbox/* for tests running in other processes.
 */
import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { ApiError, SandboxStore, versionNumber, DEFAULT_WORKSPACE } from './sandbox.store';
import type { Conversation, DataType, Part, Workspace, WorkspaceSeed } from './sandbox.store';
import { DEFAULT_TOPICS, WebhookEmitter } from './webhook.emitter';
import type { DeliveryAttempt, Notification, WebhookSettings } from './webhook.emitter';
import { collectInputValues, findSubmitComponent, postCanvas } from './canvas.driver';
import type { CanvasCallResult } from './canvas.driver';
import { bodySignature } from './signing.util';
import { composerPage, consentPage, conversationViewPage, errorPage, inboxPage } from './pages.render';
import { renderPanel } from './canvas.render';

export { DEFAULT_TOPICS, DEFAULT_WORKSPACE };
export type { DeliveryAttempt, Notification, WebhookSettings, CanvasCallResult, WorkspaceSeed };

export interface SandboxLogger {
  info?: (...a: unknown[]) => void;
  warn?: (...a: unknown[]) => void;
  error?: (...a: unknown[]) => void;
}

export interface SandboxOptions {
  /** 0 = random free port */
  port?: number;
  host?: string;
  clientId: string;
  clientSecret: string;
  /** registered redirect URLs; the first is used when the authorize request names none */
  redirectUris: string[];
  appName?: string;
  /** value of `app_package_code` on parts made through the API (default 'sigsentry-sandbox') */
  appPackageCode?: string;
  webhookUrl?: string;
  /** default: the six topics of contract §6 plus ping */
  webhookTopics?: string[];
  uninstallUrl?: string;
  canvasInitializeUrl?: string;
  canvasSubmitUrl?: string;
  /** the app's API version (Developer Hub): default for REST calls without the header, and webhook payload shape */
  apiVersion?: string;
  /** delay before the single retry of a failed delivery (Intercom: 1 min) */
  retryDelayMs?: number;
  /** webhook answer deadline (Intercom: 5 s) */
  deliveryTimeoutMs?: number;
  /** first delay after a 429 from the webhook endpoint (Intercom: 1 min, doubling up to 2 h); default retryDelayMs */
  throttleDelayMs?: number;
  canvasTimeoutMs?: number;
  /** OAuth code lifetime (default 5 min) */
  codeTtlMs?: number;
  workspaces?: WorkspaceSeed[];
  /** GET /oauth answers straight away with the redirect (no click needed) — for headless tests */
  autoApprove?: boolean;
  /** enforce a REST rate limit: `limit` calls per `windowMs` (default 10 s). Headers are always sent. */
  rateLimit?: { limit: number; windowMs?: number };
  /** webhook body indentation (default tab, like the captured payloads) */
  webhookIndent?: string | number;
  logger?: SandboxLogger;
}

export interface FaultSpec {
  /** regex matched against "METHOD /path" (and the bare path); absent = every Intercom API route */
  route?: string;
  /** answer with this status and an error.list (429 → rate_limit_exceeded) */
  status?: number;
  /** how many requests it applies to (default 1; 0 or negative = until cleared) */
  times?: number;
  /** wait before answering (or before handling normally when no status) */
  delayMs?: number;
  /** never answer (until the sandbox closes) */
  hang?: boolean;
  /** answer 429 rate_limit_exceeded with X-RateLimit-Remaining: 0 */
  rateLimit?: boolean;
  /** custom error code/message */
  code?: string;
  message?: string;
}

interface Fault extends FaultSpec {
  id: string;
  remaining: number;
  regex?: RegExp;
}

export interface UninstallNotice {
  appId: string;
  url: string;
  status: number | 'timeout' | 'error';
  at: number;
  body: string;
  signature: string;
}

export interface WorkspaceSummary {
  id_code: string;
  name: string;
  region: string;
  timezone: string;
  installed: boolean;
  tokenStatus: 'active' | 'revoked' | 'none';
  tokens: Array<{ token: string; status: 'active' | 'revoked'; adminId: string; createdAt: number }>;
  admins: Array<{ id: string; name: string; email: string }>;
}

export interface CreateConversationInput {
  workspaceId?: string;
  customer: { name: string; email: string };
  subject?: string;
  body: string;
  /** unix seconds */
  createdAt?: number;
}

export interface CanvasInitializeInput {
  conversationId: string;
  adminId?: string;
  url?: string;
}

export interface CanvasSubmitInput extends CanvasInitializeInput {
  componentId: string;
  inputValues?: Record<string, unknown>;
  /** default: the canvas last returned for this conversation/admin */
  currentCanvas?: unknown;
  /** send even if component_id is not a submit component of the current canvas */
  force?: boolean;
}

type Json = Record<string, unknown>;

export interface Sandbox {
  url: string;
  port: number;
  store: SandboxStore;
  close(): Promise<void>;
  createConversation(input: CreateConversationInput): Json;
  customerReply(conversationId: string, body: string): Json;
  adminReply(conversationId: string, adminId: string, body: string): Json;
  adminNote(conversationId: string, adminId: string, body: string): Json;
  getConversation(id: string, opts?: { plaintext?: boolean }): Json;
  listConversations(workspaceId?: string): Json[];
  tokensFor(workspaceId?: string): WorkspaceSummary['tokens'];
  /** skip the browser: install the app in a workspace and return a fresh token */
  install(workspaceId?: string, adminId?: string): string;
  /** the workspace removes the app (Intercom side): revoke + uninstall notice */
  uninstallWorkspace(workspaceId?: string): Promise<void>;
  workspaces(): WorkspaceSummary[];
  readonly deliveries: DeliveryAttempt[];
  readonly uninstallNotices: UninstallNotice[];
  /** waits until a delivery matching `pred` is recorded; resolves with all deliveries */
  waitForDelivery(pred: (d: DeliveryAttempt) => boolean, timeoutMs?: number): Promise<DeliveryAttempt>;
  /** resolves when no webhook is in flight or scheduled */
  idle(): Promise<void>;
  setFault(f: FaultSpec): { id: string };
  clearFaults(): void;
  setRateLimit(r: { limit: number; windowMs?: number } | null): void;
  webhookSettings(): WebhookSettings;
  /** change URL/topics (re-enables after a 410); `validate` sends a HEAD to the URL first (Intercom does) */
  setWebhookSettings(s: { url?: string | null; topics?: string[] }, validate?: boolean): Promise<WebhookSettings>;
  redeliver(notificationId: string): Notification | null;
  ping(workspaceId?: string): Notification | null;
  canvasInitialize(input: CanvasInitializeInput): Promise<CanvasCallResult>;
  canvasSubmit(input: CanvasSubmitInput): Promise<CanvasCallResult>;
}

const VALID_VERSIONS = new Set(['1.0', '1.1', '1.2', '1.3', '1.4', ...Array.from({ length: 17 }, (_, i) => `2.${i}`), 'Preview', 'Unstable']);
const nowSec = () => Math.floor(Date.now() / 1000);

function errorList(status: number, code: string, message: string, field?: string) {
  const err: Json = { code, message };
  if (field) err.field = field;
  return { status, body: { type: 'error.list', request_id: randomUUID(), errors: [err] } };
}

function sendError(res: Response, e: ApiError | { status: number; code: string; message: string; field?: string }) {
  const { status, body } = errorList(e.status, e.code, e.message, e.field);
  res.status(status).json(body);
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : Array.isArray(v) ? str(v[0]) : undefined);

export async function startSandbox(opts: SandboxOptions): Promise<Sandbox> {
  if (!opts.clientSecret) throw new Error('clientSecret is required');
  if (!opts.redirectUris?.length) throw new Error('at least one redirect URI is required');
  const log = opts.logger ?? {};
  const appVersion = opts.apiVersion ?? '2.14';
  if (!VALID_VERSIONS.has(appVersion)) throw new Error(`unknown apiVersion ${appVersion}`);
  const retryDelayMs = opts.retryDelayMs ?? 60_000;
  const store = new SandboxStore(opts.workspaces?.length ? opts.workspaces : [DEFAULT_WORKSPACE], opts.appPackageCode ?? 'sigsentry-sandbox');
  const emitter = new WebhookEmitter({
    secret: opts.clientSecret,
    url: opts.webhookUrl,
    topics: opts.webhookTopics ?? DEFAULT_TOPICS,
    retryDelayMs,
    deliveryTimeoutMs: opts.deliveryTimeoutMs ?? 5000,
    throttleDelayMs: opts.throttleDelayMs ?? retryDelayMs,
    maxThrottleMs: (opts.throttleDelayMs ?? retryDelayMs) * 120,
    isInstalled: (id) => store.workspaces.get(id)?.installed === true,
    indent: opts.webhookIndent,
    logger: log,
  });
  const uninstallNotices: UninstallNotice[] = [];
  const faults: Fault[] = [];
  let rateLimit = opts.rateLimit ?? null;
  let rlWindowStart = 0;
  let rlCount = 0;
  const canvasSessions = new Map<string, unknown>();
  /** last panel result shown per conversation:admin (the canvas a submit returned, shown after the redirect) */
  const lastPanels = new Map<string, CanvasCallResult & { kind: string }>();
  const pendingNotices = new Set<Promise<void>>();
  const deliveryWaiters = new Set<() => void>();
  let closed = false;

  const webhookPlain = versionNumber(appVersion) >= versionNumber('2.15');
  const webhookItem = (conv: Conversation, parts: 'none' | Part[]) => store.conversationJson(conv, { version: appVersion, plaintext: webhookPlain, parts });

  // deliveries are recorded by the emitter; wake waiters on every new record
  const origPush = emitter.deliveries.push.bind(emitter.deliveries);
  emitter.deliveries.push = (...items: DeliveryAttempt[]) => {
    const n = origPush(...items);
    for (const w of [...deliveryWaiters]) w();
    return n;
  };

  // ---------- domain actions shared by REST, control API, pages and the programmatic API ----------

  function createConversation(input: CreateConversationInput): Conversation {
    const conv = store.createConversation(input);
    emitter.emit('conversation.user.created', conv.workspaceId, webhookItem(conv, 'none'), conv.created_at);
    return conv;
  }

  function customerReply(convId: string, body: string): { conv: Conversation; part: Part } {
    if (!body) throw new ApiError(400, 'parameter_not_found', 'Body is a required parameter.', 'body');
    const part = store.customerReply(convId, body);
    const conv = store.conversation(convId);
    emitter.emit('conversation.user.replied', conv.workspaceId, webhookItem(conv, [part]), part.created_at);
    return { conv, part };
  }

  function adminPart(convId: string, adminId: string, body: string, type: 'comment' | 'note', viaApp: boolean, createdAt?: number) {
    const part = store.adminPart(convId, adminId, body, type, viaApp, createdAt);
    const conv = store.conversation(convId);
    emitter.emit(type === 'note' ? 'conversation.admin.noted' : 'conversation.admin.replied', conv.workspaceId, webhookItem(conv, [part]), part.created_at);
    return { conv, part };
  }

  async function sendUninstallNotice(appId: string): Promise<void> {
    if (!opts.uninstallUrl) return;
    const body = JSON.stringify({ app_id: appId });
    const signature = bodySignature(opts.clientSecret, body);
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), opts.deliveryTimeoutMs ?? 5000);
    let status: UninstallNotice['status'];
    const at = Date.now();
    try {
      const res = await fetch(opts.uninstallUrl, {
        method: 'POST',
        body,
        signal: ctrl.signal,
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json',
          'User-Agent': 'intercom-parrot-service-client/1.0',
          'X-Body-Signature': signature,
        },
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch {
      status = ctrl.signal.aborted ? 'timeout' : 'error';
    } finally {
      clearTimeout(timer);
    }
    uninstallNotices.push({ appId, url: opts.uninstallUrl, status, at, body, signature });
    log.info?.(`uninstall notice for ${appId} → ${String(status)}`);
  }

  function uninstall(workspaceId: string): Promise<void> {
    const was = store.uninstall(workspaceId);
    if (!was || closed) return Promise.resolve();
    const p = sendUninstallNotice(workspaceId).finally(() => pendingNotices.delete(p));
    pendingNotices.add(p);
    return p;
  }

  function tokenSummary(workspaceId: string): WorkspaceSummary['tokens'] {
    return store
      .tokensFor(workspaceId)
      .map((t) => ({ token: t.token, status: t.revokedAt === null ? 'active' : 'revoked', adminId: t.adminId, createdAt: t.createdAt }));
  }

  function workspaceSummary(ws: Workspace): WorkspaceSummary {
    const tokens = tokenSummary(ws.id_code);
    return {
      id_code: ws.id_code,
      name: ws.name,
      region: ws.region,
      timezone: ws.timezone,
      installed: ws.installed,
      tokenStatus: tokens.some((t) => t.status === 'active') ? 'active' : tokens.length ? 'revoked' : 'none',
      tokens,
      admins: ws.admins.map((a) => ({ id: a.id, name: a.name, email: a.email })),
    };
  }

  function addFault(f: FaultSpec): { id: string } {
    const times = f.times ?? 1;
    const fault: Fault = { ...f, id: randomUUID(), remaining: times <= 0 ? Number.POSITIVE_INFINITY : times, regex: f.route ? new RegExp(f.route) : undefined };
    faults.push(fault);
    return { id: fault.id };
  }

  function canvasContext(input: CanvasInitializeInput) {
    const conv = store.conversation(input.conversationId);
    const ws = store.workspace(conv.workspaceId);
    const admin = input.adminId ? store.admin(ws, input.adminId) : ws.admins[0];
    if (!admin) throw new ApiError(404, 'admin_not_found', 'Admin not found');
    const request: Json = {
      workspace_id: ws.id_code,
      workspace_region: ws.region,
      admin: store.adminJson(admin),
      conversation: store.conversationJson(conv, { version: appVersion }),
      contact: store.contactJson(conv),
      context: { conversation_id: Number(conv.id), location: 'conversation', locale: 'en' },
    };
    return { conv, admin, request, key: `${conv.id}:${admin.id}` };
  }

  function rememberCanvas(key: string, r: CanvasCallResult) {
    const b = r.body as Json | null;
    if (r.status === 200 && b && typeof b === 'object' && b.canvas && typeof b.canvas === 'object') canvasSessions.set(key, b.canvas);
  }

  async function canvasInitialize(input: CanvasInitializeInput): Promise<CanvasCallResult> {
    const url = input.url ?? opts.canvasInitializeUrl;
    if (!url) throw new ApiError(400, 'parameter_not_found', 'no Canvas Kit initialize URL configured');
    const { request, key } = canvasContext(input);
    const r = await postCanvas(url, opts.clientSecret, request, opts.canvasTimeoutMs ?? 10_000);
    rememberCanvas(key, r);
    return r;
  }

  async function canvasSubmit(input: CanvasSubmitInput): Promise<CanvasCallResult> {
    const url = input.url ?? opts.canvasSubmitUrl;
    if (!url) throw new ApiError(400, 'parameter_not_found', 'no Canvas Kit submit URL configured');
    if (!input.componentId) throw new ApiError(400, 'parameter_not_found', 'componentId is required');
    const { request, key } = canvasContext(input);
    const current = input.currentCanvas ?? canvasSessions.get(key);
    if (!current) throw new ApiError(400, 'parameter_invalid', 'no current canvas for this conversation/admin: call initialize first');
    const found = findSubmitComponent(current, input.componentId);
    if (found !== 'ok' && !input.force) {
      throw new ApiError(
        400,
        'parameter_invalid',
        found === 'missing'
          ? `component '${input.componentId}' is not on the current canvas`
          : `component '${input.componentId}' has no submit action: Intercom would not send a submit`,
      );
    }
    const cur = current as Json;
    request.component_id = input.componentId;
    request.input_values = collectInputValues(current, input.inputValues);
    request.current_canvas = { content: cur.content, ...(cur.stored_data !== undefined ? { stored_data: cur.stored_data } : {}) };
    const r = await postCanvas(url, opts.clientSecret, request, opts.canvasTimeoutMs ?? 10_000);
    rememberCanvas(key, r);
    return r;
  }

  async function setWebhookSettings(s: { url?: string | null; topics?: string[] }, validate = false): Promise<WebhookSettings> {
    if (s.topics && !s.topics.every((t) => typeof t === 'string')) throw new ApiError(400, 'parameter_invalid', 'topics must be strings');
    if (validate && s.url) {
      let ok = false;
      try {
        const res = await fetch(s.url, { method: 'HEAD', signal: AbortSignal.timeout(opts.deliveryTimeoutMs ?? 5000) });
        ok = res.ok;
      } catch {
        ok = false;
      }
      if (!ok) throw new ApiError(400, 'parameter_invalid', `the webhook URL did not answer a HEAD request with 2xx: ${s.url}`);
    }
    return { ...emitter.update(s) };
  }

  // ---------- HTTP ----------

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(express.json({ limit: '2mb' }));
  app.use(express.urlencoded({ extended: false, limit: '2mb' }));

  /** fault injection, rate-limit headers and the optional 429 (every Intercom API route) */
  const apiFront = async (req: Request, res: Response, next: NextFunction) => {
    const now = Date.now();
    const windowMs = rateLimit?.windowMs ?? 10_000;
    const limit = rateLimit?.limit ?? Math.floor(10_000 / 6);
    if (now - rlWindowStart >= windowMs) {
      rlWindowStart = now - (now % windowMs);
      rlCount = 0;
    }
    rlCount++;
    const reset = Math.ceil((rlWindowStart + windowMs) / 1000);
    res.setHeader('X-RateLimit-Limit', String(limit));
    res.setHeader('X-RateLimit-Remaining', String(Math.max(0, limit - rlCount)));
    res.setHeader('X-RateLimit-Reset', String(reset));

    const sig = `${req.method} ${req.path}`;
    const fault = faults.find((f) => f.remaining > 0 && (!f.regex || f.regex.test(sig) || f.regex.test(req.path)));
    if (fault) {
      fault.remaining--;
      if (fault.remaining <= 0) faults.splice(faults.indexOf(fault), 1);
      if (fault.hang) return; // never answered; sockets are destroyed on close()
      if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      if (closed) return;
      if (fault.rateLimit || fault.status === 429) {
        res.setHeader('X-RateLimit-Remaining', '0');
        return sendError(res, {
          status: 429,
          code: fault.code ?? 'rate_limit_exceeded',
          message: fault.message ?? `More than ${limit} requests received in ${Math.round(windowMs / 1000)} seconds`,
        });
      }
      if (fault.status) {
        const code =
          fault.code ?? (fault.status >= 500 ? 'server_error' : fault.status === 404 ? 'not_found' : fault.status === 401 ? 'unauthorized' : 'bad_request');
        return sendError(res, { status: fault.status, code, message: fault.message ?? `Injected fault (${fault.status})` });
      }
    }
    if (rateLimit && rlCount > limit) {
      return sendError(res, {
        status: 429,
        code: 'rate_limit_exceeded',
        message: `More than ${limit} requests received in ${Math.round(windowMs / 1000)} seconds`,
      });
    }
    next();
  };

  const bearer = (req: Request) => {
    const h = req.get('authorization') ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
    return store.activeToken(m?.[1]);
  };

  /** Bearer + Intercom-Version (REST routes) */
  const apiAuth = (req: Request, res: Response, next: NextFunction) => {
    const tok = bearer(req);
    if (!tok) return sendError(res, { status: 401, code: 'unauthorized', message: 'Access Token Invalid' });
    const v = req.get('intercom-version');
    if (v !== undefined && !VALID_VERSIONS.has(v.trim())) {
      return sendError(res, { status: 400, code: 'intercom_version_invalid', message: 'The requested version could not be found' });
    }
    res.locals.version = v?.trim() || appVersion;
    res.locals.ws = store.workspace(tok.workspaceId);
    res.locals.token = tok;
    next();
  };

  const api = express.Router();
  api.use(apiFront);

  // --- OAuth token exchange and uninstall (no version check) ---
  api.post('/auth/eagle/token', (req, res) => {
    const b = (req.body ?? {}) as Json;
    const code = str(b.code);
    const rec = code ? store.consumeCode(code) : undefined;
    if (str(b.client_id) !== opts.clientId || str(b.client_secret) !== opts.clientSecret) {
      return sendError(res, { status: 401, code: 'unauthorized', message: 'Unauthorized Client' });
    }
    if (!rec || rec.clientId !== opts.clientId) return sendError(res, { status: 401, code: 'unauthorized', message: 'Unauthorized Code' });
    const token = store.issueToken(rec.workspaceId, rec.adminId);
    res.json({ token_type: 'Bearer', token, access_token: token });
  });

  api.post('/auth/uninstall', (req, res) => {
    const tok = bearer(req);
    if (!tok) return sendError(res, { status: 401, code: 'unauthorized', message: 'Access Token Invalid' });
    void uninstall(tok.workspaceId);
    res.json({});
  });

  // --- REST ---
  const rest = express.Router();
  rest.use(apiAuth);
  const ws = (res: Response) => res.locals.ws as Workspace;
  const ver = (res: Response) => res.locals.version as string;
  const plain = (req: Request) => str(req.query.display_as) === 'plaintext';

  rest.get('/me', (req, res) => {
    const w = ws(res);
    const admin = store.admin(w, res.locals.token.adminId) ?? w.admins[0];
    res.json(store.meJson(w, admin));
  });
  rest.get('/admins', (_req, res) => res.json({ type: 'admin.list', admins: ws(res).admins.map((a) => store.adminJson(a)) }));
  rest.get('/admins/:id', (req, res) => {
    const a = store.admin(ws(res), String(req.params.id));
    if (!a) return sendError(res, { status: 404, code: 'admin_not_found', message: 'Admin not found' });
    res.json(store.adminJson(a));
  });

  rest.get('/data_attributes', (req, res) => {
    const model = str(req.query.model);
    if (model !== undefined && !['contact', 'company', 'conversation'].includes(model)) {
      return sendError(res, {
        status: 400,
        code: 'parameter_invalid',
        message: 'The Data Attribute model field must be either contact, company or conversation',
        field: 'model',
      });
    }
    if (model === 'conversation' && versionNumber(ver(res)) === Number.POSITIVE_INFINITY) {
      return sendError(res, {
        status: 422,
        code: 'parameter_invalid',
        message: 'Use /conversations/attributes for conversation attributes in this API version',
      });
    }
    const archived = str(req.query.include_archived) === 'true';
    const data = ws(res)
      .dataAttributes.filter((a) => (!model || a.model === model) && (archived || !a.archived))
      .map((a) => store.dataAttributeJson(a));
    res.json({ type: 'list', data });
  });

  rest.post('/data_attributes', (req, res) => {
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
    const attr = store.addAttribute(w, { name: String(b.name), data_type: b.data_type as DataType, description: str(b.description) }, b.model);
    res.json(store.dataAttributeJson(attr));
  });

  // Preview-only conversation attribute API (reference §3.4)
  const previewOnly = (res: Response) => {
    if (ver(res) === 'Preview' || ver(res) === 'Unstable') return false;
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
  });
  rest.get('/conversations/attributes', (_req, res) => {
    if (previewOnly(res)) return;
    res.json({
      type: 'list',
      data: ws(res)
        .dataAttributes.filter((a) => a.model === 'conversation')
        .map((a) => convAttrJson(a)),
    });
  });
  rest.post('/conversations/attributes', (req, res) => {
    if (previewOnly(res)) return;
    const b = (req.body ?? {}) as Json;
    const map: Record<string, DataType> = { string: 'string', integer: 'integer', decimal: 'float', boolean: 'boolean', datetime: 'datetime', list: 'string' };
    if (!str(b.name)) return sendError(res, { status: 422, code: 'parameter_invalid', message: 'name is required', field: 'name' });
    const dt = map[b.data_type as string];
    if (!dt) return sendError(res, { status: 422, code: 'parameter_invalid', message: `Invalid data_type '${String(b.data_type)}'`, field: 'data_type' });
    const w = ws(res);
    if (w.dataAttributes.some((a) => a.model === 'conversation' && a.name === b.name && !a.archived)) {
      return sendError(res, { status: 422, code: 'parameter_invalid', message: `Conversation attribute '${String(b.name)}' already exists`, field: 'name' });
    }
    const attr = store.addAttribute(w, { name: String(b.name), data_type: dt, description: str(b.description) }, 'conversation');
    res.json(convAttrJson(attr, String(b.data_type)));
  });

  rest.get('/conversations', (req, res) => {
    const perPage = req.query.per_page === undefined ? 20 : Number(str(req.query.per_page));
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 150) {
      return sendError(res, { status: 400, code: 'parameter_invalid', message: 'per_page must be between 1 and 150', field: 'per_page' });
    }
    const all = store.listConversations(ws(res).id_code).sort((a, b) => b.updated_at - a.updated_at || Number(b.id) - Number(a.id));
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
        const j: Json = store.conversationJson(c, { version: ver(res), plaintext: plain(req), parts: 'none' });
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

  rest.get('/conversations/:id', (req, res) => {
    const conv = store.conversation(String(req.params.id), ws(res).id_code);
    res.json(store.conversationJson(conv, { version: ver(res), plaintext: plain(req) }));
  });

  rest.put('/conversations/:id', (req, res) => {
    const conv = store.conversation(String(req.params.id), ws(res).id_code);
    const b = req.body;
    if (!b || typeof b !== 'object' || Array.isArray(b)) return sendError(res, { status: 400, code: 'bad_request', message: 'A JSON object body is required' });
    if (b.read !== undefined && typeof b.read !== 'boolean')
      return sendError(res, { status: 400, code: 'parameter_invalid', message: 'read must be a boolean', field: 'read' });
    if (b.title !== undefined && b.title !== null && typeof b.title !== 'string')
      return sendError(res, { status: 400, code: 'parameter_invalid', message: 'title must be a string', field: 'title' });
    if (b.custom_attributes !== undefined) store.updateAttributes(conv, b.custom_attributes);
    if (b.read !== undefined) conv.read = b.read;
    if (b.title !== undefined) conv.title = b.title;
    conv.updated_at = nowSec();
    res.json(store.conversationJson(conv, { version: ver(res), plaintext: plain(req) }));
  });

  rest.post('/conversations/:id/reply', (req, res) => {
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
          ? store
              .listConversations(w.id_code)
              .filter((c) => c.contact.id === b.intercom_user_id || c.contact.email === b.email)
              .sort((x, y) => Number(y.id) - Number(x.id))[0]
          : store.conversation(id, w.id_code);
      if (!target) return sendError(res, { status: 404, code: 'not_found', message: 'Resource Not Found' });
      if (b.intercom_user_id !== target.contact.id && b.email !== target.contact.email)
        return sendError(res, { status: 404, code: 'not_found', message: 'User Not Found' });
      if (!str(b.body)) return sendError(res, { status: 400, code: 'parameter_not_found', message: 'Body is a required parameter.', field: 'body' });
      const { conv, part } = customerReply(target.id, String(b.body));
      return res.json(store.conversationJson(conv, { version: ver(res), plaintext: plain(req), parts: [part] }));
    }
    const conv = store.conversation(id, w.id_code);
    if (b.admin_id === undefined || b.admin_id === null || b.admin_id === '')
      return sendError(res, { status: 400, code: 'parameter_not_found', message: 'Admin ID is a required parameter.', field: 'admin_id' });
    if (!store.admin(w, String(b.admin_id))) return sendError(res, { status: 404, code: 'admin_not_found', message: 'Admin not found' });
    if (mt === 'quick_reply')
      return sendError(res, { status: 400, code: 'parameter_invalid', message: 'quick_reply is not supported by the sandbox', field: 'message_type' });
    if (!str(b.body)) return sendError(res, { status: 400, code: 'parameter_not_found', message: 'Body is a required parameter.', field: 'body' });
    const { part } = adminPart(conv.id, String(b.admin_id), String(b.body), mt as 'comment' | 'note', true, b.created_at as number | undefined);
    res.json(store.conversationJson(conv, { version: ver(res), plaintext: plain(req), parts: [part] }));
  });

  rest.get('/tags', (_req, res) => res.json({ type: 'list', data: [...store.tags.values()].map((t) => ({ type: 'tag', id: t.id, name: t.name })) }));
  rest.post('/tags', (req, res) => {
    const name = str(req.body?.name);
    if (!name) return sendError(res, { status: 400, code: 'parameter_not_found', message: 'Name is a required parameter.', field: 'name' });
    const t = store.tag(name);
    res.json({ type: 'tag', id: t.id, name: t.name });
  });
  rest.post('/conversations/:id/tags', (req, res) => {
    const w = ws(res);
    const b = (req.body ?? {}) as Json;
    let conv: Conversation;
    try {
      conv = store.conversation(String(req.params.id), w.id_code);
    } catch {
      return sendError(res, { status: 404, code: 'not_found', message: 'Conversation not found' });
    }
    if (!b.id || !b.admin_id) return sendError(res, { status: 400, code: 'parameter_not_found', message: 'id and admin_id are required parameters.' });
    const admin = store.admin(w, String(b.admin_id));
    if (!admin) return sendError(res, { status: 404, code: 'admin_not_found', message: 'Admin not found' });
    const tag = store.tags.get(String(b.id));
    if (!tag) return sendError(res, { status: 404, code: 'not_found', message: 'Tag not found' });
    if (!conv.tags.some((t) => t.id === tag.id)) conv.tags.push(tag);
    res.json({ type: 'tag', id: tag.id, name: tag.name, applied_at: nowSec(), applied_by: { type: 'admin', id: admin.id } });
  });
  rest.delete('/conversations/:id/tags/:tagId', (req, res) => {
    const w = ws(res);
    const conv = store.conversation(String(req.params.id), w.id_code);
    if (!req.body?.admin_id)
      return sendError(res, { status: 400, code: 'parameter_not_found', message: 'Admin ID is a required parameter.', field: 'admin_id' });
    const tag = conv.tags.find((t) => t.id === String(req.params.tagId));
    if (!tag) return sendError(res, { status: 404, code: 'not_found', message: 'Tag not found' });
    conv.tags = conv.tags.filter((t) => t !== tag);
    res.json({ type: 'tag', id: tag.id, name: tag.name });
  });
  rest.use((_req, res) => sendError(res, { status: 404, code: 'not_found', message: 'Resource Not Found' }));

  api.use(['/me', '/admins', '/conversations', '/data_attributes', '/tags'], (req, res, next) => {
    // re-mount with the original path so the REST router sees /me, /conversations/1 …
    req.url = req.originalUrl;
    rest(req, res, next);
  });
  // ---------- Canvas Kit panel pages (before the REST mount: /conversations/:id/view is a page) ----------
  const panelAction = (convId: string) => `/inbox/conversations/${encodeURIComponent(convId)}/canvas/submit`;
  const failedCall = (e: unknown, kind: string, request: Json = {}): CanvasCallResult & { kind: string } => ({
    url: '',
    status: 'error',
    body: null,
    rawBody: '',
    errors: [`sandbox could not send the ${kind} request: ${(e as Error)?.message ?? String(e)}`],
    durationMs: 0,
    request,
    kind,
  });
  /** calls the app's initialize endpoint and renders the panel (empty string when no initialize URL is configured) */
  async function initializePanel(conv: Conversation, adminId: string): Promise<string> {
    if (!opts.canvasInitializeUrl) return '';
    let r: CanvasCallResult & { kind: string };
    try {
      r = { ...(await canvasInitialize({ conversationId: conv.id, adminId })), kind: 'initialize' };
    } catch (e) {
      r = failedCall(e, 'initialize');
    }
    lastPanels.set(`${conv.id}:${adminId}`, r);
    return renderPanel(r, { action: panelAction(conv.id), adminId });
  }

  app.get('/conversations/:id/view', async (req, res) => {
    let conv: Conversation;
    try {
      conv = store.conversation(String(req.params.id));
    } catch {
      return res
        .status(404)
        .type('html')
        .send(errorPage('Not found', `No conversation ${String(req.params.id)}`));
    }
    const w = store.workspace(conv.workspaceId);
    const admin = (str(req.query.admin) && store.admin(w, str(req.query.admin) as string)) || w.admins[0];
    const key = `${conv.id}:${admin.id}`;
    const last = lastPanels.get(key);
    let panel: string;
    if (str(req.query.panel) === 'last' && last) panel = renderPanel(last, { action: panelAction(conv.id), adminId: admin.id });
    else panel = await initializePanel(conv, admin.id);
    if (!panel) panel = '<p class="muted">No Canvas Kit initialize URL configured (SANDBOX_CANVAS_INITIALIZE_URL).</p>';
    res.type('html').send(conversationViewPage(store, w, conv, admin.id, panel));
  });

  app.post('/inbox/conversations/:id/canvas/submit', async (req, res) => {
    const b = (req.body ?? {}) as Json;
    let conv: Conversation;
    try {
      conv = store.conversation(String(req.params.id));
    } catch {
      return res
        .status(404)
        .type('html')
        .send(errorPage('Not found', `No conversation ${String(req.params.id)}`));
    }
    const w = store.workspace(conv.workspaceId);
    const admin = (str(b.admin_id) && store.admin(w, str(b.admin_id) as string)) || w.admins[0];
    const inputValues: Json = {};
    for (const [k, v] of Object.entries(b)) if (k.startsWith('iv:')) inputValues[k.slice(3)] = v;
    let r: CanvasCallResult & { kind: string };
    try {
      r = { ...(await canvasSubmit({ conversationId: conv.id, adminId: admin.id, componentId: str(b.component_id) ?? '', inputValues })), kind: 'submit' };
    } catch (e) {
      r = failedCall(e, 'submit');
      // keep showing the canvas we had, with the error on top
      const prev = lastPanels.get(`${conv.id}:${admin.id}`);
      if (prev) r = { ...r, body: prev.body };
    }
    lastPanels.set(`${conv.id}:${admin.id}`, r);
    res.redirect(303, `/conversations/${encodeURIComponent(conv.id)}/view?admin=${encodeURIComponent(admin.id)}&panel=last`);
  });

  app.use(api);

  // ---------- OAuth consent page ----------
  function checkClient(q: Json, res: Response): { redirectUri: string; state?: string } | null {
    if (str(q.client_id) !== opts.clientId) {
      res.status(400).type('html').send(errorPage('Invalid request', 'Unknown client_id: this app is not registered.'));
      return null;
    }
    const given = str(q.redirect_uri);
    if (given !== undefined && given !== '' && !opts.redirectUris.includes(given)) {
      res
        .status(400)
        .type('html')
        .send(errorPage('Invalid redirect URI', `The redirect_uri is not one of the app's registered redirect URLs: ${given}`));
      return null;
    }
    return { redirectUri: given || opts.redirectUris[0], state: str(q.state) };
  }

  function redirectWith(res: Response, target: string, params: Record<string, string | undefined>) {
    const u = new URL(target);
    for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v);
    res.redirect(302, u.toString());
  }

  app.get('/oauth', (req, res) => {
    const q = req.query as Json;
    const c = checkClient(q, res);
    if (!c) return;
    if (opts.autoApprove) {
      const w = store.workspace(str(q.sandbox_workspace));
      const admin = (str(q.sandbox_admin) && store.admin(w, str(q.sandbox_admin) as string)) || w.admins[0];
      const code = store.issueCode(opts.clientId, w.id_code, admin.id, opts.codeTtlMs ?? 300_000);
      return redirectWith(res, c.redirectUri, { code, state: c.state });
    }
    const hidden: Record<string, string> = { client_id: opts.clientId, redirect_uri: c.redirectUri };
    if (c.state !== undefined) hidden.state = c.state;
    res.type('html').send(consentPage({ appName: opts.appName ?? 'SigSentry', workspaces: [...store.workspaces.values()], hidden }));
  });

  app.post('/oauth/decision', (req, res) => {
    const b = (req.body ?? {}) as Json;
    const c = checkClient(b, res);
    if (!c) return;
    if (str(b.decision) !== 'authorize') return redirectWith(res, c.redirectUri, { error: 'access_denied', state: c.state });
    const [wsId, adminId] = (str(b.admin) ?? '').split(':');
    const w = store.workspaces.get(wsId) ?? store.workspace(str(b.workspace));
    const admin = store.admin(w, adminId) ?? w.admins[0];
    const code = store.issueCode(opts.clientId, w.id_code, admin.id, opts.codeTtlMs ?? 300_000);
    redirectWith(res, c.redirectUri, { code, state: c.state });
  });

  // ---------- pages ----------
  const tokenStatusOf = (id: string) => {
    const s = workspaceSummary(store.workspace(id));
    return s.installed ? 'installed' : s.tokenStatus === 'revoked' ? 'uninstalled' : 'not installed';
  };
  /** newest conversations of the inbox that get their panel rendered inline (one initialize each) */
  const INBOX_PANELS = 20;
  app.get('/', async (_req, res) => {
    const panels = new Map<string, string>();
    if (opts.canvasInitializeUrl) {
      const convs = [...store.workspaces.values()]
        .flatMap((w) => store.listConversations(w.id_code))
        .sort((a, b) => Number(b.id) - Number(a.id))
        .slice(0, INBOX_PANELS);
      await Promise.all(convs.map(async (c) => panels.set(c.id, await initializePanel(c, store.workspace(c.workspaceId).admins[0].id))));
    }
    res.type('html').send(inboxPage(store, tokenStatusOf, panels));
  });
  app.get('/composer', (_req, res) => res.type('html').send(composerPage(store)));
  app.post('/composer', (req, res) => {
    const b = (req.body ?? {}) as Json;
    if (!str(b.email) || !str(b.message)) return res.status(400).type('html').send(errorPage('Missing fields', 'Email and message are required.'));
    const conv = createConversation({
      workspaceId: str(b.workspace),
      customer: { name: str(b.name) ?? '', email: String(b.email) },
      subject: str(b.subject),
      body: String(b.message),
    });
    res.redirect(303, `/#conv-${conv.id}`);
  });
  app.post('/inbox/conversations/:id/admin-reply', (req, res) => {
    const b = (req.body ?? {}) as Json;
    const type = b.message_type === 'comment' ? 'comment' : 'note';
    if (str(b.body)) adminPart(String(req.params.id), String(b.admin_id), String(b.body), type, false);
    res.redirect(303, `/#conv-${String(req.params.id)}`);
  });
  app.post('/inbox/conversations/:id/customer-reply', (req, res) => {
    const b = (req.body ?? {}) as Json;
    if (str(b.body)) customerReply(String(req.params.id), String(b.body));
    res.redirect(303, `/#conv-${String(req.params.id)}`);
  });

  // ---------- control API ----------
  const ctl = express.Router();
  const full = (c: Conversation) => store.conversationJson(c, { version: appVersion }) as Json;
  ctl.post('/conversations', (req, res) => {
    const b = (req.body ?? {}) as Json;
    const customer = (b.customer ?? {}) as Json;
    const conv = createConversation({
      workspaceId: str(b.workspaceId),
      customer: { name: str(customer.name) ?? '', email: str(customer.email) ?? '' },
      subject: str(b.subject),
      body: str(b.body) ?? '',
      createdAt: typeof b.createdAt === 'number' ? b.createdAt : undefined,
    });
    res.status(201).json(full(conv));
  });
  ctl.get('/conversations', (req, res) => res.json(store.listConversations(str(req.query.workspace)).map(full)));
  ctl.get('/conversations/:id', (req, res) => res.json(full(store.conversation(String(req.params.id)))));
  ctl.post('/conversations/:id/customer-reply', (req, res) => res.json(full(customerReply(String(req.params.id), str(req.body?.body) ?? '').conv)));
  ctl.post('/conversations/:id/admin-reply', (req, res) => {
    const b = (req.body ?? {}) as Json;
    const conv = store.conversation(String(req.params.id));
    const adminId = str(b.adminId) ?? store.workspace(conv.workspaceId).admins[0].id;
    if (!str(b.body)) throw new ApiError(400, 'parameter_not_found', 'Body is a required parameter.', 'body');
    const type = b.messageType === 'note' ? 'note' : 'comment';
    res.json(full(adminPart(conv.id, adminId, String(b.body), type, false).conv));
  });
  ctl.get('/deliveries', (req, res) => {
    const topic = str(req.query.topic);
    const w = str(req.query.workspace);
    res.json({ deliveries: emitter.deliveries.filter((d) => (!topic || d.topic === topic) && (!w || d.workspaceId === w)), uninstallNotices });
  });
  ctl.delete('/deliveries', (_req, res) => {
    emitter.deliveries.length = 0;
    uninstallNotices.length = 0;
    res.json({ ok: true });
  });
  ctl.get('/faults', (_req, res) => res.json(faults.map(({ regex: _r, ...f }) => ({ ...f, remaining: Number.isFinite(f.remaining) ? f.remaining : -1 }))));
  ctl.post('/faults', (req, res) => res.status(201).json(addFault((req.body ?? {}) as FaultSpec)));
  ctl.delete('/faults', (_req, res) => {
    faults.length = 0;
    res.json({ ok: true });
  });
  ctl.post('/rate-limit', (req, res) => {
    const b = (req.body ?? {}) as Json;
    rateLimit = typeof b.limit === 'number' ? { limit: b.limit, windowMs: typeof b.windowMs === 'number' ? b.windowMs : undefined } : null;
    rlCount = 0;
    res.json({ rateLimit });
  });
  ctl.get('/webhooks/settings', (_req, res) => res.json(emitter.settings));
  ctl.post('/webhooks/settings', async (req, res) => {
    const b = (req.body ?? {}) as Json;
    res.json(await setWebhookSettings({ url: b.url as string | null | undefined, topics: b.topics as string[] | undefined }, b.validate !== false));
  });
  ctl.post('/webhooks/redeliver/:notificationId', (req, res) => {
    const n = emitter.redeliver(String(req.params.notificationId));
    if (!n) throw new ApiError(404, 'not_found', 'Unknown notification id');
    res.json({ id: n.id, topic: n.topic });
  });
  ctl.post('/webhooks/ping', (req, res) => {
    const n = emitter.emit('ping', store.workspace(str(req.body?.workspaceId)).id_code, { type: 'ping', message: 'something something interzen' });
    res.json({ sent: n !== null });
  });
  ctl.get('/workspaces', (_req, res) => res.json([...store.workspaces.values()].map(workspaceSummary)));
  ctl.post('/workspaces/:id/install', (req, res) => {
    const w = store.workspace(String(req.params.id));
    const adminId = str(req.body?.adminId) ?? w.admins[0].id;
    if (!store.admin(w, adminId)) throw new ApiError(404, 'admin_not_found', 'Admin not found');
    res.status(201).json({ token: store.issueToken(w.id_code, adminId) });
  });
  ctl.post('/workspaces/:id/uninstall', async (req, res) => {
    await uninstall(store.workspace(String(req.params.id)).id_code);
    res.json(workspaceSummary(store.workspace(String(req.params.id))));
  });
  ctl.post('/canvas/initialize', async (req, res) => {
    const b = (req.body ?? {}) as Json;
    res.json(await canvasInitialize({ conversationId: String(b.conversationId ?? ''), adminId: str(b.adminId), url: str(b.url) }));
  });
  ctl.post('/canvas/submit', async (req, res) => {
    const b = (req.body ?? {}) as Json;
    res.json(
      await canvasSubmit({
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
  app.use('/_sandbox', ctl);

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
    log.error?.(`sandbox error on ${req.method} ${req.path}`, err);
    sendError(res, { status: 500, code: 'server_error', message: 'Internal sandbox error' });
  });

  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', (err?: Error) => (err ? reject(err) : resolve(s)));
    s.on('error', reject);
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : Number(opts.port);
  const url = `http://${opts.host && opts.host !== '0.0.0.0' ? opts.host : '127.0.0.1'}:${port}`;
  log.info?.(`Intercom sandbox listening on ${url}`);

  const sandbox: Sandbox = {
    url,
    port,
    store,
    async close() {
      if (closed) return;
      closed = true;
      emitter.close();
      for (const w of [...deliveryWaiters]) w();
      await Promise.allSettled([...pendingNotices]);
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
    createConversation: (input) => full(createConversation(input)),
    customerReply: (id, body) => full(customerReply(id, body).conv),
    adminReply: (id, adminId, body) => full(adminPart(id, adminId, body, 'comment', false).conv),
    adminNote: (id, adminId, body) => full(adminPart(id, adminId, body, 'note', false).conv),
    getConversation: (id, o) => store.conversationJson(store.conversation(id), { version: appVersion, plaintext: o?.plaintext }) as Json,
    listConversations: (wsId) => store.listConversations(wsId).map(full),
    tokensFor: (wsId) => tokenSummary(store.workspace(wsId).id_code),
    install: (wsId, adminId) => {
      const w = store.workspace(wsId);
      return store.issueToken(w.id_code, adminId ?? w.admins[0].id);
    },
    uninstallWorkspace: (wsId) => uninstall(store.workspace(wsId).id_code),
    workspaces: () => [...store.workspaces.values()].map(workspaceSummary),
    get deliveries() {
      return emitter.deliveries;
    },
    uninstallNotices,
    waitForDelivery(pred, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const d = emitter.deliveries.find(pred);
          if (d) {
            cleanup();
            resolve(d);
          } else if (closed) {
            cleanup();
            reject(new Error('sandbox closed'));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no matching webhook delivery within ${timeoutMs} ms`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          deliveryWaiters.delete(check);
        };
        deliveryWaiters.add(check);
        check();
      });
    },
    idle: () => emitter.idle(),
    setFault: addFault,
    clearFaults: () => void (faults.length = 0),
    setRateLimit: (r) => {
      rateLimit = r;
      rlCount = 0;
    },
    webhookSettings: () => ({ ...emitter.settings, topics: [...emitter.settings.topics] }),
    setWebhookSettings,
    redeliver: (id) => emitter.redeliver(id),
    ping: (wsId) => emitter.emit('ping', store.workspace(wsId).id_code, { type: 'ping', message: 'something something interzen' }),
    canvasInitialize,
    canvasSubmit,
  };
  return sandbox;
}
