#!/usr/bin/env node
// `npm test`: the whole suite, then one summary line `tests: N passed, M failed` (.ci/run reads it).
//  1. the checks, one test each: type-check of the server/libs/tests and of the SPA, the committed OpenAPI document
//     and SPA client schema are current, ESLint, the dependency rules, Prettier;
//  2. Jest, every tier of jest.config.js (unit, integration, e2e, browser, and a small smoke of the stress tier);
//  3. Vitest (the SPA's unit tests).
// The admin SPA is built first only when its sources changed (the browser tier drives the built files).
// `npm test -- <jest args>` (e.g. a spec path or `--selectProjects unit`) runs Jest only, without the checks or a build
// unless the browser tier is among the args.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAdmin } from './build-admin.mjs';
import { LINT_CHECKS, runLint } from './lint.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const reports = join(root, '.reports');
mkdirSync(reports, { recursive: true });
for (const f of ['jest.json', 'vitest.json']) rmSync(join(reports, f), { force: true });
const node = process.execPath;
const extra = process.argv.slice(2);
const everything = extra.length === 0;
const started = Date.now();

let passed = 0;
let failed = 0;
let lastCheck = Date.now();
const check = (name, ok) => {
  process.stdout.write(`check ${name.split(' (')[0]}: ${ok ? 'ok' : 'FAILED'} (${((Date.now() - lastCheck) / 1000).toFixed(0)} s)\n`);
  lastCheck = Date.now();
  if (ok) passed++;
  else {
    failed++;
    process.stdout.write(`check failed: ${name}\n`);
  }
  return ok;
};

if (everything || extra.some((a) => a.includes('browser'))) {
  if (!check('build:admin', buildAdmin({ ifStale: true }) === 0)) {
    process.stdout.write(`tests: ${passed} passed, ${failed} failed\n`);
    process.exit(1);
  }
}

if (everything) {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  for (const project of ['tsconfig.json', 'apps/admin/tsconfig.json']) {
    check(`type-check ${project}`, spawnSync(node, [tsc, '--noEmit', '-p', project], { cwd: root, stdio: 'inherit' }).status === 0);
  }
  const openapi = spawnSync(node, [join(root, 'scripts', 'run-ts.cjs'), join(root, 'scripts', 'openapi.ts'), '--check'], { cwd: root, stdio: 'inherit' });
  check('openapi (run `npm run openapi` and commit apps/api/openapi.json, its schemas and the SPA client schema)', openapi.status === 0);
  for (const c of LINT_CHECKS) check(`lint ${c.name}`, runLint([c.name])[0].ok);
}

const jest = spawnSync(node, [join(root, 'node_modules', 'jest', 'bin', 'jest.js'), '--json', `--outputFile=${join(reports, 'jest.json')}`, ...extra], {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    STRESS_SMOKE: process.env.STRESS_SMOKE ?? '1',
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules`.trim(),
  },
});
let vitestStatus = 0;
if (everything) {
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
const ok = jest.status === 0 && vitestStatus === 0 && failed === 0;
if (!ok && failed === 0) failed = 1;
process.stdout.write(`\ntest time: ${((Date.now() - started) / 1000).toFixed(0)} s\ntests: ${passed} passed, ${failed} failed\n`);
process.exit(ok ? 0 : 1);
