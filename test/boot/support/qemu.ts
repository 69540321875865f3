/**
 * A QEMU guest the boot suites drive: UEFI (OVMF), the system disk and any extra disks on
 * virtio, no network, and the serial console on a socket chardev, so the host both reads it
 * and types on it. Every byte the host reads is appended to the boot's log file (kept as a test
 * artefact; not QEMU's own logfile=, which repeats a byte now and then when the socket is
 * busy). A reboot ends QEMU (-no-reboot): one Guest is one boot.
 *
 * The host never waits for a power-off to learn something: it waits for the line it needs on
 * the console (waitFor), or reads the state back from the disk image once QEMU has exited.
 */
import { appendFileSync, copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa, type ResultPromise } from 'execa';

export const OVMF_CODE = '/usr/share/OVMF/OVMF_CODE_4M.fd';
export const OVMF_VARS = '/usr/share/OVMF/OVMF_VARS_4M.fd';

/**
 * TU_BOOT_ACCEL=kvm where KVM works. A /dev/kvm is no proof: on these machines (nested) it fails
 * with "failed to set MSR" (-cpu host) or an emulation failure in OVMF, so TCG is the default.
 */
export function kvmUsable(): boolean {
  return process.env.TU_BOOT_ACCEL === 'kvm' && existsSync('/dev/kvm');
}

/** How long a guest may take for something that is one boot under TCG (~1 min here). */
export const BOOT_WAIT_MS = kvmUsable() ? 3 * 60_000 : 6 * 60_000;

export interface GuestOptions {
  /** The system disk (raw). */
  disk: string;
  /** More raw disks, in order after it (vdb, vdc …). */
  extraDisks?: Array<{ file: string; readOnly?: boolean }>;
  /** OVMF's variable store for this machine; made from OVMF_VARS on first use. */
  vars: string;
  /** Every byte of the serial console the host reads goes here. */
  logFile: string;
  /** The QEMU process is killed after this long whatever happens (a hung guest). */
  hardTimeoutMs: number;
  memoryMb?: number;
}

export interface GuestExit {
  exitCode: number | undefined;
  signal: string | undefined;
  /** True when the hard timeout (not the guest) ended QEMU. */
  timedOut: boolean;
}

/** Terminal control sequences and carriage returns: what a person would not see as text. */
export function plainText(raw: string): string {
  return raw
    .replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '')
    .replace(/\x1b[()][A-Za-z0-9]/g, '')
    .replace(/\x1b[=>78]/g, '')
    .replace(/\r/g, '');
}

let markerCounter = 0;

export class Guest {
  /** The console so far, as plain text (see plainText). */
  private raw = '';
  private plain: string | undefined;
  private socket: Socket | undefined;
  private exitInfo: GuestExit | undefined;
  private readonly waiters = new Set<() => void>();
  private hardTimer: NodeJS.Timeout | undefined;
  private timedOut = false;
  readonly exited: Promise<GuestExit>;

  private constructor(
    private readonly process: ResultPromise,
    private readonly socketPath: string,
    readonly logFile: string,
    hardTimeoutMs: number,
  ) {
    this.hardTimer = setTimeout(() => {
      this.timedOut = true;
      this.process.kill('SIGKILL');
    }, hardTimeoutMs);
    this.exited = this.process.then(
      (r) => r,
      (r: { exitCode?: number; signal?: string }) => r,
    ).then((r) => {
      clearTimeout(this.hardTimer);
      this.exitInfo = { exitCode: r.exitCode ?? undefined, signal: r.signal ?? undefined, timedOut: this.timedOut };
      rmSync(dirname(this.socketPath), { recursive: true, force: true });
      this.wake();
      return this.exitInfo;
    });
  }

