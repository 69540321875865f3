import { defineConfig } from 'vitest/config';

// The QEMU suite: one machine booted seven times (test/boot/lifecycle.test.ts); every wait
// inside has its own bound (test/boot/support/machine.ts, qemu.ts). Serial logs are kept in
// test-results/boot/ (or $TU_BOOT_LOGS).
export default defineConfig({
  test: {
    include: ['test/boot/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 20 * 60_000,
    hookTimeout: 15 * 60_000,
    reporters: ['default'],
  },
});
