/**
 * The soft-reboot steps (issue 14), on the boot chain of the lifecycle suite: they continue on
 * its machine, in its last boot, where the lifecycle steps left a root shell (snapshot B booted,
 * after a fallback). When the lifecycle steps did not get there, they make a machine of their
 * own and boot it first, so that a failure there does not hide what these steps show.
 *
 *   boot   B             policy REBOOT_METHOD=systemd, REBOOT_ALLOW_SOFT_REBOOT=yes,
 *                        REBOOT_ALLOW_KEXEC=no; pkg install tu-hello (/usr/bin) → S; an /etc
 *                        edit after it; `transactional-update reboot`
 *     soft-reboot → S    1. / is S, the boot id unchanged, the shared subvolumes mounted, the
 *                        edit merged, the health check passed (known-good S), `list` marks S
 *                        booted, and no fallback is read from the command line GRUB gave B
 *                        4. the same change again: `-c B pkg install tu-hello` → F (base B,
 *                        the same paths and level as S); `transactional-update reboot --full`
 *   boot   F             4. (after) a full reboot of it, timed like the soft-reboot of S
 *                        2. pkg install tu-kmod (/usr/lib/modules) → K, level kexec; reboot
 *   boot   K             2. (after) a full reboot: GRUB booted K and counted the attempt
 *                        3. run: a failing health.d check → X; reboot
 *     soft-reboot → X    3. its health check fails: known-good K is the next boot, a full reboot
 *   boot   K             3. (after) back on K by itself
 *                        5. REBOOT_ALLOW_KEXEC=yes; pkg remove tu-kmod → E, level kexec; reboot
 *     kexec → E          5. a new kernel (new boot id) without firmware or GRUB; / is E, healthy
 *
 * 4. The time from `transactional-update reboot` to the probe's line (multi-user.target reached,
 *    the health check done) is measured on the host for the same change twice: the soft-reboot
 *    B → S and the full reboot (--full) S → F, QEMU's relaunch included, with laps at the serial
 *    console's landmarks. Both and their ratio are printed and kept in the logs directory
 *    (reboot-times.txt); nothing asserts them.
 *
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PackageRef } from '../support/repo.js';
import { PROBE_READY } from './support/guestImage.js';
import { COMMAND_WAIT_MS, lastJson, Machine } from './support/machine.js';
import { BOOT_WAIT_MS, type Guest } from './support/qemu.js';
import { KERNEL_STARTED, RebootClock, SYSTEMD_STARTED } from './support/rebootClock.js';

/**
 * Debian packages the chain's image needs from the start: kexec-tools for the kexec step (with
 * systemd, Debian's kexec-tools leaves `reboot` a cold reboot; only `systemctl kexec` kexecs).
 */
export const SOFT_REBOOT_INCLUDE: readonly string[] = ['kexec-tools'];

/** What these steps install: the chain's repository carries them from the start. */
export const SOFT_REBOOT_PACKAGES: readonly PackageRef[] = [
  { name: 'tu-hello', version: '1.0' },
  { name: 'tu-kmod', version: '1.0' },
];

/**
 * How the earlier steps hand over their machine: at a root shell, or undefined (their guest
 * stopped) when they did not get there.
 */
export type HandOver = () => Promise<{ machine: Machine; guest: Guest } | undefined>;

const cmd = { timeoutMs: COMMAND_WAIT_MS };
/** The tool's step log: one line per step, on /var (never rolls back). */
const TOOL_LOG = '/var/log/transactional-update.log';
/** The ESP's environment block: GRUB's boot counter (src/boot/layout.ts ESP_DIR, ESP_ENV_FILE). */
const ESP_ENV = '/boot/efi/EFI/transactional-update/grubenv';
/**
 * Records GRUB's counter before the health check removes it: the proof that GRUB counted the
 * attempt of a full reboot. Made on the running system before the transactions, so every
 * snapshot after carries it.
 */
