#!/usr/bin/env node
// `npm start`: builds the admin SPA when needed, starts the Intercom sandbox (when no INTERCOM_CLIENT_ID is set)
// as a child process, then the SigSentry process (ROLE=all by default, embedded PostgreSQL without DATABASE_URL).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAdmin } from './build-admin.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env };
const port = Number(env.PORT || 3000);
const publicUrl = (env.PUBLIC_URL || `http://localhost:${port}`).replace(/\/+$/, '');
const dataDir = resolve(env.DATA_DIR || join(root, '.data'));
const role = env.ROLE || 'all';

if (role !== 'worker' && role !== 'migrate') {
  const status = buildAdmin({ ifStale: true });
  if (status !== 0) process.exit(status);
}

const children = [];
if (!env.INTERCOM_CLIENT_ID && role !== 'worker' && role !== 'migrate') {
  // Sandbox mode (contract §2): client id `sandbox`, secret generated into DATA_DIR (shared with the app's config).
  mkdirSync(dataDir, { recursive: true });
  const secretFile = join(dataDir, 'sandbox-client.secret');
  if (!existsSync(secretFile)) {
    writeFileSync(secretFile, randomBytes(32).toString('hex') + '\n', { mode: 0o600 });
    chmodSync(secretFile, 0o600);
  }
  const sandboxPort = Number(env.SANDBOX_PORT || 3100);
  const sandbox = spawn(process.execPath, [join(root, 'scripts', 'run-ts.cjs'), join(root, 'apps', 'intercom-sandbox', 'src', 'main.ts')], {
    cwd: root,
    // Its own process group: a Ctrl-C in the terminal reaches this script only; the sandbox stops after the app.
    detached: true,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...env,
      SANDBOX_PORT: String(sandboxPort),
      SANDBOX_CLIENT_ID: 'sandbox',
      SANDBOX_CLIENT_SECRET: env.INTERCOM_CLIENT_SECRET || readFileSync(secretFile, 'utf8').trim(),
      SANDBOX_REDIRECT_URI: `${publicUrl}/oauth/intercom/callback`,
      SANDBOX_WEBHOOK_URL: `${publicUrl}/webhooks/intercom`,
      SANDBOX_UNINSTALL_URL: `${publicUrl}/webhooks/intercom/uninstall`,
      SANDBOX_CANVAS_INITIALIZE_URL: `${publicUrl}/canvas-kit/intercom/initialize`,
      SANDBOX_CANVAS_SUBMIT_URL: `${publicUrl}/canvas-kit/intercom/submit`,
      SANDBOX_PUBLIC_URL: publicUrl,
    },
  });
  children.push(sandbox);
}

// The app runs in its own process group (detached) so a Ctrl-C in the terminal does not reach it — nor the embedded
// PostgreSQL it starts — directly: this script forwards the signal to the app, which drains, closes its connections
// and only then stops the database. The IPC channel lets the app notice if this script dies without forwarding.
const app = spawn(process.execPath, [join(root, 'scripts', 'run-ts.cjs'), join(root, 'apps', 'api', 'src', 'main.ts')], {
  cwd: root,
  detached: true,
  stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
  env,
});
const forward = (sig) => app.exitCode === null && app.signalCode === null && app.kill(sig);
process.on('SIGINT', () => forward('SIGINT'));
process.on('SIGTERM', () => forward('SIGTERM'));
process.on('SIGHUP', () => forward('SIGTERM'));
process.on('exit', () => children.forEach((c) => c.exitCode === null && c.signalCode === null && c.kill('SIGTERM')));
app.on('exit', (code, signal) => {
  // The sandbox goes last: jobs still talking to it during the app's shutdown must reach it.
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  process.exit(code ?? (signal ? 1 : 0));
});
