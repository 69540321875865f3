/**
 * What of a changed /etc file may be shown, decided from facts gathered about both sides.
 * Pure: the reader (configChanges.ts) gathers the facts and does what this says.
 */

export interface ConfigCaps {
  /** Largest patch kept for one file, in bytes; a larger one is withheld as "too-large". */
  perFileBytes: number;
  /** Patch bytes kept for one snapshot; files past it are withheld as "capped". */
  perSnapshotBytes: number;
  /** Files larger than this are not read at all ("too-large"). */
  maxInputBytes: number;
  /** Edit distance (lines) after which the diff algorithm gives up ("too-large"). */
  maxEditLines: number;
}

export const DEFAULT_CONFIG_CAPS: ConfigCaps = {
  perFileBytes: 64 * 1024,
  perSnapshotBytes: 1024 * 1024,
  maxInputBytes: 1024 * 1024,
  maxEditLines: 20_000,
};

export type WithheldReason = 'not-world-readable' | 'binary' | 'too-large' | 'capped';

/** One side (before or after) of a changed path. */
export type SideFacts =
  | { kind: 'missing' }
  /** A directory, symlink, device…: has no text content of its own. */
  | { kind: 'other' }
  | {
      kind: 'file';
      size: number;
      /** Others may read the file: mode & 0o004, and every directory above it under /etc is o+x. */
      worldReadable: boolean;
    };

export type ContentDecision =
  /** Neither side is a regular file: nothing to diff, not a config change. */
  | { action: 'skip' }
  | { action: 'withhold'; reason: WithheldReason }
  | { action: 'read' };

/** Decide before reading anything: secrets and huge files are never opened for content. */
export function decideContent(before: SideFacts, after: SideFacts, caps: ConfigCaps): ContentDecision {
  if (before.kind !== 'file' && after.kind !== 'file') return { action: 'skip' };
  const files = [before, after].filter((s): s is Extract<SideFacts, { kind: 'file' }> => s.kind === 'file');
  if (files.some((s) => !s.worldReadable)) return { action: 'withhold', reason: 'not-world-readable' };
  if (files.some((s) => s.size > caps.maxInputBytes)) return { action: 'withhold', reason: 'too-large' };
  return { action: 'read' };
}

/** Binary: holds a NUL byte or is not valid UTF-8. */
export function isBinary(content: Uint8Array): boolean {
  if (content.includes(0)) return true;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(content);
    return false;
  } catch {
    return true;
  }
}

/** Keeps the per-snapshot budget: once a patch does not fit, every later one is capped. */
export class PatchBudget {
  private used = 0;
  private exhausted = false;

  constructor(private readonly caps: ConfigCaps) {}

  /** The patch to keep, or why it is withheld. */
  admit(patch: string | undefined): { patch: string } | { withheld: WithheldReason } {
    if (this.exhausted) return { withheld: 'capped' };
    if (patch === undefined) return { withheld: 'too-large' };
    const size = Buffer.byteLength(patch);
    if (size > this.caps.perFileBytes) return { withheld: 'too-large' };
    if (this.used + size > this.caps.perSnapshotBytes) {
      this.exhausted = true;
      return { withheld: 'capped' };
    }
    this.used += size;
    return { patch };
  }

  /** No more room: later files are capped without being read. */
  get full(): boolean {
    return this.exhausted;
  }
}
