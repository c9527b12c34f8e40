/**
 * The sandbox's state and its domain actions, shared by the REST routes, the control API, the pages and the
 * programmatic API: conversations and their webhooks, installs and uninstall notices, faults and rate limits, and the
 * Canvas Kit calls to the app. Written only from reference/intercom.md.
 */
import { randomUUID } from 'node:crypto';
import { collectInputValues, findSubmitComponent, postCanvas } from './canvas.driver';
import type { CanvasCallResult } from './canvas.driver';
import { VALID_VERSIONS } from './http.util';
import { ApiError, DEFAULT_WORKSPACE, SandboxStore, versionNumber } from './sandbox.store';
import type { Conversation, Part, Workspace } from './sandbox.store';
import type {
  CanvasInitializeInput,
  CanvasSubmitInput,
  CreateConversationInput,
  FaultSpec,
  Json,
  SandboxLogger,
  SandboxOptions,
  UninstallNotice,
  WorkspaceSummary,
} from './sandbox.types';
import { bodySignature } from './signing.util';
import { DEFAULT_TICKET_TYPES, TicketStore } from './sandbox.tickets';
import { DEFAULT_TOPICS, postSigned, WebhookEmitter } from './webhook.emitter';
import type { DeliveryAttempt, Notification, WebhookSettings } from './webhook.emitter';

export interface ApiCall {
  method: string;
  path: string;
  status: number;
  at: number;
}

export interface Fault extends FaultSpec {
  id: string;
  remaining: number;
  regex?: RegExp;
}

/** A Canvas Kit call as a page shows it. */
export type PanelResult = CanvasCallResult & { kind: string };

const PING = { type: 'ping', message: 'something something interzen' };

export class SandboxCore {
  readonly store: SandboxStore;
  /** ticket types, tickets and tracker links (API 2.16) */
  readonly tickets = new TicketStore();
  readonly emitter: WebhookEmitter;
  readonly appVersion: string;
  readonly log: SandboxLogger;
  readonly uninstallNotices: UninstallNotice[] = [];
  readonly faults: Fault[] = [];
  /** every Intercom API call answered (REST and /auth/*), oldest first (capped at 100 000) */
  readonly apiCalls: ApiCall[] = [];
  /** notifications to drop instead of delivering (Intercom gave up on them), per topic or '*' */
  readonly drops = new Map<string, number>();
  rateLimit: { limit: number; windowMs?: number } | null;
  /** the current rate-limit window: its start (ms) and the calls counted in it */
  readonly rl = { windowStart: 0, count: 0 };
  /** the last panel shown per conversation:admin (the canvas a submit returned, shown after the redirect) */
  readonly lastPanels = new Map<string, PanelResult>();
  closed = false;
  private readonly canvasSessions = new Map<string, unknown>();
  private readonly pendingNotices = new Set<Promise<void>>();
  private readonly deliveryWaiters = new Set<() => void>();
  private readonly webhookPlain: boolean;

  constructor(readonly opts: SandboxOptions) {
    if (!opts.clientSecret) throw new Error('clientSecret is required');
    if (!opts.redirectUris?.length) throw new Error('at least one redirect URI is required');
    this.log = opts.logger ?? {};
    this.appVersion = opts.apiVersion ?? '2.14';
    if (!VALID_VERSIONS.has(this.appVersion)) throw new Error(`unknown apiVersion ${this.appVersion}`);
    const retryDelayMs = opts.retryDelayMs ?? 60_000;
    const seeds = opts.workspaces?.length ? opts.workspaces : [DEFAULT_WORKSPACE];
    this.store = new SandboxStore(seeds, opts.appPackageCode ?? 'sigsentry-sandbox');
    for (const w of seeds) for (const t of w.ticketTypes ?? DEFAULT_TICKET_TYPES) this.tickets.addType(w.id_code, t);
    this.emitter = new WebhookEmitter({
      secret: opts.clientSecret,
      url: opts.webhookUrl,
      topics: opts.webhookTopics ?? DEFAULT_TOPICS,
      retryDelayMs,
      deliveryTimeoutMs: opts.deliveryTimeoutMs ?? 5000,
      throttleDelayMs: opts.throttleDelayMs ?? retryDelayMs,
      maxThrottleMs: (opts.throttleDelayMs ?? retryDelayMs) * 120,
      isInstalled: (id) => this.store.workspaces.get(id)?.installed === true,
      shouldDrop: (topic) => this.takeDrop(topic),
      indent: opts.webhookIndent,
      logger: this.log,
    });
    this.rateLimit = opts.rateLimit ?? null;
    this.webhookPlain = versionNumber(this.appVersion) >= versionNumber('2.15');
    // deliveries are recorded by the emitter; wake waiters on every new record
    const push = this.emitter.deliveries.push.bind(this.emitter.deliveries);
    this.emitter.deliveries.push = (...items: DeliveryAttempt[]) => {
      const n = push(...items);
      for (const w of [...this.deliveryWaiters]) w();
      return n;
    };
  }

