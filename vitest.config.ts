import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One DynamoDB Local for the whole run; each test file gets its endpoint through inject().
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/env.ts'],
    pool: 'forks',
    // Beyond the 60 s that test/support/eventually.ts waits for a condition: on a busy machine a test is slow, not failed.
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
