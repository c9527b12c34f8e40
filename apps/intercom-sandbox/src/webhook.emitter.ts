/**
 * App-level webhook delivery (reference §4.1, §4.3, §4.5, §4.6, §4.7): one URL + topic list for the app, every
 * installed workspace; pretty-printed JSON body signed with `X-Hub-Signature: sha1=…` over the exact bytes sent.
 * 2xx delivered · 410 disables the app's webhooks · 429 throttles everything · other/timeout → one retry.
 */
import { randomUUID } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { hubSignature } from './signing.util';

export const DEFAULT_TOPICS = [
  'conversation.user.created',
  'conversation.user.replied',
  'conversation.admin.replied',
  'conversation.admin.noted',
  'conversation.operator.replied',
  'conversation.admin.single.created',
  'ping',
];

export interface Notification {
  type: 'notification_event';
  id: string | null;
  topic: string;
  app_id: string;
  created_at: number;
  delivery_attempts: number;
  first_sent_at: number;
  delivery_status: string | null;
  delivered_at: number;
  links: Record<string, never>;
  self: null;
  data: { type: 'notification_event_data'; item: unknown };
}

export interface DeliveryAttempt {
  topic: string;
  notificationId: string | null;
  workspaceId: string;
  attempt: number;
  /** HTTP status, or 'timeout' / 'error' (connection failure) */
  status: number | 'timeout' | 'error';
  outcome: 'delivered' | 'retry_scheduled' | 'failed' | 'disabled' | 'throttled' | 'dropped';
  at: number;
  durationMs: number;
  error?: string;
  url: string;
}

export interface WebhookSettings {
  url: string | null;
  topics: string[];
  /** false after a 410 answer, until the settings are saved again ("Set live") */
  enabled: boolean;
}

export interface EmitterOptions {
  secret: string;
  url?: string;
  topics?: string[];
  retryDelayMs: number;
  deliveryTimeoutMs: number;
  throttleDelayMs: number;
  maxThrottleMs: number;
  /** the workspace still has the app installed */
  isInstalled: (workspaceId: string) => boolean;
  /** true = this notification is lost (every attempt failed and Intercom gave up): recorded as 'dropped', never sent */
  shouldDrop?: (topic: string) => boolean;
  /** tab-indented like the captured payloads (default) or 2 spaces */
  indent?: string | number;
  logger?: { info?: (...a: unknown[]) => void; warn?: (...a: unknown[]) => void };
}

interface Pending {
  n: Notification;
  /** when the first attempt was made (ms), for the 2 h throttle drop */
  firstAt: number;
  /** the one retry after a failure was used */
  retried?: boolean;
}

