import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { request } from 'node:http';
import { PassThrough } from 'node:stream';
import { loadConfig, freePort } from '@app/core';
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
export interface StartTestAppOptions {
  /** Spec-local Nest modules mounted beside the product (dummy controllers). */
  extraModules?: any[];
  /** Directory of the built admin SPA to serve (default: an empty temp dir). Browser tests pass apps/api/public. */
  publicDir?: string;
}

export async function startTestApp(env: Record<string, string> = {}, opts: StartTestAppOptions = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'ss-app-'));
  const config = loadConfig({
    PORT: String(port),
    DATABASE_URL: db.url,
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    SESSION_SECRET: TEST_SESSION_SECRET,
    ADMIN_EMAIL: OWNER.email,
    ADMIN_PASSWORD: OWNER.password,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'debug',
    INTERCOM_CLIENT_ID: 'test-client',
    INTERCOM_CLIENT_SECRET: 'test-client-secret',
    INTERCOM_API_URL: 'http://127.0.0.1:9',
    INTERCOM_OAUTH_URL: 'http://127.0.0.1:9/oauth',
    ...env,
  });
  // nestjs-pino keeps one pino-http instance per process (the first app's stream): reset it so this app's
  // logs land in this app's `logs`, also when a spec file starts several apps.
  resetPinoRoot();
  const logs: string[] = [];
  const stream = new PassThrough();
  stream.on('data', (c: Buffer) => logs.push(...c.toString('utf8').split('\n').filter(Boolean)));
  const started = await createApp({
    config,
    databaseUrl: db.url,
    logStream: stream,
    publicDir: opts.publicDir ?? join(dataDir, 'public'),
    extraModules: opts.extraModules,
  });
  return {
    ...started,
    dbUrl: db.url,
    dataDir,
    logs,
    config,
    url: `http://127.0.0.1:${started.port}`,
    stop: async () => {
      await started.close();
      await db.drop();
    },
  };
}

function resetPinoRoot(): void {
  // Not exported by the package: load it by absolute path (package "exports" only restrict bare specifiers).
  const mod = require(join(dirname(require.resolve('nestjs-pino')), 'PinoLogger.js'));
  mod.__resetOutOfContextForTests?.();
}

/** Minimal JSON client over fetch. */
export async function api(
  base: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string>; raw?: string } = {},
) {
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
  let json: any = null as any;
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

/**
 * A JSON POST on its own new connection (node:http, no agent), timed from send to the end of the answer. fetch shares
 * one connection pool per origin within a process: under a flood sent by the same process, it would measure the wait
 * for a free connection, not the server.
 */
export function timedPost(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; ms: number }> {
  const raw = JSON.stringify(body);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(raw)), ...headers } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
      },
    );
    req.on('error', reject);
    req.end(raw);
  });
}
