import type { DataSource } from 'typeorm';
import { SecretBox } from './secret-box';

/**
 * A column that holds SecretBox output. Found by convention, so a new one is rotated without being registered here:
 * an entity property whose name ends in `Sealed` (`tokenSealed`, `credentialsSealed`; `imageSealed` holds the binary
 * form, `bytea`).
 */
export interface SealedColumn {
  table: string;
  column: string;
  primaryKey: string;
}

export interface RotationReport {
  columns: Array<SealedColumn & { rotated: number; alreadyCurrent: number }>;
  rotated: number;
  alreadyCurrent: number;
}

export class KeyRotationError extends Error {
  readonly code = 'KEY_ROTATION_FAILED';
  constructor(message: string) {
    super(message);
    this.name = 'KeyRotationError';
  }
}

export function sealedColumns(ds: DataSource): SealedColumn[] {
  const out: SealedColumn[] = [];
  for (const m of ds.entityMetadatas) {
    for (const c of m.columns) {
      if (!/Sealed$/.test(c.propertyName)) continue;
      if (m.primaryColumns.length !== 1) throw new KeyRotationError(`${m.tablePath}.${c.databaseName}: a sealed column needs a one-column primary key`);
      out.push({ table: m.tablePath, column: c.databaseName, primaryKey: m.primaryColumns[0].databaseName });
    }
  }
  return out.sort((a, b) => `${a.table}.${a.column}`.localeCompare(`${b.table}.${b.column}`));
}

/**
 * Re-encrypts every sealed value from `previous` to `current`, in one transaction: either every value opens with one
 * of the two keys and all are rewritten, or nothing changes (a value that opens with neither stops the run, naming
 * its table and row, never its content). Idempotent: values already sealed with `current` are left as they are.
 * Rows are locked while the transaction runs, so a concurrent write waits instead of being overwritten.
 */
export async function rotateSealedSecrets(ds: DataSource, keys: { current: Buffer; previous: Buffer }): Promise<RotationReport> {
  if (keys.current.equals(keys.previous)) throw new KeyRotationError('ENCRYPTION_KEY_PREVIOUS is the same key as ENCRYPTION_KEY: nothing to rotate');
  const to = new SecretBox(keys.current);
  const from = new SecretBox(keys.previous);
  const q = (name: string) =>
    name
      .split('.')
      .map((p) => ds.driver.escape(p))
      .join('.');
  return ds.transaction(async (m) => {
    const report: RotationReport = { columns: [], rotated: 0, alreadyCurrent: 0 };
    for (const col of sealedColumns(ds)) {
      const rows: Array<{ id: string; sealed: string | Buffer }> = await m.query(
        `SELECT ${q(col.primaryKey)} AS id, ${q(col.column)} AS sealed FROM ${q(col.table)} WHERE ${q(col.column)} IS NOT NULL ORDER BY 1 FOR UPDATE`,
      );
      const entry = { ...col, rotated: 0, alreadyCurrent: 0 };
      for (const row of rows) {
        const bytes = Buffer.isBuffer(row.sealed);
        if (bytes ? to.isCurrentBytes(row.sealed as Buffer) : to.isCurrent(row.sealed as string)) {
          entry.alreadyCurrent++;
          continue;
        }
        let resealed: string | Buffer;
        try {
          resealed = bytes ? to.sealBytes(from.openBytes(row.sealed as Buffer)) : to.seal(from.open(row.sealed as string));
        } catch {
          throw new KeyRotationError(
            `${col.table}.${col.column} of row ${row.id} opens with neither ENCRYPTION_KEY nor ENCRYPTION_KEY_PREVIOUS; nothing was changed`,
          );
        }
        await m.query(`UPDATE ${q(col.table)} SET ${q(col.column)} = $1 WHERE ${q(col.primaryKey)} = $2`, [resealed, row.id]);
        entry.rotated++;
      }
      report.columns.push(entry);
      report.rotated += entry.rotated;
      report.alreadyCurrent += entry.alreadyCurrent;
    }
    return report;
  });
}
