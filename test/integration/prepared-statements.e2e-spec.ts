/*
 * Real: PostgreSQL (embedded), the `pg` driver, TypeORM's Postgres driver with the product's pool options. Stand-ins: none.
 * The preparing client (libs/core/src/database/prepared-statements.ts) names repeated statements; the server's own
 * view `pg_prepared_statements` (per connection) says what it holds.
 */
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { MAX_PREPARED_TEXT, PreparingClient } from '@app/core';
import { createTestDatabase } from '../helpers/database';

describe('prepared statements (DATABASE_PREPARED_STATEMENTS)', () => {
  let db: { url: string; drop(): Promise<void> };
  let c: PreparingClient;
  const prepared = async () =>
    (await c.query(`SELECT statement FROM pg_prepared_statements WHERE NOT from_sql`)).rows.map((r: { statement: string }) => r.statement);

  beforeAll(async () => {
    db = await createTestDatabase();
    c = new PreparingClient({ connectionString: db.url });
    await c.connect();
    await c.query(`CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL)`);
    await c.query(`INSERT INTO items (name) VALUES ('a'), ('b'), ('c')`);
  });
  afterAll(async () => {
    await c?.end();
    await db?.drop();
  });

  it('prepares a parameterised statement on its second use and answers exactly as unnamed', async () => {
    const text = 'SELECT id, name FROM items WHERE id >= $1 ORDER BY id';
    const first = await c.query(text, [2]);
    expect(await prepared()).not.toContain(text);
    const second = await c.query(text, [2]);
    const third = await c.query(text, [1]);
    expect(await prepared()).toContain(text);
    expect(first.rows).toEqual([
      { id: 2, name: 'b' },
      { id: 3, name: 'c' },
    ]);
    expect(second.rows).toEqual(first.rows);
    expect(third.rows.map((r: { name: string }) => r.name)).toEqual(['a', 'b', 'c']);
    expect(c.preparedCount).toBeGreaterThanOrEqual(1);
  });

  it('leaves statements without values on the simple protocol (multi-statement scripts still run)', async () => {
    await c.query(`CREATE TABLE script_a (x int); CREATE TABLE script_b (y int);`);
    await c.query(`CREATE TABLE script_a2 (x int); CREATE TABLE script_b2 (y int);`);
    const t = await c.query(`SELECT count(*)::int AS n FROM pg_tables WHERE tablename LIKE 'script_%'`);
    expect(t.rows[0].n).toBe(4);
    expect((await prepared()).some((s) => s.includes('script_'))).toBe(false);
  });

  it('never prepares a text longer than the limit', async () => {
    const long = `SELECT $1::int AS v /* ${'x'.repeat(MAX_PREPARED_TEXT)} */`;
    for (let i = 0; i < 3; i++) expect((await c.query(long, [i])).rows[0].v).toBe(i);
    expect((await prepared()).some((s) => s.length > MAX_PREPARED_TEXT)).toBe(false);
  });

  it('a statement that fails keeps failing with the server error and does not poison the connection', async () => {
    for (let i = 0; i < 3; i++) await expect(c.query('SELECT nope FROM items WHERE id = $1', [1])).rejects.toThrow(/column "nope" does not exist/);
    expect((await c.query('SELECT name FROM items WHERE id = $1', [1])).rows[0].name).toBe('a');
  });

  it('after a migration changed a prepared statement’s result, the text runs unnamed: at once outside a transaction, at the retry inside one', async () => {
    const text = 'SELECT * FROM items WHERE id = $1';
    await c.query(text, [1]);
    await c.query(text, [1]);
    expect(await prepared()).toContain(text);
    await c.query(`ALTER TABLE items ADD COLUMN extra text DEFAULT 'e'`);
    // Outside a transaction: answered, with the new column.
    expect((await c.query(text, [1])).rows[0]).toEqual({ id: 1, name: 'a', extra: 'e' });

    const inTx = 'SELECT * FROM items WHERE id = $1 AND name IS NOT NULL';
    await c.query(inTx, [2]);
    await c.query(inTx, [2]);
    await c.query(`ALTER TABLE items ADD COLUMN more int DEFAULT 7`);
    await c.query('BEGIN');
    await expect(c.query(inTx, [2])).rejects.toThrow(/cached plan must not change result type/);
    await c.query('ROLLBACK');
    // The caller's retry (a new transaction) runs unnamed and succeeds.
    await c.query('BEGIN');
    expect((await c.query(inTx, [2])).rows[0]).toEqual({ id: 2, name: 'b', extra: 'e', more: 7 });
    await c.query('COMMIT');
  });

  it('TypeORM uses it through the pool option `Client` (the product passes it by default)', async () => {
    const ds = new DataSource({ type: 'postgres', url: db.url, extra: { max: 1, Client: PreparingClient } });
    await ds.initialize();
    try {
      for (let i = 0; i < 3; i++) expect(await ds.query('SELECT name FROM items WHERE id = $1', [3])).toEqual([{ name: 'c' }]);
      const held = await ds.query(`SELECT statement FROM pg_prepared_statements WHERE NOT from_sql`);
      expect(held.map((r: { statement: string }) => r.statement)).toContain('SELECT name FROM items WHERE id = $1');
    } finally {
      await ds.destroy();
    }
  });

  it('answers the callback form pg-pool uses (`pool.query`, as pg-boss calls it), errors included', async () => {
    const pool = new Pool({ connectionString: db.url, max: 1, Client: PreparingClient });
    try {
      for (let i = 0; i < 3; i++) expect((await pool.query('SELECT name FROM items WHERE id = $1 AND $2::int > 0', [1, 1])).rows).toEqual([{ name: 'a' }]);
      const held = await pool.query(`SELECT statement FROM pg_prepared_statements WHERE NOT from_sql`);
      expect(held.rows.map((r: { statement: string }) => r.statement)).toContain('SELECT name FROM items WHERE id = $1 AND $2::int > 0');
      for (let i = 0; i < 2; i++) await expect(pool.query('SELECT nope FROM items WHERE id = $1', [1])).rejects.toThrow(/column "nope" does not exist/);
    } finally {
      await pool.end();
    }
  });
});
