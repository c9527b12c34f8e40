import { createHmac } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Answer } from './doors';
import { webhookSignatureRefusal, WebhookDoor } from './webhook-door';
import type { IngestService } from '../ingest.service';
import { SupportDeskRegistry, type SupportDeskProvider } from '../provider';
import type { RawDoorRequest } from './doors';

const SECRET = 'door-secret';
const sign = (body: string | Buffer) => `sha1=${createHmac('sha1', SECRET).update(body).digest('hex')}`;

/** The signature rules of an X-Hub-Signature platform, as webhookSignatureRefusal asks them of a provider. */
const provider = {
  platform: 'hub',
  webhookSignatureHeader: (h: Record<string, unknown>) => {
    const v = h['x-hub-signature'];
    if (typeof v !== 'string' || !v) return 'missing' as const;
    return /^sha1=[0-9a-f]{40}$/i.test(v) ? ('present' as const) : ('malformed' as const);
  },
  verifyWebhook: (raw: Buffer, h: Record<string, unknown>) => h['x-hub-signature'] === sign(raw),
};

describe('webhookSignatureRefusal (contract §6 order: signature, then size)', () => {
  const body = Buffer.from('{"type":"notification_event"}');
  const req = (headers: Record<string, string>, extra: Partial<RawDoorRequest> = {}) => ({ headers, rawBody: body, ...extra }) as RawDoorRequest;

  it('accepts the right signature over the bytes received', () => {
    expect(webhookSignatureRefusal(provider, req({ 'x-hub-signature': sign(body) }))).toBeNull();
  });

  it('refuses a missing, malformed or wrong signature with 401, before looking at the size', () => {
    expect(webhookSignatureRefusal(provider, req({}, { rawBodyTooLarge: true }))).toEqual({
      status: 401,
      outcome: 'signature_invalid',
      detail: 'signature missing',
    });
    expect(webhookSignatureRefusal(provider, req({ 'x-hub-signature': 'sha256=ab' }))).toEqual({
      status: 401,
      outcome: 'signature_invalid',
      detail: 'signature malformed',
    });
    expect(webhookSignatureRefusal(provider, req({ 'x-hub-signature': sign('other') }))).toEqual({
      status: 401,
      outcome: 'signature_invalid',
      detail: 'signature mismatch',
    });
  });

  it('over the limit: 401 when the streamed signature did not match, else 413', () => {
    const big = { rawBody: Buffer.alloc(0), rawBodyTooLarge: true };
    expect(webhookSignatureRefusal(provider, req({ 'x-hub-signature': sign('x') }, { ...big, rawBodySignatureValid: false }))?.status).toBe(401);
    expect(webhookSignatureRefusal(provider, req({ 'x-hub-signature': sign('x') }, { ...big, rawBodySignatureValid: true }))).toEqual({
      status: 413,
      outcome: 'too_large',
      detail: 'body over 1 MB',
    });
  });
});

