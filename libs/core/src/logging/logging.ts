import { randomUUID } from 'node:crypto';
import type { LoggerService } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import type { Params } from 'nestjs-pino';
import type { AppConfig } from '../config/config';

type IdRequest = IncomingMessage & { id?: unknown };

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
export function requestIdMiddleware(req: Request & { id?: string }, res: Response, next: NextFunction): void {
  if (!req.id) req.id = requestIdFor(req);
  res.setHeader('X-Request-Id', req.id);
  next();
}

/** nestjs-pino options: request ids (X-Request-Id in and out), redaction, quiet health checks. */
export function pinoHttpOptions(config: AppConfig, stream?: NodeJS.WritableStream): Params {
  return {
    pinoHttp: {
      level: config.logLevel,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      genReqId: (req: IdRequest, res: ServerResponse) => {
        const id = typeof req.id === 'string' && req.id ? req.id : requestIdFor(req);
        res.setHeader('X-Request-Id', id);
        return id;
      },
      customLogLevel: (_req: IncomingMessage, res: ServerResponse, err: unknown) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug',
      customSuccessMessage: (req: IncomingMessage, res: ServerResponse) => `${req.method} ${String(req.url ?? '').split('?')[0]} ${res.statusCode}`,
      customErrorMessage: (req: IncomingMessage, res: ServerResponse) => `${req.method} ${String(req.url ?? '').split('?')[0]} ${res.statusCode} failed`,
      autoLogging: { ignore: (req: IncomingMessage) => /^\/(health|metrics|assets)/.test(req.url ?? '') },
      serializers: {
        req: (req: IdRequest) => ({ id: req.id, method: req.method, url: String(req.url ?? '').replace(/([?&](code|state|token)=)[^&]+/g, '$1[redacted]') }),
        res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
      },
      ...(stream ? { stream } : prettyTransport(config)),
    },
  };
}

/**
 * LOG_FORMAT=pretty: one readable, coloured line per event (pino-pretty, a development dependency). Without it (the
 * production image installs none) the logs stay JSON.
 */
function prettyTransport(config: AppConfig): { transport?: { target: string; options: Record<string, unknown> } } {
  if (config.logFormat !== 'pretty') return {};
  let target: string;
  try {
    target = require.resolve('pino-pretty');
  } catch {
    return {};
  }
  return {
    transport: {
      target,
      options: {
        colorize: true,
        translateTime: 'SYS:HH:MM:ss',
        ignore: 'pid,hostname,req,res,responseTime,context',
        messageFormat: '{if context}[{context}] {end}{msg}',
        singleLine: true,
      },
    },
  };
}

/** Nest's own start-up chatter (a line per module and per mapped route): debug level, so `npm start` shows the banner instead. */
export const FRAMEWORK_CONTEXTS = new Set(['RoutesResolver', 'RouterExplorer', 'InstanceLoader', 'NestFactory', 'NestApplication']);

/** Wraps the app logger: Nest's start-up lines from FRAMEWORK_CONTEXTS are logged at debug instead of info. */
export class QuietStartupLogger implements LoggerService {
  constructor(private readonly inner: LoggerService) {}
  log(message: unknown, ...rest: unknown[]): void {
    const context = rest[rest.length - 1];
    if (typeof context === 'string' && FRAMEWORK_CONTEXTS.has(context)) this.inner.debug?.(message, ...rest);
    else this.inner.log(message, ...rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.inner.error(message, ...rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.inner.warn(message, ...rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.inner.debug?.(message, ...rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.inner.verbose?.(message, ...rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    (this.inner.fatal ?? this.inner.error).call(this.inner, message, ...rest);
  }
}
