/* Real: loadConfig over a real temp DATA_DIR; cleanStalePid over a real pid file. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanStalePid } from '../database/embedded';
import { ConfigError, loadConfig, parseCorsOrigins, parseKey32 } from './config';

const HEX = 'c'.repeat(64);
const DB = 'postgres://u:p@db:5432/sigsentry';
const tmp = () => mkdtempSync(join(tmpdir(), 'ss-config-'));

describe('loadConfig', () => {
  it('refuses ROLE=api or worker without DATABASE_URL, with a clear message', () => {
    for (const ROLE of ['api', 'worker']) {
      expect(() => loadConfig({ ROLE, DATA_DIR: tmp() })).toThrow(ConfigError);
      expect(() => loadConfig({ ROLE, DATA_DIR: tmp() })).toThrow(/needs DATABASE_URL/);
    }
    expect(() => loadConfig({ ROLE: 'both', DATABASE_URL: DB, ENCRYPTION_KEY: HEX, SESSION_SECRET: HEX })).toThrow(/ROLE must be api, worker, all or migrate/);
  });

  it('accepts ROLE=migrate with or without DATABASE_URL, ENCRYPTION_KEY_PREVIOUS and SHUTDOWN_GRACE_SECONDS', () => {
    expect(loadConfig({ ROLE: 'migrate', DATA_DIR: tmp() })).toMatchObject({ role: 'migrate', embedded: true });
    const c = loadConfig({ ROLE: 'migrate', DATABASE_URL: DB, ENCRYPTION_KEY: HEX, SESSION_SECRET: HEX, ENCRYPTION_KEY_PREVIOUS: 'd'.repeat(64) });
    expect(c.role).toBe('migrate');
    expect(c.encryptionKeyPrevious?.toString('hex')).toBe('d'.repeat(64));
    expect(c.shutdownGraceMs).toBe(10000);
    expect(loadConfig({ DATA_DIR: tmp() }).encryptionKeyPrevious).toBeNull();
    expect(loadConfig({ DATA_DIR: tmp(), SHUTDOWN_GRACE_SECONDS: '25' }).shutdownGraceMs).toBe(25000);
    expect(() => loadConfig({ DATA_DIR: tmp(), SHUTDOWN_GRACE_SECONDS: '0' })).toThrow(/SHUTDOWN_GRACE_SECONDS must be an integer between 1 and 3600/);
    expect(() => loadConfig({ DATA_DIR: tmp(), ENCRYPTION_KEY_PREVIOUS: 'short' })).toThrow(/ENCRYPTION_KEY_PREVIOUS must be 32 bytes/);
  });

  it('requires ENCRYPTION_KEY and SESSION_SECRET with DATABASE_URL, and refuses short ones', () => {
    expect(() => loadConfig({ DATABASE_URL: DB, SESSION_SECRET: HEX })).toThrow(/ENCRYPTION_KEY is required with DATABASE_URL/);
    expect(() => loadConfig({ DATABASE_URL: DB, ENCRYPTION_KEY: HEX })).toThrow(/SESSION_SECRET is required with DATABASE_URL/);
    for (const bad of ['abc', 'c'.repeat(63), 'c'.repeat(66), Buffer.alloc(16).toString('base64'), Buffer.alloc(33).toString('base64'), 'not base64 at all!']) {
      expect(() => loadConfig({ DATABASE_URL: DB, ENCRYPTION_KEY: bad, SESSION_SECRET: HEX })).toThrow(/ENCRYPTION_KEY must be 32 bytes/);
    }
  });

  it('accepts 64 hex characters and base64 (standard or url-safe) of exactly 32 bytes', () => {
    const raw = Buffer.from(Array.from({ length: 32 }, (_, i) => i * 7 + 250));
    const c = loadConfig({ DATABASE_URL: DB, ROLE: 'api', ENCRYPTION_KEY: raw.toString('base64'), SESSION_SECRET: raw.toString('base64url') });
    expect(c.encryptionKey.equals(raw)).toBe(true);
    expect(c.sessionSecret.equals(raw)).toBe(true);
    expect(c.role).toBe('api');
    expect(c.embedded).toBe(false);
    expect(c.allowSignup).toBe(false);
    expect(parseKey32('X', HEX).toString('hex')).toBe(HEX);
  });

  it('embedded mode generates the secrets into DATA_DIR (mode 0600) and reuses them', () => {
    const dir = join(tmp(), 'nested', 'data');
    const a = loadConfig({ DATA_DIR: dir });
    expect(a.embedded).toBe(true);
    expect(a.role).toBe('all');
    expect(a.allowSignup).toBe(true);
    for (const f of ['encryption.key', 'session.secret', 'sandbox-client.secret']) {
      const p = join(dir, f);
      expect(existsSync(p)).toBe(true);
      expect(statSync(p).mode & 0o777).toBe(0o600);
      expect(readFileSync(p, 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(a.encryptionKey.toString('hex')).toBe(readFileSync(join(dir, 'encryption.key'), 'utf8').trim());
    expect(a.encryptionKey.equals(a.sessionSecret)).toBe(false);
    const b = loadConfig({ DATA_DIR: dir });
    expect(b.encryptionKey.equals(a.encryptionKey)).toBe(true);
    expect(b.sessionSecret.equals(a.sessionSecret)).toBe(true);
    expect(b.intercom.clientSecret).toBe(a.intercom.clientSecret);
    // An explicit key wins over the generated one.
    expect(loadConfig({ DATA_DIR: dir, ENCRYPTION_KEY: HEX }).encryptionKey.toString('hex')).toBe(HEX);
  });

  it('applies the documented defaults and sandbox mode', () => {
    const c = loadConfig({ DATA_DIR: tmp() });
    expect(c.port).toBe(3000);
    expect(c.publicUrl).toBe('http://localhost:3000');
    expect(c.rateLimits).toEqual({ read: 1200, write: 300, analysis: 60, auth: 20, authAccount: 10, authGlobal: 300 });
    expect(c.trustProxy).toEqual(['loopback']);
    expect(c.logSourceTimeoutMs).toBe(30000);
    expect(c.analysisMaxLines).toBe(2000000);
    expect(c.logFilesDir).toBe(join(c.dataDir, 'logs'));
    expect(c.logSourceBlockedCidrs).toEqual(['169.254.0.0/16', 'fe80::/10', 'fd00:ec2::254/128', 'fd20:ce::254/128', '100.100.100.200/32', '192.0.0.192/32']);
    expect(c.logSourceConcurrency).toBe(2);
    // An empty value (an env file's `LOG_SOURCE_BLOCKED_CIDRS=`) keeps the default block list.
    expect(loadConfig({ DATA_DIR: tmp(), LOG_SOURCE_BLOCKED_CIDRS: ' ' }).logSourceBlockedCidrs).toEqual(c.logSourceBlockedCidrs);
    expect(loadConfig({ DATA_DIR: tmp(), LOG_SOURCE_BLOCKED_CIDRS: '10.0.0.0/8, 169.254.0.0/16' }).logSourceBlockedCidrs).toEqual([
      '10.0.0.0/8',
      '169.254.0.0/16',
    ]);
    expect(loadConfig({ DATA_DIR: tmp(), LOG_SOURCE_CONCURRENCY: '5' }).logSourceConcurrency).toBe(5);
    expect(() => loadConfig({ DATA_DIR: tmp(), LOG_SOURCE_CONCURRENCY: '0' })).toThrow(/LOG_SOURCE_CONCURRENCY/);
    expect(c.intercom).toMatchObject({
      sandbox: true,
      clientId: 'sandbox',
      apiUrl: 'http://localhost:3100',
      oauthUrl: 'http://localhost:3100/oauth',
      apiVersion: '2.14',
    });
    const p = loadConfig({ DATA_DIR: tmp(), PORT: '8080', PUBLIC_URL: 'https://ss.example.com/', SANDBOX_PORT: '4100' });
    expect(p.publicUrl).toBe('https://ss.example.com');
    expect(p.intercom.apiUrl).toBe('http://localhost:4100');
    const real = loadConfig({ DATABASE_URL: DB, ENCRYPTION_KEY: HEX, SESSION_SECRET: HEX, INTERCOM_CLIENT_ID: 'id', INTERCOM_CLIENT_SECRET: 's' });
    expect(real.intercom).toMatchObject({
      sandbox: false,
      apiUrl: 'https://api.intercom.io',
      oauthUrl: 'https://app.intercom.com/oauth',
      apiUrlOverridden: false,
    });
  });

  it('refuses malformed values by name', () => {
    const base = { DATABASE_URL: DB, ENCRYPTION_KEY: HEX, SESSION_SECRET: HEX };
    expect(() => loadConfig({ ...base, PORT: 'eighty' })).toThrow(/PORT must be an integer/);
    expect(() => loadConfig({ ...base, RATE_LIMIT_READ: '0' })).toThrow(/RATE_LIMIT_READ/);
    expect(() => loadConfig({ ...base, ALLOW_SIGNUP: 'maybe' })).toThrow(/ALLOW_SIGNUP must be true or false/);
    expect(() => loadConfig({ ...base, PUBLIC_URL: 'ftp://x' })).toThrow(/PUBLIC_URL must be an http\(s\) URL/);
    expect(() => loadConfig({ ...base, INTERCOM_CLIENT_ID: 'id' })).toThrow(/INTERCOM_CLIENT_SECRET is required/);
    expect(() => loadConfig({ ...base, ADMIN_PASSWORD: 'short' })).toThrow(/ADMIN_PASSWORD must be at least 8/);
    expect(loadConfig({ ...base, ALLOW_SIGNUP: 'true' }).allowSignup).toBe(true);
    expect(() => loadConfig({ ...base, DATABASE_PREPARED_STATEMENTS: 'sometimes' })).toThrow(/DATABASE_PREPARED_STATEMENTS must be true or false/);
    expect(loadConfig(base).databasePreparedStatements).toBe(true);
    expect(loadConfig({ ...base, DATABASE_PREPARED_STATEMENTS: 'false' }).databasePreparedStatements).toBe(false);
    expect(() => loadConfig({ ...base, LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT must be pretty or json \(got "xml"\)/);
  });

  it('logs pretty on a terminal and JSON otherwise, unless LOG_FORMAT says', () => {
    const base = { DATABASE_URL: DB, ENCRYPTION_KEY: HEX, SESSION_SECRET: HEX };
    expect(loadConfig(base, true).logFormat).toBe('pretty');
    expect(loadConfig(base, false).logFormat).toBe('json');
    expect(loadConfig({ ...base, LOG_FORMAT: 'json' }, true).logFormat).toBe('json');
    expect(loadConfig({ ...base, LOG_FORMAT: 'Pretty' }, false).logFormat).toBe('pretty');
  });

  it('reads TRUST_PROXY as a hop count or a list of proxies checked by proxy-addr, and refuses the rest by name', () => {
    const base = { DATABASE_URL: DB, ENCRYPTION_KEY: HEX, SESSION_SECRET: HEX };
    expect(loadConfig({ ...base, TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ ...base, TRUST_PROXY: 'none' }).trustProxy).toBe(0);
    expect(loadConfig({ ...base, TRUST_PROXY: ' loopback, 10.0.0.0/8 ,fd00::/8,uniquelocal' }).trustProxy).toEqual([
      'loopback',
      '10.0.0.0/8',
      'fd00::/8',
      'uniquelocal',
    ]);
    for (const bad of ['10.0.0.0/33', 'not-an-address', '10.0.0.1/255.0.255.0', '1.2.3']) {
      expect(() => loadConfig({ ...base, TRUST_PROXY: bad })).toThrow(/TRUST_PROXY must be a hop count/);
    }
    expect(() => loadConfig({ ...base, TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY=true would let any client forge its address/);
    expect(() => loadConfig({ ...base, TRUST_PROXY: '1000' })).toThrow(/at most 100/);
    expect(() => loadConfig({ ...base, RATE_LIMIT_AUTH_ACCOUNT: '0' })).toThrow(/RATE_LIMIT_AUTH_ACCOUNT/);
    expect(loadConfig({ ...base, RATE_LIMIT_AUTH_GLOBAL: '50' }).rateLimits.authGlobal).toBe(50);
  });

  it('never puts a secret in an error message', () => {
    const secret = 'S3cr3t-value-that-is-wrong';
    try {
      loadConfig({ DATABASE_URL: DB, ENCRYPTION_KEY: secret, SESSION_SECRET: HEX });
      throw new Error('expected a ConfigError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as Error).message).not.toContain(secret);
    }
  });
});

describe('cleanStalePid', () => {
  it('removes a postmaster.pid whose process is gone, keeps a live one', () => {
    const dir = tmp();
    mkdirSync(dir, { recursive: true });
    const pidFile = join(dir, 'postmaster.pid');
    expect(cleanStalePid(dir)).toBe(false);
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    writeFileSync(pidFile, `${dead}\n/var/lib/pg\n1700000000\n5432\n`);
    expect(cleanStalePid(dir)).toBe(true);
    expect(existsSync(pidFile)).toBe(false);
    writeFileSync(pidFile, `${process.pid}\n/var/lib/pg\n`);
    expect(cleanStalePid(dir)).toBe(false);
    expect(existsSync(pidFile)).toBe(true);
    writeFileSync(pidFile, 'garbage\n');
    expect(cleanStalePid(dir)).toBe(true);
  });
});

describe('CORS_ORIGINS and ANALYSIS_SYNC_WAIT_MS', () => {
  const base = { DATABASE_URL: DB, ENCRYPTION_KEY: HEX, SESSION_SECRET: HEX };
  it('defaults to * and 10 s', () => {
    const c = loadConfig(base);
    expect(c.corsOrigins).toBe('*');
    expect(c.analysisSyncWaitMs).toBe(10000);
    expect(parseCorsOrigins(' * ')).toBe('*');
  });
  it('takes a comma-separated list of origins, normalised (case, default port, trailing slash), without duplicates', () => {
    expect(loadConfig({ ...base, CORS_ORIGINS: 'https://App.example.com/, http://localhost:5173,https://app.example.com:443' }).corsOrigins).toEqual([
      'https://app.example.com',
      'http://localhost:5173',
    ]);
  });
  it('refuses anything that is not an origin, with a clear message', () => {
    for (const bad of ['app.example.com', 'https://a.example/path', 'ftp://a.example', '*,https://a.example', 'https://u:p@a.example', ' , ']) {
      expect(() => loadConfig({ ...base, CORS_ORIGINS: bad })).toThrow(/CORS_ORIGINS/);
    }
  });
  it('accepts 0 (answer at once) and refuses negative or non-integer waits', () => {
    expect(loadConfig({ ...base, ANALYSIS_SYNC_WAIT_MS: '0' }).analysisSyncWaitMs).toBe(0);
    for (const bad of ['-1', '1.5', 'soon', '600001']) expect(() => loadConfig({ ...base, ANALYSIS_SYNC_WAIT_MS: bad })).toThrow(/ANALYSIS_SYNC_WAIT_MS/);
  });
});
