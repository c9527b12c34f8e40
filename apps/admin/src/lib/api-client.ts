/**
 * The one API client. Every request goes through `api.*`: same-origin cookie session, JSON bodies,
 * the `/v1` envelope unwrapped, failures thrown as ApiError with the server's code and message.
 */
import type { ApiErrorBody, FieldError } from '@app/contracts';

import type { paths } from './api-schema.gen';

export type { FieldError, Paginated } from '@app/contracts';

/** A route template of the served OpenAPI document with its `{param}`s filled: `/v1/analyses/{id}` → `/v1/analyses/${string}`. */
type Filled<P extends string> = P extends `${infer A}{${string}}${infer B}` ? `${A}${string}${Filled<B>}` : P;
type Method = 'get' | 'post' | 'put' | 'delete';
/** The paths that answer `method` (generated from the app's /docs-json by `npm run openapi`): calling a route the server does not have fails the type check. */
export type ApiPath<M extends Method> = { [P in keyof paths]: paths[P][M] extends undefined ? never : Filled<P & string> }[keyof paths];

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: FieldError[];
  readonly requestId?: string;
  /** For endpoints that answer `{success:false, data, error}` (log-source test). */
  readonly data?: unknown;

  constructor(status: number, code: string, message: string, opts: { fields?: FieldError[]; requestId?: string; data?: unknown } = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = opts.fields ?? [];
    this.requestId = opts.requestId;
    this.data = opts.data;
  }

  /** Server message for one field (`details.fields`), if any. */
  fieldMessage(field: string): string | undefined {
    return this.fields.find((f) => f.field === field || f.field.endsWith(`.${field}`))?.message;
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  body?: unknown;
  projectId?: string;
  query?: Record<string, string | number | undefined | null>;
  signal?: AbortSignal;
  /** Sent as Idempotency-Key: the server answers a repeat of this create with the first answer instead of acting twice. */
  idempotencyKey?: string;
}

type Fetch = typeof fetch;

/** Listeners told about a 401 on an authenticated call (session expired / logged out elsewhere). */
const unauthorizedListeners = new Set<(err: ApiError) => void>();
export function onUnauthorized(fn: (err: ApiError) => void): () => void {
  unauthorizedListeners.add(fn);
  return () => unauthorizedListeners.delete(fn);
}

export function buildUrl(path: string, query?: RequestOptions['query']): string {
  if (!query) return path;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  }
  const s = qs.toString();
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path;
}

/** Turns a parsed response into data or an ApiError. Pure: unit-tested. */
export function unwrapEnvelope<T>(status: number, body: unknown, requestId?: string): T {
  if (body && typeof body === 'object' && 'success' in body) {
    const env = body as { success: boolean; data?: T; error?: Partial<ApiErrorBody> };
    if (env.success === true && status < 400) return env.data as T;
    const e = env.error ?? {};
    return throwError(status, e.code ?? codeForStatus(status), e.message ?? `Request failed (${status})`, {
      fields: Array.isArray(e.details?.fields) ? e.details!.fields : [],
      requestId: e.details?.requestId ?? requestId,
      data: env.data,
    });
  }
  if (status >= 400 || body === undefined) {
    return throwError(
      status,
      codeForStatus(status),
      status === 0 ? 'Network error: the server could not be reached' : `Unexpected response from the server (HTTP ${status})`,
      { requestId },
    );
  }
  return throwError(status, 'BAD_RESPONSE', 'The server answered without the expected envelope', { requestId });
}

function throwError(status: number, code: string, message: string, opts: ConstructorParameters<typeof ApiError>[3]): never {
  throw new ApiError(status, code, message, opts);
}

function codeForStatus(status: number): string {
  if (status === 0) return 'NETWORK_ERROR';
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 429) return 'RATE_LIMITED';
  if (status >= 500) return 'INTERNAL_ERROR';
  return 'HTTP_ERROR';
}

export function createApiClient(fetchImpl: Fetch = (...a) => fetch(...a)) {
  async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
    const method = opts.method ?? 'GET';
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (opts.projectId) headers['X-Project-Id'] = opts.projectId;
    if (opts.idempotencyKey) headers['Idempotency-Key'] = opts.idempotencyKey;
    let body: string | undefined;
    // Every write, DELETE included, is JSON: the server refuses cookie-authenticated writes without it (CSRF rule).
    if (opts.body !== undefined || method !== 'GET') {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(opts.body ?? {});
    }
    let res: Response;
    try {
      res = await fetchImpl(buildUrl(path, opts.query), { method, headers, body, credentials: 'same-origin', signal: opts.signal });
    } catch (err) {
      if ((err as Error)?.name === 'AbortError') throw err;
      throw new ApiError(0, 'NETWORK_ERROR', 'Network error: the server could not be reached');
    }
    const requestId = res.headers.get('X-Request-Id') ?? undefined;
    let parsed: unknown;
    const text = await res.text();
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
    }
    try {
      return unwrapEnvelope<T>(res.status, parsed, requestId);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401 && !path.startsWith('/v1/auth/')) {
        unauthorizedListeners.forEach((fn) => fn(err));
      }
      throw err;
    }
  }

  return {
    request,
    get: <T>(path: ApiPath<'get'>, opts?: Omit<RequestOptions, 'method' | 'body'>) => request<T>(path, { ...opts, method: 'GET' }),
    post: <T>(path: ApiPath<'post'>, body?: unknown, opts?: Omit<RequestOptions, 'method' | 'body'>) => request<T>(path, { ...opts, method: 'POST', body }),
    put: <T>(path: ApiPath<'put'>, body?: unknown, opts?: Omit<RequestOptions, 'method' | 'body'>) => request<T>(path, { ...opts, method: 'PUT', body }),
    del: <T>(path: ApiPath<'delete'>, body?: unknown, opts?: Omit<RequestOptions, 'method' | 'body'>) => request<T>(path, { ...opts, method: 'DELETE', body }),
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;
export const api: ApiClient = createApiClient();

/** Human text for any thrown thing. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return 'Something went wrong';
}
