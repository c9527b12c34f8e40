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
  /** 401 `token_unauthorized` (or 403 naming a missing scope): the app lacks the permission this call needs */
  | 'permission_missing'
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
  /** permission_missing: the Developer Hub permission the call needs */
  permission?: string;
  /** the call, as "METHOD /path/{param}" (never ids or secrets) */
  call?: string;
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
  /** permission_missing: the Developer Hub permission the call needs */
  readonly permission?: string;
  /** the call that failed ("METHOD /path/{param}") */
  readonly call?: string;

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
    if (init.permission !== undefined) this.permission = init.permission;
    if (init.call !== undefined) this.call = init.call;
  }
}

/** 401 codes that say the token itself is gone (revoked, unknown, suspended): confirmed with GET /me before acting. */
export const TOKEN_REFUSED_CODES = new Set(['unauthorized', 'token_revoked', 'token_not_found', 'token_suspended']);

/**
 * The Developer Hub permission each call needs (reference §1.8). Intercom's documents name none for listing data
 * attributes; "Read and list users and companies" is the closest (attributes of contacts and companies).
 */
export const PERMISSION_FOR_CALL: Record<string, string> = {
  'GET /me': 'Read one admin (or Read admins)',
  'GET /admins': 'Read admins',
  'GET /admins/{id}': 'Read admins',
  'GET /conversations/{id}': 'Read conversations',
  'POST /conversations/search': 'Read conversations',
  'POST /conversations/{id}/reply': 'Write conversations',
  'PUT /conversations/{id}': 'Write conversations',
  'GET /data_attributes': 'Read and list users and companies',
  'GET /conversations/attributes': 'Read and list users and companies',
};

/** OAuth scope names as 403 messages spell them → the Developer Hub's permission names. */
const SCOPE_NAMES: Record<string, string> = {
  read_conversations: 'Read conversations',
  write_conversations: 'Write conversations',
  read_admins: 'Read admins',
  read_single_admin: 'Read one admin',
  read_users_companies: 'Read and list users and companies',
  write_data_attributes: 'Write data attributes',
  gather_app_data: 'Gather App data',
};

/** Numeric order of an Intercom API version; Preview (formerly Unstable) is after every numbered one. */
export function versionOrder(v: string): number {
  if (/^(preview|unstable)$/i.test(v.trim())) return Number.POSITIVE_INFINITY;
  const [maj, min] = v.split('.').map((x) => parseInt(x, 10));
  return (Number.isFinite(maj) ? maj : 0) * 1000 + (Number.isFinite(min) ? min : 0);
}

/** What an API version changes for us (Intercom OpenAPI 2.14, 2.15, 2.16 and Preview). */
export function versionFeatures(v: string) {
  const n = versionOrder(v);
  return {
    /** 2.15+: bodies in webhook payloads are plain text, not HTML */
    plainTextWebhooks: n >= versionOrder('2.15'),
    /** 2.16+: conversation attributes are listed by GET /conversations/attributes (GET /data_attributes?model=conversation → 422) */
    conversationAttributesApi: n >= versionOrder('2.16'),
    /** Preview only: `skip_unsnooze` on replies (a note does not wake a snoozed conversation) */
    skipUnsnooze: n === Number.POSITIVE_INFINITY,
  };
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
  /** as Intercom names it: string, integer, float/decimal, boolean, date/datetime, list, relationship, files */
  dataType: string;
  apiWritable: boolean;
  archived: boolean;
  /** the allowed values (list attributes; on 2.14/2.15 a string attribute's predefined `options`); empty = any */
  options: string[];
}

/** One page of POST /conversations/search. */
export interface IntercomSearchPage {
  conversations: Json[];
  /** cursor of the next page, null on the last */
  next: string | null;
  totalCount: number | null;
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

