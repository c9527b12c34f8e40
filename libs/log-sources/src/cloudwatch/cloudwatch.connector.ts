import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  type DescribeLogGroupsCommandOutput,
  FilterLogEventsCommand,
  type FilterLogEventsCommandOutput,
  type FilteredLogEvent,
} from '@aws-sdk/client-cloudwatch-logs';
import type { LogEntry } from '@app/contracts';
import {
  ConnectionTestResult,
  LogPage,
  LogQuery,
  LogQueryResult,
  LogSourceConfig,
  LogSourceConnector,
  LogSourceError,
  LogSourceTypeMetadata,
} from '../connector';
import type { ConnectorContext, ConnectorFactory } from '../registry';
import { assertHostAllowed, createGuardedAgents, redactUrl } from '../shared/host-guard';
import { levelFromText, normaliseLevel, toIsoTimestamp } from '../shared/normalise';
import { collectPages, pageSizeFrom, pagesAcrossSources, runConnectionTest } from '../shared/paging';

/** FilterLogEvents returns at most 10 000 events per call. */
const MAX_PAGE = 10_000;
/** DescribeLogGroups returns at most 50 groups per call. */
const DESCRIBE_PAGE = 50;
const MAX_LISTED_GROUPS = 1000;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

export interface CloudWatchConnectorOptions {
  /** Events asked per FilterLogEvents call when settings.pageSize is unset (tests use small pages). */
  pageSize?: number;
}

/** AWS CloudWatch Logs via FilterLogEvents (one log group per `sources` line, nextToken paging). */
export class CloudWatchConnector implements LogSourceConnector {
  readonly metadata: LogSourceTypeMetadata = {
    type: 'cloudwatch',
    displayName: 'AWS CloudWatch Logs',
    fields: [
      { key: 'accessKeyId', label: 'Access key ID', type: 'text', required: true, location: 'credentials', placeholder: 'AKIA…' },
      { key: 'secretAccessKey', label: 'Secret access key', type: 'password', required: true, location: 'credentials' },
      {
        key: 'sessionToken',
        label: 'Session token',
        type: 'password',
        required: false,
        location: 'credentials',
        help: 'Only for temporary (STS) credentials.',
      },
      { key: 'region', label: 'Region', type: 'text', required: true, location: 'region', placeholder: 'us-east-1', help: 'The region of the log groups.' },
      {
        key: 'endpoint',
        label: 'Endpoint override',
        type: 'text',
        required: false,
        location: 'settings',
        placeholder: 'https://logs.us-east-1.amazonaws.com',
        help: 'Leave empty for AWS. For VPC endpoints or local test servers.',
      },
    ],
    sourcesLabel: 'Log group names',
    sourcesPlaceholder: '/aws/lambda/checkout-api\n/ecs/payments',
    setupHint:
      'In IAM, create a dedicated user (or role) with an access key and a policy allowing only `logs:FilterLogEvents` and `logs:DescribeLogGroups` ' +
      '(scope the resource to the needed log groups, e.g. arn:aws:logs:<region>:<account>:log-group:/aws/lambda/checkout-api:*). ' +
      'Set the region of the log groups. In `sources` put one log group name per line, e.g. `/aws/lambda/checkout-api`.',
  };

  private readonly pageSize: number;

  constructor(
    private readonly ctx: ConnectorContext,
    opts: CloudWatchConnectorOptions = {},
  ) {
    this.pageSize = Math.min(MAX_PAGE, Math.max(1, opts.pageSize ?? MAX_PAGE));
  }

  async validateConfig(config: LogSourceConfig): Promise<void> {
    this.settings(config);
    if (!Array.isArray(config.sources) || config.sources.filter((s) => typeof s === 'string' && s.trim()).length === 0) {
      throw new LogSourceError('invalid_config', 'CloudWatch needs at least one log group name in sources, e.g. /aws/lambda/checkout-api.');
    }
    const { endpoint } = this.settings(config);
    if (endpoint) await assertHostAllowed(endpoint, this.ctx);
  }

  query(config: LogSourceConfig, query: LogQuery): Promise<LogQueryResult> {
    return collectPages(this.pages(config, query), query.limit, (query.sources.length ? query.sources : config.sources).length);
  }

