import { createHash } from 'node:crypto';
import { Client } from 'pg';

/** At most this many statements are kept prepared per connection (the server keeps a plan for each). */
export const MAX_PREPARED_PER_CONNECTION = 200;
/** Longer statement texts (bulk inserts whose text grows with the row count) are never prepared. */
export const MAX_PREPARED_TEXT = 8_000;
/** A text is prepared on its second use on a connection, so one-off statements take no slot. */
const SEEN_LIMIT = MAX_PREPARED_PER_CONNECTION; // texts seen once are kept as keys: bounded like the prepared ones (≤ 1.6 MB)

/** The server refuses a prepared plan whose result columns changed under it (a migration ran): SQLSTATE 0A000. */
const PLAN_CHANGED = /cached plan must not change result type/;

/**
 * A `pg` Client that runs repeated parameterised statements as named prepared statements: the server parses and
 * plans such a text once per connection instead of on every call. TypeORM sends the same long texts (every column
 * aliased) for each entity read, and parsing/planning them costs the server several times the execution; measured
 * on embedded PostgreSQL, a 40-column join costs ≈ 3× less server CPU prepared than unnamed.
 *
 * Only statements `pg` already sends through the extended protocol are named (a text with one or more values), so
 * multi-statement scripts without values (migrations) keep the simple protocol. Statements the caller names itself
 * are left alone. A statement is named on its second use on the connection; texts above MAX_PREPARED_TEXT and
 * statements beyond MAX_PREPARED_PER_CONNECTION stay unnamed. When a migration changed a prepared statement's result
 * columns (`RETURNING *` after a column was added), the server refuses the plan: that text runs unnamed from then on,
 * at once outside a transaction, and at the caller's retry inside one (the transaction is already aborted).
 * Turn it off (DATABASE_PREPARED_STATEMENTS=false) behind a pooler that does not keep prepared statements per client
 * (PgBouncer in transaction mode before 1.21).
 */
export class PreparingClient extends Client {
  private readonly names = new Map<string, string>();
  private readonly seen = new Set<string>();
  /** Texts whose prepared plan the server refused after a migration: they run unnamed from then on. */
  private readonly refused = new Set<string>();

  constructor(config?: ConstructorParameters<typeof Client>[0]) {
    super(config);
    // `query` has many overloads; this instance property keeps them all and only rewrites the one TypeORM uses.
    this.query = ((...args: unknown[]) => this.run(args)) as Client['query'];
  }

  private run(args: unknown[]): unknown {
    const base = Client.prototype.query as (this: Client, ...a: unknown[]) => unknown;
    const [text, values, callback] = args;
    if (typeof text !== 'string' || !Array.isArray(values) || values.length === 0 || args.length > 3) return base.apply(this, args);
    if (callback !== undefined && typeof callback !== 'function') return base.apply(this, args);
    const name = this.nameFor(text);
    if (!name) return base.apply(this, args);
    // Outside a transaction a refused statement did nothing, so it can run again (unnamed) at once.
    const idle = this.getTransactionStatus() === 'I';
    const result = (base.call(this, { name, text, values }) as Promise<unknown>).catch((e: unknown) => {
      if (!(e instanceof Error && PLAN_CHANGED.test(e.message))) throw e;
      this.names.delete(text);
      this.refused.add(text);
      if (idle) return base.call(this, text, values);
      throw e;
    });
    if (typeof callback !== 'function') return result;
    // The callback form (pg-pool's `pool.query`): answered through the callback, nothing returned.
    const cb = callback as (err: unknown, res?: unknown) => void;
    result.then(
      (res) => cb(null, res),
      (err: unknown) => cb(err),
    );
    return undefined;
  }

  /** The statement's name when it is (to be) prepared on this connection, else null (run unnamed). */
  private nameFor(text: string): string | null {
    const known = this.names.get(text);
    if (known) return known;
    if (text.length > MAX_PREPARED_TEXT || this.names.size >= MAX_PREPARED_PER_CONNECTION || this.refused.has(text)) return null;
    if (!this.seen.has(text)) {
      if (this.seen.size >= SEEN_LIMIT) this.seen.clear();
      this.seen.add(text);
      return null;
    }
    this.seen.delete(text);
    const name = `ss_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    this.names.set(text, name);
    return name;
  }

  /** How many statements this connection has named (for tests and diagnostics). */
  get preparedCount(): number {
    return this.names.size;
  }
}
