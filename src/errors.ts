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

/** One transaction at a time: another holds the lock. */
export class SnapshotBusy extends TuError {
  constructor(readonly holderPid: number | undefined, lockPath: string) {
    super(
      holderPid
        ? `another transaction is running (pid ${holderPid} holds ${lockPath})`
        : `another transaction is running (${lockPath} is locked)`,
      { hint: 'wait for it to finish' },
    );
  }
}


function mib(bytes: number): string {
  return `${Math.ceil(bytes / 1024 ** 2)} MiB`;
}

/** The default, the booted and the known-good snapshot are never deleted. */
export class SnapshotProtected extends TuError {
  constructor(readonly number: number, readonly role: 'the next boot' | 'booted' | 'the known-good snapshot') {
    super(`snapshot ${number} is ${role}; it is not deleted`);
  }
}

/** A snapshot used as a system (base, rollback target) must be complete and closed. */
export class SnapshotIncomplete extends TuError {
  constructor(readonly number: number) {
    super(`snapshot ${number} is not a complete system`);
  }
}

/** A snapshot that has been booted is history, not a pending change: it cannot be aborted. */
export class SnapshotAlreadyBooted extends TuError {
  constructor(readonly number: number) {
    super(`snapshot ${number} has been booted; it cannot be aborted`);
  }
}

/** Abort with nothing pending: the next boot already is the booted snapshot. */
export class NothingPending extends TuError {
  constructor() {
    super('there is no pending snapshot to abort');
  }
}

/** The booted root is not one of the snapshots (a system not made by us, or a rescue boot). */
export class BootedNotASnapshot extends TuError {
  constructor() {
    super('the booted system is not one of the snapshots');
  }
}

/** `rollback last` needs another snapshot that has booted. */
export class NoOtherBootedSnapshot extends TuError {
  constructor() {
    super('no other snapshot has been booted yet');
  }
}

/** Only snapshots this tool made are aborted. */
export class SnapshotNotOurs extends TuError {
  constructor(readonly number: number) {
    super(`snapshot ${number} was not made by transactional-update`);
  }
}

/** Neither pointer names a snapshot to boot next. */
export class NoNextSnapshot extends TuError {
  constructor() {
    super('there is no next snapshot');
  }
}

/** The boot menu belongs to the tool only where it installed its GRUB directory. */
export class NoManagedBootLoader extends TuError {
  constructor() {
    super('this system has no transactional-update GRUB directory');
  }
}

/** A transaction never runs inside another (TRANSACTIONAL_UPDATE is set in the chroot). */
export class NestedTransaction extends EnvironmentError {
  constructor() {
    super('already inside a transaction (TRANSACTIONAL_UPDATE is set)', {
      hint: 'run transactional-update on the host, not inside a transaction',
    });
  }
}

/** The chroot needs mount and PID namespaces and mounts in them. */
export class NamespacesUnavailable extends EnvironmentError {
  constructor(what: string, detail: string) {
    super(`this system does not let transactional-update ${what}`, {
      hint: 'run it as root on the host, or give the container CAP_SYS_ADMIN',
      detail,
    });
  }
}

/** Nothing of a chroot stays mounted on the host: its mounts live in its namespace. */
export class MountsLeftBehind extends TuError {
  constructor(readonly mounts: string[]) {
    super(`mounts left below a snapshot after its chroot ended: ${mounts.join(', ')}`);
  }
}

/** `up`/`dup` would rebuild an installed set that failed its health check before. */
export class KnownBadPackageSet extends TuError {
  constructor() {
    super('this update would rebuild a package set that failed its health check before; nothing was changed');
  }
}

/** Package arguments the package manager could misread; all of them, not the first only. */
export class BadPackageArguments extends UsageError {
  constructor(readonly problems: Array<{ argument: string; problem: string }>) {
    super(
      problems.length === 1
        ? `invalid package argument "${problems[0]!.argument}": ${problems[0]!.problem}`
        : `invalid package arguments: ${problems.map((p) => `"${p.argument}" (${p.problem})`).join(', ')}`,
    );
  }
}

/** The test-only fault switch (TU_FAULT) stopped the transaction at a named step. */
export class InjectedFault extends TuError {
  constructor(readonly step: string) {
    super(`injected fault at step ${step} (TU_FAULT)`);
  }
}

/** A snapshot number that does not exist or may not be used for this. */
export class SnapshotNotFoundError extends TuError {
  constructor(readonly number: number | string) {
    super(`snapshot ${number} does not exist`);
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

/**
 * The file system has no room for what was asked: the up-front check, ENOSPC or SQLite's
 * SQLITE_FULL anywhere. Named after the rule, so a full disk is never an "internal error".
 */
export class NotEnoughSpace extends TuError {
  constructor(message: string, options: TuErrorOptions = {}) {
    super(message, options);
  }
}

/** A program the tool runs is not installed (or not on PATH). */
export class CommandMissing extends EnvironmentError {
  constructor(readonly program: string, readonly debianPackage: string | undefined) {
    super(`${program} could not be run: it is not installed`, {
      hint: debianPackage ? `install the ${debianPackage} package` : `install ${program}`,
    });
  }
}
