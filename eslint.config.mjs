// ESLint (flat config, typescript-eslint). The import arrows of ../shared/design/architecture.md are checked by
// dependency-cruiser (.dependency-cruiser.cjs); this file checks what is visible in one file:
//  - a library is entered through its index.ts: `@app/<lib>/<path>` is refused outside <lib> itself
//    (a library's pure engine is also public as `@app/<lib>/engine`; tests, specs and benches may also use
//    `@app/<lib>/testing`, the library's stand-ins for tests);
//  - no `any` without a reason: `// eslint-disable-next-line @typescript-eslint/no-explicit-any -- why`;
//    a disable comment without `-- reason` is itself an error;
//  - no console.* in product code (use the logger), no process.env outside libs/core/src/config.
// Known violations in folders another engineer is restructuring are listed in eslint-suppressions.json (a baseline:
// `npm run lint` fails on any new one). Regenerate it only to shrink it: `npx eslint . --prune-suppressions`.
import js from '@eslint/js';
import comments from '@eslint-community/eslint-plugin-eslint-comments/configs';
import tseslint from 'typescript-eslint';
import { readdirSync } from 'node:fs';
import { URL } from 'node:url';

const libs = readdirSync(new URL('./libs', import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

const testFiles = ['test/**/*.ts', 'bench/**/*.ts', '**/*.spec.ts', '**/*.test.ts', '**/*.test.tsx', '**/*.testing.ts'];
const deepImport = (allowedLib, allowTesting) => ({
  // `@app/x/anything` except the importer's own library (and `@app/x/testing` for tests).
  regex: `^@app/${allowedLib ? `(?!${allowedLib}/)` : ''}[^/]+/${allowTesting ? '(?!testing$|engine$)' : '(?!engine$)'}`,
  message: "Import the library's public entry (`@app/<lib>`, its index.ts), not a file inside it; export what you need from its index.ts.",
});
const relativeIntoLib = {
  regex: '(^|/)libs/[^/]+/src',
  message: 'Reach a library through its `@app/<lib>` alias, not a relative path.',
};
const restrictImports = (patterns) => ['error', { patterns }];

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', 'dist/**', 'apps/api/public/**', '.data/**', '.reports/**', 'coverage/**', 'libs/triage/data/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  comments.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'warn' },
    languageOptions: { globals: { console: 'readonly', process: 'readonly', require: 'readonly', module: 'writable', __dirname: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@eslint-community/eslint-comments/require-description': ['error', { ignore: [] }],
      '@eslint-community/eslint-comments/disable-enable-pair': ['error', { allowWholeFile: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      // Style-level rules of the recommended set that the codebase does not follow; not architecture.
      '@typescript-eslint/no-empty-function': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      // TypeORM types entity and migration lists as `Function[]`; we follow its idiom.
      '@typescript-eslint/no-unsafe-function-type': 'off',
      'no-empty': ['error', { allowEmptyCatch: true }],
      // TypeScript already checks names (and knows Node's and the DOM's globals); typescript-eslint advises this off.
      'no-undef': 'off',
      'no-restricted-imports': restrictImports([deepImport(null, false), relativeIntoLib]),
    },
  },
  // Inside a library, its own alias may reach its own files (relative imports are still preferred).
  ...libs.map((lib) => ({
    files: [`libs/${lib}/**/*.ts`],
    rules: { 'no-restricted-imports': restrictImports([deepImport(lib, false), relativeIntoLib]) },
  })),
  ...libs.map((lib) => ({
    files: [`libs/${lib}/**/*.spec.ts`, `libs/${lib}/**/*.testing.ts`],
    rules: { 'no-restricted-imports': restrictImports([deepImport(lib, true), relativeIntoLib]) },
  })),
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'apps/*/src/**/*.spec.ts'],
    rules: { 'no-restricted-imports': restrictImports([deepImport(null, true), relativeIntoLib]) },
  },
  // Product code: the logger, not the console; configuration only through libs/core/src/config.
  {
    files: ['apps/api/src/**/*.ts', 'apps/intercom-sandbox/src/**/*.ts', 'libs/*/src/**/*.ts'],
    ignores: [...testFiles, 'libs/*/src/cli/**'],
    rules: {
      'no-console': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read configuration from the typed config (libs/core/src/config), not process.env.',
        },
      ],
    },
  },
  {
    // The one place that reads the environment for the product, and the sandbox's own entry point (a separate program).
    files: ['libs/core/src/config/**/*.ts', 'apps/intercom-sandbox/src/main.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // Tests read untyped JSON answers (supertest's `body` is `any`): `any` in tests needs no per-line reason.
    files: testFiles,
    // They also load ESM-only packages lazily with require().
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.cjs', '*.config.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The SPA talks to the server only through HTTP: from libs/ it imports `@app/contracts` and nothing else.
    files: ['apps/admin/**/*.{ts,tsx}'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly', fetch: 'readonly' } },
    rules: {
      'no-restricted-imports': restrictImports([
        { regex: '^@app/(?!contracts$)', message: 'The SPA imports only `@app/contracts` from libs/.' },
        { regex: '(^|/)(libs|api|intercom-sandbox)/[^/]+/', message: 'The SPA imports only `@app/contracts` from libs/.' },
      ]),
    },
  },
);
