import type { HealthCheckCode } from '@app/contracts';
/**
 * What a support-desk platform is (Sentry's "provider"): the platform-agnostic interface every platform implements.
 * Core code looks providers up by key in the SupportDeskRegistry; it never knows a platform's names.
 *
 * Provider vs installation: the provider holds what is per platform (authorize, exchange, verify, normalise, install
 * redirects, health hints). One connected workspace (a binding) talks to its platform through a BindingClient
 * (binding-client.ts), built on the provider's `workspace(auth)`: it holds the token and region, makes the
 * per-workspace calls and turns a rejected token into the binding's state.
 */

/** A workspace's credentials: the access token and the binding's region (a flat value the platform interprets). */
export interface ProviderAuth {
  token: string;
  region?: string | null;
}

export interface WorkspaceIdentity {
  workspaceId: string;
  workspaceName: string;
  /** The platform's data-hosting region, as the platform names it (stored flat on the binding). */
  region: string;
  timezone: string;
  admin: { id: string; name: string | null; email: string | null };
}

export type ProductEvent = 'conversation.created' | 'conversation_part.created';

/** What the platform needs to know about a binding to read its conversations (a BindingEntity is one). */
export interface ProviderBinding {
  replyAsAdminId: string | null;
  /** our app's package code as the platform showed it on one of our own posts (learned), if known */
  appPackageCode?: string | null;
}

/**
 * A piece of customer content that is handled exactly once, whether its webhook arrived or reconciliation found it:
 * `created` (a customer started the conversation) or `part:<id>` (a customer part).
 */
export interface ConversationUnit {
  unit: string;
  at: Date;
}

export interface NormalizedPart {
  id: string;
  authorType: string;
  authorId: string | null;
  /** Plain text (HTML converted). */
  text: string;
  createdAt: Date;
  /** Written by our app, by a bot, or by an admin: never triggers anything. */
  fromCustomer: boolean;
}

export interface NormalizedEvent {
  /** Dedupe key (the platform's notification id, or a hash of the body when it has none). */
  notificationId: string;
  topic: string;
  workspaceId: string;
  kind: 'ping' | 'conversation' | 'unknown';
  event: ProductEvent | null;
  /** What the pipeline does with it (contract §6 topic table). */
  action: 'triage' | 'retriage' | 'record' | 'ignore';
  conversationId: string | null;
  createdAt: Date;
  /** The customer content this event brings (ConversationUnit keys; known once the binding is): handled once. */
  units: string[];
}

export interface ConversationContext {
  id: string;
  subject: string | null;
  /** Customer-written text: the first message plus customer parts, plain text. */
  text: string;
  createdAt: Date;
  customerName: string | null;
  customerEmail: string | null;
  parts: NormalizedPart[];
  /** False once the conversation is closed in the platform (absent when the platform does not say). */
  open?: boolean;
}

export interface AttributeDefinition {
  name: string;
  dataType: string;
  apiWritable: boolean;
  /** the values a list attribute accepts (empty = any value of its type) */
  options?: string[];
}

/** One page of conversations updated since a point (reconciliation). */
export interface UpdatedConversations {
  conversations: Array<{ id: string; updatedAt: Date }>;
  /** cursor of the next page, null on the last */
  next: string | null;
}

export interface AdminSummary {
  id: string;
  name: string | null;
  email: string | null;
}

export type ProviderErrorKind =
  | 'unauthorized'
  /** the call needs a permission the app lacks (the token still works for other calls): `extra.permission`, `extra.call` */
  | 'permission_missing'
  | 'not_found'
  | 'admin_not_found'
  | 'attribute_invalid'
  | 'rate_limited'
  | 'server'
  | 'timeout'
  | 'network'
  | 'bad_request'
  | 'invalid_code'
  | 'forbidden';

