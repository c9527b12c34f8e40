import 'reflect-metadata';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { Logger, type ModuleMetadata } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Pool, PoolClient } from 'pg';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import { Logger as PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { AuthService } from '@app/accounts';
import type { AppConfig } from '@app/core';
import {
  corsMiddleware,
  createValidationPipe,
  requestIdMiddleware,
  httpMetricsMiddleware,
  OpenStreams,
  PgBossQueue,
  QuietStartupLogger,
  requestPath,
} from '@app/core';
import { AppModule } from './app.module';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';
import { buildOpenApiDocument } from './openapi';
import { WebhookDoor, type RawBodyReader, type RequestListener } from '@app/support-desk';
import { parsedBodyMiddleware, rawBodyMiddleware } from './http/raw-body';
import { securityHeadersMiddleware } from './http/security-headers';
import { spaMiddleware } from './http/spa';

export interface StartedApp {
  app: NestExpressApplication;
  url: string;
  port: number;
  queue: PgBossQueue;
  bootstrap: Awaited<ReturnType<AuthService['bootstrapOwner']>>;
  /**
   * Graceful shutdown (SIGTERM/SIGINT): takes no new request or job, answers in-flight requests and lets running jobs
   * finish within SHUTDOWN_GRACE_SECONDS (jobs still running then are released to the queue), then closes the
   * database pool. Idempotent: a second call waits for the first.
   */
  close(): Promise<void>;
}

export interface CreateAppOptions {
  config: AppConfig;
  databaseUrl: string;
  logStream?: NodeJS.WritableStream;
  /** Directory of the built SPA. */
  publicDir?: string;
  /** Extra Nest modules mounted beside the product (tests declare spec-local controllers this way). */
  extraModules?: NonNullable<ModuleMetadata['imports']>;
}

const MIGRATION_LOCK = 727_001;

/** Runs pending migrations under an advisory lock so several replicas can start at once. Returns the names applied. */
export async function runMigrations(ds: DataSource): Promise<string[]> {
  const qr = ds.createQueryRunner();
  await qr.connect();
  try {
    await qr.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    return (await ds.runMigrations({ transaction: 'each' })).map((m) => m.name);
  } finally {
    await qr.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await qr.release();
  }
}

/** ROLE=migrate: applies pending migrations on a plain connection (no HTTP, no queue) and returns their names. */
export async function migrateDatabase(databaseUrl: string): Promise<string[]> {
  const ds = new DataSource({ type: 'postgres', url: databaseUrl, entities: ENTITIES, migrations: MIGRATIONS, synchronize: false, migrationsRun: false });
  await ds.initialize();
  try {
    return await runMigrations(ds);
  } finally {
    await ds.destroy();
  }
}

export async function createApp(o: CreateAppOptions): Promise<StartedApp> {
  const { config } = o;
  const worker = config.role !== 'api';
  const queue = new PgBossQueue(o.databaseUrl, { worker, preparedStatements: config.databasePreparedStatements });
  const root = AppModule.forRoot({ config, databaseUrl: o.databaseUrl, queue, entities: ENTITIES, migrations: MIGRATIONS, logStream: o.logStream });
  const app = await NestFactory.create<NestExpressApplication>(
    o.extraModules?.length ? { module: class RootWithExtras {}, imports: [root, ...o.extraModules] } : root,
    { bodyParser: false, bufferLogs: true, abortOnError: false },
  );
  app.useLogger(new QuietStartupLogger(app.get(PinoLogger)));
  // req.ip is the client behind the proxies TRUST_PROXY names (hop count or CIDRs; default loopback): rate limits use it.
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  // First: every response (SPA, body-parser errors included) carries X-Request-Id; pino-http reuses req.id.
  app.use(requestIdMiddleware);
  // Webhook bodies over the limit are never kept: their signature is computed as they stream (contract §6: 401 first).
  const webhooks = app.get(WebhookDoor, { strict: false });
  const rawBody = rawBodyMiddleware(config.bodyLimitBytes, {
    verifierFor: (req) => webhooks.providerAt(requestPath(req))?.webhookStreamVerifier?.(req.headers) ?? null,
  });
  // The platforms' webhooks (POST /webhooks/<platform>, the hot machine-to-machine path) are served by the HTTP
  // server's request listener itself, ahead of Express: see serveWebhooksFirst below.
  app.use(securityHeadersMiddleware({ https: config.publicUrl.startsWith('https:') }));
  // CORS before anything that can answer /v1: preflights need no authentication, errors carry the grant too.
  app.use(corsMiddleware(config.corsOrigins));
  app.use(httpMetricsMiddleware);
  app.use(cookieParser());
  app.use(rawBody);
  app.use(parsedBodyMiddleware(config.bodyLimitBytes));
  if (config.role === 'worker') {
    // The worker role answers health and metrics only.
    app.use((req: Request, res: Response, next: NextFunction) =>
      /^\/(health|metrics)/.test(req.path)
        ? next()
        : res.status(404).json({ success: false, error: { code: 'NOT_FOUND', message: 'This process runs ROLE=worker' } }),
    );
  } else {
    app.use(spaMiddleware(o.publicDir ?? resolve(__dirname, '..', 'public')));
  }
  app.useGlobalPipes(createValidationPipe());
  const doc = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, doc, { jsonDocumentUrl: 'docs-json' });
  // No app.enableShutdownHooks(): Nest's own signal handlers would close the server and the pool at once. main.ts
  // handles SIGTERM/SIGINT and calls close() below, which drains first.

  if (config.role !== 'worker') serveWebhooksFirst(app.getHttpServer() as Server, webhooks, rawBody);
  const ds = app.get(DataSource);
  guardPoolClients(ds);
  await runMigrations(ds);
  await app.init();
  await queue.start();
  const bootstrap = config.role === 'worker' ? { created: false } : await app.get(AuthService).bootstrapOwner();
  await app.listen(config.port, '0.0.0.0');
  const server = app.getHttpServer() as Server;
  const inFlight = countInFlight(server);
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  let closing: Promise<void> | null = null;
  const shutdown = async () => {
    const logger = new Logger('shutdown');
    const deadline = Date.now() + config.shutdownGraceMs;
    logger.log(
      { event: 'shutdown.started', graceMs: config.shutdownGraceMs, inFlightRequests: inFlight(), runningJobs: queue.activeJobs() },
      'shutting down: no new requests or jobs; finishing in-flight ones',
    );
    await queue.stopWorkers();
    // Event streams end now with an event telling the caller to poll, instead of holding the drain until the deadline.
    app.get(OpenStreams).closeAll();
    const http = await drainHttp(server, deadline);
    // Running jobs get what is left of the grace period; any still running then is released back to the queue.
    await queue.stop(deadline - Date.now());
    await app.close();
    logger.log({ event: 'shutdown.finished', forcedConnections: http.forced }, 'shut down');
  };
  return {
    app,
    port,
    queue,
    bootstrap,
    url: `http://127.0.0.1:${port}`,
    close: () => (closing ??= shutdown()),
  };
}

