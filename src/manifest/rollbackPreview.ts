/**
 * What going back from the current snapshot to N would undo and bring back, decided from the
 * comparison current → N (diffSnapshots(store, current, N)). Pure.
 */
import type { SnapshotDiff } from './diff/snapshotDiff.js';
import { isUnderEtc } from './summary.js';
import type { ConfigChange, PackageChange } from './types.js';

export interface RollbackPreview {
  /** The snapshot left behind (the default / booted one). */
  from: number;
  /** The snapshot going back to. */
  to: number;
  packages: {
    /** Installed now, gone after the rollback. */
    removed: PackageChange[];
    /** Removed since N, back after the rollback. */
    restored: PackageChange[];
    /** Newer now: back to N's older version. */
    downgraded: PackageChange[];
    /** Older now (N had a newer version): back to N's. */
    upgraded: PackageChange[];
  };
  files: {
    /** Paths that exist only now and disappear. */
    removed: number;
    /** Paths that exist only in N and come back. */
    restored: number;
    /** Paths whose content or metadata goes back. */
    changed: number;
  };
  etc: {
    /** /etc paths that change with the rollback. */
    paths: number;
    /** Their diffs (current → N), content withheld where the rules say. */
    config: ConfigChange[];
  };
  nothingChanges: boolean;
}

export function previewRollback(diff: SnapshotDiff): RollbackPreview {
  const byKind = (kind: PackageChange['change']) => diff.packages.filter((p) => p.change === kind);
  const count = (kind: string) => diff.files.filter((f) => f.change === kind).length;
  const files = {
    removed: count('deleted'),
    restored: count('created'),
    changed: count('modified') + count('type-changed'),
  };
  return {
    from: diff.from,
    to: diff.to,
    packages: {
      removed: byKind('removed'),
      restored: byKind('installed'),
      downgraded: byKind('downgraded'),
      upgraded: byKind('upgraded'),
    },
    files,
    etc: { paths: diff.files.filter((f) => isUnderEtc(f.path)).length, config: diff.config },
    nothingChanges: diff.packages.length === 0 && diff.files.length === 0,
  };
}
