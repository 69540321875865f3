/**
 * The run-wide leak check end to end: a nested vitest run whose test leaves a loop device
 * attached must fail, naming the device, and keep its temp dir for a look.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../../src/util/exec.js';
import { requireMachine } from '../../support/requirements.js';
import { PROJECT_DIR } from '../../support/system.js';

const skip = requireMachine({ root: true, loop: true, commands: ['losetup', 'findmnt'] }, 'leak check run');

describe.skipIf(skip)('a test run that leaves a loop device behind', () => {
  it('fails at teardown, names the device, and keeps its temp dir', async () => {
    // Inside the project so the nested test resolves vitest; .tmp/ is ignored by git.
    const dir = join(PROJECT_DIR, '.tmp', `leakcheck-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    const deviceFile = join(dir, 'device');
    writeFileSync(
      join(dir, 'vitest.config.mjs'),
      `export default { test: { root: ${JSON.stringify(PROJECT_DIR)}, include: [${JSON.stringify(`${relative(PROJECT_DIR, dir)}/*.test.mjs`)}],
        globalSetup: [${JSON.stringify(join(PROJECT_DIR, 'test/support/global-setup.ts'))}] } };\n`,
    );
    writeFileSync(
      join(dir, 'leak.test.mjs'),
      `import { it } from 'vitest';
import { execa } from 'execa';
import { writeFileSync } from 'node:fs';
it('attaches a loop device and forgets it', async () => {
  const image = process.env.TU_TEST_TMP + '/leak.img';
  writeFileSync(image, Buffer.alloc(1 << 20));
  const { stdout } = await execa('losetup', ['--show', '-f', image]);
  writeFileSync(${JSON.stringify(deviceFile)}, stdout + '\\n' + process.env.TU_TEST_TMP);
});
`,
    );
    try {
      const env: Record<string, string | undefined> = { ...process.env, TU_TEST_TMP: undefined, CI: undefined };
      const result = await run(join(PROJECT_DIR, 'node_modules/.bin/vitest'), ['run', '--config', join(dir, 'vitest.config.mjs')], {
        cwd: PROJECT_DIR,
        env: Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as Record<string, string>,
        cleanEnv: true,
        reject: false,
      });
      const [device, baseDir] = readFileSync(deviceFile, 'utf8').split('\n');
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain(
        `the test run left 1 mount(s) or loop device(s) behind:\n  loop device ${device} (back file ${baseDir}/leak.img)`,
      );
      expect(result.stderr).toContain(`kept ${baseDir}: something in it is still mounted or attached`);
      expect(existsSync(`${baseDir}/leak.img`)).toBe(true);
    } finally {
      if (existsSync(deviceFile)) {
        const [device, baseDir] = readFileSync(deviceFile, 'utf8').split('\n');
        if (device) await run('losetup', ['-d', device], { reject: false });
        if (baseDir) await rm(baseDir, { recursive: true, force: true });
      }
      await rm(dir, { recursive: true, force: true });
    }
  });
});