  async *pages(config: LogSourceConfig, query: LogQuery): AsyncGenerator<LogPage> {
    const s = this.settings(config);
    if (s.endpoint) await assertHostAllowed(s.endpoint, this.ctx);
    const groups = (query.sources.length ? query.sources : config.sources).map((g) => g.trim()).filter(Boolean);
    // A caller's signal owns the query's deadline (see queryDeadline); alone, LOG_SOURCE_TIMEOUT_MS from now.
    const signal = query.signal ?? AbortSignal.timeout(this.ctx.timeoutMs);
    const pageSize = pageSizeFrom(config.settings, MAX_PAGE, this.pageSize);
    const client = this.client(s);
    try {
      // Each log group on its own; a missing group becomes a warning, a credential/permission failure stops the run.
      yield* pagesAcrossSources<string>({
        sources: groups,
        limit: Math.max(0, query.limit),
        cursor: query.cursor,
        fetchPage: async (group, nextToken, max) => {
          const out = await this.send<FilterLogEventsCommandOutput>(
            client,
            new FilterLogEventsCommand({
              logGroupName: group,
              startTime: query.start.getTime(),
              endTime: query.end.getTime(),
              limit: Math.min(pageSize, max),
              nextToken,
            }),
            signal,
            group,
          );
          return { entries: (out.events ?? []).map((ev) => cloudwatchEventToEntry(ev, group)), next: out.nextToken || undefined };
        },
      });
    } finally {
      client.destroy();
    }
  }

  async testConnection(config: LogSourceConfig, signal?: AbortSignal): Promise<ConnectionTestResult> {
    return runConnectionTest('CloudWatch Logs', (start, end, limit) => this.query(config, { start, end, sources: config.sources, limit, signal }));
  }

  async listSources(config: LogSourceConfig, signal?: AbortSignal): Promise<Array<{ id: string; name: string; type: string }>> {
    const s = this.settings(config);
    if (s.endpoint) await assertHostAllowed(s.endpoint, this.ctx);
    const client = this.client(s);
    const sig = deadlineSignal(signal, this.ctx.timeoutMs);
    const out: Array<{ id: string; name: string; type: string }> = [];
    try {
      let nextToken: string | undefined;
      do {
        const page = await this.send<DescribeLogGroupsCommandOutput>(client, new DescribeLogGroupsCommand({ limit: DESCRIBE_PAGE, nextToken }), sig);
        for (const g of page.logGroups ?? []) {
          if (g.logGroupName) out.push({ id: g.logGroupName, name: g.logGroupName, type: 'log_group' });
        }
        nextToken = page.nextToken || undefined;
      } while (nextToken && out.length < MAX_LISTED_GROUPS);
    } finally {
      client.destroy();
    }
    return out;
  }

