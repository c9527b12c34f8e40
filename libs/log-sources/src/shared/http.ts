import { HttpService } from '@nestjs/axios';
import axios, { AxiosError, type AxiosRequestConfig, type AxiosResponse } from 'axios';
import { firstValueFrom } from 'rxjs';
import { LogSourceError, type WaitBudget } from '../connector';
import { assertHostAllowed, guardedAgents, redactUrl, type HostGuardContext } from './host-guard';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD';

/** The guard context plus the Nest HTTP client the connectors share (tests and the bench may leave it out). */
export type HttpContext = HostGuardContext & { http?: HttpService };

export interface HttpRequestOptions {
  method: HttpMethod;
  url: string;
  headers?: Record<string, string | undefined>;
  /** Query-string parameters; arrays repeat the key; undefined values are dropped. */
  params?: Record<string, string | number | boolean | undefined | Array<string | number>>;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as application/x-www-form-urlencoded (splunkd's write endpoints, OAuth token requests). */
  form?: Record<string, string | number> | URLSearchParams;
  /** Caller abort (e.g. the analysis deadline); reported as a timeout. */
  signal?: AbortSignal;
  /** Budget for this call, retries included. */
  timeoutMs: number;
  /** Optional absolute deadline (epoch ms) shared by several calls (a whole paged query); the earlier one wins. */
  deadline?: number;
  /**
   * Time that may still be spent waiting on a platform's rate limit (the analysis's wait budget): each backoff takes
   * its wait off it, and a rate-limit answer asking for more fails the call with `rate_limited` instead.
   */
  waitBudget?: WaitBudget;
  ctx: HttpContext;
  /** Platform name shown in messages ("Loki", "Datadog"). */
  platform?: string;
  /** Platform-specific fix text appended to the 403 / 404 messages. */
  hints?: { forbidden?: string; notFound?: string };
  /** Total attempts for rate-limit and 502 / 503 / 504 answers (default 4). */
  maxTries?: number;
  /** Statuses that mean "slow down" on this platform besides 429 (Splunk: 503 when its search quota is full). */
  rateLimitStatuses?: number[];
  /** Largest answer accepted, in bytes (default 64 MB); a bigger one fails with a clear message. */
  maxBodyBytes?: number;
  /** Extract the platform's error text from a failed answer (default: common JSON error shapes). */
  errorText?: (data: unknown) => string;
}

/** Kept for the connectors' signatures: a JSON request is a request. */
export type HttpJsonOptions = HttpRequestOptions;

export interface HttpJsonResponse<T> {
  status: number;
  data: T;
  headers: Record<string, string>;
}

export interface RawHttpResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

const RETRYABLE = new Set([429, 502, 503, 504]);
export const MAX_BODY_BYTES = 64 * 1024 * 1024;

let fallbackHttp: HttpService | undefined;
/** The HttpService for a context: the injected one, else one over a private axios instance (tests, bench, CLI). */
function httpOf(ctx: HttpContext): HttpService {
  if (ctx.http) return ctx.http;
  // @nestjs/axios is typed against axios's ESM typings, this file against its CommonJS ones: the same instance.
  fallbackHttp ??= new HttpService(axios.create() as unknown as ConstructorParameters<typeof HttpService>[0]);
  return fallbackHttp;
}

/** Wait before retrying: Retry-After (seconds or HTTP date), then X-RateLimit-Reset (seconds, or epoch seconds). */
export function retryDelayMs(headers: Record<string, string>, attempt: number, now = Date.now()): number {
  const retryAfter = headers['retry-after'];
  if (retryAfter) {
    const secs = Number(retryAfter);
    if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const reset = headers['x-ratelimit-reset'];
  if (reset && Number.isFinite(Number(reset))) {
    const n = Number(reset);
    return Math.max(0, n > 1e9 ? n * 1000 - now : n * 1000);
  }
  return backoffMs(attempt);
}

function backoffMs(attempt: number): number {
  return Math.round(200 * 2 ** attempt * (0.75 + Math.random() * 0.5));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function buildUrl(url: string, params: HttpRequestOptions['params']): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params ?? {})) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const item of v) u.searchParams.append(k, String(item));
    else u.searchParams.append(k, String(v));
  }
  return u.toString();
}

function lowerHeaders(h: AxiosResponse['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) {
    if (v === undefined || v === null) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
  }
  return out;
}

/** Remove every secret header value (and user-info in URLs) from a message. */
function scrub(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('[redacted]');
  return out.replace(/\/\/[^\s/@]+@/g, '//');
}

function secretValues(headers: Record<string, string | undefined>): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(headers)) {
    if (!v || /^(content-type|accept|user-agent|x-scope-orgid)$/i.test(k)) continue;
    out.push(v);
    const parts = v.split(' ');
    if (parts.length > 1) {
      out.push(parts.slice(1).join(' '));
      // Basic credentials: hide the decoded user:password too.
      if (/^basic$/i.test(parts[0])) {
        try {
          const decoded = Buffer.from(parts[1], 'base64').toString('utf8');
          out.push(decoded, ...decoded.split(':'));
        } catch {
          /* not base64 */
        }
      }
    }
  }
  return out.sort((a, b) => b.length - a.length);
}

