import { createHash, createHmac } from 'node:crypto';
import { hmacHex, safeEqual } from '@app/core';
import {
  AdminSummary,
  AttributeDefinition,
  ConversationContext,
  HealthHints,
  NormalizedEvent,
  NormalizedPart,
  ProviderAuth,
  ProviderError,
  SupportDeskProvider,
  WorkspaceApi,
  WorkspaceIdentity,
} from '@app/support-desk';
import { IntercomApi, IntercomApiError } from './client/intercom-api';
import { htmlToText } from './html-text';
import { CUSTOMER_AUTHOR_TYPES, INTERCOM_TOPICS, TOPIC_ACTIONS } from './intercom.topics';

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

function conversationParts(item: Json, binding: { replyAsAdminId: string | null }): NormalizedPart[] {
  const raw = item?.conversation_parts?.conversation_parts;
  const list: Json[] = Array.isArray(raw) ? raw : [];
  return list
    .filter((part) => part && typeof part === 'object')
    .map((part) => {
      const authorType = typeof part.author?.type === 'string' ? part.author.type : '';
      const authorId = intercomId(part.author?.id);
      const fromCustomer =
        CUSTOMER_AUTHOR_TYPES.has(authorType) &&
        !part.app_package_code &&
        (!binding.replyAsAdminId || authorId !== binding.replyAsAdminId) &&
        ['comment', 'open', undefined, null, ''].includes(part.part_type ?? null) &&
        !part.author?.from_ai_agent;
      return { id: intercomId(part.id) ?? '', authorType, authorId, text: htmlToText(part.body), createdAt: unixDate(part.created_at, 0), fromCustomer };
    });
}

function conversationContext(item: Json, binding: { replyAsAdminId: string | null }): ConversationContext {
  const source = item.source ?? {};
  const parts = conversationParts(item, binding);
  const author = source.author ?? {};
  const sourceFromCustomer = !author.type || CUSTOMER_AUTHOR_TYPES.has(String(author.type));
  const texts = [sourceFromCustomer ? htmlToText(source.body) : '', ...parts.filter((x) => x.fromCustomer).map((x) => x.text)].filter(Boolean);
  const contact = item.contacts?.contacts?.[0];
  return {
    id: String(item.id),
    subject: htmlToText(source.subject) || (item.title ? String(item.title) : null),
    text: texts.join('\n\n'),
    createdAt: new Date((Number(item.created_at) || Date.now() / 1000) * 1000),
    customerName: (author.name as string) || (contact?.name as string) || null,
    customerEmail: (author.email as string) || (contact?.email as string) || null,
    parts,
  };
}

export interface IntercomProviderOptions {
  clientId: string;
  clientSecret: string;
  oauthUrl: string;
}

const APP_STORE_REDIRECT = 'https://app.intercom.com/appstore/redirect';

/** Intercom's fix for each failing health check (Developer Hub and inbox settings names). */
export const INTERCOM_HEALTH_HINTS: HealthHints = {
  no_recent_events: "Check the app's webhook URL and topics in the Intercom Developer Hub (see README: Developer Hub checklist)",
  token_rejected: 'Reinstall: Project → Support Desk → Connect platform → Intercom',
  attribute_missing: 'Create them in Intercom: Settings → Data → Conversation attributes (or change the mapping)',
  reply_admin_missing: 'Choose another reply-as admin in the binding configuration',
  delivery_failing: 'Check Intercom status and the binding token; new events are retried automatically',
};

