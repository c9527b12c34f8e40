import { createHash, createHmac } from 'node:crypto';
import { hmacHex, safeEqual } from '@app/core';
import {
  AdminSummary,
  AttributeDefinition,
  ConversationContext,
  ConversationUnit,
  HealthHints,
  NormalizedEvent,
  NormalizedPart,
  ProviderAuth,
  ProviderBinding,
  ProviderError,
  SupportDeskProvider,
  UpdatedConversations,
  TrackerTicketApi,
  WorkspaceApi,
  WorkspaceIdentity,
} from '@app/support-desk';
import { IntercomApi, IntercomApiError, TOKEN_REFUSED_CODES, versionFeatures } from './client/intercom-api';
import { htmlToText } from './html-text';
import { CUSTOMER_AUTHOR_TYPES, INTERCOM_TOPICS, TOPIC_ACTIONS } from './intercom.topics';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Intercom's JSON (webhooks, REST answers), read field by field with checks
type Json = Record<string, any>;
type Headers = Record<string, string | string[] | undefined>;

const header = (h: Headers, name: string): string | undefined => {
  const v = h[name] ?? h[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
};

function mapError(e: unknown): never {
  if (e instanceof IntercomApiError) {
    throw new ProviderError(e.kind, e.message, e.retryable, {
      status: e.status ?? undefined,
      attribute: e.attribute,
      retryAfterMs: e.retryAfterMs,
      code: e.code ?? undefined,
      permission: e.permission,
      call: e.call,
    });
  }
  throw e;
}

/** An Intercom id from untrusted JSON: a string or finite number of id characters (≤ 64, the column size), else null. */
export function intercomId(v: unknown): string | null {
  const s = typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : null;
  return s !== null && /^[A-Za-z0-9_.:-]{1,64}$/.test(s) ? s : null;
}

/** Unix seconds from untrusted JSON → a valid Date, else `fallback`. */
function unixDate(v: unknown, fallback: number): Date {
  const n = Number(v);
  const d = new Date((Number.isFinite(n) && n > 0 ? n : fallback) * 1000);
  return Number.isNaN(d.getTime()) ? new Date(fallback * 1000) : d;
}

async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    return mapError(e);
  }
}

/** Intercom HTML as Intercom writes it: the whole body is block elements (`<p>…</p>`, `<div>…</div>`, lists…). */
const INTERCOM_HTML = /^\s*<(p|div|ul|ol|h[1-6]|blockquote|pre|br)\b[^>]*\/?>[\s\S]*(<\/(p|div|ul|ol|h[1-6]|blockquote|pre)>|<br\s*\/?>)\s*$/i;

/**
 * A body as text. HTML (API < 2.15, and REST reads without `display_as=plaintext`) is converted; plain text (webhooks
 * from 2.15, plaintext reads) is kept as written, so "a<b or c>d" stays intact — unless it is plainly Intercom's HTML
 * (an app whose Developer Hub version differs from ours).
 */
function bodyText(body: unknown, plain: boolean): string {
  if (typeof body !== 'string' || !body) return '';
  if (plain && !INTERCOM_HTML.test(body)) return body.replace(/\r\n?/g, '\n').trim();
  return htmlToText(body);
}

/** Unit keys (ConversationUnit): the customer's start of the conversation, and one per customer part. */
const CREATED_UNIT = 'created';
const partUnit = (id: string) => `part:${id}`;

interface ReadOptions {
  binding: ProviderBinding;
  /** the package code our app's API-made parts carry (configured or learned), if known */
  ownCode: string | null;
  /** bodies are plain text */
  plain: boolean;
}