/** A short, single-line excerpt of the platform's error body (JSON error fields preferred). */
export function errorDetail(data: unknown): string {
  let text = typeof data === 'string' ? data : JSON.stringify(data ?? '');
  try {
    const parsed = typeof data === 'string' ? JSON.parse(data) : data;
    if (parsed && typeof parsed === 'object') {
      const p = parsed as Record<string, unknown>;
      const err = p.error as Record<string, unknown> | string | undefined;
      const rootCause = typeof err === 'object' && err ? (err.root_cause as Array<{ reason?: string }> | undefined)?.[0]?.reason : undefined;
      const candidate =
        (typeof err === 'object' && err ? ((err.reason as string) ?? rootCause) : err) ??
        (Array.isArray(p.errors)
          ? p.errors.map((e) => (typeof e === 'string' ? e : ((e as { detail?: string; title?: string }).detail ?? (e as { title?: string }).title))).join('; ')
          : undefined) ??
        (p.message as string | undefined);
      if (typeof candidate === 'string' && candidate) text = candidate;
    }
  } catch {
    /* plain text body */
  }
  text = text.replace(/\s+/g, ' ').trim();
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

function statusError(status: number, data: unknown, o: HttpRequestOptions, secrets: string[]): LogSourceError {
  const who = o.platform ?? 'The log platform';
  const where = redactUrl(o.url);
  const detail = scrub((o.errorText ?? errorDetail)(data), secrets);
  const tail = detail ? ` Platform said: ${detail}` : '';
  if (status === 429 || (o.rateLimitStatuses ?? []).includes(status)) {
    return new LogSourceError('rate_limited', `${who} is rate limiting requests (HTTP ${status}): retry later or lower the query volume.${tail}`);
  }
  switch (status) {
    case 401:
      return new LogSourceError(
        'unauthorized',
        `Credentials were rejected (401 Unauthorized): re-paste the key${o.platform ? ` for ${o.platform}` : ''}; check it is still active and was not revoked.`,
      );
    case 403:
      return new LogSourceError(
        'forbidden',
        `${who} answered 403 Forbidden — valid credentials but missing permission: grant the read scopes the connector needs${o.hints?.forbidden ? ` (${o.hints.forbidden})` : ''}.${tail}`,
      );
    case 404:
      return new LogSourceError(
        'not_found',
        `${who} answered 404 Not Found at ${where} — wrong host or region: ${o.hints?.notFound ?? 'check the platform URL'}.${tail}`,
      );
    default:
      if (status >= 300 && status < 400) {
        return new LogSourceError(
          'upstream_error',
          `${who} redirected ${where} (HTTP ${status}): redirects are not followed; enter the final URL as the host.`,
        );
      }
      if (status >= 400 && status < 500) {
        return new LogSourceError('bad_request', `${who} refused the query (HTTP ${status}): check the sources entries.${tail}`);
      }
      return new LogSourceError('upstream_error', `${who} failed (HTTP ${status}): the platform had an error; retry later.${tail}`);
  }
}

function timeoutError(o: HttpRequestOptions): LogSourceError {
  return new LogSourceError(
    'timeout',
    `${o.platform ?? 'The log platform'} did not answer within ${o.timeoutMs} ms — source unreachable: for a self-hosted source allow SigSentry's outbound IPs and check the host and port.`,
  );
}

function findLogSourceError(e: unknown): LogSourceError | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 5 && cur; i++) {
    if (cur instanceof LogSourceError) return cur;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

function networkError(e: unknown, o: HttpRequestOptions, maxBody: number): LogSourceError {
  const guard = findLogSourceError(e);
  if (guard) return guard;
  const code = (e as AxiosError).code ?? ((e as { cause?: NodeJS.ErrnoException }).cause?.code as string | undefined);
  const host = (() => {
    try {
      return new URL(o.url).host;
    } catch {
      return 'the host';
    }
  })();
  const who = o.platform ?? 'The log platform';
  if (/maxContentLength/i.test((e as Error).message ?? '')) {
    return new LogSourceError(
      'upstream_error',
      `${who} answered with more than ${Math.round(maxBody / 1024)} KB for one request (the limit per answer): narrow the sources or the page size.`,
    );
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new LogSourceError('unreachable', `Cannot resolve ${host} (${code}): check the ${who} URL.`);
  }
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EPIPE') {
    return new LogSourceError(
      'unreachable',
      `Cannot connect to ${host} (${code}) — source unreachable: check the host and port; a self-hosted source must allow SigSentry's outbound IPs.`,
    );
  }
  if (code === 'ETIMEDOUT' || code === 'ECONNABORTED') return timeoutError(o);
  return new LogSourceError('unreachable', `Cannot reach ${who} at ${host} (${code ?? (e as Error).message ?? 'network error'}).`);
}

function parseBody(text: string, contentType: string | undefined): unknown {
  const t = text.trim();
  if (!t) return null;
  if ((contentType ?? '').includes('json') || t.startsWith('{') || t.startsWith('[')) {
    try {
      return JSON.parse(t);
    } catch {
      return text;
    }
  }
  return text;
}

