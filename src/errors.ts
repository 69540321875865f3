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

/** Why apt refused a repository's Release file (apt-secure(8)). */
export type RepositoryRefusalReason = 'unsigned' | 'unknown-key' | 'bad-signature' | 'unverified';

export interface RepositoryRefusal {
  /** The repository as apt names it: URI and suite ("http://deb.debian.org/debian trixie"). */
  repository: string;
  reason: RepositoryRefusalReason;
  /** apt's own words on the signature (its W: line), when it gave any. */
  detail?: string;
}

/** apt uses only repositories whose Release is signed by a key it knows (Signed-By). */
export class RepositoryUnsigned extends TuError {
  constructor(readonly refusals: RepositoryRefusal[], outcome: string) {
    super(`${refusalText(refusals)}; apt refuses to use it; ${outcome}`, {
      hint: refusals.every((r) => r.reason === 'bad-signature')
        ? 'its InRelease does not match its signature: a broken or tampered mirror; try another mirror, see apt-secure(8)'
        : 'add its key under /etc/apt/keyrings and name that file with Signed-By in its sources entry; see apt-secure(8)',
      detail: refusals.map((r) => `${r.repository}: ${r.detail ?? r.reason}`).join('\n'),
    });
  }
}

function refusalText(refusals: RepositoryRefusal[]): string {
  const describe = (r: RepositoryRefusal): string => {
    switch (r.reason) {
      case 'unsigned':
        return `the repository ${r.repository} is not signed`;
      case 'unknown-key':
        return `the repository ${r.repository} is signed with a key apt does not know`;
      case 'bad-signature':
        return `the repository ${r.repository} has a bad signature`;
      case 'unverified':
        return `the signature of the repository ${r.repository} could not be checked`;
    }
  };
  const [first, ...rest] = refusals;
  if (!first) return 'a repository is not signed';
  return rest.length === 0 ? describe(first) : `${describe(first)} (and ${rest.length} more: ${rest.map((r) => r.repository).join(', ')})`;
}
