/**
 * Jest, in named tiers (Jest projects): `npm run test:unit`, `npm run test:e2e`, `npm test` (all), or one spec:
 *   npm run jest -- libs/triage/src/engine/window.spec.ts
 *
 * | tier        | where                                              | what is real                                              |
 * |-------------|----------------------------------------------------|-----------------------------------------------------------|
 * | unit        | `*.spec.ts` beside the code (libs, apps), test/*.spec.ts | the code only; no PostgreSQL is started                   |
 * | integration | test/integration/*.e2e-spec.ts                     | the app on embedded PostgreSQL; log platforms as local stand-ins |
 * | e2e         | test/e2e/*.e2e-spec.ts (and test/*.e2e-spec.ts)    | the app on embedded PostgreSQL + the Intercom sandbox, over HTTP |
 * | browser     | test/browser/*.e2e-spec.ts                         | the built SPA in Chromium against the app and the sandbox |
 * | stress      | test/stress/*.e2e-spec.ts                          | 2 api + 2 worker processes; npm test runs a small smoke (STRESS_SMOKE=1), `npm run test:stress` the whole run |
 *
 * `--selectProjects unit` (etc.) picks tiers; the integration, e2e, browser and stress tiers share one embedded PostgreSQL.
 */
const swc = {
  sourceMaps: 'inline',
  module: { type: 'commonjs' },
  jsc: {
    target: 'es2023',
    parser: { syntax: 'typescript', decorators: true, tsx: false },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    keepClassNames: true,
  },
};
const { readdirSync } = require('node:fs');
const moduleNameMapper = {};
for (const lib of readdirSync(`${__dirname}/libs`)) {
  moduleNameMapper[`^@app/${lib}$`] = `<rootDir>/libs/${lib}/src`;
  moduleNameMapper[`^@app/${lib}/(.*)$`] = `<rootDir>/libs/${lib}/src/$1`;
}
const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/apps/admin/'],
  moduleNameMapper,
};
/** One embedded PostgreSQL for the tiers that need it (started once even when several of them run). */
const database = { globalSetup: '<rootDir>/test/global-setup.ts', globalTeardown: '<rootDir>/test/global-teardown.ts' };

const project = (displayName, testMatch, extra = {}) => ({ ...common, displayName, testMatch, ...extra });

module.exports = {
  testTimeout: 60000,
  maxWorkers: 2,
  projects: [
    project('unit', [
      '<rootDir>/libs/**/*.spec.ts',
      '<rootDir>/apps/api/**/*.spec.ts',
      '<rootDir>/apps/intercom-sandbox/**/*.spec.ts',
      '<rootDir>/test/*.spec.ts',
    ]),
    project('integration', ['<rootDir>/test/integration/**/*.e2e-spec.ts'], database),
    project('e2e', ['<rootDir>/test/e2e/**/*.e2e-spec.ts', '<rootDir>/test/*.e2e-spec.ts'], database),
    project('browser', ['<rootDir>/test/browser/**/*.e2e-spec.ts'], database),
    project('stress', ['<rootDir>/test/stress/**/*.e2e-spec.ts'], database),
  ],
};
