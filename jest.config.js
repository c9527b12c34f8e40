/** Jest: unit specs next to the code, e2e specs under test/. Real PostgreSQL (embedded) for integration tests. */
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
const aliases = ['core', 'contracts', 'accounts', 'projects', 'log-sources', 'triage', 'analysis', 'support-desk', 'intercom'];
const moduleNameMapper = {};
for (const a of aliases) {
  moduleNameMapper[`^@app/${a}$`] = `<rootDir>/libs/${a}/src`;
  moduleNameMapper[`^@app/${a}/(.*)$`] = `<rootDir>/libs/${a}/src/$1`;
}
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  testMatch: [
    '<rootDir>/libs/**/*.spec.ts',
    '<rootDir>/apps/api/**/*.spec.ts',
    '<rootDir>/apps/intercom-sandbox/**/*.spec.ts',
    '<rootDir>/test/**/*.e2e-spec.ts',
    '<rootDir>/test/**/*.spec.ts',
  ],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/apps/admin/'],
  moduleNameMapper,
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 60000,
  maxWorkers: 2,
};
