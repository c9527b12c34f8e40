import { Injectable, Logger } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { httpDuration, requestIdFor, requestPath } from '@app/core';
import { IngestService } from '../ingest.service';
import { SupportDeskProvider, SupportDeskRegistry } from '../provider';
import type { RawDoorRequest } from './doors';

/** Why a webhook is refused before its body is parsed (contract §6: signature first, then size). */
export interface SignatureRefusal {
  status: 401 | 413;
  outcome: 'signature_invalid' | 'too_large';
  detail: string;
}

/**
 * The signature check of a platform's webhook, over the exact bytes received, in the contract's order: header missing
 * or malformed → 401 (before the body counts); over the limit → 401 when the signature computed as it streamed does
 * not match, else 413; then the signature over the body kept → 401 on a mismatch. Null: verified.
 */
export function webhookSignatureRefusal(
  provider: Pick<SupportDeskProvider, 'webhookSignatureHeader' | 'verifyWebhook'>,
  req: Pick<RawDoorRequest, 'headers' | 'rawBody' | 'rawBodyTooLarge' | 'rawBodySignatureValid'>,
): SignatureRefusal | null {
  const header = provider.webhookSignatureHeader(req.headers);
  if (header !== 'present') return { status: 401, outcome: 'signature_invalid', detail: `signature ${header}` };
  if (req.rawBodyTooLarge === true) {
    // Over the limit the body was not kept, but its signature was computed as it streamed (the raw-body reader).
    if (req.rawBodySignatureValid === false) return { status: 401, outcome: 'signature_invalid', detail: 'signature mismatch' };
    return { status: 413, outcome: 'too_large', detail: 'body over 1 MB' };
  }
  if (!provider.verifyWebhook(req.rawBody ?? Buffer.alloc(0), req.headers)) return { status: 401, outcome: 'signature_invalid', detail: 'signature mismatch' };
  return null;
}

/**
 * Reads a signed door's raw body onto the request (rawBody / rawBodyTooLarge / rawBodySignatureValid), then next();
 * next(err) when the body could not be read.
 */
export type RawBodyReader = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/** A Node HTTP request listener (what `http.Server` emits 'request' to). */
export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Writes a JSON answer on the plain Node response, as Express's `res.json` would (same content type and length) but
 * without its ETag hash and send() checks: a platform never revalidates a webhook answer.
 */
function writeJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

const WEBHOOK_PATH = /^\/webhooks\/([a-z0-9-]+)\/?$/;

/**
 * `POST /webhooks/<platform>` (contract §6) served by one handler mounted on the HTTP adapter before every other
 * middleware and Nest's router: a machine-to-machine POST needs no security headers, CORS, cookies, body parser,
 * per-request logger or guard chain, and this door is the hot path under a burst. It keeps what the contract asks:
 * X-Request-Id (set by the request-id middleware before it), the raw-body reader's limit and streaming signature,
 * the signature check above, IngestService's answers, the HTTP metrics, and a log line (with the request id) for
 * every refusal or failure.
 */
@Injectable()
export class WebhookDoor {
  private readonly logger = new Logger('webhook');

  constructor(
    private readonly registry: SupportDeskRegistry,
    private readonly ingest: IngestService,
  ) {}

  /** The platform whose webhook this request is, or null (then the request goes on to the app's other routes). */
  platformOf(method: string, path: string): string | null {
    return method === 'POST' ? (this.providerAt(path)?.platform ?? null) : null;
  }

  /** The registered platform whose webhook path `path` is (`/webhooks/<platform>`, trailing slash allowed), if any. */
  providerAt(path: string): SupportDeskProvider | undefined {
    const platform = WEBHOOK_PATH.exec(path)?.[1];
    return platform ? this.registry.list().find((p) => p.platform === platform) : undefined;
  }

  /**
   * The HTTP server's request listener: serves platform webhooks itself and hands every other request to `app` (the
   * Express application, with its middleware and Nest's router). A webhook never enters Express: its routing and
   * response helpers were ≈ 7 % of the api's CPU per webhook at max ingest.
   */
  listener(readRawBody: RawBodyReader, app: RequestListener): RequestListener {
    return (req, res) => {
      const platform = this.platformOf(req.method ?? '', requestPath(req));
      if (!platform) return app(req, res);
      // What the request-id middleware does for every other request (X-Request-Id in and out).
      const id = requestIdFor(req);
      (req as { id?: string }).id = id;
      res.setHeader('X-Request-Id', id);
      const started = process.hrtime.bigint();
      res.once('finish', () =>
        httpDuration.observe(
          { method: 'POST', route: `/webhooks/${platform}`, status: String(res.statusCode) },
          Number(process.hrtime.bigint() - started) / 1e9,
        ),
      );
      readRawBody(req, res, (err?: unknown) => {
        if (!err) return void this.handle(platform, req as RawDoorRequest, res);
        this.logger.warn({ event: 'webhook.unreadable', requestId: id, err: err instanceof Error ? err.message : String(err) }, 'webhook body unreadable');
        if (!res.headersSent) writeJson(res, 400, { error: 'body could not be read' });
      });
    };
  }

  /** Verify ▸ record ▸ answer. Never throws: an unexpected error is logged with the request id and answered 500. */
  async handle(platform: string, req: RawDoorRequest, res: ServerResponse): Promise<void> {
    const requestId = String((req as { id?: unknown }).id ?? '');
    try {
      const refusal = webhookSignatureRefusal(this.registry.get(platform), req);
      const answer = refusal
        ? this.ingest.refuse(platform, refusal.status, refusal.outcome, refusal.detail, requestId)
        : await this.ingest.ingest(platform, req.rawBody ?? Buffer.alloc(0), requestId);
      writeJson(res, answer.status, answer.body);
    } catch (e) {
      this.logger.error({ event: 'webhook.failed', requestId, err: e instanceof Error ? e.message : String(e) }, 'webhook failed');
      if (!res.headersSent)
        writeJson(res, 500, { success: false, error: { code: 'INTERNAL_ERROR', message: 'Internal server error', details: { requestId } } });
    }
  }
}
