/** The sandbox's public types: its options, its fault and control shapes, and the programmatic API tests use. */
import type { SandboxStore, WorkspaceSeed } from './sandbox.store';
import type { TicketStore } from './sandbox.tickets';
import type { CanvasCallResult } from './canvas.driver';
import type { DeliveryAttempt, Notification, WebhookSettings } from './webhook.emitter';

export type Json = Record<string, unknown>;

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

export interface Sandbox {
  url: string;
  port: number;
  store: SandboxStore;
  close(): Promise<void>;
  createConversation(input: CreateConversationInput): Json;
  /** a customer writes; `appPackageCode`: relayed through the API by that (channel) app */
  customerReply(conversationId: string, body: string, opts?: { appPackageCode?: string | null }): Json;
  /** an admin snoozes the conversation until `until` (unix seconds) */
  snooze(conversationId: string, until: number): Json;
  /** a teammate leaves the workspace (false when there was no such admin) */
  removeAdmin(workspaceId: string | undefined, adminId: string): boolean;
  /** the Developer Hub permissions the app lacks in this workspace (reference §1.8 names; [] = all granted) */
  setPermissions(workspaceId: string | undefined, denied: string[]): void;
  /** the next `count` notifications (of `topic`, default any) are lost as if every delivery attempt failed */
  dropDeliveries(count: number, topic?: string): void;
  /** every Intercom API call the sandbox answered, oldest first */
  readonly apiCalls: ReadonlyArray<{ method: string; path: string; status: number; at: number }>;
  adminReply(conversationId: string, adminId: string, body: string): Json;
  adminNote(conversationId: string, adminId: string, body: string): Json;
  /** an admin closes the conversation in the inbox */
  closeConversation(conversationId: string, adminId?: string): Json;
  /** ticket types, tickets and tracker links (API 2.16) */
  readonly tickets: TicketStore;
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
