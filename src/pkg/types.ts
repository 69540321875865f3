import type { TuError } from '../errors.js';

/**
 * One interface for every package manager. Only src/pkg knows a package manager's flags,
 * exit codes and database format; the transaction engine speaks this interface.
 */

export type PackageManagerName = 'apt' | 'zypper' | 'dnf' | 'pacman';

/** What the user asked for. `packages` are already validated (see validatePackageArguments). */
export type PackageAction =
  | { kind: 'install'; packages: string[] }
  | { kind: 'remove'; packages: string[] }
  /** `pkg update [pkg…]`: update the named packages, or everything when none are named. */
  | { kind: 'update'; packages: string[] }
  /** `up`: update the system. */
  | { kind: 'up' }
  /** `dup`: distribution upgrade. */
  | { kind: 'dup' };

export interface CommandOptions {
  /** Ask the user (a terminal is attached and -n was not given). */
  interactive: boolean;
}

/** One command run inside the chroot, in order; the first failing one ends the transaction. */
export interface PackageCommand {
  argv: string[];
  env: Record<string, string>;
  /** A human label for the step log, e.g. "refresh package lists". */
  label: string;
}

export interface ExitVerdict {
  ok: boolean;
  /** The package manager says a reboot is needed (zypper 102). */
  rebootNeeded?: boolean;
  /** One line for the user when something special happened (zypper 103: update zypper first). */
  message?: string;
  /**
   * A failure the package manager's own output explains (apt refusing an unsigned
   * repository), as the typed error the user sees, given what became of the snapshot.
   */
  error?: (outcome: string) => TuError;
}

export interface PackageManagerAdapter {
  readonly name: PackageManagerName;
  /** True when the root (a snapshot directory) holds this package manager. */
  detect(root: string): boolean;
  /** The commands for an action, the package-list refresh first where the action needs it. */
  commands(action: PackageAction, options: CommandOptions): PackageCommand[];
  /**
   * The verdict on one command's exit code (each manager has its own table) and, where the
   * manager explains a failure there, the end of its stderr.
   */
  interpretExit(action: PackageAction, command: PackageCommand, exitCode: number, stderr?: string): ExitVerdict;
}

/** One installed package as read from a snapshot's package database. */
export interface InstalledPackage {
  name: string;
  arch: string;
  version: string;
}
