#!/usr/bin/env node
// `npm test`: builds the admin SPA (the browser tests drive the built files), runs Jest (unit, integration, e2e,
// browser) and Vitest (SPA units), writes their JSON reports to .reports/ and prints one summary line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const reports = join(root, '.reports');
mkdirSync(reports, { recursive: true });
const node = process.execPath;
const extra = process.argv.slice(2);
const started = Date.now();

const build = spawnSync(node, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'apps/admin/vite.config.ts', '--logLevel', 'warn'], {
  cwd: root,
  stdio: 'inherit',
});
if (build.status !== 0) {
  process.stdout.write('tests: 0 passed, 1 failed\n');
  process.exit(1);
}

// Type-check the server, libs, tests and the SPA (counted as one test each).
let typeFailures = 0;
let typePasses = 0;
if (extra.length === 0) {
  for (const project of ['tsconfig.json', 'apps/admin/tsconfig.json']) {
    const tsc = spawnSync(node, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', project], { cwd: root, stdio: 'inherit' });
    if (tsc.status === 0) typePasses++;
    else {
      typeFailures++;
      process.stdout.write(`type-check failed: ${project}\n`);
    }
  }
}

const jest = spawnSync(node, [join(root, 'node_modules', 'jest', 'bin', 'jest.js'), '--json', `--outputFile=${join(reports, 'jest.json')}`, ...extra], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules`.trim() },
});
let vitestStatus = 0;
if (extra.length === 0) {
  const v = spawnSync(
    node,
    [
      join(root, 'node_modules', 'vitest', 'vitest.mjs'),
      'run',
      '--root',
      'apps/admin',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${join(reports, 'vitest.json')}`,
    ],
    { cwd: root, stdio: 'inherit' },
  );
  vitestStatus = v.status ?? 1;
}

let passed = typePasses;
let failed = typeFailures;
for (const f of ['jest.json', 'vitest.json']) {
  const p = join(reports, f);
  if (!existsSync(p)) continue;
  try {
    const r = JSON.parse(readFileSync(p, 'utf8'));
    passed += r.numPassedTests ?? 0;
    failed += (r.numFailedTests ?? 0) + (r.numRuntimeErrorTestSuites ?? 0);
  } catch {
    failed += 1;
  }
}
const ok = jest.status === 0 && vitestStatus === 0 && typeFailures === 0;
if (!ok && failed === 0) failed = 1;
process.stdout.write(`\ntest time: ${((Date.now() - started) / 1000).toFixed(0)} s\ntests: ${passed} passed, ${failed} failed\n`);
process.exit(ok ? 0 : 1);