export class WebhookEmitter {
  readonly settings: WebhookSettings;
  readonly deliveries: DeliveryAttempt[] = [];
  readonly sent = new Map<string, Notification>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly controllers = new Set<AbortController>();
  private inFlight = 0;
  private throttledUntil = 0;
  private throttleStreak = 0;
  private closed = false;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly o: EmitterOptions) {
    this.settings = { url: o.url ?? null, topics: [...(o.topics ?? DEFAULT_TOPICS)], enabled: true };
  }

  /** What would be sent: ping always, other topics only when configured. */
  subscribed(topic: string): boolean {
    return topic === 'ping' || this.settings.topics.includes(topic);
  }

  /** Build and send a notification; returns it, or null when nothing is sent (and why, in the log). */
  emit(topic: string, workspaceId: string, item: unknown, createdAt?: number): Notification | null {
    const skip = this.skipReason(topic, workspaceId);
    if (skip) {
      this.o.logger?.info?.(`webhook ${topic} for ${workspaceId} not sent: ${skip}`);
      return null;
    }
    const now = Math.floor(Date.now() / 1000);
    const n: Notification = {
      type: 'notification_event',
      id: topic === 'ping' ? null : `notif_${randomUUID()}`,
      topic,
      app_id: workspaceId,
      created_at: createdAt ?? now,
      delivery_attempts: 0,
      first_sent_at: 0,
      delivery_status: topic === 'ping' ? null : 'pending',
      delivered_at: 0,
      links: {},
      self: null,
      data: { type: 'notification_event_data', item },
    };
    if (n.id) this.sent.set(n.id, n);
    if (topic !== 'ping' && this.o.shouldDrop?.(topic)) {
      const at = Date.now();
      n.delivery_status = 'failed';
      this.deliveries.push({
        topic,
        notificationId: n.id,
        workspaceId,
        attempt: 0,
        status: 'error',
        outcome: 'dropped',
        at,
        durationMs: 0,
        error: 'dropped by the sandbox',
        url: this.settings.url ?? '',
      });
      return n;
    }
    this.schedule({ n, firstAt: Date.now() }, 0);
    return n;
  }

  /** Send a known notification again, same id (duplicate delivery as Intercom may do). */
  redeliver(notificationId: string): Notification | null {
    const n = this.sent.get(notificationId);
    if (!n) return null;
    this.schedule({ n, firstAt: Date.now() }, 0, true);
    return n;
  }

  update(s: { url?: string | null; topics?: string[] }): WebhookSettings {
    if (s.url !== undefined) this.settings.url = s.url;
    if (s.topics !== undefined) this.settings.topics = [...s.topics];
    this.settings.enabled = true;
    this.throttledUntil = 0;
    this.throttleStreak = 0;
    return this.settings;
  }

  /** resolves once nothing is in flight or scheduled */
  idle(): Promise<void> {
    if (this.inFlight === 0 && this.timers.size === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const c of this.controllers) c.abort();
    this.notifyIdle();
  }

  private skipReason(topic: string, workspaceId: string): string | null {
    if (this.closed) return 'sandbox closed';
    if (!this.settings.url) return 'no webhook URL configured';
    if (!this.settings.enabled) return 'webhooks disabled (410)';
    if (!this.subscribed(topic)) return 'topic not subscribed';
    if (topic !== 'ping' && !this.o.isInstalled(workspaceId)) return 'app not installed in workspace';
    return null;
  }

  private schedule(p: Pending, delayMs: number, force = false): void {
    const wait = Math.max(delayMs, this.throttledUntil - Date.now());
    const t = setTimeout(() => {
      this.timers.delete(t);
      void this.attempt(p, force).finally(() => this.notifyIdle());
    }, wait);
    this.timers.add(t);
  }

  private notifyIdle(): void {
    if (this.inFlight === 0 && this.timers.size === 0) {
      const w = this.idleWaiters;
      this.idleWaiters = [];
      for (const r of w) r();
    }
  }

  private async attempt(p: Pending, force: boolean): Promise<void> {
    const { n } = p;
    const skip = force && !this.closed && this.settings.url ? null : this.skipReason(n.topic, n.app_id);
    if (skip) {
      this.o.logger?.info?.(`webhook ${n.topic} ${n.id} stopped: ${skip}`);
      return;
    }
    if (this.throttledUntil > Date.now()) return this.schedule(p, 0, force);
    const url = this.settings.url as string;
    n.delivery_attempts += 1;
    if (!n.first_sent_at) n.first_sent_at = Math.floor(Date.now() / 1000);
    const attempt = n.delivery_attempts;
    const body = JSON.stringify(n, null, this.o.indent ?? '\t');
    const ctrl = new AbortController();
    this.controllers.add(ctrl);
    const timer = setTimeout(() => ctrl.abort(), this.o.deliveryTimeoutMs);
    const started = Date.now();
    let status: DeliveryAttempt['status'];
    let error: string | undefined;
    this.inFlight++;
    try {
      ({ status, error } = await postSigned(url, body, { 'X-Hub-Signature': hubSignature(this.o.secret, body) }, ctrl));
    } finally {
      clearTimeout(timer);
      this.controllers.delete(ctrl);
      this.inFlight--;
    }
    let outcome: DeliveryAttempt['outcome'];
    if (typeof status === 'number' && status >= 200 && status < 300) {
      outcome = 'delivered';
      n.delivery_status = n.id ? 'delivered' : n.delivery_status;
      n.delivered_at = Math.floor(Date.now() / 1000);
      this.throttleStreak = 0;
    } else if (status === 410) {
      outcome = 'disabled';
      this.settings.enabled = false;
      this.o.logger?.warn?.('webhook endpoint answered 410: webhooks disabled for the app');
    } else if (status === 429) {
      const delay = Math.min(this.o.throttleDelayMs * 2 ** this.throttleStreak, this.o.maxThrottleMs);
      this.throttleStreak++;
      if (Date.now() + delay - p.firstAt > this.o.maxThrottleMs) {
        outcome = 'dropped';
      } else {
        outcome = 'throttled';
        this.throttledUntil = Date.now() + delay;
        if (!this.closed) this.schedule(p, delay, force);
      }
    } else if (!p.retried) {
      p.retried = true;
      outcome = 'retry_scheduled';
      if (!this.closed) this.schedule(p, this.o.retryDelayMs, force);
    } else {
      outcome = 'failed';
      n.delivery_status = n.id ? 'failed' : n.delivery_status;
    }
    if (this.closed && outcome === 'retry_scheduled') outcome = 'failed';
    this.deliveries.push({
      topic: n.topic,
      notificationId: n.id,
      workspaceId: n.app_id,
      attempt,
      status,
      outcome,
      at: started,
      durationMs: Date.now() - started,
      error,
      url,
    });
  }
}

/**
 * POSTs a signed body as Intercom's delivery service does and answers the status (or `timeout` / `error`). Plain
 * node:http(s) with keep-alive connections: `fetch` costs several times the CPU per request, and the sandbox shares
 * the machine with the app it feeds. The response body is read and dropped.
 */
export function postSigned(
  url: string,
  body: string,
  signature: Record<string, string>,
  ctrl: AbortController,
): Promise<{ status: number | 'timeout' | 'error'; error?: string }> {
  return new Promise((resolve) => {
    const fail = (e: unknown) => resolve({ status: ctrl.signal.aborted ? 'timeout' : 'error', error: e instanceof Error ? e.message : String(e) });
    let u: URL;
    try {
      u = new URL(url);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`unsupported protocol ${u.protocol}`);
    } catch (e) {
      return fail(e);
    }
    const tls = u.protocol === 'https:';
    const req = (tls ? httpsRequest : httpRequest)(
      u,
      {
        method: 'POST',
        agent: tls ? HTTPS_AGENT : HTTP_AGENT,
        signal: ctrl.signal,
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
          Accept: 'application/json',
          'User-Agent': 'intercom-parrot-service-client/1.0',
          ...signature,
        },
      },
      (res) => {
        res.on('error', fail);
        res.on('end', () => resolve({ status: res.statusCode ?? 'error' }));
        res.resume();
      },
    );
    req.on('error', fail);
    req.end(body);
  });
}

const HTTP_AGENT = new HttpAgent({ keepAlive: true, maxSockets: 64 });
const HTTPS_AGENT = new HttpsAgent({ keepAlive: true, maxSockets: 64 });
