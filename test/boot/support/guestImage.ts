/**
 * The machine the boot suites drive, made the way a user makes one: the built CLI's
 * `image create --bootable` (Debian 13, the tool's .deb installed into snapshot 1). The host
 * then gives the running system's /etc what a test rig needs and nothing of the tool:
 *
 *  - root logged in on the serial console (a getty drop-in), so the host can type there;
 *  - a boot menu that waits 1 s instead of 5;
 *  - a probe unit that only says on the serial line that a boot is complete;
 *  - the suite's second disk (label TU-TEST) mounted at /srv/tu-test: a signed apt repository
 *    (apt's only source, key under /etc/apt/keyrings, Signed-By) and the suite's commands.
 *
 * Between boots the host reads the state back from the image (openImage) and rewrites the
 * second disk (writeTestDisk) — the guest is stopped then, so nothing races.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync, appendFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { refreshBootMenu } from '../../../src/boot/grub/menu.js';
import { readBootSettings, writeBootSettings } from '../../../src/boot/settings.js';
import { findBuiltPackage } from '../../../src/image/toolPackage.js';
import { run } from '../../../src/util/exec.js';
import { aptSources, buildRepo, ensureSigningKey, KEYRING_PATH_IN_ROOT, APT_SOURCES_NAME, type PackageRef, type SigningKey } from '../../support/repo.js';
import { openImage } from './image.js';

/** Where the second disk is mounted in the guest (not /mnt: a transaction's chroot detaches it). */
export const TEST_DISK_MOUNT = '/srv/tu-test';
export const TEST_DISK_LABEL = 'TU-TEST';
/** The suite's commands in the guest (test/boot/guest/tu-test). */
export const TU_TEST = `${TEST_DISK_MOUNT}/tu-test`;
const GUEST_FILES = resolve('test/boot/guest');
const CLI = resolve('dist/cli/main.cjs');

/**
 * What the probe prints once the health check has run: `TU-PROBE-READY tu.snapshot=N`, up to
 * the end of the line (the console arrives in pieces: without it "=" then "3" matched "").
 */
export const PROBE_READY = /TU-PROBE-READY tu\.snapshot=(\d*)\n/;

/**
 * The probe's line must reach the host before the serial getty starts: agetty flushes the
 * line's output queue when it sets the terminal up (tcflush TCIOFLUSH), which can discard a
 * line still queued under TCG's slow UART. So the getty waits for the probe, and the probe
 * waits until its line is sent (stty applies the settings it read with TCSADRAIN).
 */
const PROBE_UNIT = `[Unit]
Description=QEMU suite probe: say on the serial line that the boot is complete
After=transactional-update-health-check.service transactional-update-etc-merge.service
Before=serial-getty@ttyS0.service

[Service]
Type=oneshot
ExecStart=/bin/sh -c 'echo "TU-PROBE-READY $$(grep -o "tu.snapshot=[0-9]*" /proc/cmdline)" > /dev/ttyS0; stty -F /dev/ttyS0 "$$(stty -F /dev/ttyS0 -g)"'

[Install]
WantedBy=multi-user.target
`;

const AUTOLOGIN = `[Service]
ExecStart=
ExecStart=-/sbin/agetty --autologin root --noclear --keep-baud 115200,57600,38400,9600 %I $TERM
`;

/** The .deb `npm run package` built; the suite tests that package. */
export async function builtToolPackage(): Promise<string> {
  if (!existsSync(CLI)) throw new Error("no built CLI (dist/cli/main.cjs): run 'npm run build && npm run package' first");
  const deb = await findBuiltPackage(resolve('dist'));
  if (!deb) throw new Error("no transactional-update .deb in dist/: run 'npm run package' first");
  return deb;
}

/** `transactional-update image create --bootable` of the built tree, with its .deb and these extra packages. */
export async function createBootableImage(file: string, deb: string, include: readonly string[] = []): Promise<void> {
  const extra = include.length > 0 ? ['--include', include.join(',')] : [];
  await run('node', [CLI, 'image', 'create', file, '--bootable', '--size', '4G', '--package', deb, ...extra]);
}

/** The test rig in the image's running /etc (snapshot 1 before its first boot). */
export async function prepareGuest(file: string, workDir: string, key: SigningKey): Promise<void> {
  const img = await openImage(file, workDir);
  try {
    const etc = join(img.system.root, 'etc');
    const units = join(etc, 'systemd/system');
    mkdirSync(join(units, 'serial-getty@ttyS0.service.d'), { recursive: true });
    writeFileSync(join(units, 'serial-getty@ttyS0.service.d/autologin.conf'), AUTOLOGIN);
    writeFileSync(join(units, 'tu-boot-probe.service'), PROBE_UNIT);
    mkdirSync(join(units, 'multi-user.target.wants'), { recursive: true });
    symlinkSync('/etc/systemd/system/tu-boot-probe.service', join(units, 'multi-user.target.wants/tu-boot-probe.service'));
    writeFileSync(join(etc, 'hostname'), 'tu-guest\n');
    appendFileSync(join(etc, 'fstab'), `LABEL=${TEST_DISK_LABEL} ${TEST_DISK_MOUNT} ext4 ro,nofail,x-systemd.device-timeout=60s 0 0\n`);
    // apt's only source: the signed repository on the second disk (nothing uses the network).
    rmSync(join(etc, 'apt/sources.list'), { force: true });
    const lists = join(etc, 'apt/sources.list.d');
    mkdirSync(lists, { recursive: true });
    for (const entry of readdirSync(lists)) rmSync(join(lists, entry), { force: true });
    writeFileSync(join(lists, APT_SOURCES_NAME), aptSources({ repoPathInRoot: `${TEST_DISK_MOUNT}/repo` }));
    mkdirSync(join(img.system.root, KEYRING_PATH_IN_ROOT, '..'), { recursive: true });
    copyFileSync(key.publicKey, join(img.system.root, KEYRING_PATH_IN_ROOT));
    chmodSync(join(img.system.root, KEYRING_PATH_IN_ROOT), 0o644);
    // A one-second menu (the default is 5 s): seven boots a run.
    writeBootSettings(img.top, { ...readBootSettings(img.top), timeout: 1 });
    await refreshBootMenu(img.system);
    // The mount point, on the shared /srv subvolume.
    mkdirSync(join(img.top, '@/srv', TEST_DISK_MOUNT.replace(/^\/srv\//, '')), { recursive: true });
  } finally {
    await img.close();
  }
}

/** The signing key of this run's repository (made at test time). */
export async function makeSigningKey(workDir: string): Promise<SigningKey> {
  return ensureSigningKey(join(workDir, 'key'));
}

/**
 * The second disk: a signed flat repository of `packages` under repo/ and the suite's
 * commands, as a small ext4 file system made from a directory (mke2fs -d: nothing mounted).
 */
export async function writeTestDisk(file: string, workDir: string, key: SigningKey, packages: readonly PackageRef[]): Promise<void> {
  const content = mkdtempSync(join(workDir, 'test-disk-'));
  try {
    chmodSync(content, 0o755);
    await buildRepo(join(content, 'repo'), packages, { keyDir: key.dir });
    copyFileSync(join(GUEST_FILES, 'tu-test'), join(content, 'tu-test'));
    chmodSync(join(content, 'tu-test'), 0o755);
    rmSync(file, { force: true });
    await run('mke2fs', ['-q', '-t', 'ext4', '-O', '^has_journal', '-L', TEST_DISK_LABEL, '-d', content, file, '64M']);
  } finally {
    rmSync(content, { recursive: true, force: true });
  }
}
