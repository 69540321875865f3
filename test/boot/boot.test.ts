/**
 * The boot test: an image made by `image create --bootable` (createImage with the boot
 * module's hooks) boots under QEMU/OVMF through Debian's GRUB and the tool's menu.
 *
 *  1. A new default (2) whose health check fails: the guest records its bad package set, makes
 *     the known-good snapshot (1) the next boot in both pointers and reboots once.
 *  2. The next boot stays on 1, which passes.
 *  3. A healthy new default (3) is kept and becomes known-good; /etc edits made on the running
 *     snapshot 1 after 3 was taken are merged at boot (a conflict keeps 3's version).
 *  4. A new default (4) that cannot boot at all uses its one attempt (BOOT_ATTEMPTS=1) …
 *  5. … and GRUB boots the known-good snapshot with tu.fallback=1, whose health check rolls
 *     the pointers back and records 4's package set.
 * What booted is read from the serial log (kernel command line, probe unit).
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootableImageHooks, installBootloader, readEtcMergeReport, refreshBootMenu, setNextBoot, type BootableImageTarget } from '../../src/boot/index.js';
import { readGrubEnv } from '../../src/boot/grub/grubEnv.js';
import { readBootCounter } from '../../src/boot/grub/counter.js';
import { readBootSettings } from '../../src/boot/settings.js';
import { badPackageSets, knownGoodList, readHealthResult } from '../../src/boot/state.js';
import { createImage } from '../../src/image/create.js';
import { defaultSnapshot } from '../../src/snapshots/system.js';
import { requireMachine } from '../support/requirements.js';
import { bundleGuestTool, installGuestTool } from './support/guest.js';
import { openImage, type OpenImage } from './support/image.js';
import { bootedCmdline, bootOnce, kvmUsable, OVMF_CODE, probeReport, type BootRun } from './support/qemu.js';
import { addInstalledPackage, makeSnapshot } from './support/snapshot.js';

const skip =
  requireMachine(
    { root: true, loop: true, btrfs: true, commands: ['qemu-system-x86_64', 'mmdebstrap', 'mkfs.vfat', 'mcopy', 'sfdisk', 'grub-mkimage', 'grub-editenv'] },
    'QEMU boot test',
  ) ?? (existsSync(OVMF_CODE) ? undefined : requireMachine({ commands: ['ovmf (OVMF_CODE_4M.fd)'] }, 'QEMU boot test'));

// KVM where it works (TU_BOOT_ACCEL=kvm); software emulation takes minutes per boot into systemd.
const BOOT_TIMEOUT_MS = kvmUsable() ? 4 * 60_000 : 12 * 60_000;

describe.skipIf(skip)('booting snapshots under QEMU', () => {
  let work: string;
  let disk: string;
  let vars: string;
  let boots = 0;

  beforeAll(async () => {
    work = mkdtempSync(join(process.env.TU_TEST_TMP ?? '/var/tmp', 'qemu-boot-'));
    disk = join(work, 'disk.img');
    vars = join(work, 'vars.fd');
    const bundle = join(work, 'tu.mjs');
    await bundleGuestTool(bundle);
    await createImage({
      file: disk,
      sizeBytes: 4 * 1024 ** 3,
      suite: 'bookworm',
      include: [],
      bootable: {
        ...bootableImageHooks,
        install: async (target: BootableImageTarget) => {
          await installBootloader({ ...target, timeout: 1 });
          await installGuestTool(target.snapshotRoot, bundle);
        },
      },
    });
  });

  async function withImage<T>(action: (img: OpenImage) => Promise<T>): Promise<T> {
    const img = await openImage(disk, work);
    try {
      return await action(img);
    } finally {
      await img.close();
    }
  }

  async function boot(): Promise<BootRun> {
    boots += 1;
    const result = await bootOnce({ disk, vars, logFile: join(work, `boot${boots}.log`), timeoutMs: BOOT_TIMEOUT_MS });
    expect(result.timedOut, `boot ${boots} timed out; see ${work}/boot${boots}.log`).toBe(false);
    return result;
  }

  const pointer = async (img: OpenImage) => Number((await readGrubEnv(join(img.top, 'boot/grub/grubenv'))).next_snapshot);

  it('falls back by itself when the new default fails its health check, and repairs both pointers', async () => {
    await withImage(async (img) => {
      const n = await makeSnapshot(img.system, 1, 'broken service', (root) => {
        addInstalledPackage(root, 'tu-boot-test-broken', '1.0-2');
        const script = join(root, 'etc/transactional-update/health.d/50-boot-test');
        mkdirSync(join(script, '..'), { recursive: true });
        writeFileSync(script, '#!/bin/sh\necho "the boot test broke this snapshot on purpose" >&2\nexit 1\n');
        chmodSync(script, 0o755);
      });
      expect(n).toBe(2);
      await setNextBoot(img.system, 2);
      expect(await refreshBootMenu(img.system)).toBe(true);
      expect(await readBootCounter(img.system, readBootSettings(img.top))).toBe('3');
    });
    const run = await boot();
    expect(bootedCmdline(run.log)).toContain('tu.snapshot=2');
    expect(run.log).toContain('the boot test broke this snapshot on purpose');
    await withImage(async (img) => {
      expect(await pointer(img)).toBe(1);
      expect(await defaultSnapshot(img.system)).toBe(1);
      expect(readHealthResult(img.system.stateDir)).toMatchObject({ snapshot: 2, status: 'fail', fallback: false });
      const bad = badPackageSets(img.system.stateDir);
      expect(bad.map((s) => s.snapshot)).toEqual([2]);
      expect(bad[0]!.packages).toContainEqual({ name: 'tu-boot-test-broken', arch: 'amd64', version: '1.0-2' });
      expect(bad[0]!.packages.some((p) => p.name === 'linux-image-amd64' && p.version.length > 0)).toBe(true);
    });
  });

  it('stays on the known-good snapshot at the next boot', async () => {
    const run = await boot();
    const probe = probeReport(run.log);
    expect(probe?.cmdline).toContain('tu.snapshot=1');
    expect(probe?.cmdline).not.toContain('tu.fallback=1');
    expect(probe?.root).toBe('/@/.snapshots/1/snapshot');
    expect(JSON.parse(probe!.health)).toMatchObject({ snapshot: 1, status: 'pass', fallback: false });
  });

  it('keeps a healthy new default, makes it known-good and merges late /etc edits at boot', async () => {
    await withImage(async (img) => {
      const n = await makeSnapshot(img.system, 1, 'healthy change', (root) => writeFileSync(join(root, 'etc/tu-boot-test'), 'snapshot 3\n'));
      expect(n).toBe(3);
      await setNextBoot(img.system, 3);
      await refreshBootMenu(img.system);
      // Edits on the running system (snapshot 1) after snapshot 3 was taken.
      const running = img.system.store.paths(1).snapshotEtc;
      writeFileSync(join(running, 'tu-late-edit'), 'made after snapshot 3\n');
      writeFileSync(join(running, 'tu-boot-test'), 'edited on snapshot 1\n');
    });
    const run = await boot();
    const probe = probeReport(run.log);
    expect(probe?.cmdline).toContain('tu.snapshot=3');
    expect(probe?.etc).toBe('snapshot 3');
    expect(probe?.late).toBe('made after snapshot 3');
    expect(JSON.parse(probe!.health)).toMatchObject({ snapshot: 3, status: 'pass' });
    await withImage(async (img) => {
      expect(knownGoodList(img.system.stateDir).at(-1)).toBe(3);
      expect(readEtcMergeReport(img.system)).toMatchObject({
        snapshot: 3,
        from: 1,
        merged: ['/etc/tu-late-edit'],
        conflicts: [{ path: '/etc/tu-boot-test', runningCopy: '/etc/tu-boot-test.tu-running' }],
      });
      const etc3 = img.system.store.paths(3).snapshotEtc;
      expect(readFileSync(join(etc3, 'tu-boot-test.tu-running'), 'utf8')).toBe('edited on snapshot 1\n');
      expect(await readBootCounter(img.system, readBootSettings(img.top))).toBeUndefined();
      expect(await pointer(img)).toBe(3);
    });
  });

  it('boots the known-good snapshot with tu.fallback=1 when the new one used up its attempts', async () => {
    await withImage(async (img) => {
      // The running snapshot's configuration: one attempt (fewer boots for the test).
      writeFileSync(join(img.system.root, 'etc/transactional-update.conf'), 'BOOT_ATTEMPTS=1\n');
      const n = await makeSnapshot(img.system, 3, 'cannot boot', (root) => {
        addInstalledPackage(root, 'tu-boot-test-unbootable', '2.0');
        // A broken initrd: the kernel finds no root and panics; panic=1 restarts (QEMU exits).
        for (const name of readdirSync(join(root, 'boot')).filter((f) => f.startsWith('initrd.img-'))) {
          rmSync(join(root, 'boot', name));
          writeFileSync(join(root, 'boot', name), 'not an initramfs\n');
        }
        writeFileSync(join(root, 'etc/kernel/cmdline'), 'console=tty0 console=ttyS0,115200 panic=1\n');
      });
      expect(n).toBe(4);
      await setNextBoot(img.system, 4);
      await refreshBootMenu(img.system);
      expect(await readBootCounter(img.system, readBootSettings(img.top))).toBe('1');
    });
    const failed = await boot();
    expect(bootedCmdline(failed.log)).toContain('tu.snapshot=4');
    expect(probeReport(failed.log)).toBeUndefined();

    const run = await boot();
    const probe = probeReport(run.log);
    expect(probe?.cmdline).toContain('tu.snapshot=3');
    expect(probe?.cmdline).toContain('tu.fallback=1');
    expect(JSON.parse(probe!.health)).toMatchObject({ snapshot: 3, status: 'pass', fallback: true });
    await withImage(async (img) => {
      expect(await pointer(img)).toBe(3);
      expect(await defaultSnapshot(img.system)).toBe(3);
      expect(badPackageSets(img.system.stateDir).map((s) => s.snapshot)).toEqual([2, 4]);
      expect(await readBootCounter(img.system, readBootSettings(img.top))).toBeUndefined();
    });
  });

  afterAll(() => {
    if (work) process.stderr.write(`boot test logs: ${work}/boot*.log\n`);
  });
});
