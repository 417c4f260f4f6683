// Shared jest settings: TypeScript through swc (fast, no type-check: `pnpm typecheck` does that).
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }] },
  testTimeout: 60000,
  // The TensorFlow.js engine behind USE-lite is a process-wide global: jest's clean-up of
  // globals between files trips over it (a stack overflow after the last test), so it is off.
  testEnvironmentOptions: { globalsCleanup: 'off' },
};
