#!/usr/bin/env node
// `npm run lint`: the linters, each a pass/fail check (npm test counts each as one test):
//  - eslint: typescript-eslint rules, no deep imports past a library's index.ts, no `any` without a reason
//    (eslint.config.mjs; known violations in eslint-suppressions.json);
//  - dependencies: the import arrows of architecture.md (.dependency-cruiser.cjs; while a restructuring is under
//    way its known violations can be listed in .dependency-cruiser-known-violations.json: none today);
//  - prettier: `prettier --check .`.
// `npm run lint -- eslint` runs one of them.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const KNOWN = '.dependency-cruiser-known-violations.json';
const bin = (pkg, file) => join(root, 'node_modules', pkg, file);

export const LINT_CHECKS = [
  { name: 'eslint', args: [bin('eslint', 'bin/eslint.js'), '.', '--pass-on-unpruned-suppressions'] },
  {
    name: 'dependencies',
    args: [
      bin('dependency-cruiser', 'bin/dependency-cruiser.mjs'),
      'apps',
      'libs',
      'test',
      'bench',
      'scripts',
      '--config',
      '.dependency-cruiser.cjs',
      // Known violations being fixed, when there are any (`npm run lint:deps:baseline` writes the file).
      ...(existsSync(join(root, KNOWN)) ? ['--ignore-known', KNOWN] : []),
      '--output-type',
      'err',
    ],
  },
  { name: 'prettier', args: [bin('prettier', 'bin/prettier.cjs'), '--check', '.', '--log-level', 'warn'] },
];

/** Runs the checks; returns [{name, ok}]. */
export function runLint(names = []) {
  const checks = names.length ? LINT_CHECKS.filter((c) => names.includes(c.name)) : LINT_CHECKS;
  return checks.map((c) => {
    const r = spawnSync(process.execPath, c.args, { cwd: root, stdio: 'inherit' });
    const ok = r.status === 0;
    process.stdout.write(`lint ${c.name}: ${ok ? 'ok' : 'FAILED'}\n`);
    return { name: c.name, ok };
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const results = runLint(process.argv.slice(2));
  process.exit(results.every((r) => r.ok) ? 0 : 1);
}
