import type { Severity } from './severity';

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
  kind: 'severity' | 'service' | 'window' | 'keyword' | 'confidence';
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