/** A coded failure of the outside platform, already mapped by the provider's adapter. */
export class ProviderError extends Error {
  constructor(
    public readonly kind: ProviderErrorKind,
    message: string,
    public readonly retryable: boolean,
    /**
     * `code`: the platform's own error code (e.g. why a token was refused), for finer classification; `permission` and
     * `call`: which permission which call needed (permission_missing).
     */
    public readonly extra: { status?: number; attribute?: string; retryAfterMs?: number; code?: string; permission?: string; call?: string } = {},
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

/** The calls made for one workspace with one token (the platform side of a BindingClient). */
export interface WorkspaceApi {
  readConversation(conversationId: string, binding: ProviderBinding): Promise<ConversationContext>;
  /** The conversation as the platform shows it (reconciliation hands it back to the provider). */
  readConversationRaw(conversationId: string): Promise<unknown>;
  /** Does the conversation still exist? */
  conversationExists(conversationId: string): Promise<boolean>;
  /**
   * Posts as `adminId`. `late`: a message that comes after the conversation moved on (an analysis note): where the
   * platform can, it does not wake a snoozed conversation. Answers the new part and our app's package code on it.
   */
  postMessage(
    conversationId: string,
    msg: { visibility: 'internal' | 'public'; adminId: string; html: string; text: string; late?: boolean },
  ): Promise<{ partId: string | null; appPackageCode?: string | null }>;
  /** Is a part carrying this reference already in the conversation? (exactly-once after a crash) */
  hasReference(conversationId: string, ref: string): Promise<boolean>;
  /** Is this admin still a teammate of the workspace? */
  adminExists(adminId: string): Promise<boolean>;
  /** The admin the token belongs to (GET /me on Intercom). */
  tokenAdmin(): Promise<AdminSummary>;
  /** Conversations updated at or after `since`, one page (reconciliation). */
  updatedConversations(since: Date, cursor: string | null): Promise<UpdatedConversations>;
  /**
   * Is a public reply with this text (whitespace aside) already in the conversation, written since `since`? Public
   * replies carry no visible reference, so a retried public post looks for an earlier copy instead.
   */
  hasCopy(conversationId: string, copy: { text: string; since: Date }): Promise<boolean>;
  /** The platform's tracker tickets (several conversations linked to one ticket), when this workspace can use them. */
  trackers?(): TrackerTicketApi;
  updateAttributes(conversationId: string, attributes: Record<string, unknown>): Promise<void>;
  listAttributes(): Promise<AttributeDefinition[]>;
  listAdmins(): Promise<AdminSummary[]>;
  /** Revokes access (the platform may also uninstall the app from the workspace). An already revoked token is fine. */
  revoke(): Promise<void>;
  /**
   * Does the token still work? (probe for unsigned uninstall notices and for confirming a refused token; only a
   * definite rejection of the token itself is false)
   */
  tokenWorks(): Promise<boolean>;
  /** The platform's API rate budget as last seen (remaining calls and when the window refills), if it tells. */
  rateBudget(): { remaining: number | null; limit: number | null; resetAt: number | null } | null;
}

export { HEALTH_CHECK_CODES } from '@app/contracts';
export type { HealthCheckCode } from '@app/contracts';

/**
 * Tracker tickets (contract §11): one ticket per incident and workspace, the incident's conversations linked to it.
 * Ticket ids are the platform's.
 */
export interface TrackerTicketApi {
  /** The ticket type, checked to be a tracker type; `resolvedStateId` is the state "resolved" sets. */
  trackerType(ticketTypeId: string): Promise<{ name: string; resolvedStateId: string | null }>;
  /** Creates a tracker ticket with `conversationId` linked to it. */
  createTracker(t: { ticketTypeId: string; title: string; description: string; conversationId: string; adminId: string }): Promise<{ ticketId: string }>;
  /** The tracker ticket a conversation is linked to, if any (a retried create finds the one it made). */
  trackerOf(conversationId: string): Promise<string | null>;
  /** Links a conversation; already linked to this ticket counts as done. */
  link(ticketId: string, conversationId: string): Promise<void>;
  /** Unlinks a conversation; not linked counts as done. */
  unlink(ticketId: string, conversationId: string): Promise<void>;
  resolve(ticketId: string, t: { stateId: string | null; adminId: string }): Promise<void>;
  /** Sets the ticket's title. */
  retitle(ticketId: string, title: string): Promise<void>;
}

/** Per platform: what an admin does to fix each failing health check (shown as `fix`). */
export type HealthHints = Record<HealthCheckCode, string>;

export type Headers = Record<string, string | string[] | undefined>;

export interface SupportDeskProvider {
  readonly platform: string;
  readonly displayName: string;
  /** Topics (platform names) a binding handles, and the product events they map to. */
  readonly subscriptions: { events: ProductEvent[]; topics: string[] };
  /** Where the browser goes after an install started from the platform's app store. */
  readonly installRedirects: { appStoreSuccess: string; appStoreFailure(message: string): string };
  readonly healthHints: HealthHints;

  authorizeUrl(state: string, redirectUri: string): string;
  exchangeCode(code: string): Promise<string>;
  identify(token: string): Promise<WorkspaceIdentity>;

  /** Is a well-formed webhook signature header present? Checked before the body is read (contract §6 answer order). */
  webhookSignatureHeader(headers: Headers): 'present' | 'missing' | 'malformed';
  /** Signature over the exact bytes received, compared in constant time. */
  verifyWebhook(rawBody: Buffer, headers: Headers): boolean;
  /** The same check fed chunk by chunk, for bodies over the limit (never kept whole); null without a well-formed header. */
  webhookStreamVerifier?(headers: Headers): { update(chunk: Buffer): void; matches(): boolean } | null;
  verifyUninstallNotice(rawBody: Buffer, headers: Headers): boolean;
  /** Throws ProviderError('bad_request') when the payload is not one of the platform's notifications. */
  normalizeEvent(payload: unknown, binding: ProviderBinding | null): NormalizedEvent;
  /** The customer parts of this event's payload (for re-triage), already filtered by author. */
  eventParts(payload: unknown, binding: ProviderBinding): NormalizedPart[];
  /** The conversation as carried by the event, or null when the event lacks its text. */
  conversationFromEvent(payload: unknown, binding: ProviderBinding): ConversationContext | null;
  uninstallWorkspaceId(payload: unknown): string | null;

  /** Reconciliation: the customer content of a conversation read from the platform (`readConversationRaw`). */
  customerUnits(conversation: unknown, binding: ProviderBinding): ConversationUnit[];
  /**
   * Reconciliation: a payload shaped like the platform's own notification for these units of the conversation, so
   * the pipeline handles it exactly as if its webhook had arrived; null when the units name nothing it can carry.
   */
  reconciledEvent(
    conversation: unknown,
    binding: ProviderBinding & { workspaceId: string },
    units: string[],
  ): { payload: unknown; event: NormalizedEvent } | null;

  /** The per-workspace calls with this token and region. */
  workspace(auth: ProviderAuth): WorkspaceApi;
  /** A conversation in the platform's own inbox (for links in the dashboard), when the platform has such pages. */
  conversationLink?(workspaceId: string, conversationId: string): string | null;
  /** Why tracker tickets cannot be used with this platform's configuration (null: they can). */
  trackerTicketsUnavailable?(): string | null;
}

export class SupportDeskRegistry {
  private readonly providers = new Map<string, SupportDeskProvider>();

  register(p: SupportDeskProvider): void {
    this.providers.set(p.platform, p);
  }

  get(platform: string): SupportDeskProvider {
    const p = this.providers.get(platform);
    if (!p) throw new Error(`No support-desk provider registered for "${platform}"`);
    return p;
  }

  list(): SupportDeskProvider[] {
    return [...this.providers.values()];
  }
}
