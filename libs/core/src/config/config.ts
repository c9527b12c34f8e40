import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join, resolve } from 'node:path';
import proxyaddr from 'proxy-addr';

/** `migrate` applies pending migrations and exits (contract §1). */
export type Role = 'api' | 'worker' | 'all' | 'migrate';

/** The one validated, typed configuration. Read once at boot (contract §2). Secrets are marked in SECRET_KEYS. */
export interface AppConfig {
  port: number;
  publicUrl: string;
  databaseUrl: string | null;
  /** DATABASE_PREPARED_STATEMENTS: repeated statements run prepared on each connection (off behind a transaction-mode pooler). */
  databasePreparedStatements: boolean;
  embedded: boolean;
  dataDir: string;
  role: Role;
  encryptionKey: Buffer;
  /** ENCRYPTION_KEY_PREVIOUS: the key `npm run -s keys:rotate` re-encrypts from (null when unset). */
  encryptionKeyPrevious: Buffer | null;
  sessionSecret: Buffer;
  adminEmail: string | null;
  adminPassword: string | null;
  allowSignup: boolean;
  intercom: {
    sandbox: boolean;
    clientId: string;
    clientSecret: string;
    apiUrl: string;
    apiUrlOverridden: boolean;
    oauthUrl: string;
    apiVersion: string;
    sandboxPort: number;
    appPackageCode: string | null;
    /** INTERCOM_RECONCILE_SECONDS: how often each active binding looks for conversations whose webhooks never came (0 = off) */
    reconcileSeconds: number;
  };
  logFilesDir: string;
  logSourceTimeoutMs: number;
  analysisMaxLines: number;
  logSourceBlockedCidrs: string[];
  logSourceBlockedHosts: string[];
  /**
   * Limits per minute. `auth`: failed logins (and signups) per client address; `authAccount`: failed logins per account
   * (email) across addresses; `authGlobal`: failed logins across the installation.
   */
  rateLimits: { read: number; write: number; analysis: number; auth: number; authAccount: number; authGlobal: number };
  /** Express `trust proxy`: a hop count, or the addresses/CIDRs/names (loopback, linklocal, uniquelocal) of trusted proxies. */
  trustProxy: number | string[];
  /** Queries running at once per log source, across all workers (LOG_SOURCE_CONCURRENCY). */
  logSourceConcurrency: number;
  noRecentEventsDays: number;
  /** INCIDENT_WINDOW_MINUTES: a conversation can join an open incident that saw a conversation this recently. */
  incidentWindowMinutes: number;
  logLevel: string;
  /** LOG_FORMAT: `pretty` (readable, one line per event) or `json` (one JSON object per line). Default: pretty on a terminal, else json. */
  logFormat: 'pretty' | 'json';
  embeddedPgPort: number | null;
  bodyLimitBytes: number;
  /** SHUTDOWN_GRACE_SECONDS: on SIGTERM/SIGINT, how long in-flight requests and running jobs may take to finish. */
  shutdownGraceMs: number;
  /** CORS_ORIGINS: origins allowed to call /v1 with an API key from a browser; '*' = any. */
  corsOrigins: '*' | string[];
  /** ANALYSIS_SYNC_WAIT_MS: how long POST /v1/analyses waits for a terminal status before answering. */
  analysisSyncWaitMs: number;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export const SECRET_ENV_KEYS = ['ENCRYPTION_KEY', 'ENCRYPTION_KEY_PREVIOUS', 'SESSION_SECRET', 'ADMIN_PASSWORD', 'INTERCOM_CLIENT_SECRET', 'DATABASE_URL'];

/** 32 bytes: 64 hex characters, or base64 that decodes to exactly 32 bytes. */
export function parseKey32(name: string, value: string): Buffer {
  const v = value.trim();
  if (/^[0-9a-fA-F]{64}$/.test(v)) return Buffer.from(v, 'hex');
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(v)) {
    const b = Buffer.from(v.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (b.length === 32) return b;
  }
  throw new ConfigError(`${name} must be 32 bytes: 64 hex characters, or base64 that decodes to exactly 32 bytes (generate one with: openssl rand -hex 32)`);
}

function int(env: NodeJS.ProcessEnv, name: string, def: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
  return n;
}

function bool(env: NodeJS.ProcessEnv, name: string, def: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(`${name} must be true or false (got "${raw}")`);
}

/** CORS_ORIGINS: `*` or a comma-separated list of origins (`scheme://host[:port]`, nothing else). */
export function parseCorsOrigins(raw: string | undefined): '*' | string[] {
  const v = (raw ?? '').trim();
  if (v === '' || v === '*') return '*';
  const out: string[] = [];
  for (const item of v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    let u: URL;
    try {
      u = new URL(item);
    } catch {
      throw new ConfigError(`CORS_ORIGINS: "${item}" is not an origin (expected scheme://host[:port], e.g. https://app.example.com)`);
    }
    if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.pathname !== '/' || u.search || u.hash || u.username || u.password) {
      throw new ConfigError(`CORS_ORIGINS: "${item}" is not an origin (expected scheme://host[:port] without a path, e.g. https://app.example.com)`);
    }
    if (!out.includes(u.origin)) out.push(u.origin);
  }
  if (!out.length) throw new ConfigError('CORS_ORIGINS must be * or a comma-separated list of origins');
  return out;
}

