import { CallHandler, ExecutionContext, HttpStatus, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import type { Response } from 'express';
import { Reflector } from '@nestjs/core';
import { createHash } from 'node:crypto';
import { catchError, concatMap, from, Observable, of, switchMap } from 'rxjs';
import { DataSource } from 'typeorm';
import { AppError } from '../errors/error-codes';

export const META_IDEMPOTENT = 'http:idempotent';
/** Creates that honour Idempotency-Key (reference §5.1). */
export const Idempotent = () => SetMetadata(META_IDEMPOTENT, true);

const TTL_HOURS = 24;
/** Nest's @HttpCode() metadata key. */
const HTTP_CODE_METADATA = '__httpCode__';
/** Status of a claimed key whose first request is still running. */
const PENDING = 0;

/**
 * Idempotency-Key on creates (reference §5.1), per caller (key or session), route and project. The key is claimed
 * with an insert before the handler runs, so a concurrent or an immediate repeat never creates twice; the
 * response is stored before it is sent. A failed request releases its key (errors are not cached).
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly ds: DataSource,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = ctx.switchToHttp().getRequest();
    const res = ctx.switchToHttp().getResponse();
    const key = req.headers['idempotency-key'];
    if (!this.reflector.getAllAndOverride<boolean>(META_IDEMPOTENT, [ctx.getHandler(), ctx.getClass()]) || key === undefined) return next.handle();
    if (typeof key !== 'string' || key.length === 0 || key.length > 255) {
      throw new AppError('VALIDATION_ERROR', 'Idempotency-Key must be 1–255 characters', {
        fields: [{ field: 'Idempotency-Key', message: 'must be 1–255 characters' }],
      });
    }
    const scope = `${req.principal?.scopeKey ?? 'anon'}:${req.method}:${req.route?.path ?? req.path}:${req.headers['x-project-id'] ?? ''}`.slice(0, 200);
    const hash = createHash('sha256')
      .update(JSON.stringify(req.body ?? null))
      .digest('hex');
    const status: number = this.reflector.get<number>(HTTP_CODE_METADATA, ctx.getHandler()) ?? (req.method === 'POST' ? HttpStatus.CREATED : HttpStatus.OK);

    return from(this.claim(scope, key, hash)).pipe(
      switchMap((claimed) => {
        if (!claimed) return from(this.replay(scope, key, hash, res));
        return next.handle().pipe(
          // Store before the response leaves, so an immediate repeat replays it.
          concatMap((data) =>
            from(
              this.ds.query(`UPDATE idempotency_keys SET status = $3, body = $4 WHERE scope = $1 AND key = $2`, [
                scope,
                key,
                status,
                JSON.stringify(data ?? null),
              ]),
            ).pipe(concatMap(() => of(data))),
          ),
          catchError((err) =>
            from(this.ds.query(`DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND status = ${PENDING}`, [scope, key]).catch(() => undefined)).pipe(
              concatMap(() => {
                throw err;
              }),
            ),
          ),
        );
      }),
    );
  }

  /** True when this request now owns the key (first use, or the previous use expired). */
  private async claim(scope: string, key: string, hash: string): Promise<boolean> {
    await this.ds.query(`DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND "createdAt" <= now() - interval '${TTL_HOURS} hours'`, [scope, key]);
    const rows = await this.ds.query(
      `INSERT INTO idempotency_keys (scope, key, "requestHash", status, body) VALUES ($1, $2, $3, ${PENDING}, 'null'::jsonb)
       ON CONFLICT (scope, key) DO NOTHING RETURNING key`,
      [scope, key, hash],
    );
    return rows.length === 1;
  }

  private async replay(scope: string, key: string, hash: string, res: Response): Promise<unknown> {
    const rows = await this.ds.query(`SELECT "requestHash", status, body FROM idempotency_keys WHERE scope = $1 AND key = $2`, [scope, key]);
    const hit = rows[0];
    if (!hit) throw new AppError('CONFLICT', 'This Idempotency-Key is being released by a failed request: retry');
    if (hit.requestHash !== hash) throw new AppError('IDEMPOTENCY_KEY_CONFLICT', 'This Idempotency-Key was used with a different request body');
    if (hit.status === PENDING) throw new AppError('CONFLICT', 'A request with this Idempotency-Key is still in progress: retry shortly');
    res.status(hit.status);
    res.setHeader('Idempotent-Replayed', 'true');
    return hit.body;
  }
}
