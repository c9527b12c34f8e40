import { randomUUID } from 'node:crypto';
import type { AppConfig } from '../config/config';

/** Paths pino removes from every log line: tokens, secrets, credentials, cookies. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-hub-signature"]',
  'req.headers["x-body-signature"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.passwordHash',
  '*.token',
  '*.accessToken',
  '*.access_token',
  '*.apiKey',
  '*.appKey',
  '*.secretAccessKey',
  '*.sessionToken',
  '*.serviceAccountJson',
  '*.credentials',
  '*.clientSecret',
  '*.client_secret',
  '*.key',
  '*.code',
  'password',
  'token',
  'credentials',
  'key',
  'secret',
];

const REQ_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdFor(req: { headers: Record<string, unknown> }): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && REQ_ID.test(incoming) ? incoming : randomUUID();
}

/** Express middleware: assigns req.id (echoing a well-formed incoming X-Request-Id) and sets the response header. */
export function requestIdMiddleware(req: any, res: any, next: () => void): void {
  if (!req.id) req.id = requestIdFor(req);
  res.setHeader('X-Request-Id', req.id);
  next();
}

/** nestjs-pino options: request ids (X-Request-Id in and out), redaction, quiet health checks. */
export function pinoHttpOptions(config: AppConfig, stream?: NodeJS.WritableStream) {
  return {
    pinoHttp: {
      level: config.logLevel,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      genReqId: (req: any, res: any) => {
        const id = typeof req.id === 'string' && req.id ? req.id : requestIdFor(req);
        res.setHeader('X-Request-Id', id);
        return id;
      },
      customLogLevel: (_req: any, res: any, err: unknown) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug'),
      autoLogging: { ignore: (req: any) => /^\/(health|metrics|assets)/.test(req.url ?? '') },
      serializers: {
        req: (req: any) => ({ id: req.id, method: req.method, url: String(req.url ?? '').replace(/([?&](code|state|token)=)[^&]+/g, '$1[redacted]') }),
        res: (res: any) => ({ statusCode: res.statusCode }),
      },
      ...(stream ? { stream } : {}),
    },
  };
}
