import { JWT } from 'google-auth-library';
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
import { assertHostAllowed, redactUrl } from '../shared/host-guard';
import { httpJson, httpRaw, type HttpMethod } from '../shared/http';
import { firstPath, levelFromText, normaliseLevel, toIsoTimestamp } from '../shared/normalise';
import { collectPages, pageSizeFrom, pagesAcrossSources, queryDeadline, runConnectionTest } from '../shared/paging';

const PLATFORM = 'Google Cloud Logging';
const DEFAULT_API = 'https://logging.googleapis.com';
/** The token endpoint google-auth-library signs for and posts to. */
const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
const SCOPE = 'https://www.googleapis.com/auth/logging.read';
/** entries.list accepts pageSize up to 1000. */
const MAX_PAGE = 1000;
const HINTS = {
  forbidden: 'give the service account the Logs Viewer role (roles/logging.viewer) on the project',
  notFound: 'check the project_id in the service-account key and the API endpoint',
};
/** resource.labels that name the emitting service, most specific first. */
const SERVICE_LABELS = [
  'resource.labels.service_name',
  'resource.labels.function_name',
  'resource.labels.container_name',
  'resource.labels.module_id',
  'resource.labels.job_name',
  'resource.labels.configuration_name',
];

interface ServiceAccountKey {
  type?: string;
  project_id: string;
  private_key_id?: string;
  private_key: string;
  client_email: string;
}

/** One LogEntry of the Cloud Logging v2 REST API (the fields we read). */
export interface GcpLogEntry {
  logName?: string;
  resource?: { type?: string; labels?: Record<string, string> };
  timestamp?: string;
  receiveTimestamp?: string;
  severity?: string;
  insertId?: string;
  labels?: Record<string, string>;
  textPayload?: string;
  jsonPayload?: Record<string, unknown>;
  protoPayload?: Record<string, unknown>;
  trace?: string;
}

export interface GcpLoggingConnectorOptions {
  /** Entries per entries:list page (tests use a small value to exercise paging). */
  pageSize?: number;
}

/** GCP Cloud Logging: service-account JWT → OAuth access token, then `entries:list` with a time-bounded filter. */
export class GcpLoggingConnector implements LogSourceConnector {
  readonly metadata: LogSourceTypeMetadata = {
    type: 'gcp_logging',
    displayName: 'Google Cloud Logging',
    fields: [
      {
        key: 'serviceAccountJson',
        label: 'Service account key (JSON)',
        type: 'textarea',
        required: true,
        location: 'credentials',
        placeholder: '{"type": "service_account", "project_id": "…", …}',
        help: 'The whole JSON key file of a service account with the Logs Viewer role.',
      },
      { key: 'apiEndpoint', label: 'API endpoint override', type: 'text', required: false, location: 'settings', placeholder: DEFAULT_API },
      { key: 'tokenUri', label: 'Token URI override', type: 'text', required: false, location: 'settings', placeholder: GOOGLE_TOKEN_URL },
    ],
    sourcesLabel: 'Log names or Cloud Logging filter expressions',
    sourcesPlaceholder: 'run.googleapis.com%2Fstdout\nresource.type="cloud_run_revision" AND resource.labels.service_name="checkout-api"',
    setupHint:
      'In Google Cloud IAM, create a service account in the project, grant it only the Logs Viewer role (roles/logging.viewer), and create a JSON key ' +
      '(IAM → Service accounts → Keys → Add key → JSON); paste the whole file. In `sources` put one log name per line (e.g. `run.googleapis.com%2Fstdout` or ' +
      '`projects/<p>/logs/<name>`) or a Logging query-language expression (e.g. `resource.labels.service_name="checkout-api"`); lines are combined with OR.',
  };

  private readonly pageSize: number;

  constructor(
    private readonly ctx: ConnectorContext,
    opts: GcpLoggingConnectorOptions = {},
  ) {
    this.pageSize = Math.min(MAX_PAGE, Math.max(1, opts.pageSize ?? MAX_PAGE));
  }

  async validateConfig(config: LogSourceConfig): Promise<void> {
    const s = this.settings(config);
    if (!Array.isArray(config.sources) || config.sources.filter((x) => typeof x === 'string' && x.trim()).length === 0) {
      throw new LogSourceError('invalid_config', 'GCP Logging needs at least one log name or filter expression in sources.');
    }
    await assertHostAllowed(s.apiEndpoint, this.ctx);
    await assertHostAllowed(s.tokenUri, this.ctx);
  }

  query(config: LogSourceConfig, query: LogQuery): Promise<LogQueryResult> {
    return collectPages(this.pages(config, query), query.limit, 1);
  }

