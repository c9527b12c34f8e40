import { CanActivate, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { AppError } from '@app/core/errors/error-codes';
import { AuthService, SESSION_COOKIE } from '@app/accounts';

/** The request of a signed platform door: the raw bytes read by the app's raw-body middleware. */
export interface RawDoorRequest extends Request {
  rawBody?: Buffer;
  rawBodyTooLarge?: boolean;
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