  /** GET /admins/{id}: the admin, or null when there is no such teammate (404 admin_not_found / not_found). */
  async getAdmin(auth: IntercomAuth, id: string): Promise<IntercomAdmin | null> {
    try {
      return toAdmin((await this.rest(auth, 'GET', `/admins/${encodeURIComponent(id)}`, 'GET /admins/{id}')) as Json);
    } catch (e) {
      if (e instanceof IntercomApiError && (e.kind === 'admin_not_found' || e.kind === 'not_found')) return null;
      throw e;
    }
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

  /**
   * POST /conversations/search: conversations updated at or after `updatedSince` (unix seconds), one page.
   * Intercom's `>` on dates includes the value; results carry no parts.
   */
  async searchConversations(auth: IntercomAuth, q: { updatedSince: number; perPage?: number; startingAfter?: string | null }): Promise<IntercomSearchPage> {
    const pagination: Json = { per_page: Math.min(150, Math.max(1, q.perPage ?? 150)) };
    if (q.startingAfter) pagination.starting_after = q.startingAfter;
    const body = (await this.rest(auth, 'POST', '/conversations/search', 'POST /conversations/search', {
      query: { field: 'updated_at', operator: '>', value: Math.floor(q.updatedSince) },
      pagination,
    })) as Json;
    const conversations = Array.isArray(body?.conversations) ? (body.conversations as Json[]) : [];
    const next = (body?.pages as Json | undefined)?.next as Json | undefined;
    const cursor = typeof next?.starting_after === 'string' && next.starting_after ? next.starting_after : null;
    return { conversations, next: cursor, totalCount: typeof body?.total_count === 'number' ? body.total_count : null };
  }

  /**
   * POST /conversations/{id}/reply as an admin: `note` (internal) or `comment` (public). `skipUnsnooze` is sent only on
   * versions that have it (Preview); elsewhere a reply wakes a snoozed conversation.
   */
  async reply(
    auth: IntercomAuth,
    conversationId: string,
    msg: { messageType: 'note' | 'comment'; adminId: string; body: string; skipUnsnooze?: boolean },
  ): Promise<Json> {
    const data: Json = { message_type: msg.messageType, type: 'admin', admin_id: msg.adminId, body: msg.body };
    if (msg.skipUnsnooze && versionFeatures(this.options.apiVersion).skipUnsnooze) data.skip_unsnooze = true;
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

  /**
   * The workspace's non-archived conversation attributes. Up to 2.15: `GET /data_attributes?model=conversation`; from
   * 2.16 (and Preview) that answers 422 and the list is `GET /conversations/attributes` (list attributes carry their
   * options as `{id, label, archived}`). A 422 from the old call (the app's version is newer than ours) falls back.
   */
  async listConversationAttributes(auth: IntercomAuth): Promise<IntercomAttributeDefinition[]> {
    if (!versionFeatures(this.options.apiVersion).conversationAttributesApi) {
      try {
        const body = (await this.rest(auth, 'GET', '/data_attributes', 'GET /data_attributes', undefined, { model: 'conversation' })) as Json;
        return attributeList(body, (a) =>
          Array.isArray(a.options) ? a.options.map((o) => (typeof o === 'string' ? o : String((o as Json)?.value ?? ''))) : [],
        );
      } catch (e) {
        if (!(e instanceof IntercomApiError && e.status === 422)) throw e;
      }
    }
    const body = (await this.rest(auth, 'GET', '/conversations/attributes', 'GET /conversations/attributes')) as Json;
    return attributeList(body, (a) =>
      Array.isArray(a.options) ? (a.options as Json[]).filter((o) => o && o.archived !== true).map((o) => String(o.label ?? '')) : [],
    );
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
    init: Pick<IntercomApiErrorInit, 'kind' | 'retryable' | 'retryAfterMs' | 'attribute' | 'permission'>,
  ): IntercomApiError {
    const env = parseEnvelope(res);
    const detail = env.message ? `: ${this.redact(spec, env.message)}` : '';
    return new IntercomApiError(`Intercom ${spec.label} answered ${res.status}${env.code ? ` ${env.code}` : ''}${detail}`, {
      ...init,
      status: res.status,
      code: env.code,
      requestId: env.requestId,
      call: spec.label,
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
      // `token_unauthorized` ("Not authorized to access resource"): this call needs a permission the app lacks; the
      // token still works for everything else. Any other 401 says the token may be gone (the caller confirms).
      if (env.codes.includes('token_unauthorized'))
        return this.httpError(spec, res, { kind: 'permission_missing', retryable: false, permission: PERMISSION_FOR_CALL[spec.label] ?? 'unknown' });
      return this.httpError(spec, res, { kind: 'unauthorized', retryable: false });
    }
    if (status === 403) {
      // "You do not have the required scope (read_conversations) to access this resource"
      const scope = env.messages.map((m) => /required scope \(([a-z_]+)\)/i.exec(m)?.[1]).find(Boolean);
      if (scope) return this.httpError(spec, res, { kind: 'permission_missing', retryable: false, permission: SCOPE_NAMES[scope] ?? scope });
      return this.httpError(spec, res, { kind: 'forbidden', retryable: false });
    }
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

function attributeList(body: Json, options: (a: Json) => string[]): IntercomAttributeDefinition[] {
  const data = Array.isArray(body?.data) ? (body.data as Json[]) : [];
  return data
    .filter((a) => a && typeof a === 'object')
    .map((a) => ({
      name: String(a.name ?? ''),
      dataType: String(a.data_type ?? ''),
      apiWritable: a.api_writable !== false,
      archived: a.archived === true,
      options: options(a).filter(Boolean),
    }))
    .filter((a) => a.name && !a.archived);
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