/**
 * Puts the webhook door in front of Express on the HTTP server: the door answers `POST /webhooks/<platform>` itself
 * (request id, raw body and its streaming signature, signature check, ingest, metrics) without Express's routing,
 * the browser-facing middleware, pino-http's per-request logger or Nest's router; every other request goes to the
 * Express application as before. The listener takes Express's place, so listeners added later (the in-flight count)
 * see every request.
 */
function serveWebhooksFirst(server: Server, webhooks: WebhookDoor, rawBody: RawBodyReader): void {
  const express = server.listeners('request');
  if (express.length !== 1) throw new Error(`expected one request listener (Express) on the HTTP server, found ${express.length}`);
  server.removeListener('request', express[0] as RequestListener);
  server.on('request', webhooks.listener(rawBody, express[0] as RequestListener));
}

/** Live count of requests being served (for the shutdown log). */
function countInFlight(server: Server): () => number {
  let n = 0;
  server.on('request', (_req, res) => {
    n++;
    res.once('close', () => n--);
  });
  return () => n;
}

/**
 * Stops accepting connections and waits until every in-flight request has been answered (idle keep-alive connections
 * are closed as they go idle), at most until `deadline`; connections still open then are cut.
 */
export async function drainHttp(server: Server, deadline: number): Promise<{ forced: boolean }> {
  if (!server.listening) return { forced: false };
  const closed = new Promise<void>((r) => server.close(() => r()));
  server.closeIdleConnections();
  const idle = setInterval(() => server.closeIdleConnections(), 50);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), Math.max(0, deadline - Date.now()))));
  const outcome = await Promise.race([closed.then(() => 'closed' as const), timeout]);
  clearInterval(idle);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    server.closeAllConnections();
    await closed;
  }
  return { forced: outcome === 'timeout' };
}

/**
 * pg-pool takes its own 'error' listener off a client while it is checked out; when the database goes away
 * (restart, failover) a checked-out client that is between queries emits 'error' with nobody listening, and
 * Node ends the process. Seen under load in the database-restart scenario (test/stress): both workers died with
 * 57P01 "terminating connection due to administrator command". Give every client of TypeORM's pool a permanent
 * listener: the pending query still fails (and its job is retried), the pool drops the client, the process lives.
 */
export function guardPoolClients(ds: DataSource): void {
  type GuardedClient = PoolClient & { __ssErrorGuard?: boolean };
  // TypeORM's postgres driver keeps its pg Pool in `master`; `_clients` is pg's list of the pool's open clients.
  const pool = (ds.driver as unknown as { master?: Pool & { _clients?: GuardedClient[] } }).master;
  if (!pool?.on) return;
  const logger = new Logger('database');
  const guard = (client: GuardedClient) => {
    if (!client || client.__ssErrorGuard) return;
    client.__ssErrorGuard = true;
    client.on('error', (err: Error & { code?: string }) =>
      logger.warn({ event: 'db.connection_lost', error: String(err?.message ?? err), pgCode: err?.code }, 'database connection lost'),
    );
  };
  pool.on('connect', guard);
  for (const c of pool._clients ?? []) guard(c);
}

export const repoRoot = join(__dirname, '..', '..', '..');
