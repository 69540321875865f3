/**
 * `image create`: a sparse image holding a managed system laid out as docs/architecture.md says —
 * snapshot 1 is a minimal Debian with /etc as a nested subvolume, package state in
 * /usr/lib/sysimage, separate subvolumes that never roll back, snapper's info.xml, read-only,
 * the default subvolume — and the tool's own package installed in it (src/image/toolPackage.ts).
 */
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, ftruncateSync, rmSync, rmdirSync, readdirSync, renameSync, symlinkSync, writeFileSync, lstatSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as btrfs from '../btrfs/btrfs.js';
import { UsageError } from '../errors.js';
import { SnapshotStore, MARKER_KEY, IN_PROGRESS_KEY } from '../snapshots/store.js';
import { run } from '../util/exec.js';
import { log } from '../util/log.js';
import {
  APT_CONF_FILE, APT_EXTENDED_STATES, LAYOUT_MARKER, LAYOUT_MARKER_TEXT, MASKED_UNITS, RELOCATED_STATE, SHARED_SUBVOLUMES, SNAPPER_UNITS, SYSIMAGE_DIR,
  fstabText, relocationLinkTarget,
} from './layout.js';
import { attachLoop, attachPartitions, detachLoop, fileSystemUuid } from './loop.js';
import { ensureRootfsTarball } from './rootfs.js';
import { installToolPackage, packageDependencies } from './toolPackage.js';

export interface CreateImageOptions {
  file: string;
  sizeBytes: number;
  suite: string;
  include: string[];
  mirror?: string;
  label?: string;
  /**
   * The tool's .deb, installed into snapshot 1 with apt (see toolPackage.ts: choosePackage).
   * Without it the system is managed from a host (--root) only.
   */
  toolPackage?: string;
  /** GPT disk with an ESP and a boot loader (see src/boot). */
  bootable?: BootableHooks;
}

/** What --bootable adds; supplied by the boot module so this file knows no boot loader. */
export interface BootableHooks {
  includes: string[];
  espSizeBytes: number;
  install(target: {
    espDevice: string;
    btrfsDevice: string;
    topLevelMount: string;
    snapshotsFsPath: string;
    firstSnapshot: number;
    snapshotRoot: string;
    fsUuid: string;
    label: string;
  }): Promise<void>;
}

export interface CreatedImage {
  file: string;
  uuid: string;
  rootfsTarball: string;
}

const MIN_SIZE = 1024 ** 3;

export async function createImage(options: CreateImageOptions): Promise<CreatedImage> {
  if (existsSync(options.file)) throw new UsageError(`${options.file} already exists`, { hint: 'choose another file name or remove it' });
  if (options.sizeBytes < MIN_SIZE) throw new UsageError('an image needs at least 1G');
  // The package's dependencies come with the cached root, so installing it downloads nothing.
  const packageDepends = options.toolPackage ? await packageDependencies(options.toolPackage) : [];
  const include = [...options.include, ...(options.bootable?.includes ?? []), ...packageDepends];
  const tarball = await ensureRootfsTarball({ suite: options.suite, include, mirror: options.mirror });
  const label = options.label ?? 'tu-root';

  const cleanup: Array<() => Promise<void>> = [];
  let ok = false;
  try {
    mkdirSync(dirname(options.file), { recursive: true });
    const fd = openSync(options.file, 'wx');
    ftruncateSync(fd, options.sizeBytes);
    closeSync(fd);

    let espDevice: string | undefined;
    let btrfsDevice: string;
    if (options.bootable) {
      await writePartitionTable(options.file, options.bootable.espSizeBytes);
      const devices = await attachPartitions(options.file);
      for (const d of devices) cleanup.unshift(() => detachLoop(d));
      [espDevice, btrfsDevice] = devices as [string, string];
      await run('mkfs.vfat', ['-F', '32', '-n', 'ESP', espDevice]);
    } else {
      btrfsDevice = await attachLoop(options.file);
      cleanup.unshift(() => detachLoop(btrfsDevice));
    }
    await btrfs.makeFilesystem(btrfsDevice, label);
    const uuid = await fileSystemUuid(btrfsDevice);
    const espUuid = espDevice ? await fileSystemUuid(espDevice) : undefined;

    const top = mkdtempSync('/run/tu-image-');
    cleanup.unshift(async () => rmdirSync(top));
    await run('mount', ['-o', 'subvolid=5', btrfsDevice, top]);
    cleanup.unshift(async () => void (await run('umount', [top])));

    const snapshotRoot = await buildLayout(top, { tarball, uuid, espUuid });
    if (options.bootable && espDevice) {
      await options.bootable.install({
        espDevice, btrfsDevice, topLevelMount: top, snapshotsFsPath: '@/.snapshots', firstSnapshot: 1, snapshotRoot, fsUuid: uuid, label,
      });
    }
    if (options.toolPackage) await installToolPackage({ snapshotRoot, sharedVar: join(top, '@/var'), deb: options.toolPackage });
    await finishFirstSnapshot(top);
    await btrfs.sync(top);
    ok = true;
    return { file: options.file, uuid, rootfsTarball: tarball };
  } finally {
    for (const step of cleanup) {
      try {
        await step();
      } catch (error) {
        log.warn(`cleanup after image create: ${String(error)}`);
      }
    }
    if (!ok) rmSync(options.file, { force: true });
  }
}

