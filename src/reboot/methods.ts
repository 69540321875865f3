/**
 * Which way to restart, decided from gathered facts and the settings — pure. A configured
 * method that cannot work here is an error, never silently replaced by another one.
 */
import { TuError } from '../errors.js';
import type { RebootMethod, Settings } from '../config/settings.js';
import { satisfies, type RebootLevel } from './level.js';

/** systemd gained `systemctl soft-reboot` in version 254. */
export const SOFT_REBOOT_MIN_SYSTEMD = 254;

export interface RebootFacts {
  /** systemd's version when it is PID 1, else undefined. */
  systemdVersion: number | undefined;
  /** kexec(8) is installed and the kernel can load a kexec image. */
  kexecAvailable: boolean;
  /** rebootmgrctl is installed and rebootmgrd is running. */
  rebootmgrActive: boolean;
  /**
   * The new snapshot can be put where a soft-reboot switches to (/run/nextroot): the boot
   * code supplied the step. Without it a soft-reboot would restart into the old root.
   */
  nextRootPreparable: boolean;
  /** Why not, when the boot code said (e.g. the next-boot pointers disagree). */
  nextRootRefusal?: string | undefined;
  /** What the pending change needs. */
  level: RebootLevel;
  /** `reboot --full` raised the level: the reason says so instead of blaming the change. */
  fullRequested?: boolean;
}

/** What actually happens: a restart of some kind, a signal to someone else, or nothing. */
export type RebootMechanism = 'reboot' | 'soft-reboot' | 'kexec' | 'kured' | 'rebootmgr' | 'notify' | 'command' | 'none';

export interface MethodChoice {
  /** The configured method, with auto resolved. */
  method: Exclude<RebootMethod, 'auto'>;
  mechanism: RebootMechanism;
  /** One line: why this mechanism. */
  reason: string;
}

export function softRebootSupported(facts: Pick<RebootFacts, 'systemdVersion'>): boolean {
  return facts.systemdVersion !== undefined && facts.systemdVersion >= SOFT_REBOOT_MIN_SYSTEMD;
}

export function chooseRebootMethod(
  facts: RebootFacts,
  settings: Pick<Settings, 'rebootMethod' | 'allowSoftReboot' | 'allowKexec'>,
): MethodChoice {
  let method: Exclude<RebootMethod, 'auto'>;
  let via = '';
  if (settings.rebootMethod === 'auto') {
    // As openSUSE: rebootmgr when it runs, systemd otherwise.
    method = facts.rebootmgrActive ? 'rebootmgr' : 'systemd';
    via = facts.rebootmgrActive ? 'REBOOT_METHOD=auto and rebootmgr is running' : 'REBOOT_METHOD=auto and rebootmgr is not running';
  } else {
    method = settings.rebootMethod;
    via = `REBOOT_METHOD=${method}`;
  }
  switch (method) {
    case 'systemd':
      return chooseSystemd(facts, settings, via);
    case 'kexec':
      return chooseKexec(facts, via);
    case 'kured':
      return { method, mechanism: 'kured', reason: `${via}: kured is told through /var/run/reboot-required` };
    case 'rebootmgr':
      return { method, mechanism: 'rebootmgr', reason: `${via}: rebootmgr schedules the reboot` };
    case 'notify':
      return { method, mechanism: 'notify', reason: `${via}: logged-in users and the journal are told` };
    case 'command':
      return { method, mechanism: 'command', reason: `${via}: REBOOT_COMMAND is run` };
    case 'none':
      return { method, mechanism: 'none', reason: `${via}: nothing is rebooted` };
  }
}

function requireSystemd(facts: RebootFacts, via: string): void {
  if (facts.systemdVersion === undefined) {
    throw new TuError(`${via}, but systemd is not running as PID 1 here`, {
      hint: 'choose another REBOOT_METHOD (e.g. command or notify) in transactional-update.conf',
    });
  }
}

function chooseSystemd(facts: RebootFacts, settings: Pick<Settings, 'allowSoftReboot' | 'allowKexec'>, via: string): MethodChoice {
  requireSystemd(facts, via);
  const level = facts.level;
  if (satisfies('soft-reboot', level)) {
    if (!settings.allowSoftReboot) {
      return { method: 'systemd', mechanism: 'reboot', reason: `${via}: a soft-reboot would do, but REBOOT_ALLOW_SOFT_REBOOT=no` };
    }
    if (softRebootSupported(facts) && facts.nextRootPreparable) {
      return { method: 'systemd', mechanism: 'soft-reboot', reason: `${via}: the change needs no new kernel, so a soft-reboot is enough` };
    }
    if (softRebootSupported(facts)) {
      const why = facts.nextRootRefusal ?? 'the new snapshot cannot be prepared as the next root here';
      return { method: 'systemd', mechanism: 'reboot', reason: `${via}: a soft-reboot would do, but ${why}; a full reboot instead` };
    }
    return {
      method: 'systemd',
      mechanism: 'reboot',
      reason: `${via}: a soft-reboot would do, but systemd ${facts.systemdVersion} has none (needs ${SOFT_REBOOT_MIN_SYSTEMD}); a full reboot instead`,
    };
  }
  if (satisfies('kexec', level) && settings.allowKexec && facts.kexecAvailable) {
    return { method: 'systemd', mechanism: 'kexec', reason: `${via}: a new kernel is needed and REBOOT_ALLOW_KEXEC=yes` };
  }
  if (facts.fullRequested) return { method: 'systemd', mechanism: 'reboot', reason: `${via}: a full reboot, as --full asks` };
  return { method: 'systemd', mechanism: 'reboot', reason: `${via}: ${level === 'reboot' ? 'the change needs a full reboot' : 'a new kernel is needed'}` };
}

function chooseKexec(facts: RebootFacts, via: string): MethodChoice {
  requireSystemd(facts, via);
  if (facts.level === 'reboot') {
    if (facts.fullRequested) return { method: 'kexec', mechanism: 'reboot', reason: `${via}, but --full asks for a full reboot` };
    return { method: 'kexec', mechanism: 'reboot', reason: `${via}, but the boot loader changed: a full reboot is needed` };
  }
  if (!facts.kexecAvailable) {
    throw new TuError(`${via}, but kexec cannot be used here (kexec-tools missing or the kernel has no kexec support)`, {
      hint: 'install kexec-tools, or choose another REBOOT_METHOD',
    });
  }
  return { method: 'kexec', mechanism: 'kexec', reason: `${via}: the new snapshot's kernel is started with kexec` };
}
