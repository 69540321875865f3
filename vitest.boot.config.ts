import { defineConfig } from 'vitest/config';

// The QEMU suite: one machine, one chain of ten boots and two soft-reboots
// (test/boot/lifecycle.test.ts, then test/boot/softRebootSteps.ts on the same machine); every
// wait inside has its own bound (test/boot/support/machine.ts, qemu.ts). Serial logs are kept
// in test-results/boot/ (or $TU_BOOT_LOGS).
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
