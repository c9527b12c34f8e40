/**
 * Outbound Intercom REST client (issue #3 item 4; reference/intercom.md §1.4–§1.6, §2, §3; contract §2, §6, §7).
 *
 * Plain class over an axios instance so it works with or without Nest (wire it with `useFactory`, passing
 * `HttpService.axiosRef` or `axios.create()`). Every call answers the parsed JSON or throws `IntercomApiError`;
 * error messages never contain the token or the client secret.
 */
import type { AxiosInstance, AxiosResponse } from 'axios';

export const INTERCOM_HOSTS = {
  US: 'https://api.intercom.io',
  EU: 'https://api.eu.intercom.io',
  AU: 'https://api.au.intercom.io',
} as const;

export type IntercomRegion = keyof typeof INTERCOM_HOSTS;

export type IntercomErrorKind =
  | 'invalid_code'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'admin_not_found'
  | 'attribute_invalid'
  | 'bad_request'
  | 'rate_limited'
  | 'server'
  | 'timeout'
  | 'network';

export interface IntercomApiErrorInit {
  kind: IntercomErrorKind;
  status: number | null;
  code: string | null;
  requestId: string | null;
  retryable: boolean;
  retryAfterMs?: number;
  attribute?: string;
}

export class IntercomApiError extends Error {
  readonly kind: IntercomErrorKind;
  /** HTTP status, null when no answer came (timeout, connection error) */
  readonly status: number | null;
  /** first `errors[].code` of Intercom's error.list, or the socket error code */
  readonly code: string | null;
  readonly requestId: string | null;
  readonly retryable: boolean;
  /** rate_limited: when the caller may try again */
  readonly retryAfterMs?: number;
  /** attribute_invalid: the conversation attribute Intercom refused */
  readonly attribute?: string;

  constructor(message: string, init: IntercomApiErrorInit) {
    super(message);
    this.name = 'IntercomApiError';
    this.kind = init.kind;
    this.status = init.status;
    this.code = init.code;
    this.requestId = init.requestId;
    this.retryable = init.retryable;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
    if (init.attribute !== undefined) this.attribute = init.attribute;
  }
}

export interface IntercomApiOptions {
  /** INTERCOM_API_URL: token exchange and /auth/uninstall always; every REST call too when overridden */
  apiUrl: string;
  /** true when INTERCOM_API_URL was set explicitly (then it serves every region) */
  apiUrlOverridden: boolean;
  /** INTERCOM_API_VERSION, sent as Intercom-Version */
  apiVersion: string;
  clientId: string;
  clientSecret: string;
  /** per attempt (default 10 000) */
  timeoutMs?: number;
  /** retries after a 5xx / timeout / connection error (default 2) */
  maxRetries?: number;
  /** longest total wait for a 429 before giving up with kind 'rate_limited' (default 20 000) */
  maxRateLimitWaitMs?: number;
  /** first backoff delay (default 500 ms, doubled per retry, with jitter, capped at 8 s) */
  backoffBaseMs?: number;
  userAgent?: string;
  /** injectable for tests */
  sleep?: (ms: number) => Promise<void>;
  /** injectable for tests (unix ms) */
  now?: () => number;
}

export interface IntercomAuth {
  token: string;
  /** the binding's region; null/absent right after the token exchange */
  region?: string | null;
}

export interface IntercomAdmin {
  id: string;
  name: string;
  email: string;
}

export interface IntercomMe {
  workspaceId: string;
  workspaceName: string;
  region: IntercomRegion;
  timezone: string | null;
  admin: IntercomAdmin;
}

export interface IntercomAttributeDefinition {
  name: string;
  dataType: string;
  apiWritable: boolean;
  archived: boolean;
}

export interface IntercomRateLimit {
  limit: number | null;
  remaining: number | null;
  /** unix ms when the window refills */
  resetAt: number | null;
  /** unix ms when these headers were seen */
  observedAt: number;
}

type Json = Record<string, unknown>;

/** Upper-cases a region; anything but US/EU/AU is US (contract §2). */
export function normalizeRegion(region: string | null | undefined): IntercomRegion {
  const r = typeof region === 'string' ? region.trim().toUpperCase() : '';
  return r === 'EU' || r === 'AU' ? r : 'US';
}

const trimSlash = (u: string) => u.replace(/\/+$/, '');

