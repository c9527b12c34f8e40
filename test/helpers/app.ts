import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { loadConfig } from '@app/core/config/config';
import { freePort } from '@app/core/database/embedded';
import { createApp, StartedApp } from '../../apps/api/src/bootstrap';
import { createTestDatabase } from './database';

export const TEST_ENCRYPTION_KEY = 'a'.repeat(64);
export const TEST_SESSION_SECRET = 'b'.repeat(64);
export const OWNER = { email: 'owner@example.com', password: 'correct horse battery staple' };

export interface TestApp extends StartedApp {
  dbUrl: string;
  dataDir: string;
  logs: string[];
  config: ReturnType<typeof loadConfig>;
  stop(): Promise<void>;
}

/**
 * Starts the real app (all roles by default) on a fresh database of the real test PostgreSQL.
 * Logs are captured in `logs` (JSON lines) so tests can check what is written.
 */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'ss-app-'));
  const config = loadConfig({
    PORT: String(port), DATABASE_URL: db.url, ENCRYPTION_KEY: TEST_ENCRYPTION_KEY, SESSION_SECRET: TEST_SESSION_SECRET,
    ADMIN_EMAIL: OWNER.email, ADMIN_PASSWORD: OWNER.password, DATA_DIR: dataDir, LOG_LEVEL: 'debug',
    INTERCOM_CLIENT_ID: 'test-client', INTERCOM_CLIENT_SECRET: 'test-client-secret', INTERCOM_API_URL: 'http://127.0.0.1:9',
    INTERCOM_OAUTH_URL: 'http://127.0.0.1:9/oauth',
    ...env,
  });
  const logs: string[] = [];
  const stream = new PassThrough();
  stream.on('data', (c: Buffer) => logs.push(...c.toString('utf8').split('\n').filter(Boolean)));
  const started = await createApp({ config, databaseUrl: db.url, logStream: stream, publicDir: join(dataDir, 'public') });
  return {
    ...started, dbUrl: db.url, dataDir, logs, config,
    url: `http://127.0.0.1:${started.port}`,
    stop: async () => {
      await started.close();
      await db.drop();
    },
  };
}

/** Minimal JSON client over fetch. */
export async function api(base: string, method: string, path: string, opts: { token?: string; body?: unknown; headers?: Record<string, string>; raw?: string } = {}) {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.raw !== undefined) body = opts.raw;
  else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(base + path, { method, headers, body, redirect: 'manual' });
  const text = await res.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    /* not json */
  }
  return { status: res.status, headers: res.headers, json, text };
}

export async function login(base: string, email = OWNER.email, password = OWNER.password): Promise<string> {
  const r = await api(base, 'POST', '/v1/auth/login', { body: { email, password } });
  if (r.status !== 200) throw new Error(`login failed: ${r.status} ${r.text}`);
  return r.json.data.token;
}
