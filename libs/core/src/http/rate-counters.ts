import type { DataSource } from 'typeorm';

/**
 * Fixed-window counters in PostgreSQL (table rate_limit_counters), shared by every api replica. Keys are at most
 * 200 characters: callers hash anything longer (an email, say).
 */
export class RateCounters {
  private lastSweep = 0;

  constructor(private readonly ds: DataSource) {}

  static window(windowMs: number, now = Date.now()): { start: Date; resetsInSeconds: number } {
    const start = Math.floor(now / windowMs) * windowMs;
    return { start: new Date(start), resetsInSeconds: Math.max(1, Math.ceil((start + windowMs - now) / 1000)) };
  }

  /**
   * Adds `delta` to each key (negative to give an attempt back) and reads `alsoRead` without changing them, in one
   * statement. Returns every key's count in this window (0 when absent).
   */
  async add(
    windowStart: Date,
    bump: Array<{ key: string; delta: number }>,
    alsoRead: string[] = [],
    /** More `("key", "count")` rows to read in the same round trip: `param(v)` binds a value and returns its placeholder. */
    extraRows?: (param: (v: unknown) => string) => string,
  ): Promise<Map<string, number>> {
    const params: unknown[] = [windowStart];
    const values = bump.map((b) => {
      params.push(b.key, b.delta);
      return `($${params.length - 1}, $1, $${params.length}::integer)`;
    });
    const readFrom = params.length + 1;
    params.push(alsoRead);
    const extra = extraRows?.((v) => `$${params.push(v)}`);
    const rows: Array<{ key: string; count: number | string }> = await this.ds.query(
      `WITH bumped AS (
         ${
           values.length
             ? `INSERT INTO rate_limit_counters ("key", "windowStart", "count") VALUES ${values.join(', ')}
                ON CONFLICT ("key", "windowStart") DO UPDATE SET "count" = rate_limit_counters."count" + EXCLUDED."count"
                RETURNING "key", "count"`
             : `SELECT NULL::varchar AS "key", NULL::integer AS "count" WHERE false`
         }
       )
       SELECT "key", "count" FROM bumped
       UNION ALL
       SELECT "key", "count" FROM rate_limit_counters WHERE "windowStart" = $1 AND "key" = ANY($${readFrom}::varchar[])
       ${extra ? `UNION ALL ${extra}` : ''}`,
      params,
    );
    const out = new Map<string, number>();
    for (const k of [...bump.map((b) => b.key), ...alsoRead]) out.set(k, 0);
    for (const r of rows) out.set(r.key, Number(r.count));
    this.sweep();
    return out;
  }

  /** Drops windows older than 5 minutes, at most once a minute per process, off the request path. */
  private sweep(): void {
    const now = Date.now();
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    this.ds.query(`DELETE FROM rate_limit_counters WHERE "windowStart" < now() - interval '5 minutes'`).catch(() => undefined);
  }
}
