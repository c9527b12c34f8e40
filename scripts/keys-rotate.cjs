#!/usr/bin/env node
// `npm run -s keys:rotate`: in the image (no dev dependencies) runs the compiled CLI from dist/; in a checkout runs the
// TypeScript source through scripts/run-ts.cjs. The CLI itself: apps/api/src/cli/keys-rotate.ts.
const { existsSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const compiled = path.join(root, 'dist', 'apps', 'api', 'src', 'cli', 'keys-rotate.js');
let checkout = true;
try {
  require.resolve('@swc/core');
} catch {
  checkout = false;
}
if (!checkout && existsSync(compiled)) {
  require(compiled);
} else {
  process.argv.splice(2, 0, path.join(root, 'apps', 'api', 'src', 'cli', 'keys-rotate.ts'));
  require('./run-ts.cjs');
}
