import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { sendErrorEvent, streamsErrors } from '../http/event-stream';
import { AppError, ERROR_STATUS } from './error-codes';

/** Maps every error to the /v1 envelope. 500s are opaque and carry the request id. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(thrown: unknown, host: ArgumentsHost): void {
    // The Express adapter wraps body-parser errors (malformed JSON, too large) in an HttpException: unwrap them.
    const cause = thrown instanceof HttpException ? (thrown as { cause?: unknown }).cause : undefined;
    const exception = isBodyParserError(cause) ? cause : thrown;
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request & { id?: string }>();
    if (res.headersSent) return;
    const requestId = String(req.id ?? res.getHeader('x-request-id') ?? '');
    let status = 500;
    let body: { code: string; message: string; details?: Record<string, unknown> };

    if (exception instanceof AppError) {
      status = exception.status;
      body = { code: exception.code, message: exception.message, ...(exception.details ? { details: exception.details } : {}) };
      if (exception.headers) for (const [k, v] of Object.entries(exception.headers)) res.setHeader(k, v);
    } else if (exception instanceof HttpException) {
      status = exception.getStatus();
      const r = exception.getResponse() as string | { message?: string | string[] };
      const msg = typeof r === 'string' ? r : Array.isArray(r?.message) ? r.message.join('; ') : r?.message || exception.message;
      body = { code: httpCode(status), message: String(msg) };
    } else if (isBodyParserError(exception)) {
      status = exception.status;
      body =
        status === 413
          ? { code: 'PAYLOAD_TOO_LARGE', message: `Request body is larger than the ${limitText(exception)} limit` }
          : status === 415
            ? { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Unsupported body charset or encoding' }
            : exception.type === 'entity.too.deep'
              ? {
                  code: 'VALIDATION_ERROR',
                  message: String((exception as { message?: string }).message),
                  details: { fields: [{ field: 'body', message: 'is nested too deep' }] },
                }
              : { code: 'VALIDATION_ERROR', message: 'Malformed JSON body', details: { fields: [{ field: 'body', message: 'must be valid JSON' }] } };
    } else {
      this.logger.error({ err: exception, requestId }, 'unhandled error');
      body = { code: 'INTERNAL_ERROR', message: 'Internal server error', details: { requestId } };
    }
    if (status >= 500 && body.code !== 'INTERNAL_ERROR' && !(exception instanceof AppError)) {
      this.logger.error({ err: exception, requestId }, 'server error');
      body = { code: 'INTERNAL_ERROR', message: 'Internal server error', details: { requestId } };
    }
    if (!req.path?.startsWith('/v1') && !(exception instanceof AppError) && status === 404) {
      res.status(404).type('text/plain').send('Not found');
      return;
    }
    // A caller that negotiated an event stream (contract §12) gets the error as an `error` event.
    if (streamsErrors(req)) {
      sendErrorEvent(res, status, body);
      return;
    }
    res.status(status).json({ success: false, error: body });
  }
}

function limitText(e: object): string {
  const raw = (e as { limit?: unknown }).limit;
  const limit = typeof raw === 'number' ? raw : 1024 * 1024;
  return limit % (1024 * 1024) === 0 ? `${limit / (1024 * 1024)} MB` : `${limit} bytes`;
}

function isBodyParserError(e: unknown): e is { status: number; type: string } {
  return (
    !!e &&
    typeof e === 'object' &&
    typeof (e as { status?: unknown }).status === 'number' &&
    typeof (e as { type?: unknown }).type === 'string' &&
    /^(entity\.|request\.|charset\.|encoding\.)/.test((e as { type: string }).type)
  );
}

function httpCode(status: number): string {
  switch (status) {
    case 400:
      return 'VALIDATION_ERROR';
    case 401:
      return 'UNAUTHORIZED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 409:
      return 'CONFLICT';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE';
    case 429:
      return 'RATE_LIMITED';
    default:
      return status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST';
  }
}
export { ERROR_STATUS };
