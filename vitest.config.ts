import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

/** A lane is a folder of test/; `npm run test:<lane>` runs one, `npm test` all of them. */
const lane = (name: string, options: { dynamoLocal: boolean }): TestProjectInlineConfiguration => ({
  test: {
    name,
    include: [`test/${name}/**/*.test.ts`],
    // The lanes on DynamoDB Local share one engine for the whole run; each test file gets its endpoint through inject().
    ...(options.dynamoLocal && { globalSetup: ['test/support/global-setup.ts'], setupFiles: ['test/support/dynamo-env.ts'] }),
  },
});

export default defineConfig({
  test: {
    // Inherited by every lane; a lane's setupFiles run after these.
    setupFiles: ['test/support/env.ts'],
    pool: 'forks',
    // Beyond the 60 s that test/support/eventually.ts waits for a condition: on a busy machine a test is slow, not failed.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    projects: [
      lane('unit', { dynamoLocal: false }),
      lane('integration', { dynamoLocal: true }),
      lane('e2e', { dynamoLocal: true }),
      lane('infra', { dynamoLocal: false }),
      lane('browser', { dynamoLocal: true }),
    ],
  },
});
