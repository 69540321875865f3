/**
 * What to do next, added at the command line's edge: domain errors name the rule that broke
 * and know no commands; the hint names the command that helps.
 */
import {
  BadPackageArguments,
  BootedNotASnapshot,
  KnownBadPackageSet,
  NoManagedBootLoader,
  NoOtherBootedSnapshot,
  NotEnoughSpace,
  SnapshotAlreadyBooted,
  SnapshotIncomplete,
  SnapshotNotFoundError,
  SnapshotProtected,
  type TuError,
} from '../errors.js';

const HINTS: Array<[new (...args: never[]) => TuError, string]> = [
  [NotEnoughSpace, "free space and try again, e.g. with 'transactional-update cleanup' or by deleting files under /var"],
  [SnapshotNotFoundError, "see 'transactional-update list'"],
  [SnapshotIncomplete, "see 'transactional-update list'"],
  [SnapshotAlreadyBooted, "use 'transactional-update rollback' to boot another snapshot"],
  [SnapshotProtected, "make another snapshot the next boot first ('transactional-update rollback')"],
  [NoOtherBootedSnapshot, 'name a snapshot number'],
  [BootedNotASnapshot, 'use --continue to start from the default snapshot'],
  [KnownBadPackageSet, "see 'transactional-update status'; wait for fixed packages, or install them explicitly with 'pkg'"],
  [BadPackageArguments, 'give package names (name, name:arch, name=version), capabilities or package files'],
  [NoManagedBootLoader, "bootable systems come from 'transactional-update image create --bootable'"],
];

export function hintFor(error: TuError): string | undefined {
  return error.hint ?? HINTS.find(([type]) => error instanceof type)?.[1];
}
