import type { Severity } from './severity';
import type { LogLevel } from './log-entry';

export const ROOT_CAUSE_CATEGORIES = [
  'authentication',
  'authorization',
  'database',
  'network',
  'timeout',
  'rate_limiting',
  'validation',
  'null_reference',
  'configuration',
  'dependency',
  'memory',
  'disk',
  'unknown',
] as const;
export type RootCauseCategory = (typeof ROOT_CAUSE_CATEGORIES)[number];

export type ServiceRole = 'origin' | 'propagator' | 'affected';
export type ActionType = 'fix' | 'investigate' | 'mitigate' | 'escalate';

export interface AnalysisResult {
  summary: string;
  severity: Severity;
  confidence: number;
  rootCause: { description: string; service: string; errorType: string; category: RootCauseCategory };
  affectedServices: Array<{ serviceName: string; role: ServiceRole; errorCount: number; firstSeen: string; lastSeen: string }>;
  timeline: Array<{ timestamp: string; service: string; level: LogLevel; message: string; isRootCause: boolean }>;
  suggestedActions: Array<{ priority: number; action: string; rationale: string; type: ActionType }>;
  logsScanned: number;
  timeWindow: { start: string; end: string };
  /** Top error signatures found (our extension). */
  signatures?: Array<{ template: string; service: string; count: number; baselineCount: number; isNew: boolean; score: number }>;
  /**
   * The log lines behind the top signatures (the SDK's shape), most relevant first: at most 5 per signature and
   * 50 per analysis, secrets and personal data masked. Absent on results stored before it existed.
   */
  logEvidence?: LogEvidence[];
}

export interface LogEvidence {
  timestamp: string;
  service: string;
  level: LogLevel;
  message: string;
  raw: string;
  /** 0–1: the signature's score relative to the top one, slightly lower for its later examples. */
  relevanceScore: number;
}

export const ANALYSIS_STATUSES = ['pending', 'processing', 'complete', 'partial', 'failed'] as const;
export type AnalysisStatus = (typeof ANALYSIS_STATUSES)[number];
export const ANALYSIS_TRIGGERS = ['dashboard', 'api', 'support_desk', 'sidebar'] as const;
export type AnalysisTrigger = (typeof ANALYSIS_TRIGGERS)[number];

/** The analysis window (contract §9): start in the past, end after start, at most 24 h, end at most 60 s in the future. */
export const MAX_WINDOW_MS = 24 * 60 * 60 * 1000;
export const FUTURE_SLACK_MS = 60 * 1000;
export const DESCRIPTION_MAX = 5000;

export type WindowRule = 'start_not_past' | 'end_not_after_start' | 'window_too_long' | 'end_in_future';

export interface WindowError {
  field: 'timeStart' | 'timeEnd';
  /** Which rule failed (stable: the SPA words its own hint from it). */
  rule: WindowRule;
  message: string;
}

/** The checks of the analysis window; returns the errors (empty = valid). `now` is injectable for tests. */
export function checkAnalysisWindow(timeStart: Date, timeEnd: Date, now = Date.now()): WindowError[] {
  const errors: WindowError[] = [];
  if (timeStart.getTime() >= now) errors.push({ field: 'timeStart', rule: 'start_not_past', message: 'timeStart must be in the past' });
  if (timeEnd.getTime() <= timeStart.getTime()) errors.push({ field: 'timeEnd', rule: 'end_not_after_start', message: 'timeEnd must be after timeStart' });
  else if (timeEnd.getTime() - timeStart.getTime() > MAX_WINDOW_MS)
    errors.push({ field: 'timeEnd', rule: 'window_too_long', message: 'the window must be at most 24 hours' });
  if (timeEnd.getTime() > now + FUTURE_SLACK_MS)
    errors.push({ field: 'timeEnd', rule: 'end_in_future', message: 'timeEnd must be at most 60 seconds in the future' });
  return errors;
}

export const TERMINAL_STATUSES: readonly AnalysisStatus[] = ['complete', 'partial', 'failed'];
export const isTerminalStatus = (s: AnalysisStatus): boolean => TERMINAL_STATUSES.includes(s);

export interface CreateAnalysisRequest {
  description: string;
  /** ISO-8601 */
  timeStart: string;
  /** ISO-8601 */
  timeEnd: string;
  metadata?: Record<string, string>;
  projectId?: string;
  /**
   * JSON bodies only: a PNG, JPEG or WebP screenshot (≤ 10 MB) as a base64 data URL. Multipart bodies (the SDK's) send it
   * as a file part named `screenshot` instead.
   */
  screenshot?: string;
}

export interface AnalysisSummaryView {
  id: string;
  status: AnalysisStatus;
  severity: Severity | null;
  summary: string | null;
  createdAt: string;
  timeStart: string;
  timeEnd: string;
  description: string;
  trigger: AnalysisTrigger;
}

export interface AnalysisView {
  id: string;
  projectId: string;
  status: AnalysisStatus;
  severity: Severity | null;
  description: string;
  timeStart: string;
  timeEnd: string;
  metadata: Record<string, string>;
  trigger: AnalysisTrigger;
  createdAt: string;
  completedAt: string | null;
  processingTimeMs: number | null;
  result: AnalysisResult | null;
  error?: { code: string; message: string };
  partialReasons: string[];
  url: string;
}