  // ---------- conversations (each change sends its webhook) ----------

  private webhookItem(conv: Conversation, parts: 'none' | Part[]) {
    return this.store.conversationJson(conv, { version: this.appVersion, plaintext: this.webhookPlain, parts });
  }

  /** The conversation as the API shows it (all parts). */
  full(conv: Conversation): Json {
    return this.store.conversationJson(conv, { version: this.appVersion }) as Json;
  }

  createConversation(input: CreateConversationInput): Conversation {
    const conv = this.store.createConversation(input);
    this.emitter.emit('conversation.user.created', conv.workspaceId, this.webhookItem(conv, 'none'), conv.created_at);
    return conv;
  }

  customerReply(convId: string, body: string, appPackageCode: string | null = null): { conv: Conversation; part: Part } {
    if (!body) throw new ApiError(400, 'parameter_not_found', 'Body is a required parameter.', 'body');
    const part = this.store.customerReply(convId, body, appPackageCode);
    const conv = this.store.conversation(convId);
    this.emitter.emit('conversation.user.replied', conv.workspaceId, this.webhookItem(conv, [part]), part.created_at);
    return { conv, part };
  }

  adminPart(
    convId: string,
    adminId: string,
    body: string,
    type: 'comment' | 'note',
    viaApp: boolean,
    createdAt?: number,
    opts: { skipUnsnooze?: boolean } = {},
  ) {
    const part = this.store.adminPart(convId, adminId, body, type, viaApp, createdAt, opts);
    const conv = this.store.conversation(convId);
    const topic = type === 'note' ? 'conversation.admin.noted' : 'conversation.admin.replied';
    this.emitter.emit(topic, conv.workspaceId, this.webhookItem(conv, [part]), part.created_at);
    return { conv, part };
  }

  /** An admin closes or reopens a conversation (no webhook: the app does not subscribe to state topics). */
  setConversationState(convId: string, state: 'open' | 'closed', adminId?: string): Conversation {
    const conv = this.store.conversation(convId);
    this.store.setState(conv.id, adminId ?? this.store.workspace(conv.workspaceId).admins[0].id, state);
    return conv;
  }

  ping(workspaceId?: string): Notification | null {
    return this.emitter.emit('ping', this.store.workspace(workspaceId).id_code, PING);
  }

  // ---------- installs ----------

  install(workspaceId?: string, adminId?: string): string {
    const w = this.store.workspace(workspaceId);
    const admin = adminId ?? w.admins[0].id;
    if (!this.store.admin(w, admin)) throw new ApiError(404, 'admin_not_found', 'Admin not found');
    return this.store.issueToken(w.id_code, admin);
  }

  /** The workspace removes the app: tokens revoked, then the signed uninstall notice. */
  uninstall(workspaceId: string): Promise<void> {
    const was = this.store.uninstall(workspaceId);
    if (!was || this.closed) return Promise.resolve();
    const p = this.sendUninstallNotice(workspaceId).finally(() => this.pendingNotices.delete(p));
    this.pendingNotices.add(p);
    return p;
  }