function conversationParts(item: Json, o: ReadOptions): NormalizedPart[] {
  const raw = item?.conversation_parts?.conversation_parts;
  const list: Json[] = Array.isArray(raw) ? raw : [];
  return list
    .filter((part) => part && typeof part === 'object')
    .map((part) => {
      const authorType = typeof part.author?.type === 'string' ? part.author.type : '';
      const authorId = intercomId(part.author?.id);
      const code = typeof part.app_package_code === 'string' && part.app_package_code ? part.app_package_code : null;
      // A customer part made through the API by a channel app carries that app's package code: it is still the
      // customer's. Only our own code (or the reply-as admin, or a bot) marks a part as ours.
      const fromCustomer =
        CUSTOMER_AUTHOR_TYPES.has(authorType) &&
        (code === null || code !== o.ownCode) &&
        (!o.binding.replyAsAdminId || authorId !== o.binding.replyAsAdminId) &&
        ['comment', 'open', undefined, null, ''].includes(part.part_type ?? null) &&
        !part.author?.from_ai_agent;
      return { id: intercomId(part.id) ?? '', authorType, authorId, text: bodyText(part.body, o.plain), createdAt: unixDate(part.created_at, 0), fromCustomer };
    });
}

function conversationContext(item: Json, o: ReadOptions): ConversationContext {
  const source = item.source ?? {};
  const parts = conversationParts(item, o);
  const author = source.author ?? {};
  const sourceFromCustomer = !author.type || CUSTOMER_AUTHOR_TYPES.has(String(author.type));
  const texts = [sourceFromCustomer ? bodyText(source.body, o.plain) : '', ...parts.filter((x) => x.fromCustomer).map((x) => x.text)].filter(Boolean);
  const contact = item.contacts?.contacts?.[0];
  return {
    id: String(item.id),
    subject: bodyText(source.subject, o.plain) || (item.title ? String(item.title) : null),
    text: texts.join('\n\n'),
    createdAt: new Date((Number(item.created_at) || Date.now() / 1000) * 1000),
    customerName: (author.name as string) || (contact?.name as string) || null,
    customerEmail: (author.email as string) || (contact?.email as string) || null,
    parts,
    ...(typeof item.open === 'boolean' ? { open: item.open } : typeof item.state === 'string' ? { open: item.state !== 'closed' } : {}),
  };
}

/** Our own payloads (reconciliation) say how their bodies are written; Intercom's follow the app's API version. */
const RECONCILED = '_sigsentry';

export interface IntercomProviderOptions {
  clientId: string;
  clientSecret: string;
  oauthUrl: string;
  /** INTERCOM_API_VERSION (webhook bodies are plain text from 2.15) */
  apiVersion?: string;
  /** INTERCOM_APP_PACKAGE_CODE: our app's package code, when known in advance (else learned from our own posts) */
  appPackageCode?: string | null;
}

/** Tracker tickets with several linked conversations exist from this API version on (Preview/Unstable count as newest). */
export const TRACKER_TICKETS_VERSION = '2.16';

function versionAtLeast(v: string, min: string): boolean {
  if (/^(preview|unstable)$/i.test(v.trim())) return true;
  const [a, b] = v.split('.').map((x) => parseInt(x, 10));
  const [c, d] = min.split('.').map((x) => parseInt(x, 10));
  return Number.isFinite(a) && (a > c || (a === c && (b || 0) >= d));
}

const APP_STORE_REDIRECT = 'https://app.intercom.com/appstore/redirect';

/** Intercom's fix for each failing health check (Developer Hub and inbox settings names). */
export const INTERCOM_HEALTH_HINTS: HealthHints = {
  no_recent_events: "Check the app's webhook URL and topics in the Intercom Developer Hub (see README: Developer Hub checklist)",
  token_rejected: 'Reinstall: Project → Support Desk → Connect platform → Intercom',
  permission_missing:
    "Tick the permission on the app's Authentication page in the Intercom Developer Hub, then reinstall so the workspace grants it; everything else keeps working meanwhile",
  attribute_missing: 'Create them in Intercom: Settings → Data → Conversation attributes (or change the mapping)',
  reply_admin_missing: 'Choose another reply-as admin in the binding configuration (notes are posted as the installing admin meanwhile)',
  delivery_failing: 'Check Intercom status and the binding token; new events are retried automatically',
  reconciliation: "Check the app's Read conversations permission and Intercom status; the next run retries from the same point",
};

/**
 * Intercom as a SupportDeskProvider: what is per platform (OAuth, signatures, topic dispatch and normalisation,
 * install redirects, health hints, reconciliation payloads). Per-workspace calls go through `workspace(auth)`.
 */
