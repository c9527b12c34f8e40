export type LogLevel = 'error' | 'warn' | 'info';

/** A normalised log line, as every log-source connector returns it. */
export interface LogEntry {
  /** ISO-8601 timestamp (UTC). */
  timestamp: string;
  level: LogLevel;
  service: string;
  message: string;
  /** The original line or document, as text. */
  raw: string;
  metadata?: Record<string, unknown>;
}
