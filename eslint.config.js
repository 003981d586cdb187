import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['src/commands/**', 'src/events/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/stores/sqlite/**',
                '**/stores/kurrentdb/**',
                '**/stores/mongodb/**',
                '**/api/**',
                'express',
                'better-sqlite3',
                'mongodb',
                '@kurrent/*',
              ],
              message: 'Domain code imports no adapter.',
            },
          ],
        },
      ],
    },
  },
  prettier,
);