export class IntercomProvider implements SupportDeskProvider {
  readonly platform = 'intercom';
  readonly displayName = 'Intercom';
  readonly subscriptions = { events: ['conversation.created' as const, 'conversation_part.created' as const], topics: [...INTERCOM_TOPICS] };
  readonly installRedirects = {
    appStoreSuccess: `${APP_STORE_REDIRECT}?install_success=true`,
    appStoreFailure: (message: string) => `${APP_STORE_REDIRECT}?install_success=false&error_message=${encodeURIComponent(message)}`,
  };
  readonly healthHints = INTERCOM_HEALTH_HINTS;
  private readonly plainWebhooks: boolean;

  constructor(
    private readonly api: IntercomApi,
    private readonly opts: IntercomProviderOptions,
  ) {
    this.plainWebhooks = versionFeatures(opts.apiVersion ?? '2.14').plainTextWebhooks;
  }

  authorizeUrl(state: string, redirectUri: string): string {
    const u = new URL(this.opts.oauthUrl);
    u.searchParams.set('client_id', this.opts.clientId);
    u.searchParams.set('state', state);
    u.searchParams.set('redirect_uri', redirectUri);
    return u.toString();
  }

  exchangeCode(code: string): Promise<string> {
    return guarded(() => this.api.exchangeCode(code));
  }

  async identify(token: string): Promise<WorkspaceIdentity> {
    const me = await guarded(() => this.api.me({ token, region: null }));
    const region = (['US', 'EU', 'AU'].includes(me.region) ? me.region : 'US') as WorkspaceIdentity['region'];
    return {
      workspaceId: me.workspaceId,
      workspaceName: me.workspaceName,
      region,
      timezone: me.timezone || 'UTC',
      admin: { id: String(me.admin.id), name: me.admin.name ?? null, email: me.admin.email ?? null },
    };
  }

  webhookSignatureHeader(headers: Headers): 'present' | 'missing' | 'malformed' {
    const sig = header(headers, 'x-hub-signature');
    if (!sig) return 'missing';
    return /^sha1=[0-9a-f]{40}$/i.test(sig) ? 'present' : 'malformed';
  }

  /** X-Hub-Signature: sha1=<40 hex> = HMAC-SHA1(client secret, raw body), compared in constant time. */
  verifyWebhook(rawBody: Buffer, headers: Headers): boolean {
    if (this.webhookSignatureHeader(headers) !== 'present') return false;
    return safeEqual(header(headers, 'x-hub-signature')!.slice(5).toLowerCase(), hmacHex('sha1', this.opts.clientSecret, rawBody));
  }

  webhookStreamVerifier(headers: Headers): { update(chunk: Buffer): void; matches(): boolean } | null {
    if (this.webhookSignatureHeader(headers) !== 'present') return null;
    const expected = header(headers, 'x-hub-signature')!.slice(5).toLowerCase();
    const mac = createHmac('sha1', this.opts.clientSecret);
    return { update: (chunk) => mac.update(chunk), matches: () => safeEqual(expected, mac.digest('hex')) };
  }

  /** X-Body-Signature: hex HMAC-SHA256(client secret, raw body) (uninstall notice and Canvas Kit). */
  verifyUninstallNotice(rawBody: Buffer, headers: Headers): boolean {
    return this.verifyBodySignature(rawBody, headers);
  }

  verifyBodySignature(rawBody: Buffer, headers: Headers): boolean {
    const sig = header(headers, 'x-body-signature');
    if (!sig || !/^[0-9a-f]{64}$/i.test(sig)) return false;
    return safeEqual(sig.toLowerCase(), hmacHex('sha256', this.opts.clientSecret, rawBody));
  }

  /** How to read a payload: its bodies' format and whose parts are ours. */
  private readOptions(payload: Json | null, binding: ProviderBinding): ReadOptions {
    const marked = payload?.[RECONCILED]?.plainText;
    return {
      binding,
      ownCode: this.opts.appPackageCode || binding.appPackageCode || null,
      plain: typeof marked === 'boolean' ? marked : this.plainWebhooks,
    };
  }

