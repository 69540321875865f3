import { defineConfig } from 'vitest/config';

// The fault suite (`npm run test:faults`): a transaction broken at every step, ENOSPC, damaged
// metadata and hostile names. Its reporter prints the matrix: one row per `describe` (the
// fault), the steps it was tried at (the tests' names) and whether every check held.
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 600_000,
    reporters: ['default', './test/faults/support/matrixReporter.ts'],
  },
});
