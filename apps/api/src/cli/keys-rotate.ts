/**
 * `npm run -s keys:rotate` (contract §1): re-encrypts every stored secret (Intercom tokens, log-source credentials, analysis screenshots)
 * from ENCRYPTION_KEY_PREVIOUS to ENCRYPTION_KEY, in one transaction; safe to run again. Prints one line per sealed
 * column to stdout; errors go to stderr with exit code 1 (2 for a configuration problem). docs/deploy.md has the
 * whole procedure.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { ConfigError, loadConfig, KeyRotationError, rotateSealedSecrets, startEmbeddedPostgres } from '@app/core';
import { ENTITIES } from '../entities';

async function main(): Promise<number> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`keys:rotate: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  if (!config.encryptionKeyPrevious) {
    process.stderr.write('keys:rotate: set ENCRYPTION_KEY_PREVIOUS to the old key and ENCRYPTION_KEY to the new one (docs/deploy.md)\n');
    return 2;
  }
  let stopDb: (() => Promise<void>) | null = null;
  let url = config.databaseUrl;
  if (!url) {
    try {
      const db = await startEmbeddedPostgres({ dir: config.dataDir, persistent: true });
      url = db.url;
      stopDb = db.stop;
    } catch (e) {
      process.stderr.write(`keys:rotate: cannot start the embedded PostgreSQL under ${config.dataDir} (stop \`npm start\` first): ${String(e)}\n`);
      return 1;
    }
  }
  const ds = new DataSource({ type: 'postgres', url, entities: ENTITIES });
  try {
    await ds.initialize();
    const report = await rotateSealedSecrets(ds, { current: config.encryptionKey, previous: config.encryptionKeyPrevious });
    for (const c of report.columns) {
      process.stdout.write(`${c.table}.${c.column}: ${c.rotated} re-encrypted, ${c.alreadyCurrent} already on ENCRYPTION_KEY\n`);
    }
    process.stdout.write(`keys:rotate: done, ${report.rotated} re-encrypted, ${report.alreadyCurrent} already on ENCRYPTION_KEY\n`);
    return 0;
  } catch (e) {
    process.stderr.write(
      `keys:rotate: ${e instanceof KeyRotationError ? e.message : `failed, nothing was changed: ${e instanceof Error ? e.message : String(e)}`}\n`,
    );
    return 1;
  } finally {
    if (ds.isInitialized) await ds.destroy().catch(() => undefined);
    if (stopDb) await stopDb().catch(() => undefined);
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`keys:rotate: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
