import 'reflect-metadata';
import { loadConfig, ConfigError, startEmbeddedPostgres } from '@app/core';
import { join } from 'node:path';
import { createApp, migrateDatabase } from './bootstrap';

/* The process entry: picks the role, starts the embedded PostgreSQL when DATABASE_URL is unset, prints the banner. */
async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`\nSigSentry cannot start: ${e.message}\n\n`);
      process.exit(2);
    }
    throw e;
  }
  let stopDb: (() => Promise<void>) | null = null;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    const started = Date.now();
    // ownSignals: the database stops only after the app has closed (see shutdown below), not on the signal itself.
    const db = await startEmbeddedPostgres({ dir: config.dataDir, persistent: true, port: config.embeddedPgPort ?? undefined, ownSignals: true });
    databaseUrl = db.url;
    stopDb = db.stop;
    process.stdout.write(`embedded PostgreSQL ready under ${join(config.dataDir, 'pg')} in ${Date.now() - started} ms\n`);
  }
  if (config.role === 'migrate') {
    // ROLE=migrate (contract §1): apply pending migrations once, before the app's containers start, and exit.
    try {
      const applied = await migrateDatabase(databaseUrl);
      process.stdout.write(applied.length ? `migrations applied: ${applied.join(', ')}\n` : 'migrations: none pending\n');
    } finally {
      if (stopDb) await stopDb().catch(() => undefined);
    }
    process.exit(0);
  }
  const started = await createApp({ config, databaseUrl });
  const lines = [
    '',
    `SigSentry is running (ROLE=${config.role}${config.embedded ? ', embedded PostgreSQL' : ''})`,
    `  admin SPA     ${config.publicUrl}/`,
    `  API docs      ${config.publicUrl}/docs`,
    `  health        ${config.publicUrl}/health/ready`,
  ];
  if (config.intercom.sandbox) lines.push(`  Intercom      sandbox mode: ${config.intercom.apiUrl} (no INTERCOM_CLIENT_ID set)`);
  if (started.bootstrap.created && started.bootstrap.passwordFile)
    lines.push(`  first login   ${started.bootstrap.email} — the password is in ${started.bootstrap.passwordFile}`);
  else if (started.bootstrap.created) lines.push(`  first login   ${started.bootstrap.email} (ADMIN_PASSWORD)`);
  else if (started.bootstrap.note) lines.push(`  first login   ${started.bootstrap.note}`);
  process.stdout.write(lines.join('\n') + '\n\n');
  // SIGTERM/SIGINT: the app drains and closes first (in-flight requests answered, running jobs finished or released,
  // pool closed), then the embedded database stops — never the other way round. A second signal changes nothing.
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    let code = 0;
    await started.close().catch((e: unknown) => {
      code = 1;
      process.stderr.write(`shutdown: ${e instanceof Error ? e.message : String(e)}\n`);
    });
    if (stopDb) await stopDb().catch(() => undefined);
    process.stdout.write(`SigSentry stopped (${signal})\n`);
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void shutdown(signal));
  // Started by `npm start` (scripts/start.mjs) with an IPC channel: if that parent dies without forwarding a signal,
  // shut down rather than live on as an orphan.
  if (process.send) process.once('disconnect', () => void shutdown('parent exited'));
}

main().catch((e) => {
  process.stderr.write(`SigSentry failed to start: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
