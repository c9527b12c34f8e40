import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHash } from 'node:crypto';
import { from, Observable, of, switchMap, tap } from 'rxjs';
import { DataSource } from 'typeorm';
import { AppError } from '../errors/error-codes';

export const META_IDEMPOTENT = 'http:idempotent';
/** Creates that honour Idempotency-Key (reference §5.1). */
export const Idempotent = () => SetMetadata(META_IDEMPOTENT, true);

const TTL_HOURS = 24;

@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector, private readonly ds: DataSource) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = ctx.switchToHttp().getRequest();
    const res = ctx.switchToHttp().getResponse();
    const key = req.headers['idempotency-key'];
    if (!this.reflector.getAllAndOverride<boolean>(META_IDEMPOTENT, [ctx.getHandler(), ctx.getClass()]) || key === undefined) return next.handle();
    if (typeof key !== 'string' || key.length === 0 || key.length > 255) {
      throw new AppError('VALIDATION_ERROR', 'Idempotency-Key must be 1–255 characters', { fields: [{ field: 'Idempotency-Key', message: 'must be 1–255 characters' }] });
    }
    const scope = `${req.principal?.scopeKey ?? 'anon'}:${req.method}:${req.route?.path ?? req.path}:${req.headers['x-project-id'] ?? ''}`;
    const hash = createHash('sha256').update(JSON.stringify(req.body ?? null)).digest('hex');
    return from(
      this.ds.query(`SELECT "requestHash", status, body FROM idempotency_keys WHERE scope = $1 AND key = $2 AND "createdAt" > now() - interval '${TTL_HOURS} hours'`, [scope, key]),
    ).pipe(
      switchMap((rows: any[]) => {
        const hit = rows[0];
        if (hit) {
          if (hit.requestHash !== hash) throw new AppError('IDEMPOTENCY_KEY_CONFLICT', 'This Idempotency-Key was used with a different request body');
          res.status(hit.status);
          res.setHeader('Idempotent-Replayed', 'true');
          return of(hit.body);
        }
        return next.handle().pipe(
          tap((data) => {
            this.ds
              .query(
                `INSERT INTO idempotency_keys (scope, key, "requestHash", status, body) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (scope, key) DO UPDATE SET "requestHash" = EXCLUDED."requestHash", status = EXCLUDED.status, body = EXCLUDED.body, "createdAt" = now()
                 WHERE idempotency_keys."createdAt" <= now() - interval '${TTL_HOURS} hours'`,
                [scope, key, hash, res.statusCode, JSON.stringify(data ?? null)],
              )
              .catch(() => undefined);
          }),
        );
      }),
    );
  }
}
