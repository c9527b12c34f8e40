import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, buildUrl, createApiClient, onUnauthorized, unwrapEnvelope, type ApiPath } from './api-client';

function fakeFetch(status: number, body: unknown, headers: Record<string, string> = {}) {
  const calls: { url: string; init: RequestInit }[] = [];
  const impl = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body), { status, headers });
  }) as unknown as typeof fetch;
  return { impl, calls };
}

describe('unwrapEnvelope', () => {
  it('returns data of a success envelope', () => {
    expect(unwrapEnvelope(200, { success: true, data: { a: 1 } })).toEqual({ a: 1 });
  });

  it('throws the server code, message and field errors', () => {
    try {
      unwrapEnvelope(400, {
        success: false,
        error: { code: 'VALIDATION_ERROR', message: 'slug is taken', details: { fields: [{ field: 'slug', message: 'already used' }] } },
      });
      expect.unreachable();
    } catch (e) {
      const err = e as ApiError;
      expect(err).toBeInstanceOf(ApiError);
      expect(err.status).toBe(400);
      expect(err.code).toBe('VALIDATION_ERROR');
      expect(err.message).toBe('slug is taken');
      expect(err.fieldMessage('slug')).toBe('already used');
      expect(err.fieldMessage('name')).toBeUndefined();
    }
  });

  it('keeps data of a 200 failure envelope (log-source test shape)', () => {
    try {
      unwrapEnvelope(200, {
        success: false,
        data: { connected: false, message: 'refused' },
        error: { code: 'LOG_SOURCE_CONNECTION_FAILED', message: 'refused' },
      });
      expect.unreachable();
    } catch (e) {
      expect((e as ApiError).data).toEqual({ connected: false, message: 'refused' });
      expect((e as ApiError).code).toBe('LOG_SOURCE_CONNECTION_FAILED');
    }
  });

  it('maps a non-envelope 502 to a coded error with the request id', () => {
    expect(() => unwrapEnvelope(502, undefined, 'req-1')).toThrowError(/HTTP 502/);
    try {
      unwrapEnvelope(502, undefined, 'req-1');
    } catch (e) {
      expect((e as ApiError).code).toBe('INTERNAL_ERROR');
      expect((e as ApiError).requestId).toBe('req-1');
    }
  });

  it('takes the request id of a 500 from details', () => {
    try {
      unwrapEnvelope(500, { success: false, error: { code: 'INTERNAL_ERROR', message: 'Internal error', details: { requestId: 'abc' } } });
    } catch (e) {
      expect((e as ApiError).requestId).toBe('abc');
    }
  });
});

describe('buildUrl', () => {
  it('drops empty values and encodes the rest', () => {
    expect(buildUrl('/v1/analyses', { page: 2, status: '', severity: undefined, q: 'a b' })).toBe('/v1/analyses?page=2&q=a+b');
    expect(buildUrl('/v1/x')).toBe('/v1/x');
  });
});

describe('createApiClient', () => {
  afterEach(() => vi.restoreAllMocks());

  it('sends the cookie, JSON content type and project header on writes', async () => {
    const f = fakeFetch(201, { success: true, data: { id: 'p1' } });
    const client = createApiClient(f.impl);
    const out = await client.post<{ id: string }>('/v1/config/log-sources', { name: 'x' }, { projectId: 'proj-uuid' });
    expect(out.id).toBe('p1');
    const init = f.calls[0].init;
    const headers = init.headers as Record<string, string>;
    expect(init.credentials).toBe('same-origin');
    expect(init.method).toBe('POST');
    expect(headers['Content-Type']).toBe('application/json');
    expect(headers['X-Project-Id']).toBe('proj-uuid');
    expect(JSON.parse(init.body as string)).toEqual({ name: 'x' });
  });

  it('sends Idempotency-Key when given, and none otherwise', async () => {
    const f = fakeFetch(202, { success: true, data: { id: 'u1' } });
    const client = createApiClient(f.impl);
    await client.post('/v1/incidents/i1/updates', { message: 'x' }, { projectId: 'p', idempotencyKey: 'k-1' });
    await client.post('/v1/incidents/i1/updates', { message: 'x' }, { projectId: 'p' });
    expect((f.calls[0].init.headers as Record<string, string>)['Idempotency-Key']).toBe('k-1');
    expect((f.calls[1].init.headers as Record<string, string>)['Idempotency-Key']).toBeUndefined();
  });

  it('sends no body nor content type on GET', async () => {
    const f = fakeFetch(200, { success: true, data: [] });
    await createApiClient(f.impl).get('/v1/config/projects', { query: { page: 1 } });
    expect(f.calls[0].url).toBe('/v1/config/projects?page=1');
    expect(f.calls[0].init.body).toBeUndefined();
    expect((f.calls[0].init.headers as Record<string, string>)['Content-Type']).toBeUndefined();
  });

  it('sends DELETE as JSON even without a body (the CSRF rule refuses cookie writes without a JSON content type)', async () => {
    const f = fakeFetch(200, { success: true, data: {} });
    await createApiClient(f.impl).del('/v1/team/members/1');
    expect((f.calls[0].init.headers as Record<string, string>)['Content-Type']).toBe('application/json');
    expect(f.calls[0].init.body).toBe('{}');
  });

  it('sends a JSON body on DELETE when given (project delete confirmation)', async () => {
    const f = fakeFetch(200, { success: true, data: {} });
    await createApiClient(f.impl).del('/v1/config/projects/1', { confirm: 'shop' });
    expect(JSON.parse(f.calls[0].init.body as string)).toEqual({ confirm: 'shop' });
  });

  it('tells listeners about a 401 outside /v1/auth, not for the login call', async () => {
    const seen: string[] = [];
    const off = onUnauthorized((e) => seen.push(e.code));
    const unauth = { success: false, error: { code: 'UNAUTHORIZED', message: 'Session expired' } };
    await expect(createApiClient(fakeFetch(401, unauth).impl).get('/v1/config/projects')).rejects.toMatchObject({ status: 401, message: 'Session expired' });
    await expect(createApiClient(fakeFetch(401, unauth).impl).post('/v1/auth/login', {})).rejects.toMatchObject({ status: 401 });
    off();
    expect(seen).toEqual(['UNAUTHORIZED']);
  });

  it('turns a network failure into NETWORK_ERROR', async () => {
    const failing = (async () => {
      throw new TypeError('fetch failed');
    }) as unknown as typeof fetch;
    await expect(createApiClient(failing).get('/v1/auth/me')).rejects.toMatchObject({ code: 'NETWORK_ERROR', status: 0 });
  });

  it('reports an HTML error page as an HTTP error, not a JSON crash', async () => {
    const f = fakeFetch(404, '<html>Not found</html>', { 'X-Request-Id': 'r9' });
    await expect(createApiClient(f.impl).request('/v1/nope')).rejects.toMatchObject({ code: 'NOT_FOUND', requestId: 'r9' });
  });
});

describe('routes are typed by the served OpenAPI document', () => {
  it('refuses, at type-check time, a route the server does not have', () => {
    const client = createApiClient(fakeFetch(200, '{"success":true,"data":null}').impl);
    const typed = (path: ApiPath<'get'>) => path;
    expect(typed('/v1/analyses/abc')).toBe('/v1/analyses/abc');
    // @ts-expect-error -- not a route of apps/api/openapi.json: `npm run typecheck` fails if this line compiles
    void client.get('/v1/no-such-route');
    // @ts-expect-error -- /v1/auth/me answers GET, not DELETE
    void client.del('/v1/auth/me');
  });
});
