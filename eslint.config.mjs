// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

const APPS = ['api', 'projector', 'cli'];

/** An app may use the libs, never another app: shared code belongs in libs/. */
const noOtherApp = (app) => ({
  files: [`apps/${app}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: APPS.filter((other) => other !== app).map((other) => ({
          regex: `(^|/)(apps/)?${other}/src(/|$)|^\\.\\./\\.\\./(\\.\\./)*${other}(/|$)`,
          message: `apps/${app} must not import apps/${other}: move shared code to libs/.`,
        })),
      },
    ],
  },
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.data/**', '**/*.mjs', '**/*.js'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // The domain is pure: no framework, no database, no event store client, no other lib.
    files: ['libs/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@nestjs/*'], message: 'libs/domain must not import NestJS: keep business rules framework-free.' },
            { group: ['typeorm', 'typeorm/*'], message: 'libs/domain must not import TypeORM.' },
            { group: ['pg', 'pg/*', 'pg-*'], message: 'libs/domain must not import the PostgreSQL driver.' },
            { group: ['@kurrent/*', '@eventstore/*'], message: 'libs/domain must not import the KurrentDB client.' },
            { group: ['@tally/*'], message: 'libs/domain depends on no other lib.' },
          ],
        },
      ],
    },
  },
  ...APPS.map(noOtherApp),
);
