/**
 * The QEMU suite: the real package, installed by `image create --bootable` into a Debian 13
 * image, manages the machine it runs on. Every change is made by /usr/sbin/transactional-update
 * inside the booted guest (its timers, its units, trixie's nodejs); the host only types on the
 * serial console, rewrites the second disk (a signed apt repository) between boots, and reads
 * the disk image once QEMU has ended.
 *
 * The steps are chained through ten boots, two soft-reboots and a kexec (each test's name
 * says what it proved):
 *
 *   boot 1  snapshot 1   owners and dpkg --verify; 1. pkg install tu-daily 1.0 → 2; reboot
 *   boot 2  snapshot 2   1. (after) tu-daily present, booted, healthy
 *                        2. repo has 2.0; the timer's update → 3; an /etc edit (step 4);
 *                           the reboot timer reboots (systemd method, window open)
 *   boot 3  snapshot 3   2. (after) 2.0, healthy, the journal says why; 4. the edit is there
 *                        3. window closed, repo has 3.0: the timer's update → 4, no reboot;
 *                           status says when; 4. (after) manifest 4 records the edit
 *                        5. rollback; reboot
 *   boot 4  snapshot 3   5. (after) 3 booted again
 *                        6. shell: an /etc edit kept in 5; `exit 1` discards 6
 *                        7. repo has 4.0: `up` (→ 7) and a power cut in its preinst
 *   boot 5  snapshot 5   7. (after) the old next boot (5) came up; the service removes 7
 *                        8. … and updates to 4.0 (→ 8); the reboot timer reboots
 *   boot 6  snapshot 8   8. its health check fails: fallback to 5, reboot
 *   boot 7  snapshot 5   8. (after) the timer's next run refuses the recorded bad set
 *
 * Then, in boot 7, the soft-reboot steps (softRebootSteps.ts: B = 5; 9 went to the update
 * step 8 refused): a soft-reboot into 10, a full reboot of the same change (boot 8, snapshot
 * 11), a module-tree change (boot 9, snapshot 12), a soft-rebooted 13 that fails its check and
 * comes back to 12 (boot 10), and a kexec into 14.
 *
 * Serial logs: test-results/boot/lifecycle-<time>/NN-<step>.log (or under $TU_BOOT_LOGS).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readGrubEnv } from '../../src/boot/grub/grubEnv.js';
import { badPackageSets, readHealthResult } from '../../src/boot/state.js';
import { defaultSnapshot } from '../../src/snapshots/system.js';
import { requireMachine } from '../support/requirements.js';
import { TU_TEST } from './support/guestImage.js';
import { COMMAND_WAIT_MS, lastJson, Machine, readReport } from './support/machine.js';
import { softRebootSteps, SOFT_REBOOT_INCLUDE, SOFT_REBOOT_PACKAGES } from './softRebootSteps.js';
import { OVMF_CODE, type Guest } from './support/qemu.js';

const skip =
  requireMachine(
    { root: true, loop: true, btrfs: true, commands: ['qemu-system-x86_64', 'mmdebstrap', 'mkfs.vfat', 'mcopy', 'sfdisk', 'grub-mkimage', 'grub-editenv', 'mke2fs', 'gpg'] },
    'QEMU boot suite',
  ) ?? (existsSync(OVMF_CODE) ? undefined : requireMachine({ commands: ['ovmf (OVMF_CODE_4M.fd)'] }, 'QEMU boot suite'));

/** The repository: tu-daily in these versions, and what the soft-reboot steps at the end install. */
const daily = (...versions: string[]) => [...versions.map((version) => ({ name: 'tu-daily', version })), ...SOFT_REBOOT_PACKAGES];
const cmd = { timeoutMs: COMMAND_WAIT_MS };

interface ListEntry { number: number; booted: boolean; default: boolean; pending: boolean; inProgress: boolean; description: string }
interface Status {
  booted: number | null;
  default: number | null;
  rebootPending: boolean;
  health?: { snapshot: number; status: string; fallback: boolean };
  knownGood?: number;
  badPackageSets?: Array<{ snapshot: number }>;
  reboot?: { summary: string; due: string | null };
}