async function writePartitionTable(file: string, espSizeBytes: number): Promise<void> {
  const espSectors = Math.floor(espSizeBytes / 512);
  const table = `label: gpt\nstart=2048, size=${espSectors}, type=U, name="ESP"\nstart=${2048 + espSectors}, type=L, name="root"\n`;
  await run('sfdisk', ['--quiet', file], { input: table });
}

/** Subvolumes, snapshot 1 with its content, relocations, fstab; returns snapshot 1's root. */
async function buildLayout(top: string, facts: { tarball: string; uuid: string; espUuid?: string }): Promise<string> {
  await btrfs.createSubvolume(join(top, '@'));
  await btrfs.createSubvolume(join(top, '@/.snapshots'));
  writeFileSync(join(top, '@/.snapshots', LAYOUT_MARKER), LAYOUT_MARKER_TEXT);
  mkdirSync(join(top, '@/usr'));
  for (const name of SHARED_SUBVOLUMES) await btrfs.createSubvolume(join(top, '@', name));

  const store = new SnapshotStore(join(top, '@/.snapshots'));
  const number = store.reserve({
    type: 'single',
    date: new Date(),
    description: 'first root filesystem',
    cleanup: '',
    userdata: { [MARKER_KEY]: 'yes', [IN_PROGRESS_KEY]: 'yes' },
  });
  const paths = store.paths(number);
  await btrfs.createSubvolume(paths.snapshot);
  await btrfs.createSubvolume(paths.snapshotEtc);
  log.step('unpacking the root file system');
  await run('tar', ['--extract', '--preserve-permissions', '--xattrs', '--xattrs-include=*', '--numeric-owner', '--file', facts.tarball, '--directory', paths.snapshot]);

  const root = paths.snapshot;
  await moveIntoSharedSubvolumes(root, top);
  await relocatePackageState(root, join(top, '@'));
  prepareSystemFiles(root, facts);
  return root;
}

/** Content of /var, /home, … goes into its subvolume; the snapshot keeps an empty mount point. */
async function moveIntoSharedSubvolumes(root: string, top: string): Promise<void> {
  for (const name of SHARED_SUBVOLUMES) {
    const source = join(root, name);
    mkdirSync(source, { recursive: true });
    const entries = readdirSync(source);
    if (entries.length === 0) continue;
    await run('cp', ['-a', '--reflink=auto', `${source}/.`, join(top, '@', name)]);
    for (const entry of entries) rmSync(join(source, entry), { recursive: true, force: true });
  }
  mkdirSync(join(root, '.snapshots'), { recursive: true });
}

