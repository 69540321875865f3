/**
 * Test systems made through the real CLI: each image is its own file system, apt inside it
 * sees only the local repository, and everything is unmounted afterwards, also on failure.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../../src/util/exec.js';
import { requireRootAndLoop } from '../../support/requirements.js';
import { mountsInside } from '../../support/systemState.js';
import { cliEnvironment, createTestImage, tu, withTestSystem } from '../../support/system.js';

const skip = requireRootAndLoop(['blkid']);

async function uuidOf(image: string): Promise<string> {
  return (await run('blkid', ['-p', '-o', 'value', '-s', 'UUID', image])).stdout;
}

describe('cli environment', () => {
  it('has no terminal type, forced colour or transaction marker', () => {
    const env = cliEnvironment();
    expect(env.TERM).toBeUndefined();
    expect(env.FORCE_COLOR).toBeUndefined();
    expect(env.TRANSACTIONAL_UPDATE).toBeUndefined();
    expect(env.NO_COLOR).toBe('1');
    expect(env.LC_ALL).toBe('C.UTF-8');
    expect(cliEnvironment({ TERM: 'xterm' }).TERM).toBe('xterm');
  });
});

describe.skipIf(skip)('test systems', () => {
  it('each image create makes a file system with its own UUID', async () => {
    const first = await createTestImage();
    const second = await createTestImage();
    const [a, b] = [await uuidOf(first), await uuidOf(second)];
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
    expect(b).toMatch(/^[0-9a-f-]{36}$/);
    expect(a).not.toBe(b);
  });

  it('a test system offers the local repository only, and apt in a transaction installs from it', async () => {
    let root = '';
    await withTestSystem(async (sys) => {
      root = sys.root;
      expect(sys.repoDir).toBe(join(sys.root, 'srv/tu-repo'));
      expect(readFileSync(join(sys.repoDir, 'Packages'), 'utf8')).toMatch(/^Package: tu-hello$/m);
      expect(existsSync(join(sys.root, 'etc/apt/sources.list'))).toBe(false);
      expect(readdirSync(join(sys.root, 'etc/apt/sources.list.d'))).toEqual(['tu-test.sources']);
      expect(readFileSync(join(sys.root, 'etc/apt/sources.list.d/tu-test.sources'), 'utf8')).toContain(
        'Signed-By: /etc/apt/keyrings/tu-test.gpg\n',
      );
      expect(existsSync(join(sys.repoDir, 'InRelease'))).toBe(true);

      const install = await sys.tu(['-n', 'pkg', 'install', 'tu-hello']);
      expect(install, `${install.stdout}\n${install.stderr}`).toMatchObject({ exitCode: 0 });
      const list = await sys.tu(['list']);
      expect(list.exitCode).toBe(0);
      expect(list.stdout).toContain('tu-hello');
    });
    expect(await mountsInside(root)).toEqual([]);
  });

  it('unmounts when the test fails, and passes the failure on', async () => {
    let root = '';
    await expect(
      withTestSystem(async (sys) => {
        root = sys.root;
        throw new Error('the test failed');
      }),
    ).rejects.toThrow('the test failed');
    expect(root).not.toBe('');
    expect(await mountsInside(root)).toEqual([]);
  });

  it('tu reports a usage error as exit 2 without throwing', async () => {
    const result = await tu(['--no-such-option']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).not.toBe('');
  });
});