  private settings(config: LogSourceConfig): { accessKeyId: string; secretAccessKey: string; sessionToken?: string; region: string; endpoint?: string } {
    const c = config.credentials ?? {};
    const accessKeyId = (c.accessKeyId ?? '').trim();
    const secretAccessKey = (c.secretAccessKey ?? '').trim();
    const sessionToken = (c.sessionToken ?? '').trim() || undefined;
    const region = (config.region ?? '').trim();
    if (!accessKeyId || !secretAccessKey) {
      throw new LogSourceError('invalid_config', 'CloudWatch needs `accessKeyId` and `secretAccessKey` (an IAM access key).');
    }
    if (!REGION.test(region)) throw new LogSourceError('invalid_config', `CloudWatch needs the region of the log groups (e.g. us-east-1); got "${region}".`);
    const rawEndpoint = config.settings?.endpoint;
    let endpoint: string | undefined;
    if (typeof rawEndpoint === 'string' && rawEndpoint.trim()) {
      try {
        const u = new URL(rawEndpoint.trim());
        if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('scheme');
        endpoint = `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
      } catch {
        throw new LogSourceError('invalid_config', `CloudWatch endpoint override "${redactUrl(String(rawEndpoint))}" is not an http(s) URL.`);
      }
    }
    return { accessKeyId, secretAccessKey, sessionToken, region, endpoint };
  }

  /**
   * The SDK client on our transport: every connection (the regional endpoint, an override, anything the SDK chooses)
   * goes through the guarded agents, and the SDK's handler never follows redirects.
   */
  private client(s: ReturnType<CloudWatchConnector['settings']>): CloudWatchLogsClient {
    const { httpAgent, httpsAgent } = createGuardedAgents(this.ctx);
    return new CloudWatchLogsClient({
      region: s.region,
      credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey, sessionToken: s.sessionToken },
      ...(s.endpoint ? { endpoint: s.endpoint } : {}),
      maxAttempts: 3,
      requestHandler: { httpAgent, httpsAgent, requestTimeout: this.ctx.timeoutMs },
    });
  }

  private async send<O>(client: CloudWatchLogsClient, cmd: { input: unknown }, signal: AbortSignal, group?: string): Promise<O> {
    if (signal.aborted) throw timeoutError(this.ctx.timeoutMs);
    try {
      // The SDK retries throttling and 5xx itself (standard retry strategy, maxAttempts 3).
      return (await client.send(cmd as never, { abortSignal: signal })) as O;
    } catch (e) {
      throw mapAwsError(e, signal, this.ctx.timeoutMs, group);
    }
  }
}

export const cloudwatchConnector: ConnectorFactory = (ctx) => new CloudWatchConnector(ctx);

/** CloudWatch event → LogEntry: service = the log group's last path segment (else the stream), level from JSON or the text. */
export function cloudwatchEventToEntry(ev: FilteredLogEvent, group: string): LogEntry {
  const raw = ev.message ?? '';
  let message = raw.replace(/\n$/, '');
  let level = levelFromText(message);
  let jsonService: string | undefined;
  const trimmed = message.trim();
  if (trimmed.startsWith('{')) {
    try {
      const o = JSON.parse(trimmed) as Record<string, unknown>;
      const lv = o.level ?? o.severity ?? o.levelname;
      if (lv !== undefined) level = normaliseLevel(lv);
      const m = o.message ?? o.msg;
      if (typeof m === 'string') message = m;
      if (typeof o.service === 'string' && o.service) jsonService = o.service;
    } catch {
      /* not JSON */
    }
  }
  const segment = group.split('/').filter(Boolean).pop();
  return {
    timestamp: toIsoTimestamp(ev.timestamp) ?? new Date(0).toISOString(),
    level: level ?? 'info',
    service: jsonService ?? segment ?? ev.logStreamName ?? group,
    message,
    raw,
    metadata: { logGroup: group, ...(ev.logStreamName ? { logStream: ev.logStreamName } : {}), ...(ev.eventId ? { eventId: ev.eventId } : {}) },
  };
}

/** AWS SDK failure → coded error with the troubleshooting-table fix. */
export function mapAwsError(e: unknown, signal: AbortSignal | undefined, timeoutMs: number, group?: string): LogSourceError {
  if (e instanceof LogSourceError) return e;
  const err = e as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const name = err.name ?? '';
  const status = err.$metadata?.httpStatusCode;
  if (signal?.aborted || name === 'AbortError' || name === 'TimeoutError') return timeoutError(timeoutMs);
  switch (name) {
    case 'UnrecognizedClientException':
    case 'InvalidSignatureException':
    case 'SignatureDoesNotMatch':
    case 'ExpiredTokenException':
    case 'InvalidClientTokenId':
    case 'IncompleteSignatureException':
      return new LogSourceError(
        'unauthorized',
        `AWS rejected the credentials (${name}): re-paste the access key ID and secret; check the key is active in IAM (and the session token is current, if used).`,
      );
    case 'AccessDeniedException':
    case 'AccessDenied':
      return new LogSourceError(
        'forbidden',
        `AWS denied access (${name}): valid credentials but missing permission — allow logs:FilterLogEvents and logs:DescribeLogGroups on the log groups.`,
      );
    case 'ResourceNotFoundException':
      return new LogSourceError(
        'not_found',
        `CloudWatch has no log group ${group ? `"${group}" ` : ''}in this region (ResourceNotFoundException): check the log group name and the region (a us-east-1 key can't read eu-west-1 groups).`,
      );
    case 'ThrottlingException':
    case 'LimitExceededException':
    case 'ServiceQuotaExceededException':
      return new LogSourceError('rate_limited', `CloudWatch Logs is throttling requests (${name}): retry later or query fewer log groups.`);
    case 'InvalidParameterException':
    case 'ValidationException':
      return new LogSourceError('bad_request', `CloudWatch refused the query (${name}): ${(err.message ?? '').slice(0, 200)}`);
  }
  if (status === 401) return mapAwsError({ name: 'UnrecognizedClientException' }, signal, timeoutMs, group);
  if (status === 403) return mapAwsError({ name: 'AccessDeniedException' }, signal, timeoutMs, group);
  if (status === 404) return new LogSourceError('not_found', 'CloudWatch endpoint answered 404 Not Found: check the region and the endpoint override.');
  if (status === 429) return mapAwsError({ name: 'ThrottlingException' }, signal, timeoutMs, group);
  if (status && status >= 500) return new LogSourceError('upstream_error', `CloudWatch Logs failed (HTTP ${status}, ${name || 'error'}): retry later.`);
  const code = err.code ?? (e as { cause?: { code?: string } }).cause?.code;
  if (code && /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT)$/.test(code)) {
    return new LogSourceError('unreachable', `Cannot reach the CloudWatch Logs endpoint (${code}): check the region and the endpoint override.`);
  }
  return new LogSourceError('upstream_error', `CloudWatch Logs call failed (${name || code || 'unknown error'}).`);
}

function timeoutError(ms: number): LogSourceError {
  return new LogSourceError(
    'timeout',
    `CloudWatch Logs did not answer within ${ms} ms — source unreachable: check the region / endpoint, or narrow the log groups and time window.`,
  );
}

function deadlineSignal(signal: AbortSignal | undefined, ms: number): AbortSignal {
  const t = AbortSignal.timeout(ms);
  return signal ? AbortSignal.any([signal, t]) : t;
}
