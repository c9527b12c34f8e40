import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');

function run(content: string): { stdout: string; status: number | null } {
  const dir = mkdtempSync(path.join(tmpdir(), 'sig-'));
  try {
    const file = path.join(dir, 'in.log');
    writeFileSync(file, content);
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'run-ts.cjs'), path.join(repoRoot, 'libs/analysis/src/cli/signatures.ts'), file], {
      encoding: 'utf8',
      cwd: repoRoot,
    });
    return { stdout: r.stdout, status: r.status };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('signatures CLI', () => {
  it('prints one JSON line per record in input order, with final templates', () => {
    const users = ['admin', 'oracle', 'test', 'guest', 'pi'];
    const more = users.map((u, i) => `Failed password for ${u} from 10.0.0.${i} port ${i + 100} ssh2\n`).join('');
    const { stdout, status } = run(`Failed password for root from 10.0.0.1 port 22 ssh2\r\nConnection closed by 10.0.0.9\n\n${more}`);
    expect(status).toBe(0);
    expect(stdout.endsWith('\n')).toBe(true);
    const recs = stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(recs.map((r) => r.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const r of recs) expect(Object.keys(r)).toEqual(['line', 'clusterId', 'template']);
    expect(typeof recs[0].clusterId).toBe('string');
    expect(recs.filter((r) => r.clusterId === recs[0].clusterId)).toHaveLength(6);
    // The first line gets its cluster's FINAL template, known only after the later lines.
    expect(recs[0].template).toBe('Failed password for <*> from <*> port <*> ssh2');
    expect(recs[1].template).toBe('Connection closed by <*>');
    expect(recs[2].template).toBe('');
    expect(new Set(recs.map((r) => r.clusterId)).size).toBe(3);
  });

  it('makes a record of a last line without newline, and none of an empty file', () => {
    expect(run('a 1\nb 2').stdout.trimEnd().split('\n')).toHaveLength(2);
    expect(run('').stdout).toBe('');
    expect(run('\n').stdout.trimEnd().split('\n')).toHaveLength(1);
  });
});
