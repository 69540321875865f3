import { defineConfig } from 'vitest/config';

// The QEMU boot test: a handful of real UEFI boots, one after the other, each with its own
// hard timeout inside the test (see test/boot/support/qemu.ts).
export default defineConfig({
  test: {
    include: ['test/boot/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 20 * 60_000,
    hookTimeout: 20 * 60_000,
    reporters: ['default'],
  },
});
