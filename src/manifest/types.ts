/**
 * The manifest of one snapshot against its base: what changed, in data. manifest.json holds
 * exactly this (with schemaVersion); the SQLite index and every rendering derive from it.
 */

export type FileChangeKind = 'created' | 'deleted' | 'modified' | 'type-changed';

/** What about a modified path changed (snapper's status letters c p u g x a, in words). */
export interface FileModification {
  content?: boolean;
  permissions?: boolean;
  owner?: boolean;
  group?: boolean;
  xattrs?: boolean;
  acl?: boolean;
}

export type FileType = 'file' | 'directory' | 'symlink' | 'fifo' | 'socket' | 'char-device' | 'block-device';

export interface FileChange {
  /**
   * Absolute path in the system ("/usr/bin/x", "/etc/x"). File names are bytes: a path that is
   * not valid UTF-8 is carried in pathBase64 as well (path then holds an escaped rendering).
   */
  path: string;
  pathBase64?: string;
  change: FileChangeKind;
  /** For modified: what changed. */
  modified?: FileModification;
  /** Type before and after, when known (always for type-changed). */
  oldType?: FileType;
  newType?: FileType;
  /** For a path created by a rename: where it came from. */
  from?: string;
}

export type PackageChangeKind = 'installed' | 'removed' | 'upgraded' | 'downgraded';

export interface PackageChange {
  name: string;
  arch: string;
  from: string | null;
  to: string | null;
  change: PackageChangeKind;
}

export interface ConfigChange {
  /** Absolute path under /etc. */
  path: string;
  change: FileChangeKind;
  /** Unified diff, or null where the content is withheld (not world-readable, binary, capped). */
  patch: string | null;
  /** Why patch is null, or that it was cut short: "not-world-readable" | "binary" | "too-large" | "capped". */
  withheld?: string;
}

export interface Provenance {
  /** The command line as the user gave it. */
  commandLine: string[];
  user: string;
  startedAt: string;
  endedAt: string;
  exitStatus: number;
  baseNumber: number | null;
  packageManager: string | null;
}

export interface Manifest {
  schemaVersion: 1;
  number: number;
  base: number | null;
  description: string;
  provenance: Provenance;
  packages: PackageChange[];
  files: FileChange[];
  config: ConfigChange[];
  /** Changes made outside any transaction: /etc edits carried in, writes to shared subvolumes. */
  outside: {
    etc: FileChange[];
    etcConfig: ConfigChange[];
    sharedWrites: FileChange[];
  };
  /** Set when the manifest was computed after the fact for a snapshot made by another tool. */
  computedOnDemand?: boolean;
  truncated?: { files?: boolean; config?: boolean };
}