  normalizeEvent(payload: unknown, binding: ProviderBinding | null): NormalizedEvent {
    const p = payload as Json;
    if (!p || typeof p !== 'object' || Array.isArray(p) || p.type !== 'notification_event' || typeof p.topic !== 'string') {
      throw new ProviderError('bad_request', 'not an Intercom notification_event', false);
    }
    const createdAt = unixDate(p.created_at, Date.now() / 1000);
    // Dedupe key: the notification id (hashed when longer than the column), else a hash of the payload.
    const notificationId =
      typeof p.id === 'string' && p.id
        ? p.id.length <= 200
          ? p.id
          : `sha256:${createHash('sha256').update(p.id).digest('hex')}`
        : `sha256:${createHash('sha256').update(JSON.stringify(p)).digest('hex')}`;
    const none = { event: null, action: 'ignore' as const, conversationId: null, createdAt, units: [] };
    if (p.topic === 'ping') return { notificationId, topic: 'ping', workspaceId: String(p.app_id ?? ''), kind: 'ping', ...none };
    if (typeof p.app_id !== 'string' || !p.app_id) throw new ProviderError('bad_request', 'notification without app_id', false);
    const mapped = TOPIC_ACTIONS[p.topic];
    if (!mapped) return { notificationId, topic: p.topic, workspaceId: p.app_id, kind: 'unknown', ...none };
    const item = p.data?.item;
    const conversationId = item && typeof item === 'object' ? intercomId(item.id) : null;
    if (!item || typeof item !== 'object' || item.type !== 'conversation' || conversationId === null) {
      throw new ProviderError('bad_request', 'conversation notification without data.item conversation', false);
    }
    let action = mapped.action;
    let units: string[] = [];
    if (binding) {
      if (action === 'retriage') {
        const parts = this.eventParts(p, binding);
        action = parts.length ? 'retriage' : 'record';
        units = parts.map((x) => partUnit(x.id)).filter((u) => u !== partUnit(''));
      } else if (action === 'triage') units = [CREATED_UNIT];
    }
    return { notificationId, topic: p.topic, workspaceId: p.app_id, kind: 'conversation', event: mapped.event, action, conversationId, createdAt, units };
  }

  eventParts(payload: unknown, binding: ProviderBinding): NormalizedPart[] {
    const p = payload as Json;
    return conversationParts(p?.data?.item, this.readOptions(p, binding)).filter((x) => x.fromCustomer && x.text);
  }

  conversationFromEvent(payload: unknown, binding: ProviderBinding): ConversationContext | null {
    const p = payload as Json;
    const item = p?.data?.item;
    if (!item || item.type !== 'conversation') return null;
    const ctx = conversationContext(item, this.readOptions(p, binding));
    return ctx.text.trim() ? ctx : null;
  }

  uninstallWorkspaceId(payload: unknown): string | null {
    const id = (payload as Json)?.app_id;
    return typeof id === 'string' && id ? id : null;
  }

  /**
   * The customer content of a conversation read with `display_as=plaintext`: `created` when a customer started it
   * (what `conversation.user.created` announces), and each customer part (what `conversation.user.replied` carries).
   */
  customerUnits(conversation: unknown, binding: ProviderBinding): ConversationUnit[] {
    const c = conversation as Json;
    if (!c || typeof c !== 'object' || intercomId(c.id) === null) return [];
    const units: ConversationUnit[] = [];
    const source = c.source ?? {};
    const starter = typeof source.author?.type === 'string' ? source.author.type : '';
    if (CUSTOMER_AUTHOR_TYPES.has(starter) && source.delivered_as !== 'admin_initiated') units.push({ unit: CREATED_UNIT, at: unixDate(c.created_at, 0) });
    for (const part of conversationParts(c, { binding, ownCode: this.opts.appPackageCode || binding.appPackageCode || null, plain: true }))
      if (part.fromCustomer && part.id && part.text) units.push({ unit: partUnit(part.id), at: part.createdAt });
    return units;
  }

