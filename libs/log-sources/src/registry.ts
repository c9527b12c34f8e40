import type { HttpService } from '@nestjs/axios';
import type { LogSourceConnector, LogSourceTypeMetadata } from './connector';

/** Runtime settings every connector gets (from the validated config). */
export interface ConnectorContext {
  /** Root of the per-project folders `file` sources read (LOG_FILES_DIR): a source reads only `<logFilesDir>/<projectId>/`. */
  logFilesDir: string;
  /** CIDRs whose addresses are refused as log-source hosts (LOG_SOURCE_BLOCKED_CIDRS). */
  blockedCidrs: string[];
  /** Host names refused outright (cloud metadata hosts). */
  blockedHosts: string[];
  /** Per-source deadline (LOG_SOURCE_TIMEOUT_MS). */
  timeoutMs: number;
  /** ANALYSIS_MAX_LINES. */
  maxLines: number;
  /** The Nest HTTP client (@nestjs/axios) the HTTP connectors send through; a private one when absent (tests, bench). */
  http?: HttpService;
}

export type ConnectorFactory = (ctx: ConnectorContext) => LogSourceConnector;

/** A registry, not a switch: each platform folder registers its factory under its type key. */
export class LogSourceRegistry {
  private readonly connectors = new Map<string, LogSourceConnector>();

  constructor(
    private readonly ctx: ConnectorContext,
    factories: ConnectorFactory[] = [],
  ) {
    for (const f of factories) this.register(f);
  }

  register(factory: ConnectorFactory): void {
    const c = factory(this.ctx);
    this.connectors.set(c.metadata.type, c);
  }

  get(type: string): LogSourceConnector | undefined {
    return this.connectors.get(type);
  }

  has(type: string): boolean {
    return this.connectors.has(type);
  }

  types(): LogSourceTypeMetadata[] {
    return [...this.connectors.values()].map((c) => c.metadata);
  }
}