/** dpkg, debconf, ucf … state moves to /usr/lib/sysimage; /var keeps relative symlinks to it. */
async function relocatePackageState(root: string, sharedTop: string): Promise<void> {
  for (const { varPath, sysimageName } of RELOCATED_STATE) {
    const inVar = join(sharedTop, varPath);
    const target = join(root, SYSIMAGE_DIR, sysimageName);
    const exists = existsSync(inVar) && lstatSync(inVar).isDirectory();
    if (!exists && sysimageName === 'pacman') continue;
    mkdirSync(dirname(target), { recursive: true });
    if (exists) {
      await renameAcross(inVar, target);
    } else {
      mkdirSync(target, { recursive: true });
    }
    mkdirSync(dirname(inVar), { recursive: true });
    symlinkSync(relocationLinkTarget(varPath, sysimageName), inVar);
  }
  const extendedStates = join(sharedTop, 'var/lib/apt/extended_states');
  const extendedTarget = join(root, APT_EXTENDED_STATES);
  mkdirSync(dirname(extendedTarget), { recursive: true });
  if (existsSync(extendedStates)) await renameAcross(extendedStates, extendedTarget);
  writeFileSync(
    join(root, APT_CONF_FILE),
    `// transactional-update: package state rolls back with /usr (see transactional-update(8)).\nDir::State::extended_states "${APT_EXTENDED_STATES}";\n`,
  );
}

/** rename(2) cannot cross subvolumes; copy with reflinks and remove instead. */
async function renameAcross(from: string, to: string): Promise<void> {
  try {
    renameSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await run('cp', ['-a', '--reflink=auto', from, to]);
    rmSync(from, { recursive: true, force: true });
  }
}

function prepareSystemFiles(root: string, facts: { uuid: string; espUuid?: string }): void {
  writeFileSync(join(root, 'etc/fstab'), fstabText({ uuid: facts.uuid, espUuid: facts.espUuid }));
  if (facts.espUuid) mkdirSync(join(root, 'boot/efi'), { recursive: true });
  // An image is a system, not a copy of one: machine-id is made at first boot.
  writeFileSync(join(root, 'etc/machine-id'), '');
  const unitDir = join(root, 'etc/systemd/system');
  mkdirSync(unitDir, { recursive: true });
  const snapperInside = existsSync(join(root, 'usr/bin/snapper'));
  for (const unit of [...MASKED_UNITS, ...(snapperInside ? SNAPPER_UNITS : [])]) {
    const link = join(unitDir, unit);
    rmSync(link, { force: true });
    symlinkSync('/dev/null', link);
  }
  if (snapperInside) writeSnapperConfig(root);
}

/** snapper is a viewer here: no timeline, no automatic cleanup of our snapshots. */
function writeSnapperConfig(root: string): void {
  const dir = join(root, 'etc/snapper/configs');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'root'),
    ['SUBVOLUME="/"', 'FSTYPE="btrfs"', 'TIMELINE_CREATE="no"', 'TIMELINE_CLEANUP="no"', 'NUMBER_CLEANUP="no"', 'EMPTY_PRE_POST_CLEANUP="no"', ''].join('\n'),
  );
  const sysconfig = join(root, 'etc/default/snapper');
  mkdirSync(dirname(sysconfig), { recursive: true });
  writeFileSync(sysconfig, 'SNAPPER_CONFIGS="root"\n');
}

/** 1/etc, read-only, default, in-progress mark cleared. */
async function finishFirstSnapshot(top: string): Promise<void> {
  const store = new SnapshotStore(join(top, '@/.snapshots'));
  const paths = store.paths(1);
  await btrfs.snapshotSubvolume(paths.snapshotEtc, paths.etc, { readOnly: true });
  await btrfs.setReadOnly(paths.snapshot, true);
  await btrfs.setDefault(paths.snapshot);
  store.updateUserdata(1, (ud) => {
    delete ud['transactional-update-in-progress'];
  });
}

export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([KMGT]?)(i?B)?$/i.exec(text.trim());
  if (!m) throw new UsageError(`invalid size '${text}'`, { hint: 'use e.g. 4G or 4096M' });
  const unit = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 }[m[2]!.toUpperCase() as '' | 'K' | 'M' | 'G' | 'T'];
  return Math.floor(Number(m[1]) * unit);
}

