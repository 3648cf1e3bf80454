/** Jest configuration: TypeScript tests in test/, compiled by ts-jest (isolated modules for speed;
 *  `npm run typecheck` is the type gate). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true }] },
  testTimeout: 120000,
};
