import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.data/**', 'packages/db/src/generated/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.name='eval']", message: 'No eval: expressions are JSONata, sandboxed.' },
        { selector: "NewExpression[callee.name='Function']", message: 'No Function constructor.' },
      ],
      'no-restricted-imports': ['error', { patterns: [{ group: ['@qiao/*/src/*'], message: 'Import a package by its name, not its source files.' }, { group: ['node:vm', 'vm'], message: 'No vm on user input.' }] }],
      'max-params': ['error', 4],
      'max-lines': ['warn', { max: 400, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    // The web app: React's rules of hooks (and the React Compiler's checks), browser globals, no Node.
    files: ['apps/web/src/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat['recommended-latest'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      ...reactHooks.configs.flat['recommended-latest'].rules,
      'react-hooks/exhaustive-deps': 'error',
      'no-restricted-globals': ['error', { name: 'process', message: 'Browser code: no Node globals.' }, { name: 'Buffer', message: 'Browser code: no Node globals.' }],
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['node:*'], message: 'Browser code: no Node modules.' },
          { regex: '^@qiao/(server(?!/router$)|worker|erp-sim)', message: 'The web app takes only the AppRouter type from @qiao/server/router.' },
          { group: ['@qiao/*/src/*'], message: 'Import a package by its name, not its source files.' },
        ],
      }],
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [{ name: '@qiao/server/router', allowTypeImports: true, message: 'Only `import type` from @qiao/server/router: no server code in the bundle.' }] }],
    },
  },
  {
    // Typed configuration is parsed once per app in env.ts.
    files: ['packages/**/*.ts', 'apps/**/src/**/*.ts'],
    ignores: ['**/env.ts', '**/*.test.ts'],
    rules: { 'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration in env.ts only.' }] },
  },
);