/** TRUST_PROXY (contract §2): a hop count, or comma-separated proxy addresses/CIDRs/names, checked by proxy-addr. */
export function parseTrustProxy(raw: string | undefined): number | string[] {
  const v = (raw ?? '').trim();
  if (!v) return ['loopback'];
  if (/^\d+$/.test(v)) {
    const n = Number(v);
    if (n > 100) throw new ConfigError(`TRUST_PROXY hop count must be at most 100 (got "${raw}")`);
    return n;
  }
  if (/^(false|none)$/i.test(v)) return 0;
  if (/^true$/i.test(v)) {
    throw new ConfigError(
      'TRUST_PROXY=true would let any client forge its address: set the number of proxies in front of the app (e.g. 1) or their addresses/CIDRs',
    );
  }
  const list = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  try {
    proxyaddr.compile(list);
  } catch (e) {
    throw new ConfigError(
      `TRUST_PROXY must be a hop count or comma-separated addresses, CIDRs or loopback/linklocal/uniquelocal (${(e as Error).message}; got "${raw}")`,
    );
  }
  return list;
}

function url(name: string, raw: string): string {
  try {
    const u = new URL(raw);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
    return raw.replace(/\/+$/, '');
  } catch {
    throw new ConfigError(`${name} must be an http(s) URL (got "${raw}")`);
  }
}

/** A secret generated once into DATA_DIR (embedded mode only), mode 0600. */
function devSecret(dataDir: string, file: string): string {
  const p = join(dataDir, file);
  if (existsSync(p)) return readFileSync(p, 'utf8').trim();
  const v = randomBytes(32).toString('hex');
  writeFileSync(p, v + '\n', { mode: 0o600 });
  chmodSync(p, 0o600);
  return v;
}

