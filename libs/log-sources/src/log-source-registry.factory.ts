import type { HttpService } from '@nestjs/axios';
import { cloudwatchConnector } from './cloudwatch/cloudwatch.connector';
import { datadogConnector } from './datadog/datadog.connector';
import { elasticConnector } from './elastic/elastic.connector';
import { fileConnector } from './file/file.connector';
import { gcpLoggingConnector } from './gcp-logging/gcp-logging.connector';
import { lokiConnector } from './loki/loki.connector';
import { ConnectorContext, ConnectorFactory, LogSourceRegistry } from './registry';
import { splunkConnector } from './splunk/splunk.connector';

/** Every log platform we speak, registered by type key (contract §5: `file` plus the six platforms). */
export const ALL_CONNECTORS: ConnectorFactory[] = [
  fileConnector,
  lokiConnector,
  elasticConnector,
  datadogConnector,
  splunkConnector,
  cloudwatchConnector,
  gcpLoggingConnector,
];

/** The registry from the validated config (AppConfig's log-source settings) and the Nest HTTP client. */
export function createLogSourceRegistry(
  cfg: {
    logFilesDir: string;
    logSourceBlockedCidrs: string[];
    logSourceBlockedHosts: string[];
    logSourceTimeoutMs: number;
    analysisMaxLines: number;
  },
  http?: HttpService,
): LogSourceRegistry {
  const ctx: ConnectorContext = {
    logFilesDir: cfg.logFilesDir,
    blockedCidrs: cfg.logSourceBlockedCidrs,
    blockedHosts: cfg.logSourceBlockedHosts,
    timeoutMs: cfg.logSourceTimeoutMs,
    maxLines: cfg.analysisMaxLines,
    ...(http ? { http } : {}),
  };
  return new LogSourceRegistry(ctx, ALL_CONNECTORS);
}
