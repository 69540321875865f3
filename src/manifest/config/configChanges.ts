/**
 * Unified diffs of changed text files under /etc, read from the two /etc trees of a
 * comparison. What may be shown is decided by configPolicy.ts: never the content of a file
 * that is not world-readable on both sides, nor of a binary file, within size caps.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync } from 'node:fs';
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import {
  DEFAULT_CONFIG_CAPS,
  PatchBudget,
  decideContent,
  isBinary,
  type ConfigCaps,
  type SideFacts,
} from './configPolicy.js';
import { isUnderEtc } from '../summary.js';
import type { ConfigChange, FileChange } from '../types.js';

export { DEFAULT_CONFIG_CAPS, type ConfigCaps } from './configPolicy.js';

/**
 * Config changes for the /etc paths among fileChanges (others are ignored). baseEtc and
 * nextEtc are the two /etc directories; created and deleted files are diffed against empty.
 */
export async function computeConfigChanges(
  baseEtc: string,
  nextEtc: string,
  fileChanges: readonly FileChange[],
  caps: ConfigCaps = DEFAULT_CONFIG_CAPS,
): Promise<ConfigChange[]> {
  const budget = new PatchBudget(caps);
  const result: ConfigChange[] = [];
  for (const change of [...fileChanges].sort(byPath)) {
    if (!hasContentChange(change)) continue;
    const rel = relativeEtcPath(change);
    if (rel === undefined) continue;
    const before = change.change === 'created' ? MISSING : inspect(baseEtc, rel);
    const after = change.change === 'deleted' ? MISSING : inspect(nextEtc, rel);
    const decision = decideContent(before.facts, after.facts, caps);
    if (decision.action === 'skip') continue;
    const entry = { path: change.path, change: change.change };
    if (decision.action === 'withhold') {
      result.push({ ...entry, patch: null, withheld: decision.reason });
      continue;
    }
    if (budget.full) {
      result.push({ ...entry, patch: null, withheld: 'capped' });
      continue;
    }
    const oldBytes = before.facts.kind === 'file' ? readSide(baseEtc, rel, caps.maxInputBytes) : EMPTY;
    const newBytes = after.facts.kind === 'file' ? readSide(nextEtc, rel, caps.maxInputBytes) : EMPTY;
    if (oldBytes === undefined || newBytes === undefined) {
      // Grew past the limit (or vanished) between inspection and reading.
      result.push({ ...entry, patch: null, withheld: 'too-large' });
      continue;
    }
    if (isBinary(oldBytes) || isBinary(newBytes)) {
      result.push({ ...entry, patch: null, withheld: 'binary' });
      continue;
    }
    const patch = createTwoFilesPatch(
      before.facts.kind === 'file' ? `a${change.path}` : '/dev/null',
      after.facts.kind === 'file' ? `b${change.path}` : '/dev/null',
      Buffer.from(oldBytes).toString('utf8'),
      Buffer.from(newBytes).toString('utf8'),
      undefined,
      undefined,
      { context: 3, headerOptions: FILE_HEADERS_ONLY, maxEditLength: caps.maxEditLines },
    );
    const admitted = budget.admit(patch);
    result.push('patch' in admitted ? { ...entry, patch: admitted.patch } : { ...entry, patch: null, withheld: admitted.withheld });
  }
  return result;
}

const EMPTY = new Uint8Array(0);
const MISSING: { facts: SideFacts } = { facts: { kind: 'missing' } };

function byPath(a: FileChange, b: FileChange): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

function hasContentChange(change: FileChange): boolean {
  if (change.change !== 'modified') return true;
  return change.modified?.content === true;
}

/** The path below /etc as bytes (file names need not be UTF-8), or undefined when not under /etc. */
function relativeEtcPath(change: FileChange): Buffer | undefined {
  if (!isUnderEtc(change.path) || change.path === '/etc') return undefined;
  const full = change.pathBase64 !== undefined ? Buffer.from(change.pathBase64, 'base64') : Buffer.from(change.path);
  if (!full.subarray(0, 5).equals(Buffer.from('/etc/'))) return undefined;
  const rel = full.subarray(5);
  // Never leave the tree: no "..", no empty components.
  if (rel.toString('latin1').split('/').some((part) => part === '' || part === '.' || part === '..')) return undefined;
  return rel;
}

function join(dir: string, rel: Buffer): Buffer {
  return Buffer.concat([Buffer.from(dir.replace(/\/+$/, '')), Buffer.from('/'), rel]);
}

function inspect(etcDir: string, rel: Buffer): { facts: SideFacts } {
  let stat;
  try {
    stat = lstatSync(join(etcDir, rel));
  } catch {
    return MISSING;
  }
  if (!stat.isFile()) return { facts: { kind: 'other' } };
  return { facts: { kind: 'file', size: stat.size, worldReadable: (stat.mode & 0o004) !== 0 && ancestorsSearchable(etcDir, rel) } };
}

/** A file in a directory others cannot enter (e.g. /etc/ssl/private) is not world-readable. */
function ancestorsSearchable(etcDir: string, rel: Buffer): boolean {
  let at = rel.indexOf(0x2f);
  while (at !== -1) {
    try {
      const stat = lstatSync(join(etcDir, rel.subarray(0, at)));
      if (!stat.isDirectory() || (stat.mode & 0o001) === 0) return false;
    } catch {
      return false;
    }
    at = rel.indexOf(0x2f, at + 1);
  }
  return true;
}

/** The file's bytes, or undefined when it is no longer a regular file within the limit. */
function readSide(etcDir: string, rel: Buffer, limit: number): Uint8Array | undefined {
  let fd: number;
  try {
    fd = openSync(join(etcDir, rel), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.size > limit) return undefined;
    // One byte more than stat says, to notice a file that grows while it is read.
    const buffer = Buffer.alloc(stat.size + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length > stat.size) return undefined;
    }
    return buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}
