import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { AppError } from '../errors/error-codes';
import { clientAddressKey } from './client-address';
import { RateCounters } from './rate-counters';

export const META_RATE_CATEGORY = 'auth:rate-category';

/** `login` is limited by the login service itself (per address, per account and globally, on outcomes). */
export type RateCategoryName = 'read' | 'write' | 'analysis' | 'auth' | 'login';

/**
 * Per key or session, per minute, counted in PostgreSQL so replicas share it. /v1 only. Runs after AuthGuard.
 * The `auth` category (signup) has no principal yet: it counts per client address (`req.ip`, which honours
 * TRUST_PROXY; IPv6 by /64).
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly counters: RateCounters;

  constructor(
    private readonly reflector: Reflector,
    ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.counters = new RateCounters(ds);
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest();
    const res = ctx.switchToHttp().getResponse();
    const declared = this.reflector.getAllAndOverride<RateCategoryName>(META_RATE_CATEGORY, [ctx.getHandler(), ctx.getClass()]);
    if (declared === 'login') return true;
    const scope: string | undefined = declared === 'auth' ? `addr:${clientAddressKey(req.ip)}` : req.principal?.scopeKey;
    if (!String(req.path).startsWith('/v1') || !scope) return true;
    const category = declared ?? (['GET', 'HEAD', 'OPTIONS'].includes(req.method) ? 'read' : 'write');
    const limit = this.config.rateLimits[category];
    const w = RateCounters.window(60_000);
    const key = `${scope}:${category}`;
    const count = (await this.counters.add(w.start, [{ key, delta: 1 }])).get(key) ?? 1;
    res.setHeader('X-RateLimit-Limit', String(limit));
    res.setHeader('X-RateLimit-Remaining', String(Math.max(0, limit - count)));
    res.setHeader('X-RateLimit-Reset', String(Math.ceil(w.start.getTime() / 1000) + 60));
    if (count > limit) {
      throw new AppError(
        'RATE_LIMITED',
        `Rate limit of ${limit} ${category} requests per minute exceeded`,
        { retryAfter: w.resetsInSeconds },
        { 'Retry-After': String(w.resetsInSeconds) },
      );
    }
    return true;
  }
}
