import type { LogEntry } from './log-entry';

/** One field of a log-source type's form (GET /v1/config/log-source-types). */
export interface CredentialField {
  key: string;
  label: string;
  type: 'text' | 'password' | 'textarea';
  required: boolean;
  placeholder?: string;
  /** Where it lives on the log-source record: credentials (secret, write-only), settings, or the top-level region. */
  location?: 'credentials' | 'settings' | 'region';
  help?: string;
}

export interface LogSourceTypeMetadata {
  type: string;
  displayName: string;
  fields: CredentialField[];
  sourcesLabel: string;
  sourcesPlaceholder: string;
  /** What the user must create on the platform (least privilege). */
  setupHint: string;
}

export interface LogSourceView {
  id: string;
  projectId: string;
  type: string;
  name: string;
  sources: string[];
  region: string | null;
  settings: Record<string, unknown>;
  /** `file` sources: the server folder this source reads, `$LOG_FILES_DIR/<projectId>/` (put the project's files there). */
  folder?: string;
  isActive: boolean;
  /** Names of the credential keys that are set (values are write-only). */
  credentialKeys: string[];
  lastTestedAt: string | null;
  lastTestResult: { success: boolean; message: string } | null;
  createdAt: string;
  updatedAt: string;
}

export interface LogSourceInput {
  type?: string;
  name?: string;
  credentials?: Record<string, string>;
  sources?: string[];
  region?: string | null;
  settings?: Record<string, unknown>;
  isActive?: boolean;
}

export interface ConnectionTestResult {
  connected: boolean;
  message: string;
  sampleLogs: Array<Pick<LogEntry, 'timestamp' | 'level' | 'service' | 'message'>>;
}

/** The body of POST /v1/config/log-sources/:id/test (contract §9): always HTTP 200. */
export type LogSourceTestBody =
  | { success: true; data: ConnectionTestResult }
  | { success: false; data: ConnectionTestResult; error: { code: 'LOG_SOURCE_CONNECTION_FAILED'; message: string } };

/** GET /v1/config/log-sources/:id/sources: what the platform offers to query (indexes, log groups, streams...). */
export interface DiscoveredSource {
  id: string;
  name: string;
  type: string;
}
