import type { Severity } from './severity';

/**
 * Below this confidence a triage is "low confidence": the note and the panel say so and the evidence shows why.
 * It changes neither the auto-analysis gate nor grouping.
 */
export const LOW_CONFIDENCE_THRESHOLD = 0.5;

/** True when a triage's confidence is below {@link LOW_CONFIDENCE_THRESHOLD}. */
export function isLowConfidence(confidence: number): boolean {
  return !(confidence >= LOW_CONFIDENCE_THRESHOLD);
}

export interface ServiceDefinition {
  name: string;
  aliases?: string[];
  critical?: boolean;
}

export interface TriageInput {
  text: string;
  subject?: string;
  /** ISO-8601; when the conversation was created. */
  createdAt: string;
  /** IANA time zone, e.g. "Europe/Paris". */
  timezone: string;
  /** Hours of history when the text gives no time (1–24). */
  timeBufferHours: number;
  context?: {
    services?: ServiceDefinition[];
    llmContext?: string | null;
    /** Service names seen in the project's logs. */
    servicesSeenInLogs?: string[];
  };
}

export interface TriageEvidence {
  /** What the signal decided: severity, service, window, ... */
  kind: 'severity' | 'service' | 'window' | 'keyword' | 'confidence' | 'language' | 'correction';
  /** Stable machine code of the signal, e.g. "breadth.everyone", "outage.down". */
  signal: string;
  /** The words in the text that triggered it (verbatim excerpt). */
  match: string;
  /** Human explanation. */
  detail: string;
  /** Effect on the decision (e.g. severity points); optional. */
  weight?: number;
}

export interface TriageResult {
  severity: Severity;
  affectedService: string | null;
  window: { start: string; end: string };
  summary: string;
  keywords: string[];
  confidence: number;
  /** ISO 639-1 code of the message's language, or `und` when it cannot be told. */
  language: string;
  model: 'heuristic';
  evidence: TriageEvidence[];
}

/** POST /v1/triage (contract §8). Defaults: `createdAt` now, `timezone` UTC, `timeBufferHours` 2. */
export interface TriageRequest {
  /** @maxLength 100000 */
  text: string;
  /** @maxLength 1000 */
  subject?: string;
  /** ISO-8601 date-time */
  createdAt?: string;
  /** IANA time zone */
  timezone?: string;
  /** 1–24 */
  timeBufferHours?: number;
}

/**
 * One agent correction of a triage, as the engine reads it (a labelled example of the project).
 * Storage and HTTP keep more (who, when, undo); the engine needs only this.
 */
export interface TriageCorrection {
  /** Stable id of the correction. */
  id: string;
  /** The corrected conversation's id; evidence cites it ("like conversation 123 that an agent marked high"). */
  conversationId: string;
  /** The customer's text the triage read (first message, as triaged). */
  text: string;
  subject?: string | null;
  /** The severity the agent chose; absent = left as triaged (then `before.severity` counts as confirmed). */
  severity?: Severity;
  /** The service the agent chose; absent = left as triaged, `null` = no service. */
  affectedService?: string | null;
  /** What triage had said before the correction. */
  before?: { severity: Severity; affectedService: string | null };
  /** ISO-8601; newer corrections win ties. */
  createdAt: string;
}

/** A project's corrections at one moment: the same snapshot and input give the same triage. */
export interface TriageCorrectionsSnapshot {
  corrections: TriageCorrection[];
  /** Learned words an admin removed; they are not learned again from this snapshot. */
  removedWords?: string[];
}

/** A word the engine learned from corrections: it now points to `service`. */
export interface TriageLearnedWord {
  word: string;
  service: string;
  /** How many corrections taught it. */
  support: number;
}

/**
 * POST /v1/support-desk/conversations/:bindingId/:conversationId/triage-feedback — an agent's correction.
 * An omitted field means unchanged; `affectedService: null` means no service; at least one field (else 400
 * `EMPTY_CORRECTION`); a service outside the project's catalogue is 400 `UNKNOWN_SERVICE`.
 */
export interface TriageFeedbackRequest {
  severity?: Severity;
  /** @maxLength 100 */
  affectedService?: string | null;
}

/** Who corrected: a SigSentry user (SPA, API) or an Intercom admin (Canvas panel). */
export interface TriageFeedbackAuthor {
  kind: 'user' | 'api_key' | 'intercom_admin';
  id: string | null;
  name: string | null;
}

/** A stored correction: a labelled example of its project (contract §5 "triage that learns"). */
export interface TriageFeedbackView {
  id: string;
  bindingId: string;
  conversationId: string;
  subject: string | null;
  /** The start of the customer's text as triaged (the stored example holds all of it). */
  excerpt: string;
  /** What triage said. */
  before: { severity: Severity; affectedService: string | null };
  /** What the conversation says after the correction. */
  after: { severity: Severity; affectedService: string | null };
  /** Which fields the agent set (an unset field was left as triaged). */
  set: { severity: boolean; affectedService: boolean };
  author: TriageFeedbackAuthor;
  createdAt: string;
  /** Set once the correction is undone (DELETE /v1/triage/feedback/:id): it no longer teaches. */
  undoneAt: string | null;
  undoneBy: TriageFeedbackAuthor | null;
}

/** The answer to a correction: the stored correction, the conversation's new triage and the attributes written. */
export interface TriageFeedbackResult {
  feedback: TriageFeedbackView;
  triage: { id: string; severity: Severity; affectedService: string | null; evidence: TriageEvidence[] };
  /** Attribute names written on the conversation, and mapped ones that could not be. */
  attributes: { written: string[]; dropped: string[] };
}

/** One row of the agreement: conversations triaged with this value, and how many agents changed. */
export interface TriageAgreementRow {
  /** A severity, a service name, or `null` (no service), or an ISO week start (YYYY-MM-DD) for `overTime`. */
  key: string | null;
  triaged: number;
  corrected: number;
  /** (triaged − corrected) / triaged; null when nothing was triaged. */
  agreement: number | null;
}

/** GET /v1/triage/feedback/stats — how often agents left triage as it was, and what it learned. */
export interface TriageFeedbackStats {
  /** Conversations of the project triaged at least once. */
  triaged: number;
  /** Of those, conversations with a standing (not undone) correction that changed severity or service. */
  corrected: number;
  agreement: number | null;
  /** Per severity triage chose (severity changed by an agent counts as a disagreement). */
  bySeverity: TriageAgreementRow[];
  /** Per service triage chose (service changed by an agent counts as a disagreement). */
  byService: TriageAgreementRow[];
  /** Per ISO week of the conversation's first triage, oldest first (at most the last 26 weeks). */
  overTime: TriageAgreementRow[];
  corrections: { standing: number; undone: number; used: number; max: number };
  learnedWords: TriageLearnedWord[];
  /** Learned words an admin removed (they are not learned again). */
  removedWords: string[];
}

/** DELETE /v1/triage/feedback/learned-words/:word */
export interface TriageRemovedWord {
  word: string;
  removedAt: string;
}
