import {
  ArgumentsHost,
  CallHandler,
  CanActivate,
  Catch,
  createParamDecorator,
  ExceptionFilter,
  ExecutionContext,
  Injectable,
  NestInterceptor,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { map, Observable } from 'rxjs';
import { AppError } from '@app/core';
import { AuthService, SESSION_COOKIE } from '@app/accounts';

/**
 * The HTTP side of a platform's doors (webhook, uninstall notice, Canvas Kit, OAuth pages): what they answer (Answer,
 * written by AnswerInterceptor / AnswerFilter) and what they take in (raw body, request id, session caller, OAuth
 * query), so that platform controllers stay DTO in, answer out.
 */

/**
 * What a platform door (webhook, uninstall notice, Canvas Kit, OAuth pages) answers: a status with a JSON body, an
 * HTML page, or a redirect. Services return one; controllers pass it through (AnswerInterceptor writes it) or a guard
 * throws it (AnswerException, written by AnswerFilter). These doors do not use the /v1 envelope.
 */
export class Answer {
  private constructor(
    readonly status: number,
    readonly body: unknown,
    readonly type: 'json' | 'html',
    readonly location: string | null,
  ) {}

  static json(status: number, body: Record<string, unknown>): Answer {
    return new Answer(status, body, 'json', null);
  }

  static html(status: number, html: string): Answer {
    return new Answer(status, html, 'html', null);
  }

  static redirect(location: string, status = 302): Answer {
    return new Answer(status, `Redirecting to ${location}`, 'html', location);
  }

  /** Writes this answer on an Express response (headers and status; the caller sends the body). */
  apply(res: Response): unknown {
    res.status(this.status);
    if (this.location) res.setHeader('Location', this.location);
    if (this.type === 'html') res.type('html');
    return this.body;
  }
}

/** An answer given before the handler runs (a guard's refusal, a body that cannot be read). */
export class AnswerException extends Error {
  constructor(readonly answer: Answer) {
    super(`answered ${answer.status}`);
    this.name = 'AnswerException';
  }
}

/** Sends the answer an AnswerException carries (bind it on platform controllers with @UseFilters). */
@Catch(AnswerException)
export class AnswerFilter implements ExceptionFilter {
  catch(e: AnswerException, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    const body = e.answer.apply(res);
    if (e.answer.type === 'json') res.json(body);
    else res.send(body);
  }
}

/** Writes a handler's Answer (status, type, Location) and lets Nest send its body. */
@Injectable()
export class AnswerInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const res = ctx.switchToHttp().getResponse<Response>();
    return next.handle().pipe(map((r) => (r instanceof Answer ? r.apply(res) : r)));
  }
}

/** The request of a signed platform door: the raw bytes read by the app's raw-body middleware. */
export interface RawDoorRequest extends Request {
  rawBody?: Buffer;
  rawBodyTooLarge?: boolean;
  /** Over the limit, with a streaming verifier: did the signature match the whole body (hashed, never kept)? */
  rawBodySignatureValid?: boolean;
  /** Set by the platform's signature guard. */
  signatureVerified?: boolean;
  /** Set by SessionCallerGuard. */
  sessionCaller?: SessionCaller | null;
}

/** The raw body as received (null when none), and whether it was over the size limit (then it is empty). */
export interface RawBody {
  body: Buffer | null;
  tooLarge: boolean;
}

export const RawBodyOf = createParamDecorator((_: unknown, ctx: ExecutionContext): RawBody => {
  const req = ctx.switchToHttp().getRequest<RawDoorRequest>();
  return { body: req.rawBody ?? null, tooLarge: req.rawBodyTooLarge === true };
});

/** The request id (X-Request-Id), carried into the jobs a request causes. */
export const RequestId = createParamDecorator((_: unknown, ctx: ExecutionContext): string =>
  String(ctx.switchToHttp().getRequest<{ id?: unknown }>().id ?? ''),
);

/** Whether the platform's signature guard verified this request (doors that answer unsigned requests too). */
export const SignatureVerified = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): boolean => ctx.switchToHttp().getRequest<RawDoorRequest>().signatureVerified === true,
);

/** A browser's logged-in SigSentry user on a page outside /v1 (OAuth legs), or null. */
export interface SessionCaller {
  tenantId: string;
  userId: string;
  permissions: Set<string>;
}

/** Resolves the session cookie (if any) for OAuth pages; never refuses (the page explains what is missing). */
@Injectable()
export class SessionCallerGuard implements CanActivate {
  constructor(private readonly auth: AuthService) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<RawDoorRequest>();
    req.sessionCaller = await this.resolve(req.cookies?.[SESSION_COOKIE]);
    return true;
  }

  private async resolve(token: unknown): Promise<SessionCaller | null> {
    if (!token) return null;
    try {
      const p = await this.auth.resolve(String(token), true);
      return p.kind === 'session' && p.userId ? { tenantId: p.tenantId, userId: p.userId, permissions: p.permissions } : null;
    } catch (e) {
      // An expired or unknown session is "not logged in"; anything else (the database) is a real error.
      if (e instanceof AppError) return null;
      throw e;
    }
  }
}

export const CallerOf = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): SessionCaller | null => ctx.switchToHttp().getRequest<RawDoorRequest>().sessionCaller ?? null,
);

/** The OAuth callback's query (first value of each known parameter; others are ignored, as the platform may add some). */
export interface OAuthCallbackQuery {
  code?: string;
  state?: string;
  error?: string;
  error_description?: string;
}

const first = (v: unknown): string | undefined => (typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined);

export const OAuthCallback = createParamDecorator((_: unknown, ctx: ExecutionContext): OAuthCallbackQuery => {
  const q = ctx.switchToHttp().getRequest<Request>().query as Record<string, unknown>;
  return { code: first(q.code), state: first(q.state), error: first(q.error), error_description: first(q.error_description) };
});