function requestBody(o: HttpRequestOptions, headers: Record<string, string>): string | undefined {
  if (o.form !== undefined) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    const form = o.form instanceof URLSearchParams ? o.form : new URLSearchParams(Object.entries(o.form).map(([k, v]): [string, string] => [k, String(v)]));
    return form.toString();
  }
  if (o.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    return JSON.stringify(o.body);
  }
  return undefined;
}

/**
 * One attempt through the Nest HttpService: the host checked by name first, every connection (redirects are never
 * followed) through the guarded agents, the answer capped at `maxBodyBytes`. Network and guard failures become
 * LogSourceErrors; any HTTP status is returned as is.
 */
async function attempt(
  o: HttpRequestOptions,
  url: string,
  headers: Record<string, string>,
  data: string | undefined,
  signal: AbortSignal,
): Promise<RawHttpResponse> {
  const maxBody = o.maxBodyBytes ?? MAX_BODY_BYTES;
  const { httpAgent, httpsAgent } = guardedAgents(o.ctx);
  const config: AxiosRequestConfig<string> = {
    method: o.method,
    url,
    headers,
    data,
    signal,
    responseType: 'text',
    transformResponse: [(d: string) => d],
    validateStatus: () => true,
    maxRedirects: 0,
    proxy: false,
    maxContentLength: maxBody,
    maxBodyLength: maxBody,
    httpAgent,
    httpsAgent,
  };
  let res: AxiosResponse<string>;
  try {
    res = await firstValueFrom(httpOf(o.ctx).request<string>(config));
  } catch (e) {
    if (signal.aborted || axios.isCancel(e)) throw timeoutError(o);
    throw networkError(e, o, maxBody);
  }
  return { status: res.status, headers: lowerHeaders(res.headers), text: typeof res.data === 'string' ? res.data : '' };
}

/** The request's own deadline signal (timeoutMs / deadline, and the caller's signal). */
function deadlineSignal(o: HttpRequestOptions): { signal: AbortSignal; deadline: number; done: () => void } {
  const started = Date.now();
  const deadline = Math.min(started + o.timeoutMs, o.deadline ?? Number.POSITIVE_INFINITY);
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(new Error('deadline')), Math.max(0, deadline - started));
  const signal = o.signal ? AbortSignal.any([o.signal, ctl.signal]) : ctl.signal;
  return { signal, deadline, done: () => clearTimeout(timer) };
}

/** One request, one attempt, no status mapping (OAuth token exchange inside an SDK transport). */
export async function httpRaw(o: HttpRequestOptions): Promise<RawHttpResponse> {
  await assertHostAllowed(o.url, o.ctx);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(o.headers ?? {})) if (v !== undefined) headers[k] = v;
  const data = requestBody(o, headers);
  const d = deadlineSignal(o);
  try {
    return await attempt(o, buildUrl(o.url, o.params), headers, data, d.signal);
  } finally {
    d.done();
  }
}

/**
 * One JSON request to a log platform: the host guard on every connection, redirects refused, answers capped in size,
 * rate-limit answers (429, the platform's own like Splunk's 503) and 502/503/504 retried with backoff honouring
 * Retry-After / X-RateLimit-Reset within the deadline and the wait budget, and every failure turned into a
 * LogSourceError whose message is user-facing and free of credentials.
 */
export async function httpJson<T = unknown>(o: HttpRequestOptions): Promise<HttpJsonResponse<T>> {
  await assertHostAllowed(o.url, o.ctx);
  const headers: Record<string, string> = { Accept: 'application/json' };
  for (const [k, v] of Object.entries(o.headers ?? {})) if (v !== undefined) headers[k] = v;
  const data = requestBody(o, headers);
  const secrets = secretValues(headers);
  const url = buildUrl(o.url, o.params);
  const maxTries = o.maxTries ?? 4;
  const rateLimits = new Set([429, ...(o.rateLimitStatuses ?? [])]);
  const d = deadlineSignal(o);
  try {
    for (let n = 0; ; n++) {
      if (d.signal.aborted) throw timeoutError(o);
      const res = await attempt(o, url, headers, data, d.signal);
      const body = parseBody(res.text, res.headers['content-type']);
      if (res.status >= 200 && res.status < 300) return { status: res.status, data: body as T, headers: res.headers };
      if (RETRYABLE.has(res.status) || rateLimits.has(res.status)) {
        const limited = rateLimits.has(res.status);
        const wait = limited || res.headers['retry-after'] ? retryDelayMs(res.headers, n) : backoffMs(n);
        const end = Date.now() + wait;
        const allowed = n + 1 < maxTries && end < d.deadline && (!limited || o.waitBudget === undefined || wait <= o.waitBudget.remainingMs);
        if (allowed) {
          if (limited && o.waitBudget) o.waitBudget.remainingMs -= wait;
          try {
            await sleep(wait, d.signal);
          } catch {
            throw timeoutError(o);
          }
          continue;
        }
      }
      throw statusError(res.status, body, o, secrets);
    }
  } finally {
    d.done();
  }
}
