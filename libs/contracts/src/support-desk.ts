import type { AnalysisStatus, AnalysisTrigger } from './analysis';
import type { AutoAnalyzeThreshold, Severity } from './severity';
import type { TriageResult } from './triage';

/** Support-desk bindings and conversations (contract §7). */

export const BINDING_STATUSES = ['active', 'inactive', 'needs_reinstall'] as const;
export type BindingStatus = (typeof BINDING_STATUSES)[number];

export const POSTING_MODES = ['internal', 'public', 'both'] as const;
export type PostingMode = (typeof POSTING_MODES)[number];

export const MAPPABLE_FIELDS = ['severity', 'affected_service', 'analysis_url', 'confidence', 'summary'] as const;
export type MappableField = (typeof MAPPABLE_FIELDS)[number];
export type AttributeMapping = Partial<Record<MappableField, string>>;
/** `summary` is cut to this many characters when written to an attribute. */
export const SUMMARY_ATTRIBUTE_MAX = 250;

export const TIME_BUFFER_HOURS = { min: 1, max: 24, default: 2 } as const;

export const HEALTH_CHECK_CODES = [
  'no_recent_events',
  'token_rejected',
  'permission_missing',
  'attribute_missing',
  'reply_admin_missing',
  'delivery_failing',
  'reconciliation',
] as const;
export type HealthCheckCode = (typeof HEALTH_CHECK_CODES)[number];

export interface HealthCheck {
  code: HealthCheckCode;
  ok: boolean;
  detail: string;
  fix: string;
  since: string | null;
}

export interface BindingSubscriptions {
  mode: 'app';
  events: string[];
  topics: string[];
}

export interface BindingInstaller {
  adminId: string;
  name: string | null;
  email: string | null;
  userId: string | null;
}

/** A binding as every endpoint returns it: flat, never the token. */
export interface BindingView {
  id: string;
  projectId: string;
  platform: string;
  workspaceId: string;
  workspaceName: string;
  region: string;
  timezone: string;
  status: BindingStatus;
  inactiveReason: string | null;
  installedBy: BindingInstaller;
  installedAt: string;
  replyAsAdminId: string | null;
  subscriptions: BindingSubscriptions;
  health: { ok: boolean; checks: HealthCheck[] };
  postingMode: PostingMode;
  autoAnalyzeThreshold: AutoAnalyzeThreshold;
  timeBufferHours: number;
  attributeMapping: AttributeMapping;
  publicReplyTemplate: string;
  lastEventAt: string | null;
}

/** PUT /v1/config/support-desk/:id (partial). `publicReplyTemplate: null` restores the default. */
export interface BindingUpdate {
  postingMode?: PostingMode;
  autoAnalyzeThreshold?: AutoAnalyzeThreshold;
  timeBufferHours?: number;
  attributeMapping?: AttributeMapping;
  publicReplyTemplate?: string | null;
  replyAsAdminId?: string;
}

/** GET /v1/config/support-desk/:id/attributes */
export interface WorkspaceAttribute {
  name: string;
  dataType: string;
  apiWritable: boolean;
}

/** GET /v1/config/support-desk/:id/admins */
export interface WorkspaceAdmin {
  id: string;
  name: string;
  email: string;
}

export interface TemplatePreviewRequest {
  /** The template to render; the binding's saved one when absent. */
  template?: string;
}
export interface TemplatePreviewResponse {
  rendered: string;
}

export interface ConversationSummary {
  conversationId: string;
  subject: string | null;
  customerName: string | null;
  severity: Severity;
  affectedService: string | null;
  lastTriagedAt: string;
  triageCount: number;
  analysisCount: number;
}

/** `correction`: an agent corrected the triage; `correction_undo`: that correction was undone. */
export type TriageReason = 'created' | 'customer_reply' | 'correction' | 'correction_undo';

export interface ConversationTriage extends TriageResult {
  id: string;
  createdAt: string;
  reason: TriageReason;
}

export interface ConversationAnalysis {
  id: string;
  status: AnalysisStatus;
  severity: Severity | null;
  trigger: AnalysisTrigger;
  createdAt: string;
  url: string;
}

/** GET /v1/support-desk/conversations/:bindingId/:conversationId */
export interface ConversationDetail {
  conversationId: string;
  subject: string | null;
  customerName: string | null;
  triages: ConversationTriage[];
  analyses: ConversationAnalysis[];
}

/** A Canvas Kit answer (contract §10): `initialize`/`submit`, and the SPA's preview of a conversation's panel. */
export interface CanvasResponse {
  canvas: { content: { components: Array<Record<string, unknown>> }; stored_data?: Record<string, unknown> };
}
