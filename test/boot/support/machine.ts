/**
 * One test machine for the boot suites, reused boot after boot: its system disk (made by
 * `image create --bootable`, see guestImage.ts), its UEFI variables, its second disk (the
 * signed repository and the suite's commands) and the serial logs of every boot, kept as test
 * artefacts in logsDir.
 *
 *   const m = await Machine.create({ name: 'lifecycle', packages: [...] });
 *   const g = await m.boot('install');           // QEMU starts; one Guest is one boot
 *   await m.login(g);                            // probe line + a root shell on the console
 *   await g.ok('transactional-update …', …);      // type a command, wait for its exit code
 *   await m.reboot(g);                           // `systemctl reboot`, QEMU ends
 *   await m.read((img) => …);                    // the disk image, while no guest runs
 */
import { mkdirSync, mkdtempSync, readFileSync, existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PackageRef, SigningKey } from '../../support/repo.js';
import { testTmpBase } from '../../support/tmp.js';
import { builtToolPackage, createBootableImage, makeSigningKey, prepareGuest, PROBE_READY, writeTestDisk } from './guestImage.js';
import { openImage, type OpenImage } from './image.js';
import { BOOT_WAIT_MS, Guest } from './qemu.js';

/** Where serial logs are kept: $TU_BOOT_LOGS, else test-results/boot/ in the source tree. */
export function bootLogsBase(): string {
  return resolve(process.env.TU_BOOT_LOGS ?? 'test-results/boot');
}

/** Commands inside the guest take this long at most (a transaction under TCG: ~1 min). */
export const COMMAND_WAIT_MS = 6 * 60_000;

export class Machine {
  private boots = 0;
  private running: Guest | undefined;

  private constructor(
    readonly workDir: string,
    readonly logsDir: string,
    readonly disk: string,
    readonly testDisk: string,
    private readonly key: SigningKey,
  ) {}

  /** `packages`: the repository on the second disk; `include`: Debian packages in the image from the start. */
  static async create(options: { name: string; packages: readonly PackageRef[]; include?: readonly string[] }): Promise<Machine> {
    const deb = await builtToolPackage();
    const workDir = mkdtempSync(join(testTmpBase(), `qemu-${options.name}-`));
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const logsDir = join(bootLogsBase(), `${options.name}-${stamp}`);
    mkdirSync(logsDir, { recursive: true });
    const key = await makeSigningKey(workDir);
    const disk = join(workDir, 'disk.img');
    await createBootableImage(disk, deb, options.include);
    await prepareGuest(disk, workDir, key);
    const m = new Machine(workDir, logsDir, disk, join(workDir, 'test-disk.img'), key);
    await m.publish(options.packages);
    return m;
  }

  /** The repository on the second disk now holds exactly these packages (the guest is stopped). */
  async publish(packages: readonly PackageRef[]): Promise<void> {
    this.requireStopped('rewrite the second disk');
    await writeTestDisk(this.testDisk, this.workDir, this.key, packages);
  }

  /** Start the next boot; its serial log is logsDir/NN-name.log. */
  async boot(name: string): Promise<Guest> {
    this.requireStopped('boot it again');
    this.boots += 1;
    const logFile = join(this.logsDir, `${String(this.boots).padStart(2, '0')}-${name}.log`);
    this.running = await Guest.start({
      disk: this.disk,
      vars: join(this.workDir, 'vars.fd'),
      extraDisks: [{ file: this.testDisk, readOnly: true }],
      logFile,
      hardTimeoutMs: 30 * 60_000,
    });
    void this.running.exited.then(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /**
   * Wait for the probe (the boot is complete, the health check has run) and for root's shell
   * on the console; returns the snapshot the boot loader booted (tu.snapshot=).
   */
  async login(g: Guest): Promise<number> {
    const probe = await g.waitFor(PROBE_READY, { timeoutMs: BOOT_WAIT_MS, what: 'the probe (boot complete)' });
    await g.waitForShell({ timeoutMs: 2 * 60_000 });
    // No kernel messages and no pager on the console; lines as long as they come.
    await g.ok('dmesg -n 1; stty cols 250; export PAGER=cat SYSTEMD_PAGER=cat SYSTEMD_COLORS=0', { timeoutMs: 60_000 });
    return Number(probe[1]);
  }

  /** `systemctl reboot` typed on the console; resolves when QEMU has ended (-no-reboot). */
  async reboot(g: Guest, command = 'systemctl reboot'): Promise<void> {
    g.type(`${command}\n`);
    await g.waitExit({ timeoutMs: 5 * 60_000, what: `finish '${command}'` });
  }

  /** The disk image, opened on the host while no guest runs. */
  async read<T>(action: (img: OpenImage) => T | Promise<T>): Promise<T> {
    this.requireStopped('open its disk');
    const img = await openImage(this.disk, this.workDir);
    try {
      return await action(img);
    } finally {
      await img.close();
    }
  }

  /** Stop whatever runs (after a failure). */
  async stop(): Promise<void> {
    await this.running?.stop();
  }

  private requireStopped(what: string): void {
    if (this.running) throw new Error(`the guest still runs; cannot ${what} (see ${this.running.logFile})`);
  }
}

/** What `tu-test report LABEL` saved in the guest's /var/lib/tu-test/LABEL, read from the image. */
export function readReport(img: OpenImage, label: string): Record<string, string> {
  const dir = join(img.system.root, 'var/lib/tu-test', label);
  if (!existsSync(dir)) throw new Error(`the guest saved no report '${label}'`);
  const out: Record<string, string> = {};
  const walk = (sub: string) => {
    for (const entry of readdirSync(join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      else out[rel] = readFileSync(join(dir, rel), 'utf8');
    }
  };
  walk('');
  return out;
}

/** The last line of a command's console output that parses as JSON. */
export function lastJson<T = unknown>(output: string): T {
  const lines = output.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('{') || l.startsWith('['));
  for (const line of lines.reverse()) {
    try {
      return JSON.parse(line) as T;
    } catch {
      // an echo or a cut line: try the one before
    }
  }
  throw new Error(`no JSON in the output:\n${output.slice(-2000)}`);
}
