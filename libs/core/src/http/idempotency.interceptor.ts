import { CallHandler, ExecutionContext, HttpStatus, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import type { Response } from 'express';
import { Reflector } from '@nestjs/core';
import { createHash } from 'node:crypto';
import { catchError, concatMap, from, Observable, of, switchMap } from 'rxjs';
import { DataSource } from 'typeorm';
import { AppError } from '../errors/error-codes';

export const META_IDEMPOTENT = 'http:idempotent';
export interface IdempotentOptions {
  /**
   * On a replay, run the handler instead of sending the stored body: the request carries `idempotentReplay` (the
   * stored body) and the handler answers from it (e.g. with the current state of the resource it created).
   */
  replayThroughHandler?: boolean;
}
/** Creates that honour Idempotency-Key (reference §5.1). */
export const Idempotent = (o: IdempotentOptions = {}) => SetMetadata(META_IDEMPOTENT, o.replayThroughHandler ? 'handler' : true);

/** What a handler marked `replayThroughHandler` finds on a replayed request. */
export interface IdempotentReplay {
  status: number;
  body: unknown;
}

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
    const mode = this.reflector.getAllAndOverride<true | 'handler' | undefined>(META_IDEMPOTENT, [ctx.getHandler(), ctx.getClass()]);
    if (!mode || key === undefined) return next.handle();
    if (typeof key !== 'string' || key.length === 0 || key.length > 255) {
      throw new AppError('VALIDATION_ERROR', 'Idempotency-Key must be 1–255 characters', {
        fields: [{ field: 'Idempotency-Key', message: 'must be 1–255 characters' }],
      });
    }
    const scope = `${req.principal?.scopeKey ?? 'anon'}:${req.method}:${req.route?.path ?? req.path}:${req.headers['x-project-id'] ?? ''}`.slice(0, 200);
    // The body as validated, plus what it cannot show (the digest of an uploaded file).
    const hash = createHash('sha256')
      .update(JSON.stringify(req.body ?? null))
      .update(typeof req.idempotencyFingerprint === 'string' ? req.idempotencyFingerprint : '')
      .digest('hex');
    const status: number = this.reflector.get<number>(HTTP_CODE_METADATA, ctx.getHandler()) ?? (req.method === 'POST' ? HttpStatus.CREATED : HttpStatus.OK);

    return from(this.claim(scope, key, hash)).pipe(
      switchMap((claimed) => {
        if (!claimed) {
          if (mode === 'handler')
            return from(this.stored(scope, key, hash)).pipe(
              switchMap((hit) => {
                req.idempotentReplay = { status: hit.status, body: hit.body } satisfies IdempotentReplay;
                res.setHeader('Idempotent-Replayed', 'true');
                return next.handle();
              }),
            );
          return from(this.replay(scope, key, hash, res));
        }
        const store = (data: unknown) =>
          this.ds.query(`UPDATE idempotency_keys SET status = $3, body = $4 WHERE scope = $1 AND key = $2`, [scope, key, status, JSON.stringify(data ?? null)]);
        // A handler that writes its own response (an event stream) stores what a replay needs before it starts.
        let committed = false;
        req.idempotencyCommit = async (data: unknown) => {
          await store(data);
          committed = true;
        };
        return next.handle().pipe(
          // Store before the response leaves, so an immediate repeat replays it.
          concatMap((data) => (committed ? of(data) : from(store(data)).pipe(concatMap(() => of(data))))),
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

  /** The stored answer for a key this request did not claim (or the coded reason there is none to replay). */
  private async stored(scope: string, key: string, hash: string): Promise<{ status: number; body: unknown }> {
    const rows = await this.ds.query(`SELECT "requestHash", status, body FROM idempotency_keys WHERE scope = $1 AND key = $2`, [scope, key]);
    const hit = rows[0];
    if (!hit) throw new AppError('CONFLICT', 'This Idempotency-Key is being released by a failed request: retry');
    if (hit.requestHash !== hash) throw new AppError('IDEMPOTENCY_KEY_CONFLICT', 'This Idempotency-Key was used with a different request body');
    if (hit.status === PENDING) throw new AppError('CONFLICT', 'A request with this Idempotency-Key is still in progress: retry shortly');
    return { status: hit.status, body: hit.body };
  }

  private async replay(scope: string, key: string, hash: string, res: Response): Promise<unknown> {
    const hit = await this.stored(scope, key, hash);
    res.status(hit.status);
    res.setHeader('Idempotent-Replayed', 'true');
    return hit.body;
  }
}
