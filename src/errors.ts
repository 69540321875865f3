/**
 * Typed errors. Domain code throws these and prints nothing; the CLI's one top-level
 * handler turns them into one line for the user and an exit code.
 */
export type ExitCode = 0 | 1 | 2;

export interface TuErrorOptions {
  /** What the user can do next, appended to the one line. */
  hint?: string;
  /** Longer detail shown only with --verbose (and written to the log). */
  detail?: string;
  cause?: unknown;
  exitCode?: number;
}

export class TuError extends Error {
  readonly hint: string | undefined;
  readonly detail: string | undefined;
  readonly exitCode: number;

  constructor(message: string, options: TuErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
    this.detail = options.detail;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** Bad command line: unknown command, option or argument. Exit 2. */
export class UsageError extends TuError {
  constructor(message: string, options: TuErrorOptions = {}) {
    super(message, { ...options, exitCode: 2 });
  }
}

/** The system is not one we can work on (not root, not Btrfs, no /.snapshots, …). */
export class EnvironmentError extends TuError {}

/** Another transaction holds the lock. */
export class LockedError extends TuError {
  constructor(readonly holderPid: number | undefined, lockPath: string) {
    super(
      holderPid
        ? `another transaction is running (pid ${holderPid} holds ${lockPath})`
        : `another transaction is running (${lockPath} is locked)`,
      { hint: 'wait for it to finish' },
    );
  }
}

/** A snapshot number that does not exist or may not be used for this. */
export class SnapshotNotFoundError extends TuError {
  constructor(readonly number: number | string) {
    super(`snapshot ${number} does not exist`, { hint: "see 'transactional-update list'" });
  }
}

/** The command in the chroot failed; carries its exit code so `run` can return it. */
export class CommandFailedError extends TuError {
  constructor(message: string, readonly commandExitCode: number, options: TuErrorOptions = {}) {
    super(message, options);
  }
}

/** The transaction was interrupted by a signal. */
export class InterruptedError extends TuError {
  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted by ${signal}; the new snapshot was discarded`);
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The file system has no room for what was asked: the up-front check, ENOSPC or SQLite's
 * SQLITE_FULL anywhere. Named after the rule, so a full disk is never an "internal error".
 */
export class NotEnoughSpace extends TuError {
  constructor(message: string, options: TuErrorOptions = {}) {
    super(message, { hint: "free space and try again, e.g. with 'transactional-update cleanup' or by deleting files under /var", ...options });
  }
}
