import type { AnalysisStatus, AnalysisTrigger } from './analysis';
import type { Severity } from './severity';

/** Incidents (contract §11): many conversations about one outage, one analysis, one update to everyone. */

export const INCIDENT_STATUSES = ['open', 'resolved'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const INCIDENT_LINKED_BY = ['auto', 'agent'] as const;
export type IncidentLinkedBy = (typeof INCIDENT_LINKED_BY)[number];

/** Why an incident analysis was started. */
export const INCIDENT_ANALYSIS_REASONS = ['threshold', 'escalation', 'agent'] as const;
export type IncidentAnalysisReason = (typeof INCIDENT_ANALYSIS_REASONS)[number];

/** A message sent to every customer of an incident: plain text, this many characters at most. */
export const INCIDENT_MESSAGE_MAX = 2000;
export const INCIDENT_TITLE_MAX = 200;

/** GET /v1/incidents items and the base of GET /v1/incidents/:id. */
export interface Incident {
  id: string;
  /** `INC-<n>`, numbered per project. */
  ref: string;
  projectId: string;
  status: IncidentStatus;
  /** From the service and the analysis's category, or set by an admin; never a customer's words. */
  title: string;
  service: string | null;
  /** The highest severity among its linked conversations. */
  severity: Severity;
  firstSeenAt: string;
  lastSeenAt: string;
  conversationCount: number;
  /** The latest analysis of the incident (null before the first one). */
  analysisId: string | null;
  createdAt: string;
  resolvedAt: string | null;
  /** Ours: set when an admin merged this incident into another one. */
  mergedIntoId: string | null;
  /** Ours: the incident's dashboard page. */
  url: string;
}

export interface IncidentConversation {
  bindingId: string;
  conversationId: string;
  linkedAt: string;
  linkedBy: IncidentLinkedBy;
  /** Why it was linked (grouping evidence, a merge, …). */
  reason: string;
  customerName: string | null;
  subject: string | null;
  severity: Severity;
  service: string | null;
  /** The conversation in the support platform's inbox (null when the platform has no link). */
  platformUrl: string | null;
  /** The conversation's dashboard page. */
  url: string;
}

export interface IncidentAnalysis {
  id: string;
  status: AnalysisStatus;
  severity: Severity | null;
  trigger: AnalysisTrigger;
  reason: IncidentAnalysisReason;
  createdAt: string;
  url: string;
}

export const INCIDENT_EVENT_KINDS = [
  'opened',
  'linked',
  'unlinked',
  'escalated',
  'analysis_started',
  'analysis_finished',
  'merged',
  'title_changed',
  'resolved',
  'reopened',
  'update_sent',
  'tracker_created',
] as const;
export type IncidentEventKind = (typeof INCIDENT_EVENT_KINDS)[number];

export interface IncidentTimelineEntry {
  at: string;
  kind: IncidentEventKind;
  /** Plain text (escape it where rendered). */
  detail: string;
}

/** Progress of one "update all customers" (GET /v1/incidents/:id/updates/:updateId). */
export interface IncidentCustomerUpdate {
  id: string;
  incidentId: string;
  message: string;
  resolve: boolean;
  createdAt: string;
  /** Conversations the update is addressed to (linked when it was sent). */
  conversations: number;
  posted: number;
  failed: number;
  pending: number;
  /** Ours: conversations closed in the platform meanwhile (nothing is posted to them). */
  skipped: number;
  /** Ours: which conversations failed, and why. */
  failures: Array<{ bindingId: string; conversationId: string; error: string }>;
}

/** GET /v1/incidents/:id */
export interface IncidentDetail extends Incident {
  conversations: IncidentConversation[];
  analyses: IncidentAnalysis[];
  /** Ours: what happened, oldest first. */
  timeline: IncidentTimelineEntry[];
  /** Ours: the updates sent to customers, newest first. */
  updates: IncidentCustomerUpdate[];
}

/** GET /v1/incidents query. */
export interface IncidentListQuery {
  page?: number;
  limit?: number;
  status?: IncidentStatus;
  service?: string;
}

/** PUT /v1/incidents/:id (partial). */
export interface IncidentChange {
  title?: string;
  status?: IncidentStatus;
}

/** POST /v1/incidents/:id/merge: `incidentId` is merged into the incident of the path. */
export interface IncidentMergeRequest {
  incidentId: string;
}

/** POST /v1/incidents/:id/updates */
export interface IncidentUpdateRequest {
  message: string;
  /** Resolve the incident first (the "fixed" update). */
  resolve?: boolean;
}

/** 202 answer of POST /v1/incidents/:id/updates */
export interface IncidentUpdateAccepted {
  id: string;
  conversations: number;
}

/** The incident a conversation belongs to, as its view and the Canvas panel show it. */
export interface ConversationIncident {
  id: string;
  ref: string;
  title: string;
  status: IncidentStatus;
  conversationCount: number;
  firstSeenAt: string;
  url: string;
}

/** Binding setting (contract §11): mirror incidents as Intercom tracker tickets. */
export interface TrackerTicketsSetting {
  enabled: boolean;
  ticketTypeId: string | null;
}
/** Several conversations can be linked to one tracker ticket from this Intercom API version on. */
export const TRACKER_TICKETS_MIN_API_VERSION = '2.16';

/** `INC-<n>` */
export const incidentRef = (n: number): string => `INC-${n}`;

/** Control characters other than tab and line breaks (PostgreSQL text cannot even hold NUL): refused in messages and titles. */
function hasControlChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return true;
  }
  return false;
}

/** A message to customers: trimmed, 1–2,000 characters, plain text. Null when valid, else why not. */
export function checkIncidentMessage(message: unknown): string | null {
  if (typeof message !== 'string') return 'message must be a string';
  const m = message.trim();
  if (!m) return 'message must not be empty';
  if (m.length > INCIDENT_MESSAGE_MAX) return `message must be at most ${INCIDENT_MESSAGE_MAX} characters`;
  if (hasControlChars(m)) return 'message must not contain control characters';
  return null;
}

/** An incident title set by an admin: spaces collapsed, 1–200 characters, one line of plain text. Null when valid. */
export function checkIncidentTitle(title: unknown): string | null {
  if (typeof title !== 'string') return 'title must be a string';
  const t = title.replace(/\s+/g, ' ').trim();
  if (!t) return 'title must not be empty';
  if (t.length > INCIDENT_TITLE_MAX) return `title must be at most ${INCIDENT_TITLE_MAX} characters`;
  if (hasControlChars(t)) return 'title must not contain control characters';
  return null;
}