/**
 * Intercom as a SupportDeskProvider: what is per platform (OAuth, signatures, topic dispatch and normalisation,
 * install redirects, health hints). Per-workspace calls go through `workspace(auth)` (IntercomWorkspace).
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

  constructor(
    private readonly api: IntercomApi,
    private readonly opts: IntercomProviderOptions,
  ) {}

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

  normalizeEvent(payload: unknown, binding: { replyAsAdminId: string | null } | null): NormalizedEvent {
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
    if (p.topic === 'ping')
      return {
        notificationId,
        topic: 'ping',
        workspaceId: String(p.app_id ?? ''),
        kind: 'ping',
        event: null,
        action: 'ignore',
        conversationId: null,
        createdAt,
      };
    if (typeof p.app_id !== 'string' || !p.app_id) throw new ProviderError('bad_request', 'notification without app_id', false);
    const mapped = TOPIC_ACTIONS[p.topic];
    if (!mapped)
      return { notificationId, topic: p.topic, workspaceId: p.app_id, kind: 'unknown', event: null, action: 'ignore', conversationId: null, createdAt };
    const item = p.data?.item;
    const conversationId = item && typeof item === 'object' ? intercomId(item.id) : null;
    if (!item || typeof item !== 'object' || item.type !== 'conversation' || conversationId === null) {
      throw new ProviderError('bad_request', 'conversation notification without data.item conversation', false);
    }
    let action = mapped.action;
    if (action === 'retriage' && binding) action = this.eventParts(p, binding).length ? 'retriage' : 'record';
    return { notificationId, topic: p.topic, workspaceId: p.app_id, kind: 'conversation', event: mapped.event, action, conversationId, createdAt };
  }

  eventParts(payload: unknown, binding: { replyAsAdminId: string | null }): NormalizedPart[] {
    return conversationParts((payload as Json)?.data?.item, binding).filter((x) => x.fromCustomer && x.text);
  }

  conversationFromEvent(payload: unknown, binding: { replyAsAdminId: string | null }): ConversationContext | null {
    const item = (payload as Json)?.data?.item;
    if (!item || item.type !== 'conversation') return null;
    const ctx = conversationContext(item, binding);
    return ctx.text.trim() ? ctx : null;
  }

  uninstallWorkspaceId(payload: unknown): string | null {
    const id = (payload as Json)?.app_id;
    return typeof id === 'string' && id ? id : null;
  }

  workspace(auth: ProviderAuth): WorkspaceApi {
    return new IntercomWorkspace(this.api, auth);
  }
}

/** One Intercom workspace's REST calls with its token and region (the platform side of a BindingClient). */
export class IntercomWorkspace implements WorkspaceApi {
  constructor(
    private readonly api: IntercomApi,
    private readonly auth: ProviderAuth,
  ) {}

  async readConversation(conversationId: string, binding: { replyAsAdminId: string | null }): Promise<ConversationContext> {
    const conv = await guarded(() => this.api.getConversation(this.auth, conversationId));
    return conversationContext(conv, binding);
  }

  async postMessage(conversationId: string, msg: { visibility: 'internal' | 'public'; adminId: string; html: string }): Promise<{ partId: string | null }> {
    const conv: Json = await guarded(() =>
      this.api.reply(this.auth, conversationId, { messageType: msg.visibility === 'internal' ? 'note' : 'comment', adminId: msg.adminId, body: msg.html }),
    );
    const parts: Json[] = conv?.conversation_parts?.conversation_parts ?? [];
    const last = parts[parts.length - 1];
    return { partId: last?.id ? String(last.id) : null };
  }

  async hasReference(conversationId: string, ref: string): Promise<boolean> {
    const conv: Json = await guarded(() => this.api.getConversation(this.auth, conversationId));
    const parts: Json[] = conv?.conversation_parts?.conversation_parts ?? [];
    return parts.some((x) => typeof x.body === 'string' && x.body.includes(ref));
  }

  async updateAttributes(conversationId: string, attributes: Record<string, unknown>): Promise<void> {
    await guarded(() => this.api.updateAttributes(this.auth, conversationId, attributes));
  }

  async listAttributes(): Promise<AttributeDefinition[]> {
    const list = await guarded(() => this.api.listConversationAttributes(this.auth));
    return list.map((a) => ({ name: a.name, dataType: a.dataType, apiWritable: a.apiWritable }));
  }

  async listAdmins(): Promise<AdminSummary[]> {
    const list = await guarded(() => this.api.listAdmins(this.auth));
    return list.map((a) => ({ id: String(a.id), name: a.name ?? null, email: a.email ?? null }));
  }

  /** POST /auth/uninstall: also uninstalls the app from the workspace; an already revoked token is fine. */
  async revoke(): Promise<void> {
    await guarded(() => this.api.revoke(this.auth));
  }

  /** Probe used by unsigned uninstall notices: does the token still work? */
  async tokenWorks(): Promise<boolean> {
    try {
      await this.api.me(this.auth);
      return true;
    } catch (e) {
      if (e instanceof IntercomApiError && e.kind === 'unauthorized') return false;
      return true;
    }
  }
}