describe.skipIf(skip).sequential('the installed package manages the booted machine under QEMU', () => {
  let m: Machine;
  let g: Guest;
  let failed = false;
  /** Step 8 ended at root's shell on snapshot 5: the soft-reboot steps go on from there. */
  let lifecycleDone = false;

  const status = async (): Promise<Status> => lastJson<Status>((await g.ok('transactional-update --json status', cmd)));
  const list = async (): Promise<ListEntry[]> => lastJson<ListEntry[]>((await g.ok('transactional-update --json list', cmd)));
  const version = async (): Promise<string> => {
    const out = await g.ok(`printf 'TU-VERSION<%s>\\n' "$(dpkg-query -W -f '\${Version}' tu-daily 2>/dev/null)"`, cmd);
    return /TU-VERSION<([^>]*)>\n/.exec(out)?.[1] ?? 'no answer';
  };
  /** Run the package's timer now (a runtime drop-in) and wait until its service has run. */
  const timer = async (name: 'transactional-update' | 'transactional-update-reboot'): Promise<string> => {
    await g.ok(`${TU_TEST} arm ${name}`, cmd);
    const out = await g.ok(`${TU_TEST} wait ${name}.service`, cmd);
    return /TU-UNIT-DONE \S+ result=(\S+)/.exec(out)?.[1] ?? 'no answer';
  };

  beforeAll(async () => {
    m = await Machine.create({ name: 'lifecycle', packages: daily('1.0'), include: SOFT_REBOOT_INCLUDE });
    process.stderr.write(`QEMU suite serial logs: ${m.logsDir}\n`);
  }, 15 * 60_000);

  afterEach((ctx) => {
    if (ctx.task.result?.state === 'fail') failed = true;
  });

  afterAll(async () => {
    await m?.stop();
    if (m) process.stderr.write(`QEMU suite serial logs: ${m.logsDir}\n`);
  });

  it('1. install: pkg install puts tu-daily into snapshot 2, not the running root; status names 2 as the next boot; after the reboot 2 is booted, has tu-daily and passed its health check; dpkg owns the command and the units and verifies clean', async (ctx) => {
    if (failed) ctx.skip();
    g = await m.boot('install');
    expect(await m.login(g)).toBe(1);
    await g.ok(`${TU_TEST} owners owners`, cmd);
    await g.ok('transactional-update -n pkg install tu-daily', cmd);
    expect(await version()).toBe('');
    const before = await status();
    expect(before).toMatchObject({ booted: 1, default: 2, rebootPending: true });
    expect(await g.ok('transactional-update status', cmd)).toMatch(/Next boot: 2 \(pkg install tu-daily/);
    await m.reboot(g);

    const owners = await m.read((img) => {
      expect(readFileSync(join(img.top, '@/.snapshots/2/snapshot/usr/share/tu-daily/version'), 'utf8')).toBe('1.0\n');
      expect(existsSync(join(img.top, '@/.snapshots/1/snapshot/usr/share/tu-daily'))).toBe(false);
      return readReport(img, 'owners');
    });
    const units = ['transactional-update.service', 'transactional-update.timer', 'transactional-update-reboot.service', 'transactional-update-reboot.timer', 'transactional-update-health-check.service', 'transactional-update-etc-merge.service', 'transactional-update-cleanup.service', 'transactional-update-cleanup.timer'];
    expect(owners['owners.txt']!.trim().split('\n').sort()).toEqual(
      ['transactional-update: /usr/sbin/transactional-update', ...units.map((u) => `transactional-update: /usr/lib/systemd/system/${u}`)].sort(),
    );
    // Each unit the system runs is the package's file, with no drop-in of anyone's.
    for (const u of units) expect(owners['fragments.txt']).toMatch(new RegExp(`^${u.replace(/\./g, '\\.')} /usr/lib/systemd/system/${u.replace(/\./g, '\\.')} $`, 'm'));
    expect(owners['verify.txt']).toBe('');
    expect(owners['verify.rc']!.trim()).toBe('0');
    expect(owners['node']).toMatch(/^nodejs: \/usr\/bin\/node/m);

    await m.publish(daily('1.0', '2.0'));
    g = await m.boot('daily-cycle');
    expect(await m.login(g)).toBe(2);
    expect(await version()).toBe('1.0');
    const after = await status();
    expect(after).toMatchObject({ booted: 2, default: 2, rebootPending: false, health: { snapshot: 2, status: 'pass', fallback: false }, knownGood: 2 });
    expect((await list()).find((s) => s.number === 2)).toMatchObject({ booted: true, default: true, pending: false });
  });

  it('2. daily cycle: with 2.0 in the repository the package\'s update timer makes snapshot 3 by itself, and its reboot timer reboots into it (REBOOT_METHOD=systemd, window open, no soft-reboot); 3 passes its health check and the journal says why the tool rebooted', async (ctx) => {
    if (failed) ctx.skip();
    await g.ok(`${TU_TEST} window open`, cmd);
    expect(await timer('transactional-update')).toBe('success');
    expect(await status()).toMatchObject({ booted: 2, default: 3, rebootPending: true });
    // Step 4's edit: on the running system, after the transaction, before the reboot.
    await g.ok('echo "made on 2 after snapshot 3" > /etc/tu-test-late-edit', cmd);
    // The reboot timer's service reboots the guest; QEMU ends (-no-reboot).
    await g.ok(`${TU_TEST} arm transactional-update-reboot`, cmd);
    await g.waitExit({ timeoutMs: COMMAND_WAIT_MS, what: 'reboot by the reboot timer' });

    await m.read(async (img) => {
      expect(await defaultSnapshot(img.system)).toBe(3);
      expect((await readGrubEnv(join(img.top, 'boot/grub/grubenv'))).next_snapshot).toBe('3');
    });
    await m.publish(daily('1.0', '2.0', '3.0'));
    g = await m.boot('window-closed');
    expect(await m.login(g)).toBe(3);
    expect(await version()).toBe('2.0');
    expect(await status()).toMatchObject({ booted: 3, health: { snapshot: 3, status: 'pass', fallback: false }, knownGood: 3 });
    const journal = await g.ok('journalctl -b -1 -o cat -u transactional-update-reboot.service', cmd);
    // The reason it rebooted, and how: a full reboot, as soft-reboot is not allowed.
    expect(journal).toMatch(/snapshot 3 is pending and the maintenance window is open until [^;\n]+; REBOOT_METHOD=systemd: .*REBOOT_ALLOW_SOFT_REBOOT=no/);
  });

  it('4. /etc edits: an edit made on the running system after the transaction is there after the reboot', async (ctx) => {
    if (failed) ctx.skip();
    expect(await g.ok('cat /etc/tu-test-late-edit', cmd)).toMatch(/^made on 2 after snapshot 3$/m);
  });

  it('3. outside the window: the timer\'s update (3.0) makes snapshot 4 and the reboot timer does not reboot; status says when it will', async (ctx) => {
    if (failed) ctx.skip();
    await g.ok(`${TU_TEST} window closed`, cmd);
    expect(await timer('transactional-update')).toBe('success');
    expect(await timer('transactional-update-reboot')).toBe('success');
    const journal = await g.ok('journalctl -b -o cat -u transactional-update-reboot.service', cmd);
    expect(journal).toMatch(/snapshot 4 is pending; the next maintenance window opens at/);
    const s = await status();
    expect(s).toMatchObject({ booted: 3, default: 4, rebootPending: true });
    expect(s.reboot?.due).toBeTruthy();
    expect(Date.parse(s.reboot!.due!)).toBeGreaterThan(Date.now() + 60 * 60_000);
    const text = await g.ok('transactional-update status', cmd);
    expect(text).toMatch(/^Next maintenance window: \d{4}-\d\d-\d\d \d\d:\d\d /m);
    expect(text).toMatch(/^Reboot needed: \S+ \(for snapshot 4\), due at \d{4}-\d\d-\d\d \d\d:\d\d /m);
    expect(await version()).toBe('2.0');
  });

  it('4. /etc edits: … and is recorded in the next manifest (4) as an edit made outside any transaction', async (ctx) => {
    if (failed) ctx.skip();
    const out = await g.ok('transactional-update show 4', cmd);
    expect(out).toMatch(/tu-test-late-edit/);
  });

  it('5. rollback: `transactional-update rollback` (answered on the terminal) makes the booted 3 the next boot again; after the reboot 3 boots and list shows it booted', async (ctx) => {
    if (failed) ctx.skip();
    const start = g.mark;
    g.type('transactional-update rollback; echo "TU-ROLLBACK-$?-END"\n');
    await g.waitFor(/Make snapshot 3 the next boot\? \[y\/N\]/, { timeoutMs: COMMAND_WAIT_MS, from: start, what: 'the rollback question' });
    g.type('y\n');
    expect((await g.waitFor(/TU-ROLLBACK-(\d+)-END/, { timeoutMs: COMMAND_WAIT_MS, from: start }))[1]).toBe('0');
    expect(await status()).toMatchObject({ booted: 3, default: 3, rebootPending: false });
    await m.reboot(g);

    await m.publish(daily('1.0', '2.0', '3.0', '4.0'));
    g = await m.boot('shell-and-power-cut');
    expect(await m.login(g)).toBe(3);
    expect((await list()).find((s) => s.booted)).toMatchObject({ number: 3, default: true });
  });

  it('6. shell: on the serial console the prompt names the new snapshot; a typed /etc edit and `exit` keep it in snapshot 5; a second shell that ends with `exit 1` is discarded after the question', async (ctx) => {
    if (failed) ctx.skip();
    let start = g.mark;
    g.type('transactional-update shell; echo "TU-SHELL-$?-END"\n');
    await g.waitFor(/\(transactional update 5\)root@tu-guest:\/# $/m, { timeoutMs: COMMAND_WAIT_MS, from: start, what: 'the shell prompt of snapshot 5' });
    g.type('echo "typed in the shell of 5" > /etc/tu-test-shell-edit; echo "TU-EDITED-$((40+2))"\n');
    await g.waitFor(/TU-EDITED-42/, { timeoutMs: 60_000, from: start, what: 'the edit typed in the shell' });
    g.type('exit\n');
    expect((await g.waitFor(/TU-SHELL-(\d+)-END/, { timeoutMs: COMMAND_WAIT_MS, from: start }))[1]).toBe('0');

    start = g.mark;
    g.type('transactional-update shell; echo "TU-SHELL-$?-END"\n');
    await g.waitFor(/\(transactional update 6\)root@tu-guest:\/# $/m, { timeoutMs: COMMAND_WAIT_MS, from: start, what: 'the shell prompt of snapshot 6' });
    g.type('touch /etc/tu-test-discarded; exit 1\n');
    await g.waitFor(/The shell exited with 1\. Discard the new snapshot\? \[Y\/n\]/, { timeoutMs: 60_000, from: start, what: 'the discard question' });
    g.type('y\n');
    expect((await g.waitFor(/TU-SHELL-(\d+)-END/, { timeoutMs: COMMAND_WAIT_MS, from: start }))[1]).toBe('1');

    const snapshots = await list();
    expect(snapshots.map((s) => s.number)).toEqual([1, 2, 3, 4, 5]);
    expect(snapshots.find((s) => s.number === 5)).toMatchObject({ default: true, pending: true });
  });

  it('7. power cut: QEMU is killed while `up` runs tu-daily 4.0\'s preinst; the next boot comes up on the old next boot (5), list never shows the half-made snapshot 7, and the next run of the service removes it', async (ctx) => {
    if (failed) ctx.skip();
    await g.ok('mkdir -p /var/lib/tu-test && touch /var/lib/tu-test/power-cut && sync', cmd);
    const start = g.mark;
    g.type('transactional-update up\n');
    await g.waitFor(/TU-DAILY-PREINST 4\.0 started, waiting for the power cut/, { timeoutMs: COMMAND_WAIT_MS, from: start, what: "tu-daily 4.0's preinst" });
    await g.powerCut();

    await m.read(async (img) => {
      expect(await defaultSnapshot(img.system)).toBe(5);
      expect(img.system.store.has(7)).toBe(true);
      expect(img.system.store.read(7).inProgress).toBe(true);
    });
    g = await m.boot('after-power-cut');
    expect(await m.login(g)).toBe(5);
    expect(await g.ok('cat /etc/tu-test-shell-edit', cmd)).toMatch(/^typed in the shell of 5$/m);
    expect(await g.ok('ls /etc/tu-test-discarded 2>&1 || true', cmd)).toMatch(/No such file or directory/);
    expect((await list()).map((s) => s.number)).toEqual([1, 2, 3, 4, 5]);

    await g.ok('rm /var/lib/tu-test/power-cut', cmd);
    await g.ok(`${TU_TEST} window open`, cmd);
    expect(await timer('transactional-update')).toBe('success');
    const snapshots = await list();
    expect(snapshots.map((s) => s.number)).toEqual([1, 2, 3, 4, 5, 8]);
    expect(await g.ok('journalctl -b -o cat -u transactional-update.service', cmd)).toMatch(/TU-DAILY-PREINST 4\.0 started|Snapshot 8 is the next boot/);
  });

  it('8. a bad update: the reboot timer boots snapshot 8 (tu-daily 4.0), whose health check fails; the machine falls back to 5 by itself, records the bad set, and the timer\'s next run does not rebuild it', async (ctx) => {
    if (failed) ctx.skip();
    await g.ok(`${TU_TEST} arm transactional-update-reboot`, cmd);
    await g.waitExit({ timeoutMs: COMMAND_WAIT_MS, what: 'reboot into 8 by the reboot timer' });

    g = await m.boot('bad-update');
    // No login: the health check fails and reboots before the probe; what it found is on disk.
    await g.waitExit({ timeoutMs: 2 * COMMAND_WAIT_MS, what: 'reboot after the failed health check of 8' });
    await m.read(async (img) => {
      expect(await defaultSnapshot(img.system)).toBe(5);
      expect(readHealthResult(img.system.stateDir)).toMatchObject({ snapshot: 8, status: 'fail' });
      expect(JSON.stringify(readHealthResult(img.system.stateDir)?.failures)).toMatch(/50-tu-daily/);
      const bad = badPackageSets(img.system.stateDir);
      expect(bad.map((s) => s.snapshot)).toEqual([8]);
      expect(bad[0]!.packages.some((p) => p.name === 'tu-daily' && p.version === '4.0')).toBe(true);
    });

    g = await m.boot('fallen-back');
    expect(await m.login(g)).toBe(5);
    const s = await status();
    expect(s).toMatchObject({ booted: 5, default: 5, health: { snapshot: 5, status: 'pass' } });
    expect(s.badPackageSets?.map((b) => b.snapshot)).toEqual([8]);
    expect(await timer('transactional-update')).not.toBe('success');
    expect(await g.ok('journalctl -b -o cat -u transactional-update.service', cmd)).toMatch(/would rebuild a package set that failed its health check before; nothing was changed/);
    expect((await list()).map((x) => x.number)).toEqual([1, 2, 3, 4, 5, 8]);
    expect((await status()).knownGood).toBe(5);
    lifecycleDone = true;
  });

  // The soft-reboot steps continue on this machine, in this boot (snapshot 5).
  softRebootSteps(async () => {
    if (lifecycleDone && !failed) return { machine: m, guest: g };
    await m?.stop();
    return undefined;
  });
});