function logFormat(value: string | undefined, tty: boolean): 'pretty' | 'json' {
  const v = value?.trim().toLowerCase();
  if (!v) return tty ? 'pretty' : 'json';
  if (v === 'pretty' || v === 'json') return v;
  throw new ConfigError(`LOG_FORMAT must be pretty or json (got "${value}")`);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, stdoutIsTTY: boolean = process.stdout.isTTY === true): AppConfig {
  const port = int(env, 'PORT', 3000, 0, 65535);
  const publicUrl = url('PUBLIC_URL', env.PUBLIC_URL || `http://localhost:${port}`);
  const databaseUrl = env.DATABASE_URL?.trim() || null;
  const embedded = !databaseUrl;
  const role = (env.ROLE || 'all') as Role;
  if (!['api', 'worker', 'all', 'migrate'].includes(role)) throw new ConfigError(`ROLE must be api, worker, all or migrate (got "${env.ROLE}")`);
  if (embedded && role !== 'all' && role !== 'migrate') {
    throw new ConfigError(
      `ROLE=${role} needs DATABASE_URL: the embedded PostgreSQL is only for ROLE=all (one process). Set DATABASE_URL to a shared PostgreSQL to split api and worker.`,
    );
  }
  const dataDir = resolve(env.DATA_DIR || './.data');
  if (embedded) mkdirSync(dataDir, { recursive: true });

  const secret = (name: 'ENCRYPTION_KEY' | 'SESSION_SECRET', file: string): Buffer => {
    const v = env[name];
    if (v && v.trim()) return parseKey32(name, v);
    if (embedded) return parseKey32(name, devSecret(dataDir, file));
    throw new ConfigError(`${name} is required with DATABASE_URL (32 bytes: 64 hex characters or base64; generate one with: openssl rand -hex 32)`);
  };
  const encryptionKey = secret('ENCRYPTION_KEY', 'encryption.key');
  const sessionSecret = secret('SESSION_SECRET', 'session.secret');
  const previousRaw = env.ENCRYPTION_KEY_PREVIOUS?.trim();
  const encryptionKeyPrevious = previousRaw ? parseKey32('ENCRYPTION_KEY_PREVIOUS', previousRaw) : null;

  const clientId = env.INTERCOM_CLIENT_ID?.trim() || '';
  const sandbox = !clientId;
  const sandboxPort = int(env, 'SANDBOX_PORT', 3100, 1, 65535);
  let clientSecret = env.INTERCOM_CLIENT_SECRET?.trim() || '';
  if (!sandbox && !clientSecret) throw new ConfigError('INTERCOM_CLIENT_SECRET is required when INTERCOM_CLIENT_ID is set (Developer Hub › Basic information)');
  if (sandbox && !clientSecret) {
    mkdirSync(dataDir, { recursive: true });
    clientSecret = devSecret(dataDir, 'sandbox-client.secret');
  }
  const sandboxBase = `http://localhost:${sandboxPort}`;
  const apiUrlEnv = env.INTERCOM_API_URL?.trim();
  const apiUrl = url('INTERCOM_API_URL', apiUrlEnv || (sandbox ? sandboxBase : 'https://api.intercom.io'));
  const oauthUrl = url('INTERCOM_OAUTH_URL', env.INTERCOM_OAUTH_URL?.trim() || (sandbox ? `${sandboxBase}/oauth` : 'https://app.intercom.com/oauth'));

  const adminEmail = env.ADMIN_EMAIL?.trim() || null;
  const adminPassword = env.ADMIN_PASSWORD || null;
  if (adminPassword !== null && adminPassword.length < 8) throw new ConfigError('ADMIN_PASSWORD must be at least 8 characters');

  // Empty (e.g. `LOG_SOURCE_BLOCKED_CIDRS=` in an env file) means the default, never "block nothing".
  const cidrs = env.LOG_SOURCE_BLOCKED_CIDRS?.trim()
    ? env.LOG_SOURCE_BLOCKED_CIDRS.split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : // Link-local, then the cloud metadata addresses outside it: AWS IMDS over IPv6, GCP's metadata server over IPv6,
      // Alibaba Cloud, Oracle Cloud. IPv6 forms embedding an IPv4 address are unmapped before checking.
      ['169.254.0.0/16', 'fe80::/10', 'fd00:ec2::254/128', 'fd20:ce::254/128', '100.100.100.200/32', '192.0.0.192/32'];

  return {
    port,
    publicUrl,
    databaseUrl,
    databasePreparedStatements: bool(env, 'DATABASE_PREPARED_STATEMENTS', true),
    embedded,
    dataDir,
    role,
    encryptionKey,
    encryptionKeyPrevious,
    sessionSecret,
    adminEmail,
    adminPassword,
    allowSignup: bool(env, 'ALLOW_SIGNUP', embedded),
    intercom: {
      sandbox,
      clientId: clientId || 'sandbox',
      clientSecret,
      apiUrl,
      apiUrlOverridden: !!apiUrlEnv || sandbox,
      oauthUrl,
      apiVersion: env.INTERCOM_API_VERSION?.trim() || '2.14',
      sandboxPort,
      appPackageCode: env.INTERCOM_APP_PACKAGE_CODE?.trim() || null,
      reconcileSeconds: int(env, 'INTERCOM_RECONCILE_SECONDS', 300, 0, 86400),
    },
    logFilesDir: resolve(env.LOG_FILES_DIR || join(dataDir, 'logs')),
    logSourceTimeoutMs: int(env, 'LOG_SOURCE_TIMEOUT_MS', 30000, 100, 600000),
    analysisMaxLines: int(env, 'ANALYSIS_MAX_LINES', 2000000, 1, 100000000),
    logSourceBlockedCidrs: cidrs,
    logSourceBlockedHosts: ['metadata.google.internal', 'metadata.goog', 'metadata', 'metadata.azure.internal', 'instance-data', 'instance-data.ec2.internal'],
    logSourceConcurrency: int(env, 'LOG_SOURCE_CONCURRENCY', 2, 1, 1000),
    rateLimits: {
      read: int(env, 'RATE_LIMIT_READ', 1200, 1, 10000000),
      write: int(env, 'RATE_LIMIT_WRITE', 300, 1, 10000000),
      analysis: int(env, 'RATE_LIMIT_ANALYSIS', 60, 1, 10000000),
      auth: int(env, 'RATE_LIMIT_AUTH', 20, 1, 10000000),
      authAccount: int(env, 'RATE_LIMIT_AUTH_ACCOUNT', 10, 1, 10000000),
      authGlobal: int(env, 'RATE_LIMIT_AUTH_GLOBAL', 300, 1, 10000000),
    },
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    noRecentEventsDays: int(env, 'NO_RECENT_EVENTS_DAYS', 7, 1, 365),
    incidentWindowMinutes: int(env, 'INCIDENT_WINDOW_MINUTES', 60, 1, 1440),
    logLevel: env.LOG_LEVEL || 'info',
    logFormat: logFormat(env.LOG_FORMAT, stdoutIsTTY),
    embeddedPgPort: env.EMBEDDED_PG_PORT ? int(env, 'EMBEDDED_PG_PORT', 0, 1, 65535) : null,
    bodyLimitBytes: 1024 * 1024,
    shutdownGraceMs: int(env, 'SHUTDOWN_GRACE_SECONDS', 10, 1, 3600) * 1000,
    corsOrigins: parseCorsOrigins(env.CORS_ORIGINS),
    analysisSyncWaitMs: int(env, 'ANALYSIS_SYNC_WAIT_MS', 10000, 0, 600000),
  };
}
