import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The import map of docs/ARCHITECTURE.md, enforced (packages/config/src/import-map.test.ts proves
// each rule reports). A later block replaces an earlier one's list for the files it matches, so each
// block below names every restriction that applies to its files.
const DEMO_MESSAGE =
  'Only the launcher (scripts/launcher/main.ts, scripts/demo-stream.ts) and the demo itself import the demo (@aw/demo).';
const noDemo = [
  { group: ['@aw/demo', '@aw/demo/*'], message: DEMO_MESSAGE },
  // A relative path into packages/demo (from another package, the app or a script).
  { regex: '^(\\.{1,2}/)+(packages/)?demo(/|$)', message: DEMO_MESSAGE },
];
const noApp = [
  {
    regex: '^(~/|@aw/web(/|$)|(\\.{1,2}/)+apps/)',
    message: 'Packages import no app code: move what both need into a package.',
  },
];
const noDb = [
  {
    group: ['@aw/db', '@aw/db/*', 'pg', '@prisma/*', '@aw/accounts', '@aw/ingest', '@aw/realtime', '@aw/aws'],
    message: 'The correlation engine is pure: no database, no I/O packages. Persistence lives in ../store.',
  },
  {
    regex: '^\\.\\./(store|services|kpi|backtest)(/|$)',
    message: 'The correlation engine is pure: no database, no I/O packages. Persistence lives in ../store.',
  },
];
const restrict = (...sets) => ({ 'no-restricted-imports': ['error', { patterns: sets.flat() }] });
/** `import('@aw/demo')` is an expression, not an import declaration: the same rule for it. */
const noDemoDynamic = {
  'no-restricted-syntax': [
    'error',
    {
      selector: 'ImportExpression[source.value=/^@aw\\/(demo(\\/|$)|compliance\\/demo$)/]',
      message: DEMO_MESSAGE,
    },
  ],
};
/** The demo package (its files may import each other and every package). */
const DEMO_FILES = [
  'packages/demo/**',
  'packages/compliance/src/demo.ts',
  'packages/compliance/src/demo.*.test.ts',
];
const LAUNCHERS = ['scripts/launcher/main.ts', 'scripts/demo-stream.ts'];

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/.next/**',
      '**/dist/**',
      '**/generated/**',
      '**/.turbo/**',
      '.data/**',
      '**/next-env.d.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
      },
    },
  },
  { files: ['**/*.{ts,tsx,mts}'], rules: { ...restrict(noDemo), ...noDemoDynamic } },
  { files: ['packages/**/*.{ts,tsx,mts}'], rules: restrict(noDemo, noApp) },
  { files: ['packages/correlation/src/engine/**/*.ts'], rules: restrict(noDemo, noApp, noDb) },
  { files: DEMO_FILES, rules: { ...restrict(noApp), 'no-restricted-syntax': 'off' } },
  { files: LAUNCHERS, rules: { 'no-restricted-imports': 'off', 'no-restricted-syntax': 'off' } },
);