  private async sendUninstallNotice(appId: string): Promise<void> {
    const url = this.opts.uninstallUrl;
    if (!url) return;
    const body = JSON.stringify({ app_id: appId });
    const signature = bodySignature(this.opts.clientSecret, body);
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), this.opts.deliveryTimeoutMs ?? 5000);
    const at = Date.now();
    let status: UninstallNotice['status'];
    try {
      ({ status } = await postSigned(url, body, { 'X-Body-Signature': signature }, ctrl));
    } finally {
      clearTimeout(timer);
    }
    this.uninstallNotices.push({ appId, url, status, at, body, signature });
    this.log.info?.(`uninstall notice for ${appId} → ${String(status)}`);
  }

  tokenSummary(workspaceId: string): WorkspaceSummary['tokens'] {
    return this.store
      .tokensFor(workspaceId)
      .map((t) => ({ token: t.token, status: t.revokedAt === null ? 'active' : 'revoked', adminId: t.adminId, createdAt: t.createdAt }));
  }

  workspaceSummary(ws: Workspace): WorkspaceSummary {
    const tokens = this.tokenSummary(ws.id_code);
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

  workspaces(): WorkspaceSummary[] {
    return [...this.store.workspaces.values()].map((w) => this.workspaceSummary(w));
  }

  /** How the inbox names a workspace's app state. */
  installState(workspaceId: string): 'installed' | 'uninstalled' | 'not installed' {
    const s = this.workspaceSummary(this.store.workspace(workspaceId));
    return s.installed ? 'installed' : s.tokenStatus === 'revoked' ? 'uninstalled' : 'not installed';
  }

  // ---------- faults, rate limits, the call log, dropped deliveries ----------

  recordCall(c: ApiCall): void {
    if (this.apiCalls.length >= 100_000) this.apiCalls.splice(0, 10_000);
    this.apiCalls.push(c);
  }

  /**
   * The next `count` notifications (of `topic`, or any) are dropped: as if every delivery attempt had failed and
   * Intercom had given up (reference §4.6: one retry after a minute, then the delivery is marked failed).
   */
  dropDeliveries(count: number, topic = '*'): void {
    if (count > 0) this.drops.set(topic, (this.drops.get(topic) ?? 0) + count);
    else this.drops.delete(topic);
  }

  /** Consumes one drop for `topic` if any is pending. */
  takeDrop(topic: string): boolean {
    for (const key of [topic, '*']) {
      const n = this.drops.get(key) ?? 0;
      if (n > 0) {
        if (n === 1) this.drops.delete(key);
        else this.drops.set(key, n - 1);
        return true;
      }
    }
    return false;
  }

  addFault(f: FaultSpec): { id: string } {
    const times = f.times ?? 1;
    const fault: Fault = { ...f, id: randomUUID(), remaining: times <= 0 ? Number.POSITIVE_INFINITY : times, regex: f.route ? new RegExp(f.route) : undefined };
    this.faults.push(fault);
    return { id: fault.id };
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  setRateLimit(r: { limit: number; windowMs?: number } | null): void {
    this.rateLimit = r;
    this.rl.count = 0;
  }

  // ---------- webhooks ----------

  async setWebhookSettings(s: { url?: string | null; topics?: string[] }, validate = false): Promise<WebhookSettings> {
    if (s.topics && !s.topics.every((t) => typeof t === 'string')) throw new ApiError(400, 'parameter_invalid', 'topics must be strings');
    if (validate && s.url) {
      let ok: boolean;
      try {
        const res = await fetch(s.url, { method: 'HEAD', signal: AbortSignal.timeout(this.opts.deliveryTimeoutMs ?? 5000) });
        ok = res.ok;
      } catch {
        ok = false;
      }
      if (!ok) throw new ApiError(400, 'parameter_invalid', `the webhook URL did not answer a HEAD request with 2xx: ${s.url}`);
    }
    return { ...this.emitter.update(s) };
  }

  /** Waits until a delivery matching `pred` is recorded. */
  waitForDelivery(pred: (d: DeliveryAttempt) => boolean, timeoutMs = 10_000): Promise<DeliveryAttempt> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const d = this.emitter.deliveries.find(pred);
        if (d) {
          cleanup();
          resolve(d);
        } else if (this.closed) {
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
        this.deliveryWaiters.delete(check);
      };
      this.deliveryWaiters.add(check);
      check();
    });
  }

  // ---------- Canvas Kit (the sandbox calls the app) ----------

  private canvasContext(input: CanvasInitializeInput) {
    const conv = this.store.conversation(input.conversationId);
    const ws = this.store.workspace(conv.workspaceId);
    const admin = input.adminId ? this.store.admin(ws, input.adminId) : ws.admins[0];
    if (!admin) throw new ApiError(404, 'admin_not_found', 'Admin not found');
    const request: Json = {
      workspace_id: ws.id_code,
      workspace_region: ws.region,
      admin: this.store.adminJson(admin),
      conversation: this.store.conversationJson(conv, { version: this.appVersion }),
      contact: this.store.contactJson(conv),
      context: { conversation_id: Number(conv.id), location: 'conversation', locale: 'en' },
    };
    return { request, key: `${conv.id}:${admin.id}` };
  }

  private rememberCanvas(key: string, r: CanvasCallResult) {
    const b = r.body as Json | null;
    if (r.status === 200 && b && typeof b === 'object' && b.canvas && typeof b.canvas === 'object') this.canvasSessions.set(key, b.canvas);
  }

  async canvasInitialize(input: CanvasInitializeInput): Promise<CanvasCallResult> {
    const url = input.url ?? this.opts.canvasInitializeUrl;
    if (!url) throw new ApiError(400, 'parameter_not_found', 'no Canvas Kit initialize URL configured');
    const { request, key } = this.canvasContext(input);
    const r = await postCanvas(url, this.opts.clientSecret, request, this.opts.canvasTimeoutMs ?? 10_000);
    this.rememberCanvas(key, r);
    return r;
  }

  async canvasSubmit(input: CanvasSubmitInput): Promise<CanvasCallResult> {
    const url = input.url ?? this.opts.canvasSubmitUrl;
    if (!url) throw new ApiError(400, 'parameter_not_found', 'no Canvas Kit submit URL configured');
    if (!input.componentId) throw new ApiError(400, 'parameter_not_found', 'componentId is required');
    const { request, key } = this.canvasContext(input);
    const current = input.currentCanvas ?? this.canvasSessions.get(key);
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
    const r = await postCanvas(url, this.opts.clientSecret, request, this.opts.canvasTimeoutMs ?? 10_000);
    this.rememberCanvas(key, r);
    return r;
  }

  /** Stops webhooks and waiters and lets pending uninstall notices finish. */
  async close(): Promise<void> {
    this.closed = true;
    this.emitter.close();
    for (const w of [...this.deliveryWaiters]) w();
    await Promise.allSettled([...this.pendingNotices]);
  }
}