  /**
   * A `conversation.user.created` notification (the whole conversation) when `created` is among the units, else a
   * `conversation.user.replied` one carrying just those customer parts. Marked as ours, with plain-text bodies.
   */
  reconciledEvent(
    conversation: unknown,
    binding: ProviderBinding & { workspaceId: string },
    units: string[],
  ): { payload: unknown; event: NormalizedEvent } | null {
    const c = conversation as Json;
    const id = c && typeof c === 'object' ? intercomId(c.id) : null;
    if (id === null || !units.length) return null;
    const created = units.includes(CREATED_UNIT);
    const partIds = new Set(units.filter((u) => u.startsWith('part:')).map((u) => u.slice(5)));
    const allParts: Json[] = Array.isArray(c.conversation_parts?.conversation_parts) ? c.conversation_parts.conversation_parts : [];
    const parts = created ? allParts : allParts.filter((x) => x && partIds.has(String(x.id)));
    if (!created && !parts.length) return null;
    const at = Math.max(Number(c.created_at) || 0, ...parts.map((x) => Number(x?.created_at) || 0));
    const topic = created ? 'conversation.user.created' : 'conversation.user.replied';
    const notificationId = `reconcile:${id}:${createHash('sha256')
      .update([...units].sort().join(','))
      .digest('hex')
      .slice(0, 32)}`;
    const payload = {
      type: 'notification_event',
      id: notificationId,
      topic,
      app_id: binding.workspaceId,
      created_at: at,
      data: {
        type: 'notification_event_data',
        item: { ...c, conversation_parts: { type: 'conversation_part.list', conversation_parts: parts, total_count: parts.length } },
      },
      [RECONCILED]: { source: 'reconciliation', plainText: true },
    };
    const event = this.normalizeEvent(payload, binding);
    return { payload, event: { ...event, units: [...units] } };
  }

  workspace(auth: ProviderAuth): WorkspaceApi {
    return new IntercomWorkspace(this.api, auth, this);
  }

  /** @internal reading a conversation fetched with display_as=plaintext */
  contextOf(conv: Json, binding: ProviderBinding): ConversationContext {
    return conversationContext(conv, { binding, ownCode: this.opts.appPackageCode || binding.appPackageCode || null, plain: true });
  }

  /**
   * The conversation in the Intercom inbox. Against a stand-in (the authorize page is not Intercom's), its own
   * conversation page on the same host.
   */
  conversationLink(workspaceId: string, conversationId: string): string | null {
    const oauth = new URL(this.opts.oauthUrl);
    if (/(^|\.)intercom\.com$/i.test(oauth.hostname))
      return `https://app.intercom.com/a/apps/${encodeURIComponent(workspaceId)}/conversations/${encodeURIComponent(conversationId)}`;
    return `${oauth.origin}/conversations/${encodeURIComponent(conversationId)}/view`;
  }

  trackerTicketsUnavailable(): string | null {
    const v = this.opts.apiVersion ?? '2.14';
    return versionAtLeast(v, TRACKER_TICKETS_VERSION)
      ? null
      : `Tracker tickets need INTERCOM_API_VERSION ${TRACKER_TICKETS_VERSION} or later (it is ${v}); set it, and the app's API version in the Developer Hub, to ${TRACKER_TICKETS_VERSION}`;
  }
}

/** One Intercom workspace's REST calls with its token and region (the platform side of a BindingClient). */
export class IntercomWorkspace implements WorkspaceApi {
  constructor(
    private readonly api: IntercomApi,
    private readonly auth: ProviderAuth,
    private readonly provider: IntercomProvider,
  ) {}

  async readConversation(conversationId: string, binding: ProviderBinding): Promise<ConversationContext> {
    const conv = await guarded(() => this.api.getConversation(this.auth, conversationId, { plaintext: true }));
    return this.provider.contextOf(conv, binding);
  }

  readConversationRaw(conversationId: string): Promise<unknown> {
    return guarded(() => this.api.getConversation(this.auth, conversationId, { plaintext: true }));
  }

  async conversationExists(conversationId: string): Promise<boolean> {
    try {
      await guarded(() => this.api.getConversation(this.auth, conversationId, { plaintext: true }));
      return true;
    } catch (e) {
      if (e instanceof ProviderError && e.kind === 'not_found') return false;
      throw e;
    }
  }

