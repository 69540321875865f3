/**
 * A benchmark system on a real Btrfs loop image: snapshot 1 holds a generated root of about
 * 100,000 files (with a nested /etc), snapshots 2 and 3 a small and a large change set, all
 * laid out as a managed system (root mounted from 1/snapshot, /.snapshots beside it, the
 * shared subvolumes of `image create` mounted through the snapshot's fstab) so the real CLI,
 * snapper and rsync can all run on it. Snapshots 2 and 3 get their manifests the way a
 * transaction records them (docs/architecture.md, steps 4 and 5). Snapshot 1 also holds
 * `true` with its libraries, so a whole transaction (`run true`) can run in it.
 */
import { copyFileSync, readFileSync, mkdirSync, mkdtempSync, rmSync, rmdirSync, writeFileSync, unlinkSync, chmodSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { SHARED_SUBVOLUMES } from '../src/image/layout.js';
import { buildManifest } from '../src/manifest/build.js';
import { recordManifest } from '../src/manifest/record.js';
import { SnapshotStore, MARKER_KEY } from '../src/snapshots/store.js';

export interface BenchSystem {
  root: string;
  top: string;
  /** The loop device holding the file system. */
  device: string;
  store: SnapshotStore;
  /** 1: base, 2: small change set, 3: large change set. */
  changed: { small: number; large: number };
  destroy(): Promise<void>;
}

const DIRS = 400;
const FILES_PER_DIR = 250;

async function btrfs(...args: string[]): Promise<void> {
  await execa('btrfs', ['-q', ...args]);
}

function fillTree(root: string): void {
  for (let d = 0; d < DIRS; d++) {
    const dir = join(root, 'usr/share/bench', `d${d}`);
    mkdirSync(dir, { recursive: true });
    for (let f = 0; f < FILES_PER_DIR; f++) writeFileSync(join(dir, `f${f}`), `file ${d}/${f}\n`);
  }
  mkdirSync(join(root, 'etc'), { recursive: true });
}

/**
 * Unmount, waiting a little while something holds the mount (a `du` of /var/tmp by another
 * program was seen doing so), then detach it lazily.
 */
async function unmount(args: string[]): Promise<void> {
  for (let attempt = 0; attempt < 10; attempt++) {
    if ((await execa('umount', args, { reject: false })).exitCode === 0) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  await execa('umount', ['--lazy', ...args]);
}

/** `true` and the libraries it links, at their paths (what `chroot ROOT true` needs). */
async function installTrue(root: string): Promise<void> {
  const binary = '/usr/bin/true';
  const { stdout } = await execa('ldd', [binary]);
  const libraries = [...stdout.matchAll(/(\/\S+) \(0x/g)].map((m) => m[1]!);
  for (const file of [binary, ...libraries]) {
    mkdirSync(join(root, dirname(file)), { recursive: true });
    copyFileSync(file, join(root, file));
    chmodSync(join(root, file), 0o755);
  }
  // Where the chroot mounts its file systems.
  for (const dir of ['proc', 'sys', 'dev', 'run', 'tmp', 'usr/sbin']) mkdirSync(join(root, dir), { recursive: true });
}

export async function createBenchSystem(): Promise<BenchSystem> {
  const work = mkdtempSync('/var/tmp/tu-bench-');
  const image = join(work, 'bench.img');
  await execa('truncate', ['-s', '6G', image]);
  await execa('mkfs.btrfs', ['-q', image]);
  const loop = (await execa('losetup', ['--find', '--show', image])).stdout.trim();
  const top = join(work, 'top');
  const root = join(work, 'root');
  mkdirSync(top);
  mkdirSync(root);
  const cleanups: Array<() => Promise<unknown>> = [async () => execa('losetup', ['-d', loop])];
  const destroy = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    // rm -r crosses mount points: never over a mount still there.
    const left = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.split(' ')[4]?.startsWith(`${work}/`));
    if (left.length > 0) throw new Error(`could not unmount everything under ${work}; left as it is`);
    rmSync(work, { recursive: true, force: true });
  };
  try {
    await execa('mount', ['-o', 'subvolid=5', loop, top]);
    cleanups.push(async () => unmount([top]));
    await btrfs('subvolume', 'create', join(top, '@'));
    await btrfs('subvolume', 'create', join(top, '@/.snapshots'));
    mkdirSync(join(top, '@/usr'));
    for (const name of SHARED_SUBVOLUMES) await btrfs('subvolume', 'create', join(top, '@', name));
    const uuid = (await execa('findmnt', ['-n', '-o', 'UUID', top])).stdout.trim();
    const store = new SnapshotStore(join(top, '@/.snapshots'));
    const make = (description: string) =>
      store.reserve({ type: 'single', date: new Date(), description, cleanup: 'number', userdata: { [MARKER_KEY]: 'yes' } });

    const one = make('bench base');
    const p1 = store.paths(one);
    await btrfs('subvolume', 'create', p1.snapshot);
    mkdirSync(join(p1.snapshot, '.snapshots'));
    await btrfs('subvolume', 'create', p1.snapshotEtc);
    fillTree(p1.snapshot);
    await installTrue(p1.snapshot);
    for (const name of SHARED_SUBVOLUMES) mkdirSync(join(p1.snapshot, name), { recursive: true });
    // A package database, as every managed system has (the manifest reads it).
    mkdirSync(join(p1.snapshot, 'usr/lib/sysimage/dpkg'), { recursive: true });
    writeFileSync(join(p1.snapshot, 'usr/lib/sysimage/dpkg/status'), 'Package: bench\nStatus: install ok installed\nArchitecture: all\nVersion: 1.0\n\n');
    for (let i = 0; i < 50; i++) writeFileSync(join(p1.snapshotEtc, `conf${i}.conf`), `setting=${i}\n`);
    writeFileSync(join(p1.snapshotEtc, 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
    writeFileSync(
      join(p1.snapshotEtc, 'fstab'),
      [`UUID=${uuid} / btrfs defaults 0 0`, `UUID=${uuid} /.snapshots btrfs subvol=/@/.snapshots 0 0`,
        ...SHARED_SUBVOLUMES.map((name) => `UUID=${uuid} /${name} btrfs subvol=/@/${name} 0 0`), ''].join('\n'),
    );
    await btrfs('subvolume', 'snapshot', '-r', p1.snapshotEtc, p1.etc);
    await btrfs('property', 'set', '-ts', p1.snapshot, 'ro', 'true');

    const derive = async (description: string, mutate: (snapshotRoot: string, etc: string) => void) => {
      const startedAt = new Date().toISOString();
      const n = make(description);
      const p = store.paths(n);
      await btrfs('subvolume', 'snapshot', p1.snapshot, p.snapshot);
      rmdirSync(p.snapshotEtc);
      await btrfs('subvolume', 'snapshot', '-r', p1.snapshotEtc, p.etcStart);
      await btrfs('subvolume', 'snapshot', p.etcStart, p.snapshotEtc);
      mutate(p.snapshot, p.snapshotEtc);
      await btrfs('subvolume', 'snapshot', '-r', p.snapshotEtc, p.etc);
      await btrfs('property', 'set', '-ts', p.snapshot, 'ro', 'true');
      const provenance = {
        commandLine: ['transactional-update', 'run', 'bench'], user: 'root', startedAt, endedAt: new Date().toISOString(),
        exitStatus: 0, baseNumber: one, packageManager: null,
      };
      recordManifest(store, await buildManifest({ store, base: one, number: n, provenance, sharedWrites: [] }));
      return n;
    };
    const small = await derive('small change set', (r, etc) => {
      for (let i = 0; i < 20; i++) writeFileSync(join(r, 'usr/share/bench/d1', `f${i}`), `changed ${i}\n`);
      for (let i = 0; i < 20; i++) writeFileSync(join(r, 'usr/share/bench/d2', `new${i}`), `new ${i}\n`);
      for (let i = 0; i < 15; i++) unlinkSync(join(r, 'usr/share/bench/d3', `f${i}`));
      for (let i = 0; i < 5; i++) writeFileSync(join(etc, `conf${i}.conf`), `setting=${i * 2}\n`);
    });
    const large = await derive('large change set', (r, etc) => {
      for (let d = 0; d < 40; d++) for (let f = 0; f < FILES_PER_DIR; f++) writeFileSync(join(r, 'usr/share/bench', `d${d}`, `f${f}`), `changed ${d}/${f}\n`);
      for (let d = 40; d < 80; d++) for (let f = 0; f < FILES_PER_DIR; f++) unlinkSync(join(r, 'usr/share/bench', `d${d}`, `f${f}`));
      for (let d = 0; d < 40; d++) {
        const dir = join(r, 'usr/share/bench-new', `n${d}`);
        mkdirSync(dir, { recursive: true });
        for (let f = 0; f < FILES_PER_DIR; f++) writeFileSync(join(dir, `g${f}`), `new ${d}/${f}\n`);
      }
      for (let d = 80; d < 84; d++) chmodSync(join(r, 'usr/share/bench', `d${d}`), 0o700);
      renameSync(join(r, 'usr/share/bench/d90'), join(r, 'usr/share/bench/d90-renamed'));
      for (let i = 0; i < 50; i++) writeFileSync(join(etc, `conf${i}.conf`), `setting=${i + 100}\n`);
    });
    await btrfs('subvolume', 'set-default', p1.snapshot);
    await execa('mount', ['-o', `subvol=/@/.snapshots/${one}/snapshot`, loop, root]);
    cleanups.push(async () => unmount([root]));
    await execa('mount', ['-o', 'subvol=/@/.snapshots', loop, join(root, '.snapshots')]);
    cleanups.push(async () => unmount([join(root, '.snapshots')]));
    for (const name of SHARED_SUBVOLUMES) {
      await execa('mount', ['-o', `subvol=/@/${name}`, loop, join(root, name)]);
      cleanups.push(async () => unmount([join(root, name)]));
    }
    await execa('btrfs', ['filesystem', 'sync', top]);
    return { root, top, device: loop, store: new SnapshotStore(join(root, '.snapshots')), changed: { small, large }, destroy };
  } catch (error) {
    await destroy();
    throw error;
  }
}