  async *pages(config: LogSourceConfig, query: LogQuery): AsyncGenerator<LogPage> {
    const s = this.settings(config);
    const sources = (query.sources.length ? query.sources : config.sources).map((x) => x.trim()).filter(Boolean);
    const deadline = queryDeadline(this.ctx.timeoutMs, query.signal);
    const pageSize = pageSizeFrom(config.settings, MAX_PAGE, this.pageSize);
    const token = await this.accessToken(s, query.signal, deadline);
    const filter = buildGcpFilter(query.start, query.end, sources, s.key.project_id);
    // All `sources` lines form one OR filter, so there is a single stream to page through, oldest first.
    yield* pagesAcrossSources<string>({
      sources: [filter],
      limit: Math.max(0, query.limit),
      cursor: query.cursor,
      fetchPage: async (_filter, pageToken, max) => {
        const res = await httpJson<{ entries?: GcpLogEntry[]; nextPageToken?: string }>({
          method: 'POST',
          url: `${s.apiEndpoint}/v2/entries:list`,
          headers: { Authorization: `Bearer ${token}` },
          body: {
            resourceNames: [`projects/${s.key.project_id}`],
            filter,
            orderBy: 'timestamp asc',
            pageSize: Math.min(pageSize, max),
            ...(pageToken ? { pageToken } : {}),
          },
          signal: query.signal,
          waitBudget: query.waitBudget,
          timeoutMs: this.ctx.timeoutMs,
          deadline,
          ctx: this.ctx,
          platform: PLATFORM,
          hints: HINTS,
        });
        return { entries: (res.data?.entries ?? []).map(gcpEntryToLogEntry), next: res.data?.nextPageToken || undefined };
      },
    });
  }

  async testConnection(config: LogSourceConfig, signal?: AbortSignal): Promise<ConnectionTestResult> {
    return runConnectionTest('Google Cloud Logging', (start, end, limit) => this.query(config, { start, end, sources: config.sources, limit, signal }));
  }

  async listSources(config: LogSourceConfig, signal?: AbortSignal): Promise<Array<{ id: string; name: string; type: string }>> {
    const s = this.settings(config);
    const deadline = Date.now() + this.ctx.timeoutMs;
    const token = await this.accessToken(s, signal, deadline);
    const out: Array<{ id: string; name: string; type: string }> = [];
    let pageToken: string | undefined;
    do {
      const res = await httpJson<{ logNames?: string[]; nextPageToken?: string }>({
        method: 'GET',
        url: `${s.apiEndpoint}/v2/projects/${encodeURIComponent(s.key.project_id)}/logs`,
        params: { pageSize: MAX_PAGE, pageToken },
        headers: { Authorization: `Bearer ${token}` },
        signal,
        timeoutMs: this.ctx.timeoutMs,
        deadline,
        ctx: this.ctx,
        platform: PLATFORM,
        hints: HINTS,
      });
      for (const name of res.data?.logNames ?? []) out.push({ id: name, name: shortLogName(name), type: 'log' });
      pageToken = res.data?.nextPageToken || undefined;
    } while (pageToken && out.length < 5000);
    return out;
  }

