#!/usr/bin/env node
// Runs a TypeScript file (bench, CLI) with on-the-fly SWC compilation, honouring the repo's @app/* aliases.
// Usage: node scripts/run-ts.cjs path/to/file.ts [args...]
const path = require('node:path');
const fs = require('node:fs');
const Module = require('node:module');
const { transformSync } = require('@swc/core');

const root = path.resolve(__dirname, '..');
const aliases = {};
for (const lib of fs.readdirSync(path.join(root, 'libs'))) aliases[`@app/${lib}`] = path.join(root, 'libs', lib, 'src');

const origResolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  for (const [alias, target] of Object.entries(aliases)) {
    if (request === alias || request.startsWith(alias + '/')) {
      request = target + request.slice(alias.length);
      break;
    }
  }
  return origResolve.call(this, request, parent, ...rest);
};

const swcOptions = {
  sourceMaps: 'inline',
  module: { type: 'commonjs' },
  jsc: {
    target: 'es2023',
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    keepClassNames: true,
  },
};
require.extensions['.ts'] = function (module, filename) {
  const src = fs.readFileSync(filename, 'utf8');
  const { code } = transformSync(src, { ...swcOptions, filename });
  module._compile(code, filename);
};

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: run-ts.cjs FILE.ts [args]\n');
  process.exit(2);
}
process.argv.splice(1, 1);
require(path.resolve(file));