const COUNTER_PROBE = `[Unit]
Description=soft-reboot steps: GRUB's boot counter as this boot found it
DefaultDependencies=no
RequiresMountsFor=/boot/efi
Before=transactional-update-health-check.service

[Service]
Type=oneshot
ExecStart=/bin/sh -c 'grep -a -o "boot_counter=[0-9]*" ${ESP_ENV} > /run/tu-counter || echo none > /run/tu-counter'

[Install]
WantedBy=multi-user.target
`;
const POLICY = 'REBOOT_METHOD=systemd\\nREBOOT_ALLOW_SOFT_REBOOT=yes\\nREBOOT_ALLOW_KEXEC=no\\n';
const POLICY_KEXEC = 'REBOOT_METHOD=systemd\\nREBOOT_ALLOW_SOFT_REBOOT=yes\\nREBOOT_ALLOW_KEXEC=yes\\n';
/** The package's timers stay out of the way: the steps type every reboot themselves. */
const TIMERS_OFF = '[Unit]\\nConditionPathExists=/nonexistent/tu-soft-reboot-steps\\n';

interface ListEntry { number: number; booted: boolean; default: boolean }
interface Status {
  booted: number | null;
  default: number | null;
  rebootLevel?: string;
  rebootLevelSetBy?: Array<{ snapshot: number; level: string; paths: string[]; packages: string[] }>;
  health?: { snapshot: number; status: string; fallback: boolean; softReboot?: { from: number } };
  knownGood?: number;
}

