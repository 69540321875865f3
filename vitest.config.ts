import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/boot/**', 'test/faults/**'],
    globalSetup: ['test/support/global-setup.ts'],
    // Integration tests share loop devices and a package cache: run files one at a time.
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 600_000,
    reporters: ['default'],
  },
});
