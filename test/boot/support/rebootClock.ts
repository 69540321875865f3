/**
 * The host's clock on a reboot inside the guest: from the moment the command is typed (the
 * reboot decision) to the probe's line (multi-user.target reached, the health check done),
 * lap by lap at the serial console's landmarks, QEMU's relaunch included for a full reboot.
 */
export const KERNEL_STARTED = /Linux version \d/;
/** systemd's greeting: printed by a freshly started PID 1, at a boot and after a soft-reboot. */
export const SYSTEMD_STARTED = /Welcome to .*Debian/;

export class RebootClock {
  private readonly started = Date.now();
  private last = this.started;
  private readonly laps: Array<{ name: string; ms: number }> = [];

  /** The time since the previous lap is spent on `name`. */
  lap(name: string): void {
    const now = Date.now();
    this.laps.push({ name, ms: now - this.last });
    this.last = now;
  }

  /** From the start to the last lap. */
  get totalMs(): number {
    return this.last - this.started;
  }

  /** "44.2 s (stop and switch 12.0 s, userspace to the probe 32.2 s)" */
  describe(): string {
    const parts = this.laps.map((l) => `${l.name} ${seconds(l.ms)}`);
    return `${seconds(this.totalMs)} (${parts.join(', ')})`;
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
