/** What a caller asks of the engine, and what it gets back. */
import type { ChrootCommand } from '../chroot/run.js';
import type { TuError } from '../errors.js';

export interface TransactionStep {
  argv: string[];
  env?: Record<string, string>;
  label: string;
  /**
   * Judge the exit code (package managers have their own tables), and the end of stderr
   * when chroot.captureStderr kept it; default: 0 is success. A verdict's error replaces
   * the generic failure.
   */
  verdict?: (exitCode: number, stderr: string) => {
    ok: boolean;
    rebootNeeded?: boolean;
    message?: string;
    error?: (outcome: string) => TuError;
  };
  /** How the step meets the terminal, when it differs from the request's. */
  chroot?: Partial<Pick<ChrootCommand, 'interactive' | 'stdinInherit' | 'ignoreInterrupt' | 'captureStderr'>>;
}

export interface ShellMode {
  /** stdin is a terminal: interactive shell, and a non-zero exit asks before discarding. */
  terminal: boolean;
}

export interface TransactionRequest {
  description: string;
  commandLine: string[];
  /** Base: the booted snapshot, or with --continue a number or the current default. */
  continueFrom?: number | 'default';
  dropIfNoChange: boolean;
  keep: boolean;
  /** Steps get the user's terminal. */
  interactive: boolean;
  steps: TransactionStep[];
  shell?: ShellMode;
  packageManager?: string;
  /** `up`/`dup`: refuse to rebuild a package set that failed its health check before. */
  refuseBadPackageSets?: boolean;
  /** Host directories to bind into the chroot under /run (local package files). */
  runBinds?: Array<{ source: string; inside: string }>;
  /** Exit with the command's own code when it fails (`run`, `shell`); otherwise 1. */
  propagateExitCode?: boolean;
  /** Where step output goes: the terminal, or stderr when stdout carries --json. */
  output?: 'inherit' | 'stderr';
}

export interface TransactionOutcome {
  status: 'committed' | 'dropped';
  number: number;
  base: number;
  rebootNeeded: boolean;
  /** What the package manager said worth repeating (e.g. "a reboot is needed"). */
  messages: string[];
  /** Repairs left for the next run after the commit point (menu, reboot level): one line each. */
  warnings: string[];
}
