/**
 * installBootloader on a real Btrfs image and a real FAT file system (written with mtools, as
 * on a disk whose ESP is not mounted): BOOTX64.EFI with the stub, the stub for Debian's signed
 * GRUB, the counter's block, the tool's GRUB directory and a first menu grub-script-check accepts.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleBootRequests, installBootloader } from '../../../src/boot/index.js';
import { GRUB_DIR } from '../../../src/boot/layout.js';
import { readBootSettings } from '../../../src/boot/settings.js';
import { knownGoodList } from '../../../src/boot/state.js';
import { run } from '../../../src/util/exec.js';
import { requireMachine } from '../../support/requirements.js';
import { addSnapshot, makeTestSystem, NEEDS, type TestSystem } from './support.js';

const skip = requireMachine({ ...NEEDS, commands: [...NEEDS.commands, 'grub-mkimage', 'mcopy', 'mtype'] }, 'boot loader install test');
const MTOOLS = { MTOOLS_SKIP_CHECK: '1' };

describe.skipIf(skip)('installBootloader', () => {
  let t: TestSystem;
  let esp: string;
  beforeAll(async () => {
    t = await makeTestSystem();
    esp = join(t.dir, 'esp.fat');
    await run('mkfs.vfat', ['-C', esp, '65536']);
    await installBootloader({
      espDevice: esp,
      btrfsDevice: t.device,
      topLevelMount: t.top,
      snapshotsFsPath: '@/.snapshots',
      firstSnapshot: 1,
      snapshotRoot: t.system.store.paths(1).snapshot,
      fsUuid: t.fsUuid,
      label: 'tu-root',
    });
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  const espFile = async (path: string) => (await run('mtype', ['-i', esp, `::/${path}`], { env: MTOOLS })).stdout;

  it('puts GRUB EFI, the stub and the counter block on the ESP', async () => {
    const stub = await espFile('EFI/debian/grub.cfg');
    expect(stub).toBe(`search --no-floppy --fs-uuid --set=root ${t.fsUuid}\nset prefix=($root)/boot/grub\nconfigfile ($root)/boot/grub/grub.cfg`);
    const efi = (await run('mdir', ['-i', esp, '::/EFI/BOOT/BOOTX64.EFI'], { env: MTOOLS })).stdout;
    expect(efi).toMatch(/BOOTX64\s+EFI\s+\d{5,}/);
    expect((await espFile('EFI/transactional-update/grubenv')).startsWith('# GRUB Environment Block')).toBe(true);
  });

  it('sets up the GRUB directory outside every snapshot with a checked first menu', async () => {
    const dir = join(t.top, GRUB_DIR);
    expect((await run('grub-script-check', [join(dir, 'grub.cfg')], { reject: false })).exitCode).toBe(0);
    expect(readFileSync(join(dir, 'grub.cfg'), 'utf8')).toMatch(/tu\.snapshot=1 ro console=ttyS0,115200 quiet/);
    expect((await run('grub-editenv', [join(dir, 'grubenv'), 'list'])).stdout).toBe('next_snapshot=1');
    expect(readBootSettings(t.top)).toMatchObject({ fsUuid: t.fsUuid, bootAttempts: 3, serial: true });
    expect(readBootSettings(t.top).espUuid).toMatch(/^[0-9A-F]{4}-[0-9A-F]{4}$/);
    expect(knownGoodList(join(t.top, '@/var/lib/transactional-update'))).toEqual([1]);
  });

  it('regenerates the menu when a transaction recorded update-grub', async () => {
    await addSnapshot(t, 2, { base: 1, description: 'new kernel', kernel: '6.12.0-1-amd64' });
    const requests = join(t.dir, 'requests');
    mkdirSync(requests);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(requests, 'update-grub'), '\n');
    await handleBootRequests(t.system, 2, requests);
    expect(readFileSync(join(t.top, GRUB_DIR, 'grub.cfg'), 'utf8')).toContain('/@/.snapshots/2/snapshot/boot/vmlinuz-6.12.0-1-amd64');
  });
});