  /**
   * OAuth 2.0 JWT-bearer grant with google-auth-library, which signs the assertion; its transport is replaced by ours
   * (a gaxios adapter over the shared HTTP client), so the token request goes through the host guard on every
   * connection, never follows a redirect and is capped in size. The library always asks for
   * https://oauth2.googleapis.com/token; with a `tokenUri` override we sign for that audience and send it there.
   */
  private async accessToken(s: ReturnType<GcpLoggingConnector['settings']>, signal: AbortSignal | undefined, until?: number): Promise<string> {
    const deadline = until ?? Date.now() + this.ctx.timeoutMs;
    await assertHostAllowed(s.tokenUri, this.ctx);
    await assertHostAllowed(s.apiEndpoint, this.ctx);
    const ms = Math.max(0, deadline - Date.now());
    const abort = signal ? AbortSignal.any([signal, AbortSignal.timeout(ms)]) : AbortSignal.timeout(ms);
    const overridden = s.tokenUri !== GOOGLE_TOKEN_URL;
    const jwt = new JWT({
      email: s.key.client_email,
      key: s.key.private_key,
      keyId: s.key.private_key_id,
      scopes: [SCOPE],
      ...(overridden ? { additionalClaims: { aud: s.tokenUri } } : {}),
    });
    const ctx = this.ctx;
    jwt.transporter.interceptors.request.add({
      resolved: async (opts) => {
        opts.retry = false;
        opts.adapter = (async (prepared: typeof opts) => {
          const target = overridden && String(prepared.url) === GOOGLE_TOKEN_URL ? s.tokenUri : String(prepared.url);
          const headers: Record<string, string> = {};
          new Headers(prepared.headers as ConstructorParameters<typeof Headers>[0]).forEach((v, k) => (headers[k] = v));
          const data = prepared.data;
          const res = await httpRaw({
            method: String(prepared.method ?? 'POST').toUpperCase() as HttpMethod,
            url: target,
            headers,
            ...(data instanceof URLSearchParams ? { form: data } : typeof data === 'string' ? { form: new URLSearchParams(data) } : {}),
            signal: abort,
            timeoutMs: Math.max(1, deadline - Date.now()),
            ctx,
            platform: `${PLATFORM} token endpoint`,
            maxBodyBytes: 1024 * 1024,
          });
          let parsed: unknown = res.text;
          try {
            parsed = JSON.parse(res.text);
          } catch {
            /* not JSON: keep the text */
          }
          const nullBody = res.status === 204 || res.status === 205 || res.status === 304;
          const response = new Response(nullBody ? null : res.text, { status: res.status, headers: res.headers });
          return Object.assign(response, { config: prepared, data: parsed });
        }) as unknown as typeof opts.adapter;
        return opts;
      },
    });
    const timeout = () =>
      new LogSourceError(
        'timeout',
        `${PLATFORM} token endpoint did not answer within ${this.ctx.timeoutMs} ms — check network access to ${redactUrl(s.tokenUri)}.`,
      );
    try {
      const got = await new Promise<{ token?: string | null }>((resolve, reject) => {
        if (abort.aborted) return reject(timeout());
        abort.addEventListener('abort', () => reject(timeout()), { once: true });
        jwt.getAccessToken().then(resolve, reject);
      });
      if (!got.token) throw new LogSourceError('unauthorized', 'Google issued no access token for this service account.');
      return got.token;
    } catch (e) {
      const coded = codedCause(e);
      if (coded) throw coded;
      if (abort.aborted) throw timeout();
      throw tokenError(e, s.tokenUri);
    }
  }

  private settings(config: LogSourceConfig): { key: ServiceAccountKey; apiEndpoint: string; tokenUri: string } {
    const raw = config.credentials?.serviceAccountJson;
    if (!raw || !raw.trim()) throw new LogSourceError('invalid_config', 'GCP Logging needs `serviceAccountJson`: the JSON key file of a service account.');
    let key: Partial<ServiceAccountKey>;
    try {
      key = JSON.parse(raw) as Partial<ServiceAccountKey>;
    } catch {
      throw new LogSourceError(
        'invalid_config',
        '`serviceAccountJson` is not valid JSON: paste the whole key file downloaded from IAM → Service accounts → Keys.',
      );
    }
    if (key.type && key.type !== 'service_account') {
      throw new LogSourceError(
        'invalid_config',
        `\`serviceAccountJson\` is a "${key.type}" credential; a service-account key (type "service_account") is needed.`,
      );
    }
    if (!key.client_email || !key.private_key || !key.project_id) {
      throw new LogSourceError(
        'invalid_config',
        '`serviceAccountJson` lacks client_email, private_key or project_id: paste the whole service-account key file.',
      );
    }
    return {
      key: key as ServiceAccountKey,
      apiEndpoint: httpUrl(config.settings?.apiEndpoint, DEFAULT_API, 'apiEndpoint').replace(/\/+$/, ''),
      tokenUri: httpUrl(config.settings?.tokenUri, GOOGLE_TOKEN_URL, 'tokenUri'),
    };
  }
}

export const gcpLoggingConnector: ConnectorFactory = (ctx) => new GcpLoggingConnector(ctx);

/** `timestamp>="…" AND timestamp<="…" AND ((src1) OR (src2))`; a bare log name becomes `logName="projects/<p>/logs/<name>"`. */
export function buildGcpFilter(start: Date, end: Date, sources: string[], projectId: string): string {
  const time = `timestamp>="${start.toISOString()}" AND timestamp<="${end.toISOString()}"`;
  if (sources.length === 0) return time;
  const parts = sources.map((src) => `(${sourceToFilter(src, projectId)})`);
  return `${time} AND (${parts.join(' OR ')})`;
}

