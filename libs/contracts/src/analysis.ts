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
