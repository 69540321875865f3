/**
 * A small managed system on a real Btrfs loop image for the boot tests: the layout of docs/architecture.md
 * (@, @/.snapshots, N/snapshot with a nested writable etc, N/etc, N/etc.start, shared
 * subvolumes), snapshots made from a tiny hand-built root (no mmdebstrap needed), the booted
 * snapshot mounted as the system root with /.snapshots and /var mounted as its fstab would,
 * and optionally a FAT ESP at /boot/efi. Everything is unmounted and detached in cleanup().
 */
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../../src/util/exec.js';
import { SnapshotStore, MARKER_KEY } from '../../../src/snapshots/store.js';
import { serializeInfo } from '../../../src/snapshots/infoXml.js';
import { openSystem, type System } from '../../../src/snapshots/system.js';
import { attachLoop, detachLoop } from '../../../src/image/loop.js';

export const NEEDS = { root: true, loop: true, btrfs: true, commands: ['mkfs.btrfs', 'grub-script-check', 'grub-editenv', 'mkfs.vfat'] };


export interface TestSystem {
  dir: string;
  /** Unmount the root and mount snapshot N in its place, as a reboot into N would. */
  rebootInto(number: number): Promise<void>;
  device: string;
  /** The top level (subvolid 5) mounted. */
  top: string;
  /** The booted snapshot mounted as the system root (with /.snapshots, /var). */
  root: string;
  fsUuid: string;
  espUuid: string | undefined;
  system: System;
  cleanup(): Promise<void>;
}

export interface SnapshotSpec {
  description?: string;
  /** Make N/snapshot a snapshot of this one's root and etc (else a fresh tiny root). */
  base?: number;
  /** Files to write into the new snapshot's /etc before it is sealed: path under /etc → content. */
  etc?: Record<string, string | null>;
  /** A kernel version to put in /boot (vmlinuz-V and initrd.img-V). */
  kernel?: string | null;
  /** Omit our marker in info.xml. */
  foreign?: boolean;
  /** The installed set to write as the snapshot's dpkg status (name, version; amd64). */
  packages?: Array<[string, string]>;
}

async function mount(args: string[], target: string): Promise<void> {
  mkdirSync(target, { recursive: true });
  await run('mount', [...args, target]);
}