/**
 * The host for REST calls (contract §2): INTERCOM_API_URL for every region when it was set explicitly; otherwise
 * the workspace's regional host (unknown region → US). No region yet (right after the exchange) → apiUrl.
 */
export function baseUrlFor(region: string | null | undefined, opts: { apiUrl: string; apiUrlOverridden: boolean }): string {
  if (opts.apiUrlOverridden) return trimSlash(opts.apiUrl);
  if (region === null || region === undefined || region.trim() === '') return trimSlash(opts.apiUrl);
  return INTERCOM_HOSTS[normalizeRegion(region)];
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const ATTRIBUTE_PATTERNS = [/Conversation attribute '([^']+)'/i, /is not a valid value for '([^']+)'/i];
const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT']);
const MAX_RATE_LIMIT_ROUNDS = 5;

interface RequestSpec {
  /** label used in messages: "GET /conversations/{id}" style, never secrets */
  label: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  data?: unknown;
  params?: Record<string, string>;
  /** token exchange: 401 "Unauthorized Code" → invalid_code */
  exchange?: boolean;
  /**
   * Not idempotent (reply, token exchange): a timeout or 5xx may have taken effect, so it is not retried here;
   * the caller decides (the post pipeline first looks for its reference in the conversation).
   */
  once?: boolean;
}

export class IntercomApi {
  /** the last X-RateLimit-* headers seen on any answer */
  lastRateLimit: IntercomRateLimit | null = null;

  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly maxRateLimitWaitMs: number;
  private readonly backoffBaseMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly userAgent: string;

  constructor(
    private readonly http: AxiosInstance,
    private readonly options: IntercomApiOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxRetries = options.maxRetries ?? 2;
    this.maxRateLimitWaitMs = options.maxRateLimitWaitMs ?? 20_000;
    this.backoffBaseMs = options.backoffBaseMs ?? 500;
    this.sleep = options.sleep ?? defaultSleep;
    this.now = options.now ?? Date.now;
    this.userAgent = options.userAgent ?? 'SigSentry/1.0';
  }

  /** REST host for a binding's region (see baseUrlFor). */
  baseUrlFor(region: string | null | undefined): string {
    return baseUrlFor(region, this.options);
  }

  /** POST {apiUrl}/auth/eagle/token → the access token. 401 "Unauthorized Code" → kind 'invalid_code'. */
  async exchangeCode(code: string): Promise<string> {
    const form = new URLSearchParams({ code, client_id: this.options.clientId, client_secret: this.options.clientSecret });
    const body = (await this.send({
      label: 'POST /auth/eagle/token',
      method: 'POST',
      url: `${trimSlash(this.options.apiUrl)}/auth/eagle/token`,
      headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': this.userAgent },
      data: form.toString(),
      exchange: true,
      once: true,
    })) as Json | null;
    const token = typeof body?.token === 'string' && body.token ? body.token : typeof body?.access_token === 'string' ? body.access_token : '';
    if (!token)
      throw new IntercomApiError('Intercom token exchange answered without a token', {
        kind: 'bad_request',
        status: 200,
        code: null,
        requestId: null,
        retryable: false,
      });
    return token;
  }

  /** GET /me: the workspace and the admin behind the token. */
  async me(auth: IntercomAuth): Promise<IntercomMe> {
    const body = (await this.rest(auth, 'GET', '/me', 'GET /me')) as Json;
    const app = (body?.app ?? {}) as Json;
    return {
      workspaceId: String(app.id_code ?? ''),
      workspaceName: String(app.name ?? ''),
      region: normalizeRegion(typeof app.region === 'string' ? app.region : null),
      timezone: typeof app.timezone === 'string' ? app.timezone : null,
      admin: toAdmin(body),
    };
  }

  /** GET /admins */
  async listAdmins(auth: IntercomAuth): Promise<IntercomAdmin[]> {
    const body = (await this.rest(auth, 'GET', '/admins', 'GET /admins')) as Json;
    const admins = Array.isArray(body?.admins) ? (body.admins as Json[]) : [];
    return admins.map(toAdmin);
  }

  /** GET /conversations/{id}[?display_as=plaintext] → Intercom's conversation object as is. */
  async getConversation(auth: IntercomAuth, id: string, opts: { plaintext?: boolean } = {}): Promise<Json> {
    return (await this.rest(
      auth,
      'GET',
      `/conversations/${encodeURIComponent(id)}`,
      'GET /conversations/{id}',
      undefined,
      opts.plaintext ? { display_as: 'plaintext' } : undefined,
    )) as Json;
  }

  /** POST /conversations/{id}/reply as an admin: `note` (internal) or `comment` (public). */
  async reply(auth: IntercomAuth, conversationId: string, msg: { messageType: 'note' | 'comment'; adminId: string; body: string }): Promise<Json> {
    const data = { message_type: msg.messageType, type: 'admin', admin_id: msg.adminId, body: msg.body };
    return (await this.rest(
      auth,
      'POST',
      `/conversations/${encodeURIComponent(conversationId)}/reply`,
      'POST /conversations/{id}/reply',
      data,
      undefined,
      true,
    )) as Json;
  }

  /** PUT /conversations/{id} {custom_attributes} */
  async updateAttributes(auth: IntercomAuth, conversationId: string, attributes: Record<string, unknown>): Promise<Json> {
    return (await this.rest(auth, 'PUT', `/conversations/${encodeURIComponent(conversationId)}`, 'PUT /conversations/{id}', {
      custom_attributes: attributes,
    })) as Json;
  }

  /** GET /data_attributes?model=conversation → the non-archived conversation attributes. */
  async listConversationAttributes(auth: IntercomAuth): Promise<IntercomAttributeDefinition[]> {
    const body = (await this.rest(auth, 'GET', '/data_attributes', 'GET /data_attributes', undefined, { model: 'conversation' })) as Json;
    const data = Array.isArray(body?.data) ? (body.data as Json[]) : [];
    return data
      .map((a) => ({ name: String(a.name ?? ''), dataType: String(a.data_type ?? ''), apiWritable: a.api_writable !== false, archived: a.archived === true }))
      .filter((a) => a.name && !a.archived);
  }

  // ---- tickets (API ≥ 2.16: several conversations linked to one tracker ticket) -----------------------------

  /** GET /ticket_types/{id} → Intercom's ticket type as is (category, ticket_states …). */
  async getTicketType(auth: IntercomAuth, id: string): Promise<Json> {
    return (await this.rest(auth, 'GET', `/ticket_types/${encodeURIComponent(id)}`, 'GET /ticket_types/{id}')) as Json;
  }

  /** POST /tickets (not idempotent: never retried here). */
  async createTicket(
    auth: IntercomAuth,
    t: { ticketTypeId: string; contactId: string; title: string; description: string; conversationToLinkId: string },
  ): Promise<Json> {
    const data = {
      ticket_type_id: t.ticketTypeId,
      contacts: [{ id: t.contactId }],
      conversation_to_link_id: t.conversationToLinkId,
      ticket_attributes: { _default_title_: t.title, _default_description_: t.description },
    };
    return (await this.rest(auth, 'POST', '/tickets', 'POST /tickets', data, undefined, true)) as Json;
  }

  /** POST /tickets/{ticket_id}/linked_conversations {conversation_id} */
  async linkConversationToTicket(auth: IntercomAuth, ticketId: string, conversationId: string): Promise<Json> {
    return (await this.rest(auth, 'POST', `/tickets/${encodeURIComponent(ticketId)}/linked_conversations`, 'POST /tickets/{id}/linked_conversations', {
      conversation_id: conversationId,
    })) as Json;
  }

  /** DELETE /tickets/{ticket_id}/linked_conversations/{id} */
  async unlinkConversationFromTicket(auth: IntercomAuth, ticketId: string, conversationId: string): Promise<Json> {
    return (await this.rest(
      auth,
      'DELETE',
      `/tickets/${encodeURIComponent(ticketId)}/linked_conversations/${encodeURIComponent(conversationId)}`,
      'DELETE /tickets/{id}/linked_conversations/{id}',
    )) as Json;
  }

  /** PUT /tickets/{ticket_id} (state, open, admin_id …). */
  async updateTicket(auth: IntercomAuth, ticketId: string, body: Record<string, unknown>): Promise<Json> {
    return (await this.rest(auth, 'PUT', `/tickets/${encodeURIComponent(ticketId)}`, 'PUT /tickets/{id}', body)) as Json;
  }

  /** POST {apiUrl}/auth/uninstall (always apiUrl): revokes the token and uninstalls the app. 401 = already revoked. */
  async revoke(auth: IntercomAuth): Promise<{ alreadyRevoked: boolean }> {
    try {
      await this.send({
        label: 'POST /auth/uninstall',
        method: 'POST',
        url: `${trimSlash(this.options.apiUrl)}/auth/uninstall`,
        headers: { ...this.restHeaders(auth.token), 'Content-Type': 'application/json' },
        data: {},
      });
      return { alreadyRevoked: false };
    } catch (e) {
      if (e instanceof IntercomApiError && e.kind === 'unauthorized') return { alreadyRevoked: true };
      throw e;
    }
  }

  // ---------------------------------------------------------------------------------------------------------

  private restHeaders(token: string): Record<string, string> {
    return {
      Authorization: `Bearer ${token}`,
      Accept: 'application/json',
      'Intercom-Version': this.options.apiVersion,
      'User-Agent': this.userAgent,
    };
  }

  private rest(
    auth: IntercomAuth,
    method: RequestSpec['method'],
    path: string,
    label: string,
    data?: unknown,
    params?: Record<string, string>,
    once = false,
  ): Promise<unknown> {
    const headers = this.restHeaders(auth.token);
    if (data !== undefined) headers['Content-Type'] = 'application/json';
    return this.send({ label, method, url: `${this.baseUrlFor(auth.region)}${path}`, headers, data, params, once });
  }

  private backoffMs(attempt: number): number {
    const base = Math.min(this.backoffBaseMs * 2 ** attempt, 8_000);
    return Math.round(base / 2 + Math.random() * (base / 2));
  }

  private async send(spec: RequestSpec): Promise<unknown> {
    let failures = 0;
    let rateLimitRounds = 0;
    let rateLimitWaited = 0;
    for (;;) {
      let res: AxiosResponse;
      try {
        res = await this.http.request({
          method: spec.method,
          url: spec.url,
          headers: spec.headers,
          data: spec.data,
          params: spec.params,
          timeout: this.timeoutMs,
          validateStatus: () => true,
          maxRedirects: 0,
          responseType: 'json',
        });
      } catch (e) {
        const err = this.transportError(spec, e);
        if (failures < this.maxRetries && !spec.once) {
          await this.sleep(this.backoffMs(failures++));
          continue;
        }
        throw err;
      }

      this.recordRateLimit(res);
      const status = res.status;
      if (status >= 200 && status < 300) return res.data;

      if (status === 429) {
        const waitMs = this.rateLimitWaitMs(res, failures);
        if (rateLimitRounds >= MAX_RATE_LIMIT_ROUNDS || rateLimitWaited + waitMs > this.maxRateLimitWaitMs) {
          throw this.httpError(spec, res, { kind: 'rate_limited', retryable: true, retryAfterMs: waitMs });
        }
        rateLimitRounds++;
        rateLimitWaited += waitMs;
        await this.sleep(waitMs);
        continue;
      }

      if (status >= 500 || status === 408) {
        if (failures < this.maxRetries && !spec.once) {
          await this.sleep(this.backoffMs(failures++));
          continue;
        }
        throw this.httpError(spec, res, { kind: status === 408 ? 'timeout' : 'server', retryable: true });
      }

      throw this.classify(spec, res);
    }
  }

  /** Retry-After (seconds or HTTP date), else X-RateLimit-Reset (unix seconds), else the backoff. */
  private rateLimitWaitMs(res: AxiosResponse, attempt: number): number {
    const retryAfter = header(res, 'retry-after');
    if (retryAfter) {
      const secs = Number(retryAfter);
      if (Number.isFinite(secs) && secs >= 0) return Math.ceil(secs * 1000);
      const at = Date.parse(retryAfter);
      if (Number.isFinite(at)) return Math.max(0, at - this.now());
    }
    const reset = Number(header(res, 'x-ratelimit-reset'));
    if (header(res, 'x-ratelimit-reset') && Number.isFinite(reset)) return Math.max(0, reset * 1000 - this.now());
    return this.backoffMs(attempt);
  }

  private recordRateLimit(res: AxiosResponse) {
    const limit = header(res, 'x-ratelimit-limit');
    const remaining = header(res, 'x-ratelimit-remaining');
    const reset = header(res, 'x-ratelimit-reset');
    if (limit === undefined && remaining === undefined && reset === undefined) return;
    const num = (v: string | undefined) => (v !== undefined && v !== '' && Number.isFinite(Number(v)) ? Number(v) : null);
    const r = num(reset);
    this.lastRateLimit = { limit: num(limit), remaining: num(remaining), resetAt: r === null ? null : r * 1000, observedAt: this.now() };
  }

  private transportError(spec: RequestSpec, e: unknown): IntercomApiError {
    const code = typeof (e as { code?: unknown })?.code === 'string' ? (e as { code: string }).code : null;
    const timedOut = code !== null && TIMEOUT_CODES.has(code);
    const what = timedOut ? `timed out after ${this.timeoutMs} ms` : `failed: ${code ?? 'connection error'}`;
    return new IntercomApiError(`Intercom ${spec.label} ${what}`, {
      kind: timedOut ? 'timeout' : 'network',
      status: null,
      code,
      requestId: null,
      retryable: true,
    });
  }

  private httpError(
    spec: RequestSpec,
    res: AxiosResponse,
    init: Pick<IntercomApiErrorInit, 'kind' | 'retryable' | 'retryAfterMs' | 'attribute'>,
  ): IntercomApiError {
    const env = parseEnvelope(res);
    const detail = env.message ? `: ${this.redact(spec, env.message)}` : '';
    return new IntercomApiError(`Intercom ${spec.label} answered ${res.status}${env.code ? ` ${env.code}` : ''}${detail}`, {
      ...init,
      status: res.status,
      code: env.code,
      requestId: env.requestId,
    });
  }

  /** Intercom's own messages are quoted in ours: make sure neither the token nor the client secret can leak. */
  private redact(spec: RequestSpec, text: string): string {
    const token = /^Bearer (.+)$/.exec(spec.headers.Authorization ?? '')?.[1];
    let out = text;
    for (const secret of [token, this.options.clientSecret]) if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
    return out;
  }

  private classify(spec: RequestSpec, res: AxiosResponse): IntercomApiError {
    const status = res.status;
    const env = parseEnvelope(res);
    if (status === 401) {
      if (spec.exchange && /code/i.test(env.message ?? '')) return this.httpError(spec, res, { kind: 'invalid_code', retryable: false });
      return this.httpError(spec, res, { kind: 'unauthorized', retryable: false });
    }
    if (status === 403) return this.httpError(spec, res, { kind: 'forbidden', retryable: false });
    if (status === 404) {
      const adminMissing = env.codes.includes('admin_not_found');
      return this.httpError(spec, res, { kind: adminMissing ? 'admin_not_found' : 'not_found', retryable: false });
    }
    if ((status === 400 || status === 422) && env.codes.includes('parameter_invalid')) {
      for (const m of env.messages) {
        for (const re of ATTRIBUTE_PATTERNS) {
          const hit = re.exec(m);
          if (hit) return this.httpError(spec, res, { kind: 'attribute_invalid', retryable: false, attribute: hit[1] });
        }
      }
    }
    if (spec.exchange && status === 400 && /code/i.test(env.message ?? '')) return this.httpError(spec, res, { kind: 'invalid_code', retryable: false });
    return this.httpError(spec, res, { kind: 'bad_request', retryable: false });
  }
}

function header(res: AxiosResponse, name: string): string | undefined {
  const h = res.headers as Record<string, unknown> | undefined;
  const v = h?.[name];
  if (v === undefined || v === null) return undefined;
  return Array.isArray(v) ? String(v[0]) : String(v);
}

function toAdmin(a: Json | null | undefined): IntercomAdmin {
  return { id: String(a?.id ?? ''), name: String(a?.name ?? ''), email: String(a?.email ?? '') };
}

/** Intercom's `{type:'error.list', request_id, errors:[{code, message, field?}]}` (also tolerates a bare error). */
function parseEnvelope(res: AxiosResponse): { code: string | null; message: string | null; codes: string[]; messages: string[]; requestId: string | null } {
  let body = res.data as unknown;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      body = null;
    }
  }
  const b = (body && typeof body === 'object' ? body : {}) as Json;
  const list = Array.isArray(b.errors) ? (b.errors as Json[]) : b.code ? [b] : [];
  const codes = list.map((e) => (typeof e?.code === 'string' ? e.code : '')).filter(Boolean);
  const messages = list.map((e) => (typeof e?.message === 'string' ? e.message : '')).filter(Boolean);
  const requestId = typeof b.request_id === 'string' ? b.request_id : (header(res, 'x-request-id') ?? null);
  return { code: codes[0] ?? null, message: messages.length ? messages.join('; ').slice(0, 500) : null, codes, messages, requestId };
}
