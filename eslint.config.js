// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'bench/**', 'coverage/**', 'lab-*/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // Only the CLI prints (STYLE.md: UI at the edge).
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**', 'src/cli.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    // The lab prints only from its command and its supervisor.
    files: ['packages/lab/src/**/*.ts'],
    ignores: ['packages/lab/src/commands.ts', 'packages/lab/src/cli.ts', 'packages/lab/src/supervisor.ts'],
    rules: { 'no-console': 'error' },
  },
);
