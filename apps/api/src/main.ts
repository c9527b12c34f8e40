import 'reflect-metadata';
import { loadConfig, ConfigError } from '@app/core/config/config';
import { startEmbeddedPostgres } from '@app/core/database/embedded';
import { join } from 'node:path';
import { createApp } from './bootstrap';

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
    const db = await startEmbeddedPostgres({ dir: config.dataDir, persistent: true, port: config.embeddedPgPort ?? undefined });
    databaseUrl = db.url;
    stopDb = db.stop;
    process.stdout.write(`embedded PostgreSQL ready under ${join(config.dataDir, 'pg')} in ${Date.now() - started} ms\n`);
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
  const shutdown = async () => {
    await started.close().catch(() => undefined);
    if (stopDb) await stopDb().catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((e) => {
  process.stderr.write(`SigSentry failed to start: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