  async postMessage(
    conversationId: string,
    msg: { visibility: 'internal' | 'public'; adminId: string; html: string; late?: boolean },
  ): Promise<{ partId: string | null; appPackageCode: string | null }> {
    const conv: Json = await guarded(() =>
      this.api.reply(this.auth, conversationId, {
        messageType: msg.visibility === 'internal' ? 'note' : 'comment',
        adminId: msg.adminId,
        body: msg.html,
        // a late note (analysis) should not wake a snoozed conversation: only Preview has skip_unsnooze
        skipUnsnooze: msg.late === true,
      }),
    );
    const parts: Json[] = conv?.conversation_parts?.conversation_parts ?? [];
    const last = parts[parts.length - 1];
    const code = typeof last?.app_package_code === 'string' && last.app_package_code ? last.app_package_code : null;
    return { partId: last?.id ? String(last.id) : null, appPackageCode: code };
  }

  async hasReference(conversationId: string, ref: string): Promise<boolean> {
    const conv: Json = await guarded(() => this.api.getConversation(this.auth, conversationId, { plaintext: true }));
    const parts: Json[] = conv?.conversation_parts?.conversation_parts ?? [];
    return parts.some((x) => typeof x.body === 'string' && x.body.includes(ref));
  }

  async adminExists(adminId: string): Promise<boolean> {
    return (await guarded(() => this.api.getAdmin(this.auth, adminId))) !== null;
  }

  async tokenAdmin(): Promise<AdminSummary> {
    const me = await guarded(() => this.api.me(this.auth));
    return { id: String(me.admin.id), name: me.admin.name || null, email: me.admin.email || null };
  }

  async updatedConversations(since: Date, cursor: string | null): Promise<UpdatedConversations> {
    const page = await guarded(() => this.api.searchConversations(this.auth, { updatedSince: Math.floor(since.getTime() / 1000), startingAfter: cursor }));
    const conversations = page.conversations
      .map((c) => ({ id: intercomId(c?.id), updatedAt: unixDate(c?.updated_at, 0) }))
      .filter((c): c is { id: string; updatedAt: Date } => c.id !== null);
    return { conversations, next: page.next };
  }

  /** An admin comment (public reply) with this text, written since `since` (part times are unix seconds). */
  async hasCopy(conversationId: string, copy: { text: string; since: Date }): Promise<boolean> {
    const conv: Json = await guarded(() => this.api.getConversation(this.auth, conversationId));
    const parts: Json[] = conv?.conversation_parts?.conversation_parts ?? [];
    const want = squash(copy.text);
    const since = Math.floor(copy.since.getTime() / 1000);
    return parts.some((x) => x.part_type === 'comment' && x.author?.type === 'admin' && Number(x.created_at) >= since && squash(htmlToText(x.body)) === want);
  }

  trackers(): TrackerTicketApi {
    return new IntercomTrackers(this.api, this.auth);
  }

  async updateAttributes(conversationId: string, attributes: Record<string, unknown>): Promise<void> {
    await guarded(() => this.api.updateAttributes(this.auth, conversationId, attributes));
  }

  async listAttributes(): Promise<AttributeDefinition[]> {
    const list = await guarded(() => this.api.listConversationAttributes(this.auth));
    return list.map((a) => ({ name: a.name, dataType: a.dataType, apiWritable: a.apiWritable, ...(a.options.length ? { options: a.options } : {}) }));
  }

  async listAdmins(): Promise<AdminSummary[]> {
    const list = await guarded(() => this.api.listAdmins(this.auth));
    return list.map((a) => ({ id: String(a.id), name: a.name ?? null, email: a.email ?? null }));
  }

  /** POST /auth/uninstall: also uninstalls the app from the workspace; an already revoked token is fine. */
  async revoke(): Promise<void> {
    await guarded(() => this.api.revoke(this.auth));
  }

  /**
   * GET /me: does the token still work? Only a refusal of the token itself (401 unauthorized, token_revoked,
   * token_not_found, token_suspended) is false; a missing permission or an outage says nothing about the token.
   */
  async tokenWorks(): Promise<boolean> {
    try {
      await this.api.me(this.auth);
      return true;
    } catch (e) {
      if (e instanceof IntercomApiError && e.kind === 'unauthorized' && (e.code === null || TOKEN_REFUSED_CODES.has(e.code))) return false;
      return true;
    }
  }

