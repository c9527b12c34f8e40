import axios, { AxiosError, type AxiosResponse } from 'axios';
import { LogSourceError } from '../connector';
import { assertHostAllowed, guardedLookup, redactUrl, type HostGuardContext } from './host-guard';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD';

export interface HttpJsonOptions {
  method: HttpMethod;
  url: string;
  headers?: Record<string, string | undefined>;
  /** Query-string parameters; arrays repeat the key; undefined values are dropped. */
  params?: Record<string, string | number | boolean | undefined | Array<string | number>>;
  /** Sent as JSON. */
  body?: unknown;
  /** Caller abort (e.g. the analysis deadline); reported as a timeout. */
  signal?: AbortSignal;
  /** Budget for this call, retries included. */
  timeoutMs: number;
  /** Optional absolute deadline (epoch ms) shared by several calls (a whole paged query); the earlier one wins. */
  deadline?: number;
  ctx: HostGuardContext;
  /** Platform name shown in messages ("Loki", "Datadog"). */
  platform?: string;
  /** Platform-specific fix text appended to the 403 / 404 messages. */
  hints?: { forbidden?: string; notFound?: string };
  /** Total attempts for 429 / 502 / 503 / 504 (default 3). */
  maxTries?: number;
}

export interface HttpJsonResponse<T> {
  status: number;
  data: T;
  headers: Record<string, string>;
}

const RETRYABLE = new Set([429, 502, 503, 504]);
const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** Wait before retrying a 429: Retry-After (seconds or HTTP date), then X-RateLimit-Reset (seconds, or epoch seconds). */
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

function buildUrl(url: string, params: HttpJsonOptions['params']): string {
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

function statusError(status: number, data: unknown, o: HttpJsonOptions, secrets: string[]): LogSourceError {
  const who = o.platform ?? 'The log platform';
  const where = redactUrl(o.url);
  const detail = scrub(errorDetail(data), secrets);
  const tail = detail ? ` Platform said: ${detail}` : '';
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
    case 429:
      return new LogSourceError('rate_limited', `${who} is rate limiting requests (429 Too Many Requests): retry later or lower the query volume.${tail}`);
    default:
      if (status >= 300 && status < 400) {
        return new LogSourceError('upstream_error', `${who} redirected ${where} (HTTP ${status}): enter the final URL as the host.`);
      }
      if (status >= 400 && status < 500) {
        return new LogSourceError('bad_request', `${who} refused the query (HTTP ${status}): check the sources entries.${tail}`);
      }
      return new LogSourceError('upstream_error', `${who} failed (HTTP ${status}): the platform had an error; retry later.${tail}`);
  }
}

function timeoutError(o: HttpJsonOptions): LogSourceError {
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

function networkError(e: unknown, o: HttpJsonOptions): LogSourceError {
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

function parseBody(text: unknown, contentType: string | undefined): unknown {
  if (typeof text !== 'string') return text;
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

/**
 * One JSON request to a log platform: checks the host against the block list (again at connect time), retries 429 and
 * 502/503/504 within the deadline, and turns every failure into a LogSourceError whose message is user-facing and free of
 * credentials.
 */
export async function httpJson<T = unknown>(o: HttpJsonOptions): Promise<HttpJsonResponse<T>> {
  await assertHostAllowed(o.url, o.ctx);
  const started = Date.now();
  const deadline = Math.min(started + o.timeoutMs, o.deadline ?? Number.POSITIVE_INFINITY);
  const timeoutCtl = new AbortController();
  const timer = setTimeout(() => timeoutCtl.abort(new Error('deadline')), Math.max(0, deadline - started));
  const signal = o.signal ? AbortSignal.any([o.signal, timeoutCtl.signal]) : timeoutCtl.signal;
  const headers: Record<string, string> = { Accept: 'application/json' };
  for (const [k, v] of Object.entries(o.headers ?? {})) if (v !== undefined) headers[k] = v;
  if (o.body !== undefined) headers['Content-Type'] = 'application/json';
  const secrets = secretValues(headers);
  const url = buildUrl(o.url, o.params);
  const maxTries = o.maxTries ?? 3;
  try {
    for (let attempt = 0; ; attempt++) {
      if (signal.aborted) throw timeoutError(o);
      let res: AxiosResponse<string>;
      try {
        res = await axios.request<string>({
          method: o.method,
          url,
          headers,
          data: o.body === undefined ? undefined : JSON.stringify(o.body),
          signal,
          responseType: 'text',
          transformResponse: [(d: string) => d],
          validateStatus: () => true,
          maxRedirects: 0,
          proxy: false,
          maxContentLength: MAX_BODY_BYTES,
          lookup: guardedLookup(o.ctx),
        });
      } catch (e) {
        if (signal.aborted || axios.isCancel(e)) throw timeoutError(o);
        throw networkError(e, o);
      }
      const resHeaders = lowerHeaders(res.headers);
      const data = parseBody(res.data, resHeaders['content-type']);
      if (res.status >= 200 && res.status < 300) return { status: res.status, data: data as T, headers: resHeaders };
      if (RETRYABLE.has(res.status) && attempt + 1 < maxTries) {
        const wait = res.status === 429 ? retryDelayMs(resHeaders, attempt) : backoffMs(attempt);
        if (Date.now() + wait < deadline) {
          try {
            await sleep(wait, signal);
          } catch {
            throw timeoutError(o);
          }
          continue;
        }
      }
      throw statusError(res.status, data, o, secrets);
    }
  } finally {
    clearTimeout(timer);
  }
}