export function softRebootSteps(handOver: HandOver): void {
  describe.sequential('soft-reboot into the new snapshot, on the same chain', () => {
    let m: Machine;
    let g: Guest;
    /** A machine made here because the chain did not hand one over; stopped here too. */
    let own = false;
    let failed = false;
    const times: { soft?: RebootClock; full?: RebootClock } = {};
    /** B, S, F, K: see the chain above. */
    const n = { B: 0, S: 0, F: 0, K: 0 };
    /** What set S's level: the same change made again must match it. */
    let softChange: { paths: string[]; packages: string[] } | undefined;

    const status = async (): Promise<Status> => lastJson<Status>(await g.ok('transactional-update --json status', cmd));
    const list = async (): Promise<ListEntry[]> => lastJson<ListEntry[]>(await g.ok('transactional-update --json list', cmd));
    /** One value from the guest, between markers the echo of the typed line cannot match. */
    const value = async (name: string, command: string): Promise<string> => {
      const out = await g.ok(`printf 'TU-V-${name}<%s>\\n' "$(${command})"`, cmd);
      const found = new RegExp(`TU-V-${name}<([^>]*)>\\n`).exec(out)?.[1];
      if (found === undefined) throw new Error(`no answer for ${name} in:\n${out.slice(-1000)}`);
      return found;
    };
    /** A transaction; returns the new next boot, which must be new. */
    const transaction = async (command: string): Promise<number> => {
      const before = await status();
      await g.ok(`transactional-update -n ${command}`, cmd);
      const after = (await status()).default!;
      expect(after, `'${command}' made no new snapshot`).toBeGreaterThan(Math.max(before.booted ?? 0, before.default ?? 0));
      return after;
    };
    /** After a soft-reboot: the probe of the new boot transaction, then root's shell again. */
    const loginAgain = async (from: number): Promise<void> => {
      await g.waitFor(PROBE_READY, { timeoutMs: BOOT_WAIT_MS, from, what: 'the probe after the soft-reboot' });
      await g.waitForShell({ timeoutMs: 2 * 60_000 });
      await g.ok('dmesg -n 1; stty cols 250; export PAGER=cat SYSTEMD_PAGER=cat SYSTEMD_COLORS=0', cmd);
    };
    const bootAndLogin = async (name: string): Promise<number> => {
      g = await m.boot(name);
      return m.login(g);
    };

    beforeAll(async () => {
      const chain = await handOver();
      if (chain) {
        ({ machine: m, guest: g } = chain);
        return;
      }
      process.stderr.write('soft-reboot steps: the lifecycle steps did not hand over their machine; making one\n');
      m = await Machine.create({ name: 'soft-reboot', packages: SOFT_REBOOT_PACKAGES, include: SOFT_REBOOT_INCLUDE });
      own = true;
      await bootAndLogin('soft-reboot');
    }, 15 * 60_000);
    afterEach((ctx) => {
      if (ctx.task.result?.state === 'fail') failed = true;
    });
    afterAll(async () => {
      if (own) await m?.stop();
      if (times.soft !== undefined && times.full !== undefined) {
        const report =
          `soft-reboot steps: the same change (pkg install tu-hello on snapshot ${n.B}), from the reboot decision to multi-user.target (the probe):\n` +
          `  soft-reboot ${times.soft.describe()}\n` +
          `  full reboot ${times.full.describe()}\n` +
          `  ratio ${(times.soft.totalMs / times.full.totalMs).toFixed(2)} (goal ≤ 0.30; not asserted)\n`;
        process.stderr.write(report);
        writeFileSync(join(m.logsDir, 'reboot-times.txt'), report);
      }
    });

    it('1. a userspace-only update soft-reboots: same boot id, / is the new snapshot, mounts, /etc merge, health check, known-good, list', async () => {
      const start = await status();
      expect(start.booted).toBe(start.default);
      n.B = start.booted!;
      await g.ok(`printf '${POLICY}' > /etc/transactional-update.conf`, cmd);
      for (const timer of ['transactional-update.timer', 'transactional-update-reboot.timer']) {
        await g.ok(`mkdir -p /etc/systemd/system/${timer}.d && printf '${TIMERS_OFF}' > /etc/systemd/system/${timer}.d/50-soft-reboot-steps.conf`, cmd);
      }
      // One typed line (a heredoc cannot take the shell's end marker after it).
      await g.ok(`echo ${Buffer.from(COUNTER_PROBE).toString('base64')} | base64 -d > /etc/systemd/system/tu-counter-probe.service`, cmd);
      await g.ok('systemctl daemon-reload && systemctl stop transactional-update.timer transactional-update-reboot.timer && systemctl enable tu-counter-probe.service', cmd);

      n.S = await transaction('pkg install tu-hello');
      const before = await status();
      expect(before).toMatchObject({ booted: n.B, default: n.S, rebootLevel: 'soft-reboot' });
      expect(before.rebootLevelSetBy).toEqual([expect.objectContaining({ snapshot: n.S, level: 'soft-reboot', packages: ['tu-hello'] })]);
      expect(before.rebootLevelSetBy![0]!.paths).toContain('/usr/bin/tu-hello');
      softChange = { paths: before.rebootLevelSetBy![0]!.paths, packages: before.rebootLevelSetBy![0]!.packages };
      const bootId = await value('bootid', 'cat /proc/sys/kernel/random/boot_id');
      const cmdline = await value('cmdline', 'grep -o "tu.snapshot=[0-9]*" /proc/cmdline');
      // An /etc edit on the running system after the transaction: the merge carries it.
      const edit = `edited after the transaction ${Date.now()}`;
      await g.ok(`echo '${edit}' > /etc/tu-soft-late.conf`, cmd);

      const mark = g.mark;
      const clock = new RebootClock();
      g.type('transactional-update reboot\n');
      await g.waitFor(SYSTEMD_STARTED, { timeoutMs: BOOT_WAIT_MS, from: mark, what: "the new root's systemd" });
      clock.lap('old userspace stopped, new systemd');
      await g.waitFor(PROBE_READY, { timeoutMs: BOOT_WAIT_MS, from: mark, what: 'the probe after the soft-reboot' });
      clock.lap('units to multi-user.target');
      times.soft = clock;
      await loginAgain(mark);
      expect(await g.ok(`grep -a ' step reboot: soft-reboot (' ${TOOL_LOG} | tail -n 1`, cmd)).toContain(
        'reboot: soft-reboot (REBOOT_METHOD=systemd: the change needs no new kernel, so a soft-reboot is enough)',
      );

      expect(await value('bootid', 'cat /proc/sys/kernel/random/boot_id')).toBe(bootId);
      expect(await value('root', 'findmnt -n -o FSROOT /')).toBe(`/@/.snapshots/${n.S}/snapshot`);
      // The kernel's command line is still the one GRUB gave B; nothing reads S from it.
      expect(await value('cmdline', 'grep -o "tu.snapshot=[0-9]*" /proc/cmdline')).toBe(cmdline);
      const shared: Array<[string, string]> = [['/var', '/@/var'], ['/home', '/@/home'], ['/srv', '/@/srv'], ['/.snapshots', '/@/.snapshots'], ['/usr/local', '/@/usr/local']];
      for (const [target, subvol] of shared) {
        expect(await value(`mnt${target.replace(/\W/g, '')}`, `findmnt -n -o FSROOT ${target}`), target).toBe(subvol);
      }
      expect(await value('etc', 'cat /etc/tu-soft-late.conf')).toBe(edit);
      expect(await value('merge', 'cat /var/lib/transactional-update/etc-merge.json | tr -d "\\n "')).toContain(`"snapshot":${n.S},"from":${n.B}`);
      expect(await value('hello', 'tu-hello')).toBe('tu-hello 1.0');
      const after = await status();
      expect(after).toMatchObject({ booted: n.S, default: n.S, knownGood: n.S, health: { snapshot: n.S, status: 'pass', fallback: false, softReboot: { from: n.B } } });
      expect((await list()).find((s) => s.booted)?.number).toBe(n.S);
    });

    it('4. the same change made again from the same base (-c B) and rebooted with --full: a full reboot of it, timed like the soft-reboot', async () => {
      expect(failed, 'an earlier step failed').toBe(false);
      n.F = await transaction(`-c ${n.B} pkg install tu-hello`);
      const pending = await status();
      expect(pending).toMatchObject({ booted: n.S, default: n.F, rebootLevel: 'soft-reboot' });
      expect(await value('base', `transactional-update show ${n.F} | grep -o -m 1 '^  base [0-9]*'`)).toBe(`  base ${n.B}`);
      // The same change as B → S: the same deciding paths and packages.
      expect(pending.rebootLevelSetBy).toEqual([expect.objectContaining({ snapshot: n.F, level: 'soft-reboot', ...softChange })]);
      const bootId = await value('bootid', 'cat /proc/sys/kernel/random/boot_id');

      const clock = new RebootClock();
      g.type('transactional-update reboot --full\n');
      await g.waitExit({ timeoutMs: 5 * 60_000, what: "finish 'transactional-update reboot --full'" });
      clock.lap('old userspace stopped, QEMU ended');
      g = await m.boot('full-reboot-same-change');
      await g.waitFor(KERNEL_STARTED, { timeoutMs: BOOT_WAIT_MS, what: 'the kernel' });
      clock.lap('QEMU, firmware and GRUB');
      await g.waitFor(SYSTEMD_STARTED, { timeoutMs: BOOT_WAIT_MS, what: 'systemd' });
      clock.lap('kernel and initramfs');
      await g.waitFor(PROBE_READY, { timeoutMs: BOOT_WAIT_MS, what: 'the probe (boot complete)' });
      clock.lap('units to multi-user.target');
      times.full = clock;
      expect(await m.login(g)).toBe(n.F);

      expect(await g.ok(`grep -a ' step reboot: reboot (' ${TOOL_LOG} | tail -n 1`, cmd)).toContain('reboot: reboot (REBOOT_METHOD=systemd: a full reboot, as --full asks)');
      expect(await value('bootid', 'cat /proc/sys/kernel/random/boot_id')).not.toBe(bootId);
      expect(await value('root', 'findmnt -n -o FSROOT /')).toBe(`/@/.snapshots/${n.F}/snapshot`);
      expect(await value('hello', 'tu-hello')).toBe('tu-hello 1.0');
      expect(await status()).toMatchObject({ booted: n.F, default: n.F, knownGood: n.F, health: { snapshot: n.F, status: 'pass', fallback: false } });
    });

    it('2. a change of the kernel module tree does a full reboot, and GRUB counts its attempt', async () => {
      expect(failed, 'an earlier step failed').toBe(false);
      n.K = await transaction('pkg install tu-kmod');
      const pending = await status();
      expect(pending).toMatchObject({ booted: n.F, default: n.K, rebootLevel: 'kexec' });
      expect(pending.rebootLevelSetBy).toEqual([expect.objectContaining({ snapshot: n.K, level: 'kexec', packages: ['tu-kmod'] })]);
      expect(await value('armed', `grep -a -o "boot_counter=[0-9]*" ${ESP_ENV}`)).toBe('boot_counter=3');
      const bootId = await value('bootid', 'cat /proc/sys/kernel/random/boot_id');

      await m.reboot(g, 'transactional-update reboot');
      expect(await bootAndLogin('full-reboot-kernel-modules')).toBe(n.K);
      expect(await g.ok(`grep -a ' step reboot: reboot (' ${TOOL_LOG} | tail -n 1`, cmd)).toContain('reboot: reboot (REBOOT_METHOD=systemd: a new kernel is needed)');

      expect(await value('bootid', 'cat /proc/sys/kernel/random/boot_id')).not.toBe(bootId);
      expect(await value('root', 'findmnt -n -o FSROOT /')).toBe(`/@/.snapshots/${n.K}/snapshot`);
      // GRUB booted K from its pointer and took one of its three attempts; the check then passed.
      expect(await value('counter', 'cat /run/tu-counter')).toBe('boot_counter=2');
      expect(await status()).toMatchObject({ booted: n.K, default: n.K, knownGood: n.K, health: { snapshot: n.K, status: 'pass', fallback: false } });
    });

    it('3. a soft-rebooted snapshot that fails its health check comes back to the known-good one through a full reboot', async () => {
      expect(failed, 'an earlier step failed').toBe(false);
      const x = await transaction('run install -D -m 0755 /usr/bin/false /usr/lib/transactional-update/health.d/50-soft-reboot-steps');
      expect(await status()).toMatchObject({ booted: n.K, default: x, rebootLevel: 'soft-reboot' });

      const mark = g.mark;
      // The soft-reboot, then (the check fails) a full reboot that ends QEMU.
      await m.reboot(g, 'transactional-update reboot');
      expect(g.output.slice(mark)).toMatch(/Soft-rebooting|soft-reboot/i);

      expect(await bootAndLogin('back-to-known-good')).toBe(n.K);
      expect(await value('root', 'findmnt -n -o FSROOT /')).toBe(`/@/.snapshots/${n.K}/snapshot`);
      const back = await status();
      expect(back).toMatchObject({ booted: n.K, default: n.K, knownGood: n.K, health: { snapshot: n.K, status: 'pass', fallback: false } });
      expect((await list()).find((s) => s.booted)?.number).toBe(n.K);
      // What the soft-rebooted X found and did, from the tool's log (/var/log never rolls back).
      const log = await g.ok(`grep -a ' step health check' ${TOOL_LOG} | tail -n 60`, cmd);
      expect(log).toContain(`health check root: ok (the root is snapshot ${x} (soft-rebooted from snapshot ${n.K}))`);
      expect(log).toContain('health check 50-soft-reboot-steps: FAILED (exit 1)');
      expect(log).toContain(`health check: set-next-boot ${n.K}`);
      expect(log).toContain('health check: reboot');
    });

    it('5. with REBOOT_ALLOW_KEXEC=yes a change of the module tree restarts through kexec: a new kernel, without the firmware and GRUB, into the new snapshot', async () => {
      expect(failed, 'an earlier step failed').toBe(false);
      await g.ok(`printf '${POLICY_KEXEC}' > /etc/transactional-update.conf`, cmd);
      const k = await transaction('pkg remove tu-kmod');
      const pending = await status();
      expect(pending).toMatchObject({ booted: n.K, default: k, rebootLevel: 'kexec' });
      expect(pending.rebootLevelSetBy).toEqual([expect.objectContaining({ snapshot: k, level: 'kexec', packages: ['tu-kmod'] })]);
      const bootId = await value('bootid', 'cat /proc/sys/kernel/random/boot_id');

      const mark = g.mark;
      g.type('transactional-update reboot\n');
      await g.waitFor(KERNEL_STARTED, { timeoutMs: BOOT_WAIT_MS, from: mark, what: 'the kexec-started kernel' });
      await loginAgain(mark);
      // The same QEMU run: no firmware and no boot menu between the old kernel and the new one.
      expect(g.output.slice(mark)).not.toMatch(/BdsDxe|GNU GRUB/);
      expect(await g.ok(`grep -a ' step reboot: kexec (' ${TOOL_LOG} | tail -n 1`, cmd)).toContain(
        'reboot: kexec (REBOOT_METHOD=systemd: a new kernel is needed and REBOOT_ALLOW_KEXEC=yes)',
      );
      expect(await value('bootid', 'cat /proc/sys/kernel/random/boot_id')).not.toBe(bootId);
      expect(await value('root', 'findmnt -n -o FSROOT /')).toBe(`/@/.snapshots/${k}/snapshot`);
      expect(await value('cmdline', 'grep -o "tu.snapshot=[0-9]*" /proc/cmdline')).toBe(`tu.snapshot=${k}`);
      expect(await status()).toMatchObject({ booted: k, default: k, knownGood: k, health: { snapshot: k, status: 'pass', fallback: false } });
      expect((await list()).find((s) => s.booted)?.number).toBe(k);
      await m.reboot(g, 'systemctl poweroff');
    });
  });
}
