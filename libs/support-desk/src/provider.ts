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
}

export interface AttributeDefinition {
  name: string;
  dataType: string;
  apiWritable: boolean;
}

export interface AdminSummary {
  id: string;
  name: string | null;
  email: string | null;
}

export type ProviderErrorKind =
  | 'unauthorized'
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
    /** `code`: the platform's own error code (e.g. why a token was refused), for finer classification. */
    public readonly extra: { status?: number; attribute?: string; retryAfterMs?: number; code?: string } = {},
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

/** The calls made for one workspace with one token (the platform side of a BindingClient). */
export interface WorkspaceApi {
  readConversation(conversationId: string, binding: { replyAsAdminId: string | null }): Promise<ConversationContext>;
  postMessage(
    conversationId: string,
    msg: { visibility: 'internal' | 'public'; adminId: string; html: string; text: string },
  ): Promise<{ partId: string | null }>;
  /** Is a part carrying this reference already in the conversation? (exactly-once after a crash) */
  hasReference(conversationId: string, ref: string): Promise<boolean>;
  updateAttributes(conversationId: string, attributes: Record<string, unknown>): Promise<void>;
  listAttributes(): Promise<AttributeDefinition[]>;
  listAdmins(): Promise<AdminSummary[]>;
  /** Revokes access (the platform may also uninstall the app from the workspace). An already revoked token is fine. */
  revoke(): Promise<void>;
  /** Does the token still work? (probe for unsigned uninstall notices; only a definite rejection is false) */
  tokenWorks(): Promise<boolean>;
}

export const HEALTH_CHECK_CODES = ['no_recent_events', 'token_rejected', 'attribute_missing', 'reply_admin_missing', 'delivery_failing'] as const;
export type HealthCheckCode = (typeof HEALTH_CHECK_CODES)[number];

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
  normalizeEvent(payload: unknown, binding: { replyAsAdminId: string | null } | null): NormalizedEvent;
  /** The customer parts of this event's payload (for re-triage), already filtered by author. */
  eventParts(payload: unknown, binding: { replyAsAdminId: string | null }): NormalizedPart[];
  /** The conversation as carried by the event, or null when the event lacks its text. */
  conversationFromEvent(payload: unknown, binding: { replyAsAdminId: string | null }): ConversationContext | null;
  uninstallWorkspaceId(payload: unknown): string | null;

  /** The per-workspace calls with this token and region. */
  workspace(auth: ProviderAuth): WorkspaceApi;
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