  rateBudget() {
    const r = this.api.lastRateLimit;
    return r ? { remaining: r.remaining, limit: r.limit, resetAt: r.resetAt } : null;
  }
}

const squash = (t: string) => t.replace(/\s+/g, ' ').trim();

/**
 * Intercom tracker tickets (API 2.16: `POST /tickets` with `conversation_to_link_id`,
 * `POST|DELETE /tickets/{id}/linked_conversations`, `PUT /tickets/{id}` with `ticket_state_id`, `GET /ticket_types/{id}`).
 */
export class IntercomTrackers implements TrackerTicketApi {
  constructor(
    private readonly api: IntercomApi,
    private readonly auth: ProviderAuth,
  ) {}

  async trackerType(ticketTypeId: string): Promise<{ name: string; resolvedStateId: string | null }> {
    const t: Json = await guarded(() => this.api.getTicketType(this.auth, ticketTypeId));
    if (t?.category !== 'Tracker')
      throw new ProviderError('bad_request', `ticket type ${ticketTypeId} is a ${String(t?.category ?? 'unknown')} type, not a Tracker type`, false, {
        code: 'not_a_tracker_type',
      });
    const states: Json[] = Array.isArray(t?.ticket_states?.data) ? t.ticket_states.data : [];
    const resolved = states.find((x) => x?.category === 'resolved');
    return { name: String(t.name ?? ''), resolvedStateId: resolved?.id ? String(resolved.id) : null };
  }

  async createTracker(t: { ticketTypeId: string; title: string; description: string; conversationId: string; adminId: string }): Promise<{ ticketId: string }> {
    const conv: Json = await guarded(() => this.api.getConversation(this.auth, t.conversationId));
    const contactId = intercomId(conv?.contacts?.contacts?.[0]?.id) ?? intercomId(conv?.source?.author?.id);
    if (!contactId) throw new ProviderError('bad_request', `conversation ${t.conversationId} has no contact to open a ticket for`, false);
    const ticket: Json = await guarded(() =>
      this.api.createTicket(this.auth, {
        ticketTypeId: t.ticketTypeId,
        contactId,
        title: t.title,
        description: t.description,
        conversationToLinkId: t.conversationId,
      }),
    );
    const id = intercomId(ticket?.id);
    if (!id) throw new ProviderError('bad_request', 'Intercom created a ticket without an id', false);
    return { ticketId: id };
  }

  async trackerOf(conversationId: string): Promise<string | null> {
    const conv: Json = await guarded(() => this.api.getConversation(this.auth, conversationId));
    const linked: Json[] = Array.isArray(conv?.linked_objects?.data) ? conv.linked_objects.data : [];
    const tracker = linked.find((x) => x?.type === 'ticket' && x?.category === 'Tracker');
    return tracker ? intercomId(tracker.id) : null;
  }

  async link(ticketId: string, conversationId: string): Promise<void> {
    try {
      await guarded(() => this.api.linkConversationToTicket(this.auth, ticketId, conversationId));
    } catch (e) {
      // A retry after a lost answer: already linked to this very ticket is done.
      if (e instanceof ProviderError && e.extra.code === 'already_linked_to_tracker' && (await this.trackerOf(conversationId)) === ticketId) return;
      throw e;
    }
  }

  async unlink(ticketId: string, conversationId: string): Promise<void> {
    try {
      await guarded(() => this.api.unlinkConversationFromTicket(this.auth, ticketId, conversationId));
    } catch (e) {
      if (e instanceof ProviderError && e.kind === 'not_found') return;
      throw e;
    }
  }

  async retitle(ticketId: string, title: string): Promise<void> {
    await guarded(() => this.api.updateTicket(this.auth, ticketId, { ticket_attributes: { _default_title_: title } }));
  }

  async resolve(ticketId: string, t: { stateId: string | null; adminId: string }): Promise<void> {
    const adminId = /^\d+$/.test(t.adminId) ? Number(t.adminId) : t.adminId;
    await guarded(() => this.api.updateTicket(this.auth, ticketId, { ...(t.stateId ? { ticket_state_id: t.stateId } : { open: false }), admin_id: adminId }));
  }
}