  static async start(options: GuestOptions): Promise<Guest> {
    if (!existsSync(options.vars)) copyFileSync(OVMF_VARS, options.vars);
    writeFileSync(options.logFile, '');
    // A socket's path has at most 107 bytes: not beside the log, whose directory is as deep as
    // the checkout is, but in a short directory of its own under /tmp.
    const socketPath = join(mkdtempSync(join(tmpdir(), 'tu-qemu-')), 'console');
    const accel = kvmUsable() ? ['-accel', 'kvm', '-cpu', 'host'] : ['-accel', 'tcg,thread=multi'];
    const disks = [{ file: options.disk, readOnly: false }, ...(options.extraDisks ?? [])].flatMap((d) => [
      '-drive',
      `file=${d.file},format=raw,if=virtio${d.readOnly ? ',readonly=on' : ''}`,
    ]);
    // setpriv: QEMU gets SIGKILL when the test process that started it dies (a killed or
    // interrupted run), so no guest outlives its run. It execs QEMU: the pid is QEMU's.
    const child = execa(
      'setpriv',
      [
        '--pdeathsig', 'KILL', '--', 'qemu-system-x86_64',
        ...accel, '-m', String(options.memoryMb ?? 1536), '-machine', 'q35', '-smp', '2',
        '-drive', `if=pflash,format=raw,readonly=on,file=${OVMF_CODE}`,
        '-drive', `if=pflash,format=raw,file=${options.vars}`,
        ...disks,
        '-nic', 'none', '-display', 'none', '-monitor', 'none', '-no-reboot',
        '-chardev', `socket,id=console,path=${socketPath},server=on,wait=on`,
        '-serial', 'chardev:console',
      ],
      { reject: false, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe', buffer: true },
    );
    const guest = new Guest(child, socketPath, options.logFile, options.hardTimeoutMs);
    // wait=on: QEMU does not start the machine before the host is connected, so no byte of
    // the console is missed.
    await guest.connect();
    return guest;
  }

  private async connect(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      if (this.exitInfo) throw new Error(`QEMU exited before its console could be reached (see ${this.logFile}): ${await this.stderr()}`);
      if (existsSync(this.socketPath)) {
        try {
          this.socket = await new Promise<Socket>((resolve, reject) => {
            const s = connect(this.socketPath, () => resolve(s));
            s.once('error', reject);
          });
          break;
        } catch (error) {
          if (attempt > 200) throw error;
        }
      }
      await sleep(100);
    }
    this.socket.setEncoding('latin1');
    this.socket.on('data', (chunk: string) => {
      this.raw += chunk;
      this.plain = undefined;
      appendFileSync(this.logFile, chunk, 'latin1');
      this.wake();
    });
    this.socket.on('error', () => undefined);
  }

