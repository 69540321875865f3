import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chrootBootStubs, readBootRequests } from '../../../src/boot/stubs.js';
import { run } from '../../../src/util/exec.js';

describe('chrootBootStubs', () => {
  let dir: string | undefined;
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('record the request under real sh and do nothing else', async () => {
    dir = mkdtempSync(join(tmpdir(), 'tu-stubs-'));
    const requests = join(dir, "req dir 'x'");
    mkdirSync(requests);
    const stubs = chrootBootStubs(requests);
    expect(stubs.map((s) => s.pathInChroot)).toEqual([
      '/usr/sbin/update-grub',
      '/usr/sbin/grub-mkconfig',
      '/usr/sbin/grub-install',
      '/etc/kernel/postinst.d/zz-transactional-update',
      '/etc/kernel/postrm.d/zz-transactional-update',
    ]);
    const path = (i: number) => {
      const p = join(dir!, `stub${i}`);
      writeFileSync(p, stubs[i]!.content);
      chmodSync(p, stubs[i]!.mode);
      return p;
    };
    expect((await run(path(0), [])).exitCode).toBe(0);
    expect((await run(path(1), ['-o', '/boot/grub/grub.cfg'])).exitCode).toBe(0);
    // Called as /etc/kernel/postinst.d hooks are: version and image path.
    expect((await run(path(3), ['6.1.0-28-amd64', '/boot/vmlinuz-6.1.0-28-amd64'])).exitCode).toBe(0);
    expect(readBootRequests(requests)).toEqual(
      new Map([
        ['update-grub', ['']],
        ['grub-mkconfig', ['-o /boot/grub/grub.cfg']],
        ['kernel-installed', ['6.1.0-28-amd64 /boot/vmlinuz-6.1.0-28-amd64']],
      ]),
    );
  });
});
