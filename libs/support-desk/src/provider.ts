/**
 * What a support-desk platform is (Sentry's "provider"): the platform-agnostic interface every platform implements.
 * Core code looks providers up by key in the SupportDeskRegistry; it never knows a platform's names.
 */

export interface ProviderAuth {
  token: string;
  region?: string | null;
}

export interface WorkspaceIdentity {
  workspaceId: string;
  workspaceName: string;
  region: 'US' | 'EU' | 'AU';
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
  'unauthorized' | 'not_found' | 'admin_not_found' | 'attribute_invalid' | 'rate_limited' | 'server' | 'timeout' | 'bad_request' | 'invalid_code' | 'forbidden';

/** A coded failure of the outside platform, already mapped by the provider's adapter. */
export class ProviderError extends Error {
  constructor(
    public readonly kind: ProviderErrorKind,
    message: string,
    public readonly retryable: boolean,
    public readonly extra: { status?: number; attribute?: string; retryAfterMs?: number } = {},
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

export interface SupportDeskProvider {
  readonly platform: string;
  readonly displayName: string;
  /** Topics (platform names) a binding handles, and the product events they map to. */
  readonly subscriptions: { events: ProductEvent[]; topics: string[] };

  authorizeUrl(state: string, redirectUri: string): string;
  exchangeCode(code: string): Promise<string>;
  identify(token: string): Promise<WorkspaceIdentity>;

  /** Is a well-formed webhook signature header present? Checked before the body is read (contract §6 answer order). */
  webhookSignatureHeader(headers: Record<string, string | string[] | undefined>): 'present' | 'missing' | 'malformed';
  /** Signature over the exact bytes received, compared in constant time. */
  verifyWebhook(rawBody: Buffer, headers: Record<string, string | string[] | undefined>): boolean;
  verifyUninstallNotice(rawBody: Buffer, headers: Record<string, string | string[] | undefined>): boolean;
  /** Throws ProviderError('bad_request') when the payload is not one of the platform's notifications. */
  normalizeEvent(payload: unknown, binding: { replyAsAdminId: string | null } | null): NormalizedEvent;
  /** The customer parts of this event's payload (for re-triage), already filtered by author. */
  eventParts(payload: unknown, binding: { replyAsAdminId: string | null }): NormalizedPart[];
  /** The conversation as carried by the event, or null when the event lacks its text. */
  conversationFromEvent(payload: unknown, binding: { replyAsAdminId: string | null }): ConversationContext | null;
  uninstallWorkspaceId(payload: unknown): string | null;

  readConversation(auth: ProviderAuth, conversationId: string, binding: { replyAsAdminId: string | null }): Promise<ConversationContext>;
  postMessage(
    auth: ProviderAuth,
    conversationId: string,
    msg: { visibility: 'internal' | 'public'; adminId: string; html: string; text: string },
  ): Promise<{ partId: string | null }>;
  /** Is a part carrying this reference already in the conversation? (exactly-once after a crash) */
  hasReference(auth: ProviderAuth, conversationId: string, ref: string): Promise<boolean>;
  updateAttributes(auth: ProviderAuth, conversationId: string, attributes: Record<string, unknown>): Promise<void>;
  listAttributes(auth: ProviderAuth): Promise<AttributeDefinition[]>;
  listAdmins(auth: ProviderAuth): Promise<AdminSummary[]>;
  /** Revokes access (Intercom: also uninstalls the app from the workspace). An already revoked token is fine. */
  revoke(auth: ProviderAuth): Promise<void>;
  /** Does the stored token still work? (probe for unsigned uninstall notices; only a definite rejection is false) */
  tokenWorks(auth: ProviderAuth): Promise<boolean>;
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