  private async stderr(): Promise<string> {
    const r = await this.process.catch((e: { stderr?: string }) => e);
    return String((r as { stderr?: unknown }).stderr ?? '').trim();
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  /**
   * The console's last lines, for an error: CI keeps only what the run printed, not the logs
   * directory, so a failed wait must carry what the guest was doing.
   */
  private tail(lines = 40): string {
    const last = this.output.split('\n').map((l) => l.trimEnd()).filter((l) => l !== '').slice(-lines);
    return `\nthe console's last ${last.length} lines:\n${last.map((l) => `  | ${l.slice(0, 300)}`).join('\n')}`;
  }

  /** The console so far as plain text. */
  get output(): string {
    this.plain ??= plainText(this.raw);
    return this.plain;
  }

  /** A position in the console text; waitFor searches from there. */
  get mark(): number {
    return this.output.length;
  }

  /**
   * Wait until the console (from `from`, default: the start) matches. Rejects when QEMU exits
   * first or the time is up, naming what was awaited and the log file.
   */
  async waitFor(pattern: RegExp, options: { timeoutMs: number; from?: number; what?: string }): Promise<RegExpMatchArray> {
    const from = options.from ?? 0;
    const find = () => this.output.slice(from).match(pattern);
    const what = options.what ?? String(pattern);
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = find();
        if (m) return done(() => resolve(m));
        if (this.exitInfo) return done(() => reject(new Error(`the guest stopped before it printed ${what} (${this.describeExit()}); see ${this.logFile}${this.tail()}`)));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`no ${what} on the console within ${options.timeoutMs / 1000} s; see ${this.logFile}${this.tail()}`))), options.timeoutMs);
      const done = (settle: () => void) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        settle();
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Type on the console (a line ends with "\n", as Enter sends it). */
  type(text: string): void {
    if (!this.socket || this.exitInfo) throw new Error(`cannot type on the console: the guest has stopped; see ${this.logFile}`);
    this.socket.write(text.replace(/\n/g, '\r'), 'latin1');
  }

  /**
   * Type a command line at the shell prompt and wait for it to finish; returns its exit code
   * and what it printed. The end marker is printed by the shell after the command, built so
   * that the echo of the typed line never matches it.
   */
  async run(command: string, options: { timeoutMs: number }): Promise<{ exitCode: number; output: string }> {
    const id = `${Date.now().toString(36)}${(markerCounter++).toString(36)}`;
    const start = this.mark;
    this.type(`${command}; echo "TU-RC-${id}-$?-END"\n`);
    const m = await this.waitFor(new RegExp(`TU-RC-${id}-(\\d+)-END`), { timeoutMs: options.timeoutMs, from: start, what: `the end of '${command}'` });
    const text = this.output.slice(start, start + (m.index ?? 0));
    return { exitCode: Number(m[1]), output: text };
  }

  /** run(), failing with the command's output when it does not exit 0. */
  async ok(command: string, options: { timeoutMs: number }): Promise<string> {
    const r = await this.run(command, options);
    if (r.exitCode !== 0) throw new Error(`'${command}' exited ${r.exitCode} in the guest:\n${r.output.slice(-3000)}\n(see ${this.logFile})`);
    return r.output;
  }

  /**
   * Wait for a shell to answer on the console: type a probe line until its answer comes back
   * (characters typed before the shell runs may be flushed by getty, so it is repeated).
   */
  async waitForShell(options: { timeoutMs: number }): Promise<void> {
    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
      const id = `${Date.now().toString(36)}${(markerCounter++).toString(36)}`;
      const start = this.mark;
      // $((…)) makes the answer differ from the echo of the typed line.
      this.type(`echo TU-SHELL-${id}-$((6*7))\n`);
      try {
        await this.waitFor(new RegExp(`TU-SHELL-${id}-42`), { timeoutMs: Math.min(15_000, Math.max(1, deadline - Date.now())), from: start, what: 'a shell prompt' });
        return;
      } catch (error) {
        if (this.exitInfo || Date.now() >= deadline) throw error;
      }
    }
  }

  /** Wait for QEMU to end (the guest rebooted or powered off); rejects on the hard timeout. */
  async waitExit(options: { timeoutMs: number; what?: string }): Promise<GuestExit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the guest did not ${options.what ?? 'stop'} within ${options.timeoutMs / 1000} s; see ${this.logFile}${this.tail()}`)), options.timeoutMs);
    });
    try {
      const exit = await Promise.race([this.exited, timeout]);
      if (exit.timedOut) throw new Error(`the guest hit its hard timeout; see ${this.logFile}`);
      return exit;
    } finally {
      clearTimeout(timer);
    }
  }

  /** A power cut: SIGKILL to QEMU, nothing in the guest gets to finish. */
  async powerCut(): Promise<void> {
    this.process.kill('SIGKILL');
    await this.exited;
  }

  /** Stop the guest whatever it is doing (cleanup after a failure). */
  async stop(): Promise<void> {
    if (!this.exitInfo) this.process.kill('SIGKILL');
    await this.exited;
    this.socket?.destroy();
  }

  private describeExit(): string {
    const e = this.exitInfo;
    if (!e) return 'running';
    if (e.timedOut) return 'hard timeout';
    return e.signal ? `QEMU killed by ${e.signal}` : `QEMU exited with ${e.exitCode}`;
  }
}

/** The kernel command line the guest booted with, from the kernel's own log line. */
export function bootedCmdline(log: string): string | undefined {
  return /Kernel command line: (.*)/.exec(log)?.[1]?.trim();
}
