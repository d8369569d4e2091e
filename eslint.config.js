// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/**', 'coverage/**', 'lab-*/**'] },
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
    ignores: ['src/cli/**', 'src/cli.ts', 'src/lab/supervisor.ts', 'src/bench/**'],
    rules: { 'no-console': 'error' },
  },
);