describe('WebhookDoor', () => {
  const registry = new SupportDeskRegistry();
  registry.register(provider as unknown as SupportDeskProvider);
  /** A Node-shaped response (writeHead + end, as the door writes) that records what the door answered. */
  const response = () => {
    const sent: { status?: number; body?: unknown; headers: Record<string, unknown> } = { headers: {} };
    const res = {
      headersSent: false,
      statusCode: 200,
      setHeader(k: string, v: unknown) {
        sent.headers[k.toLowerCase()] = v;
      },
      once() {
        return res;
      },
      writeHead(s: number, headers: Record<string, string | number>) {
        sent.status = s;
        expect(headers['Content-Type']).toBe('application/json; charset=utf-8');
        res.headersSent = true;
        return res;
      },
      end(text: string) {
        sent.body = JSON.parse(text);
        return res;
      },
    };
    return { res: res as unknown as ServerResponse, sent };
  };

  it('knows its paths: POST /webhooks/<registered platform>, with or without a trailing slash', () => {
    const door = new WebhookDoor(registry, {} as IngestService);
    expect(door.platformOf('POST', '/webhooks/hub')).toBe('hub');
    expect(door.platformOf('POST', '/webhooks/hub/')).toBe('hub');
    expect(door.platformOf('GET', '/webhooks/hub')).toBeNull();
    expect(door.platformOf('HEAD', '/webhooks/hub')).toBeNull();
    expect(door.platformOf('POST', '/webhooks/other')).toBeNull();
    expect(door.platformOf('POST', '/webhooks/hub/uninstall')).toBeNull();
    expect(door.platformOf('POST', '/v1/webhooks/hub')).toBeNull();
  });

  it('hands a verified body to ingest with the request id and writes its answer', async () => {
    const calls: unknown[][] = [];
    const ingest = { ingest: async (...a: unknown[]) => (calls.push(a), Answer.json(200, { received: true })) } as unknown as IngestService;
    const body = Buffer.from('{"a":1}');
    const { res, sent } = response();
    await new WebhookDoor(registry, ingest).handle(
      'hub',
      { id: 'rid-1', headers: { 'x-hub-signature': sign(body) }, rawBody: body } as unknown as RawDoorRequest,
      res,
    );
    expect(calls).toEqual([['hub', body, 'rid-1']]);
    expect(sent).toEqual({ status: 200, body: { received: true }, headers: {} });
  });

  it('answers a refused signature through IngestService.refuse (counted and logged) without ingesting', async () => {
    const refused: unknown[][] = [];
    const ingest = {
      ingest: async () => {
        throw new Error('must not be called');
      },
      refuse: (...a: unknown[]) => (refused.push(a), Answer.json(401, { error: String(a[3]) })),
    } as unknown as IngestService;
    const { res, sent } = response();
    await new WebhookDoor(registry, ingest).handle('hub', { id: 'rid-2', headers: {}, rawBody: Buffer.from('{}') } as unknown as RawDoorRequest, res);
    expect(refused).toEqual([['hub', 401, 'signature_invalid', 'signature missing', 'rid-2']]);
    expect(sent).toEqual({ status: 401, body: { error: 'signature missing' }, headers: {} });
  });

  it('answers an unexpected failure 500 INTERNAL_ERROR with the request id (no internals), never throws', async () => {
    const ingest = {
      ingest: async () => {
        throw new Error('secret internals');
      },
    } as unknown as IngestService;
    const body = Buffer.from('{}');
    const { res, sent } = response();
    await expect(
      new WebhookDoor(registry, ingest).handle(
        'hub',
        { id: 'rid-3', headers: { 'x-hub-signature': sign(body) }, rawBody: body } as unknown as RawDoorRequest,
        res,
      ),
    ).resolves.toBeUndefined();
    expect(sent).toEqual({
      status: 500,
      body: { success: false, error: { code: 'INTERNAL_ERROR', message: 'Internal server error', details: { requestId: 'rid-3' } } },
      headers: {},
    });
  });

  it('as the server listener: hands every request but POST /webhooks/<platform> to the app, untouched', () => {
    const door = new WebhookDoor(registry, {} as IngestService);
    const toApp: string[] = [];
    const read = () => {
      throw new Error('must not read the body');
    };
    const listener = door.listener(read, (req) => toApp.push(`${req.method} ${req.url}`));
    for (const [method, url] of [
      ['GET', '/webhooks/hub'],
      ['POST', '/webhooks/other'],
      ['POST', '/webhooks/hub/uninstall'],
      ['POST', '/v1/analyses'],
    ])
      listener({ method, url, headers: {} } as unknown as IncomingMessage, response().res as unknown as ServerResponse);
    expect(toApp).toEqual(['GET /webhooks/hub', 'POST /webhooks/other', 'POST /webhooks/hub/uninstall', 'POST /v1/analyses']);
  });

  it('as the server listener: a body that cannot be read (client gone) is answered 400 with the request id, not lost silently', () => {
    const door = new WebhookDoor(registry, {} as IngestService);
    const { res, sent } = response();
    const listener = door.listener(
      (_req, _res, next) => next(new Error('aborted')),
      () => {
        throw new Error('must not reach the app');
      },
    );
    listener(
      { method: 'POST', url: '/webhooks/hub?x=1', headers: { 'x-request-id': 'rid-4' } } as unknown as IncomingMessage,
      res as unknown as ServerResponse,
    );
    expect(sent).toEqual({ status: 400, body: { error: 'body could not be read' }, headers: { 'x-request-id': 'rid-4' } });
  });
});