function sourceToFilter(src: string, projectId: string): string {
  const s = src.trim();
  if (/^projects\/[^/\s]+\/logs\/[^\s"]+$/.test(s)) return `logName="${s}"`;
  // A bare log id (no spaces, quotes or operators): `stdout`, `run.googleapis.com%2Fstdout`, `cloudaudit.googleapis.com/activity`.
  if (/^[A-Za-z0-9._%/-]+$/.test(s) && !/[=<>:]/.test(s)) {
    const id = s.includes('%') ? s : encodeURIComponent(s);
    return `logName="projects/${projectId}/logs/${id}"`;
  }
  return s;
}

/** Cloud Logging entry → LogEntry: severity → level, resource labels / log name → service, text or JSON payload → message. */
export function gcpEntryToLogEntry(e: GcpLogEntry): LogEntry {
  const json = e.jsonPayload;
  let message = '';
  if (typeof e.textPayload === 'string') message = e.textPayload;
  else if (json) {
    const m = json.message ?? json.msg;
    message = typeof m === 'string' ? m : JSON.stringify(json);
  } else if (e.protoPayload) message = JSON.stringify(e.protoPayload);
  const severity = e.severity && e.severity !== 'DEFAULT' ? e.severity : undefined;
  const jsonLevel = json ? (json.level ?? json.severity) : undefined;
  const level = severity ? normaliseLevel(severity) : jsonLevel !== undefined ? normaliseLevel(jsonLevel) : (levelFromText(message) ?? 'info');
  const labelService = firstPath(e, SERVICE_LABELS);
  const service =
    (typeof labelService === 'string' && labelService) ||
    (typeof json?.service === 'string' && json.service) ||
    (e.logName ? shortLogName(e.logName) : '') ||
    e.resource?.type ||
    'gcp';
  return {
    timestamp: toIsoTimestamp(e.timestamp ?? e.receiveTimestamp) ?? new Date(0).toISOString(),
    level,
    service,
    message,
    raw: JSON.stringify(e),
    metadata: {
      ...(e.logName ? { logName: e.logName } : {}),
      ...(e.resource ? { resource: e.resource } : {}),
      ...(e.labels ? { labels: e.labels } : {}),
      ...(e.insertId ? { insertId: e.insertId } : {}),
      ...(e.trace ? { trace: e.trace } : {}),
      ...(e.severity ? { severity: e.severity } : {}),
    },
  };
}

/** `projects/p/logs/run.googleapis.com%2Fstdout` → `run.googleapis.com/stdout`. */
function shortLogName(logName: string): string {
  const id = logName.replace(/^.*?\/logs\//, '');
  try {
    return decodeURIComponent(id);
  } catch {
    return id;
  }
}

function httpUrl(v: unknown, fallback: string, field: string): string {
  if (typeof v !== 'string' || !v.trim()) return fallback;
  try {
    const u = new URL(v.trim());
    if (u.protocol === 'https:' || u.protocol === 'http:') return u.toString();
  } catch {
    /* fall through */
  }
  throw new LogSourceError('invalid_config', `GCP Logging ${field} "${redactUrl(String(v))}" is not an http(s) URL.`);
}

/** A LogSourceError (host guard, network) wrapped by gaxios's GaxiosError, if any. */
function codedCause(e: unknown): LogSourceError | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 5 && cur; i++) {
    if (cur instanceof LogSourceError) return cur;
    cur = (cur as { cause?: unknown; error?: unknown }).cause ?? (cur as { error?: unknown }).error;
  }
  return undefined;
}

function tokenError(e: unknown, tokenUri: string): LogSourceError {
  const err = e as { status?: number; response?: { status?: number; data?: { error?: string; error_description?: string } }; code?: string; message?: string };
  const status = err.status ?? err.response?.status;
  const oauth = err.response?.data?.error;
  if (status === 400 || status === 401) {
    return new LogSourceError(
      'unauthorized',
      `Google rejected the service-account key (${oauth ?? `HTTP ${status}`}): paste a current JSON key; check the key was not deleted and the service account is enabled.`,
    );
  }
  if (status === 403) return new LogSourceError('forbidden', `Google refused a token for the service account (403): ${HINTS.forbidden}.`);
  if (status === 404) return new LogSourceError('not_found', `Token endpoint ${redactUrl(tokenUri)} answered 404 Not Found: check the tokenUri override.`);
  if (status === 429) return new LogSourceError('rate_limited', 'Google is rate limiting token requests (429): retry later.');
  if (status && status >= 300 && status < 400) {
    return new LogSourceError(
      'upstream_error',
      `The token endpoint ${redactUrl(tokenUri)} redirected (HTTP ${status}): redirects are not followed; check the tokenUri override.`,
    );
  }
  if (status && status >= 500) return new LogSourceError('upstream_error', `Google's token endpoint failed (HTTP ${status}): retry later.`);
  const code = err.code ?? (e as { cause?: { code?: string } }).cause?.code;
  return new LogSourceError('unreachable', `Cannot reach the Google token endpoint ${redactUrl(tokenUri)} (${code ?? err.message ?? 'network error'}).`);
}
