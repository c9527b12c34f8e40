#!/usr/bin/env node
// `npm run build:admin`: builds the admin SPA (apps/admin) into apps/api/public, where the api serves it.
// `--if-stale`: only when a source file (apps/admin, libs/contracts) is newer than the built index.html
// (npm start and npm test use this, so an unchanged SPA is not rebuilt).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const index = join(root, 'apps', 'api', 'public', 'index.html');

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules') continue;
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

export function adminIsStale() {
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  return built < newest(join(root, 'apps', 'admin')) || built < newest(join(root, 'libs', 'contracts', 'src'));
}

/** Builds the SPA (when stale, with `ifStale`); returns the exit status. */
export function buildAdmin({ ifStale = false, quiet = false } = {}) {
  if (ifStale && !adminIsStale()) return 0;
  if (!quiet) process.stdout.write('building the admin SPA…\n');
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const r = spawnSync(process.execPath, [vite, 'build', '--config', 'apps/admin/vite.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  return r.status ?? 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exit(buildAdmin({ ifStale: process.argv.includes('--if-stale') }));
}
