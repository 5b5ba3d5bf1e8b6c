/** One jest run covers unit, integration (embedded PostgreSQL) and end-to-end specs. */
const moduleNameMapper = {
  '^@tally/domain$': '<rootDir>/libs/domain/src',
  '^@tally/event-store$': '<rootDir>/libs/event-store/src',
  '^@tally/read-models$': '<rootDir>/libs/read-models/src',
  '^@tally/platform$': '<rootDir>/libs/platform/src',
  '^@tally/scan-store$': '<rootDir>/libs/scan-store/src',
};

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
    // A few dependencies ship ES modules only; jest on Node 20 cannot require() them, so compile them to CommonJS.
    '^.+\\.js$': [
      'ts-jest',
      { tsconfig: { allowJs: true, module: 'commonjs', target: 'ES2022', esModuleInterop: true } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!(content-disposition|@nestjs/jwt)/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
  testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  // One embedded PostgreSQL server for the whole run; each spec creates its own database on it.
  globalSetup: '<rootDir>/test/support/global-setup.mjs',
  globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
  testTimeout: 60_000,
  maxWorkers: 2,
};
