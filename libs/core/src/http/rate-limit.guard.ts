import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { AppError } from '../errors/error-codes';

export const META_RATE_CATEGORY = 'auth:rate-category';

/**
 * Per key or session, per minute, counted in PostgreSQL so replicas share it. /v1 only. Runs after AuthGuard.
 * The `auth` category (login, signup) has no principal yet: it counts per client address and email, so password
 * guessing is slowed without locking the account out for everyone.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private lastSweep = 0;

  constructor(
    private readonly reflector: Reflector,
    private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest();
    const res = ctx.switchToHttp().getResponse();
    const declared = this.reflector.getAllAndOverride<'read' | 'write' | 'analysis' | 'auth'>(META_RATE_CATEGORY, [ctx.getHandler(), ctx.getClass()]);
    const email = typeof req.body?.email === 'string' ? req.body.email.trim().toLowerCase().slice(0, 320) : '';
    const scope: string | undefined = declared === 'auth' ? `ip:${req.ip}:${email}` : req.principal?.scopeKey;
    if (!String(req.path).startsWith('/v1') || !scope) return true;
    const category = declared ?? (['GET', 'HEAD', 'OPTIONS'].includes(req.method) ? 'read' : 'write');
    const limit = this.config.rateLimits[category];
    const now = Date.now();
    const windowStart = new Date(Math.floor(now / 60_000) * 60_000);
    const reset = Math.ceil((windowStart.getTime() + 60_000) / 1000);
    const rows = await this.ds.query(
      `INSERT INTO rate_limit_counters ("key", "windowStart", "count") VALUES ($1, $2, 1)
       ON CONFLICT ("key", "windowStart") DO UPDATE SET "count" = rate_limit_counters."count" + 1 RETURNING "count"`,
      [`${scope}:${category}`, windowStart],
    );
    const count = Number(rows[0]?.count ?? 1);
    res.setHeader('X-RateLimit-Limit', String(limit));
    res.setHeader('X-RateLimit-Remaining', String(Math.max(0, limit - count)));
    res.setHeader('X-RateLimit-Reset', String(reset));
    if (now - this.lastSweep > 60_000) {
      this.lastSweep = now;
      this.ds.query(`DELETE FROM rate_limit_counters WHERE "windowStart" < now() - interval '5 minutes'`).catch(() => undefined);
    }
    if (count > limit) {
      const retryAfter = String(Math.max(1, reset - Math.floor(now / 1000)));
      throw new AppError(
        'RATE_LIMITED',
        `Rate limit of ${limit} ${category} requests per minute exceeded`,
        { retryAfter: Number(retryAfter) },
        { 'Retry-After': retryAfter },
      );
    }
    return true;
  }
}
