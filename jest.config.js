/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    // Type checking runs separately (npm run typecheck); tests only transpile.
    '^.+\\.ts$': ['ts-jest', { useESM: true }],
  },
  testTimeout: 60000,
};
