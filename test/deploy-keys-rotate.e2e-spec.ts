/*
 * Real: `npm run -s keys:rotate` (scripts/keys-rotate.cjs → apps/api/src/cli/keys-rotate.ts) as a child process on a
 * real PostgreSQL (embedded), secrets written by the real app (an Intercom install through the sandbox, a log source
 * with credentials). Stand-in: the Intercom sandbox.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { SecretBox } from '@app/core';
import { api, TEST_ENCRYPTION_KEY } from './helpers/app';
import { installThroughConsent, IntercomStack, startIntercomStack } from './helpers/intercom';

const root = join(__dirname, '..');
const OLD = TEST_ENCRYPTION_KEY;
const NEW = '1f'.repeat(32);
const OTHER = '2e'.repeat(32);

function rotate(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'scripts', 'keys-rotate.cjs')], {
      cwd: root,
      env: { ...process.env, NODE_OPTIONS: '', SESSION_SECRET: 'b'.repeat(64), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function sealed(url: string): Promise<Array<{ t: string; v: string }>> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const a = await c.query(`SELECT 'binding' AS t, "tokenSealed" AS v FROM support_desk_bindings WHERE "tokenSealed" IS NOT NULL`);
    const b = await c.query(`SELECT 'source' AS t, "credentialsSealed" AS v FROM log_sources`);
    return [...a.rows, ...b.rows];
  } finally {
    await c.end();
  }
}

describe('npm run -s keys:rotate (ENCRYPTION_KEY_PREVIOUS → ENCRYPTION_KEY)', () => {
  let s: IntercomStack;
  let db: string;
  let token: string;

  beforeAll(async () => {
    s = await startIntercomStack({ ENCRYPTION_KEY: OLD });
    await installThroughConsent(s);
    const src = await api(s.app.url, 'POST', '/v1/config/log-sources', {
      token: s.token,
      headers: { 'x-project-id': s.projectId },
      body: {
        type: 'datadog',
        name: 'dd',
        credentials: { apiKey: 'dd-api-key-0123456789abcdef', appKey: 'dd-app-key-0123456789abcdef' },
        sources: ['checkout'],
        settings: { endpoint: 'http://127.0.0.1:9' },
      },
    });
    if (src.status !== 201) throw new Error(src.text);
    db = s.app.dbUrl;
    token = new SecretBox(Buffer.from(OLD, 'hex')).open((await sealed(db)).find((r) => r.t === 'binding')!.v);
    await s.app.close();
  });
  afterAll(async () => s?.stop());

  it('refuses to run without ENCRYPTION_KEY_PREVIOUS, or with the same key twice, and changes nothing', async () => {
    const before = await sealed(db);
    const missing = await rotate({ DATABASE_URL: db, ENCRYPTION_KEY: NEW });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/set ENCRYPTION_KEY_PREVIOUS to the old key/);
    const same = await rotate({ DATABASE_URL: db, ENCRYPTION_KEY: OLD, ENCRYPTION_KEY_PREVIOUS: OLD });
    expect(same.code).toBe(1);
    expect(same.stderr).toMatch(/same key as ENCRYPTION_KEY/);
    expect(await sealed(db)).toEqual(before);
  });

  it('stops on a value that opens with neither key, naming the row, and rolls everything back', async () => {
    const before = await sealed(db);
    const c = new Client({ connectionString: db });
    await c.connect();
    const foreign = new SecretBox(Buffer.from(OTHER, 'hex')).sealJson({ apiKey: 'x', appKey: 'y' });
    const id = (await c.query(`SELECT id FROM log_sources LIMIT 1`)).rows[0].id;
    const original = (await c.query(`SELECT "credentialsSealed" FROM log_sources WHERE id = $1`, [id])).rows[0].credentialsSealed;
    await c.query(`UPDATE log_sources SET "credentialsSealed" = $1 WHERE id = $2`, [foreign, id]);
    try {
      const r = await rotate({ DATABASE_URL: db, ENCRYPTION_KEY: NEW, ENCRYPTION_KEY_PREVIOUS: OLD });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`log_sources.credentialsSealed of row ${id} opens with neither`);
      expect(r.stderr).not.toContain('dd-api-key');
      // The binding (rotated first, in table order) was rolled back with the rest.
      const binding = (await sealed(db)).find((x) => x.t === 'binding')!.v;
      expect(binding).toBe(before.find((x) => x.t === 'binding')!.v);
    } finally {
      await c.query(`UPDATE log_sources SET "credentialsSealed" = $1 WHERE id = $2`, [original, id]);
      await c.end();
    }
    expect(await sealed(db)).toEqual(before);
  });

  it('re-encrypts every stored secret in one run and is a no-op the second time', async () => {
    const first = await rotate({ DATABASE_URL: db, ENCRYPTION_KEY: NEW, ENCRYPTION_KEY_PREVIOUS: OLD });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('support_desk_bindings.tokenSealed: 1 re-encrypted, 0 already on ENCRYPTION_KEY');
    expect(first.stdout).toContain('log_sources.credentialsSealed: 1 re-encrypted, 0 already on ENCRYPTION_KEY');
    expect(first.stdout).not.toContain(token);
    const after = await sealed(db);
    const oldBox = new SecretBox(Buffer.from(OLD, 'hex'));
    const newBox = new SecretBox(Buffer.from(NEW, 'hex'));
    for (const r of after) {
      expect(() => oldBox.open(r.v)).toThrow();
      expect(newBox.isCurrent(r.v)).toBe(true);
    }
    expect(newBox.open(after.find((r) => r.t === 'binding')!.v)).toBe(token);
    expect(newBox.openJson<any>(after.find((r) => r.t === 'source')!.v)).toEqual({
      apiKey: 'dd-api-key-0123456789abcdef',
      appKey: 'dd-app-key-0123456789abcdef',
    });

    const second = await rotate({ DATABASE_URL: db, ENCRYPTION_KEY: NEW, ENCRYPTION_KEY_PREVIOUS: OLD });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('keys:rotate: done, 0 re-encrypted, 2 already on ENCRYPTION_KEY');
    expect(await sealed(db)).toEqual(after);
  });
});
