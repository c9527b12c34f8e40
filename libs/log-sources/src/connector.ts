import type { LogEntry } from '@app/contracts';
import type { ConnectionTestResult, CredentialField, LogSourceTypeMetadata } from '@app/contracts';

/** Decrypted configuration of one log source, as handed to its connector. */
export interface LogSourceConfig {
  type: string;
  /** Decrypted credential map (never logged, never returned). */
  credentials: Record<string, string>;
  /** Log groups / selectors / indexes / globs, per type. */
  sources: string[];
  region?: string | null;
  settings?: Record<string, unknown>;
}

export interface LogQuery {
  start: Date;
  end: Date;
  sources: string[];
  /** Maximum number of entries to return (ANALYSIS_MAX_LINES); connectors page until reached. */
  limit: number;
  cursor?: string;
  /** Aborted when the per-source deadline (LOG_SOURCE_TIMEOUT_MS) passes. */
  signal?: AbortSignal;
}

export interface LogQueryResult {
  entries: LogEntry[];
  /** True when `limit` cut the result. */
  truncated: boolean;
  nextCursor?: string;
  /** Problems that did not fail the query (e.g. a skipped file). */
  warnings?: string[];
}

/** Coded failure a connector raises; message is user-facing (troubleshooting table of the product reference). */
export class LogSourceError extends Error {
  constructor(
    public readonly code:
      | 'unauthorized'
      | 'forbidden'
      | 'not_found'
      | 'timeout'
      | 'rate_limited'
      | 'unreachable'
      | 'bad_request'
      | 'blocked_host'
      | 'invalid_config'
      | 'upstream_error',
    message: string,
  ) {
    super(message);
    this.name = 'LogSourceError';
  }
}

export interface LogSourceConnector {
  readonly metadata: LogSourceTypeMetadata;
  /** Validate config shape at create/update time; throw LogSourceError('invalid_config') with a clear message. */
  validateConfig?(config: LogSourceConfig): void | Promise<void>;
  testConnection(config: LogSourceConfig, signal?: AbortSignal): Promise<ConnectionTestResult>;
  query(config: LogSourceConfig, query: LogQuery): Promise<LogQueryResult>;
  listSources?(config: LogSourceConfig, signal?: AbortSignal): Promise<Array<{ id: string; name: string; type: string }>>;
}

export type { ConnectionTestResult, CredentialField, LogSourceTypeMetadata };
