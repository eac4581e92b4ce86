// ESLint flat config. The rules that encode docs/architecture.md are listed, with what each guards,
// in its section "Rules enforced by tools"; keep the two in step.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

/** Rule 3: time is read through the Clock port, so tests and the sandbox can move it. */
const clockReads = [
  {
    selector: "MemberExpression[object.name='Date'][property.name='now']",
    message:
      'Read the time through the Clock port (src/app/ports), not Date.now(): only src/adapters/clock reads the system clock.',
  },
  {
    selector: "NewExpression[callee.name='Date'][arguments.length=0]",
    message:
      'Read the time through the Clock port (src/app/ports), not new Date(): only src/adapters/clock reads the system clock.',
  },
];

/** Rule 14: a grant is stored only by src/app/grant-lifecycle, from a step of src/domain/grant-transitions. */
const grantWrites = [
  {
    selector: "CallExpression[callee.property.name=/^(create|update)$/][callee.object.property.name='grants']",
    message: 'Grants are written only in src/app/grant-lifecycle (commit a step from src/domain/grant-transitions).',
  },
  {
    selector: "CallExpression[callee.property.name=/^(create|update)$/][callee.object.name='grants']",
    message: 'Grants are written only in src/app/grant-lifecycle (commit a step from src/domain/grant-transitions).',
  },
];

/** ADR 0020: every comment and email goes through the notice outbox (`tell`), recorded before it is sent. */
const directNotices = [
  {
    selector: "CallExpression[callee.property.name='comment'][callee.object.property.name='issues']",
    message: 'Comments are sent only by the notice outbox: call tell() from src/app/deliver-notice.ts (ADR 0020).',
  },
  {
    selector: "CallExpression[callee.property.name='notify'][callee.object.property.name='notifier']",
    message: 'Emails are sent only by the notice outbox: call tell() from src/app/deliver-notice.ts (ADR 0020).',
  },
];

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      'static/admin/build/**',
      'static/admin/build-uikit/**',
      'coverage/**',
      'test-output/**',
      'test/fixtures/swagger/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Plain CommonJS config and Jest support files run on Node.
    files: ['**/*.{js,cjs}'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        module: 'writable',
        require: 'readonly',
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-syntax': ['error', ...clockReads],
    },
  },
  {
    files: ['src/app/**/*.ts'],
    ignores: ['src/app/grant-lifecycle/**', 'src/app/deliver-notice.ts'],
    rules: { 'no-restricted-syntax': ['error', ...clockReads, ...grantWrites, ...directNotices] },
  },
  {
    files: ['src/app/deliver-notice.ts'],
    rules: { 'no-restricted-syntax': ['error', ...clockReads, ...grantWrites] },
  },
  {
    // Tests craft payloads of the wrong type on purpose (bad input must get a clear refusal).
    files: ['test/**/*.{ts,tsx}'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The clock adapter is the one place that reads the system clock; the UIs format "now" for display.
    files: ['src/adapters/clock/**', 'src/frontend/**'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['src/frontend/**/*.{ts,tsx}', 'static/admin/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
);
