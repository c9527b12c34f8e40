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
  /** The project the source belongs to (a `file` source reads only `$LOG_FILES_DIR/<projectId>/`). */
  projectId?: string;
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
  /**
   * Time this source may still spend waiting on the platform's rate limits in this analysis (consumed by each backoff):
   * a rate-limit answer asking for a longer wait fails the query with `rate_limited`.
   */
  waitBudget?: WaitBudget;
  /**
   * `problems`: the consumer reads only the timestamp, level and service of info lines (it counts them), so a connector
   * may leave their message empty when that saves work (the file connector then skips parsing them). Default `full`.
   */
  detail?: 'full' | 'problems';
}

/** Milliseconds of waiting left; whoever waits takes its wait off `remainingMs`. */
export interface WaitBudget {
  remainingMs: number;
}

/** One page of normalised entries as the platform handed it out (not necessarily sorted). */
export interface LogPage {
  entries: LogEntry[];
  /** Problems that did not fail the query (a skipped file, one failing `sources` entry). */
  warnings?: string[];
  /** Opaque cursor that resumes right after this page (platform connectors; used by `query`). */
  resume?: string;
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
  /**
   * True when one query over [baseline start, window end] costs less than a baseline query and a window query (a local
   * scan): the analysis then reads both windows in one pass.
   */
  readonly oneQueryPerAnalysis?: boolean;
  /** Validate config shape at create/update time; throw LogSourceError('invalid_config') with a clear message. */
  validateConfig?(config: LogSourceConfig): void | Promise<void>;
  testConnection(config: LogSourceConfig, signal?: AbortSignal): Promise<ConnectionTestResult>;
  /**
   * The entries of [start, end] page by page, as they arrive: at most `limit` in total, stopping early when the
   * consumer stops iterating. Failures of the whole source are thrown; per-entry problems come as page warnings.
   */
  pages(config: LogSourceConfig, query: LogQuery): AsyncIterable<LogPage>;
  /** `pages` collected into one sorted result (Test connection, callers that want everything at once). */
  query(config: LogSourceConfig, query: LogQuery): Promise<LogQueryResult>;
  listSources?(config: LogSourceConfig, signal?: AbortSignal): Promise<Array<{ id: string; name: string; type: string }>>;
  /** For connectors that read local files: the folder a source reads (shown on the record, created when it is saved). */
  localFolder?(config: LogSourceConfig): string;
}

export type { ConnectionTestResult, CredentialField, LogSourceTypeMetadata };