/** Build the image with snapshot 1 booted. Call cleanup() in afterAll/finally. */
export async function makeTestSystem(options: { esp?: boolean } = {}): Promise<TestSystem> {
  const base = process.env.TU_TEST_TMP ?? '/var/tmp';
  const dir = mkdtempSync(join(base, 'boot-'));
  const image = join(dir, 'btrfs.img');
  await run('truncate', ['-s', '300M', image]);
  await run('mkfs.btrfs', ['-q', '-f', image]);
  const device = await attachLoop(image);
  const own: string[] = [];
  const cleanup = async () => {
    // Everything mounted under the test's directory, deepest first.
    const { stdout } = await run('findmnt', ['-rn', '-o', 'TARGET'], { reject: false });
    const targets = stdout.split('\n').filter((m) => m === dir || m.startsWith(`${dir}/`));
    for (const target of targets.sort((a, b) => b.length - a.length)) await run('umount', [target], { reject: false });
    for (const target of own.reverse()) await run('umount', ['-l', target], { reject: false });
    await detachLoop(device);
  };
  try {
    const top = join(dir, 'top');
    own.push(top);
    await mount(['-o', 'subvolid=5', device], top);
    await run('btrfs', ['-q', 'subvolume', 'create', join(top, '@')]);
    await run('btrfs', ['-q', 'subvolume', 'create', join(top, '@/.snapshots')]);
    for (const name of ['var', 'home', 'root', 'srv', 'opt']) await run('btrfs', ['-q', 'subvolume', 'create', join(top, '@', name)]);
    const { stdout: uuid } = await run('blkid', ['-p', '-o', 'value', '-s', 'UUID', device]);
    const store = new SnapshotStore(join(top, '@/.snapshots'));
    await addSnapshotAt(store, 1, { description: 'first root filesystem', kernel: '6.1.0-1-amd64' });
    await run('btrfs', ['subvolume', 'set-default', store.paths(1).snapshot]);

    const root = join(dir, 'root');
    const mountRoot = async (number: number) => {
      own.push(root, join(root, '.snapshots'), join(root, 'var'));
      await mount(['-o', `subvol=/@/.snapshots/${number}/snapshot`, device], root);
      await mount(['-o', 'subvol=/@/.snapshots', device], join(root, '.snapshots'));
      await mount(['-o', 'subvol=/@/var', device], join(root, 'var'));
    };
    await mountRoot(1);
    let espUuid: string | undefined;
    const espDir = join(dir, 'esp');
    const mountEsp = async () => {
      if (!options.esp) return;
      own.push(join(root, 'boot/efi'));
      await mount(['--bind', espDir], join(root, 'boot/efi'));
    };
    if (options.esp) {
      // This kernel has no vfat, so the ESP is a directory bound at /boot/efi (it keeps its
      // content across the test's "reboots"); the FAT volume id is a real one.
      const espImage = join(dir, 'esp.img');
      await run('mkfs.vfat', ['-C', espImage, '32768']);
      espUuid = (await run('blkid', ['-p', '-o', 'value', '-s', 'UUID', espImage])).stdout.trim();
      mkdirSync(espDir);
      await mountEsp();
    }
    const t: TestSystem = {
      dir, device, top, root, fsUuid: uuid.trim(), espUuid, system: await openSystem(root), cleanup,
      async rebootInto(number: number) {
        for (const target of [join(root, 'boot/efi'), join(root, 'var'), join(root, '.snapshots'), root]) {
          await run('umount', [target], { reject: false });
        }
        await mountRoot(number);
        await mountEsp();
        t.system = await openSystem(root);
      },
    };
    return t;
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** Add snapshot N through the system's store (as the engine leaves one: sealed, N/etc, N/etc.start). */
export async function addSnapshot(t: TestSystem, number: number, spec: SnapshotSpec = {}): Promise<void> {
  await addSnapshotAt(t.system.store, number, spec);
}

async function addSnapshotAt(store: SnapshotStore, number: number, spec: SnapshotSpec): Promise<void> {
  const p = store.paths(number);
  mkdirSync(p.dir);
  writeFileSync(
    p.info,
    serializeInfo({
      type: 'single',
      num: number,
      date: new Date(Date.UTC(2026, 10, 20 + number, 4, 0, 0)),
      description: spec.description ?? `snapshot ${number}`,
      cleanup: 'number',
      userdata: spec.foreign ? {} : { [MARKER_KEY]: '0.1.0' },
    }),
  );
  if (spec.base !== undefined) {
    const b = store.paths(spec.base);
    await run('btrfs', ['-q', 'subvolume', 'snapshot', b.snapshot, p.snapshot]);
    await run('btrfs', ['property', 'set', '-ts', p.snapshot, 'ro', 'false']);
    // The base's running /etc is the merge base; the new root's /etc starts as a copy of it.
    await run('btrfs', ['-q', 'subvolume', 'snapshot', '-r', b.snapshotEtc, p.etcStart]);
    await run('rmdir', [p.snapshotEtc]);
    await run('btrfs', ['-q', 'subvolume', 'snapshot', p.etcStart, p.snapshotEtc]);
  } else {
    await run('btrfs', ['-q', 'subvolume', 'create', p.snapshot]);
    for (const d of ['boot', 'boot/efi', 'usr/bin', 'var', 'home', 'root', 'srv', 'opt', '.snapshots', 'proc', 'dev']) {
      mkdirSync(join(p.snapshot, d), { recursive: true });
    }
    await run('btrfs', ['-q', 'subvolume', 'create', p.snapshotEtc]);
    writeFileSync(join(p.snapshotEtc, 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
    writeFileSync(join(p.snapshotEtc, 'hostname'), 'tu-test\n');
    mkdirSync(join(p.snapshotEtc, 'kernel'));
    writeFileSync(join(p.snapshotEtc, 'kernel/cmdline'), 'console=ttyS0,115200 quiet\n');
  }
  if (spec.kernel !== undefined) {
    for (const name of ['vmlinuz-', 'initrd.img-']) {
      for (const f of (await run('ls', [join(p.snapshot, 'boot')])).stdout.split('\n').filter((n) => n.startsWith(name))) {
        await run('rm', ['-f', join(p.snapshot, 'boot', f)]);
      }
      if (spec.kernel) writeFileSync(join(p.snapshot, 'boot', name + spec.kernel), `fake ${name}${spec.kernel}\n`);
    }
  }
  if (spec.packages) {
    const dir = join(p.snapshot, 'usr/lib/sysimage/dpkg');
    mkdirSync(dir, { recursive: true });
    const stanza = ([name, version]: [string, string]) =>
      `Package: ${name}\nStatus: install ok installed\nArchitecture: amd64\nVersion: ${version}\nDescription: test\n`;
    writeFileSync(join(dir, 'status'), spec.packages.map(stanza).join('\n'));
  }
  for (const [path, content] of Object.entries(spec.etc ?? {})) {
    const target = join(p.snapshotEtc, path);
    if (content === null) await run('rm', ['-rf', target]);
    else {
      mkdirSync(join(target, '..'), { recursive: true });
      writeFileSync(target, content);
    }
  }
  await run('btrfs', ['-q', 'subvolume', 'snapshot', '-r', p.snapshotEtc, p.etc]);
  await run('btrfs', ['property', 'set', '-ts', p.snapshot, 'ro', 'true']);
}

export function writeExecutable(path: string, content: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
  chmodSync(path, 0o755);
}
