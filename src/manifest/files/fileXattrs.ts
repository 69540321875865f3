/**
 * Extended attributes (ACLs included: system.posix_acl_*) of entries in a snapshot tree,
 * read with getfattr (package attr): Node has no xattr API. One getfattr call per batch of
 * paths; names and values are kept as bytes.
 */
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TuError } from '../../errors.js';
import { spawn } from '../../util/exec.js';
import { absoluteBytes } from './fileAccess.js';
import type { BytePath } from './fileTree.js';

/** Attribute name (BytePath) → value bytes. */
export type XattrMap = Map<BytePath, Buffer>;

export const ACL_XATTRS: ReadonlySet<string> = new Set(['system.posix_acl_access', 'system.posix_acl_default']);

/**
 * Parse `getfattr --absolute-names -d -m - -e hex` output: "# file: <path>" blocks, where
 * getfattr writes \n, \r and \ in names as \ooo octal, values as 0x hex.
 */
export function parseGetfattrDump(output: Buffer): Map<BytePath, XattrMap> {
  const result = new Map<BytePath, XattrMap>();
  let current: XattrMap | undefined;
  for (const line of output.toString('latin1').split('\n')) {
    if (line.startsWith('# file: ')) {
      current = new Map();
      result.set(unquote(line.slice(8)), current);
    } else if (line !== '' && current) {
      const eq = line.indexOf('=');
      const name = unquote(eq < 0 ? line : line.slice(0, eq));
      const raw = eq < 0 ? '' : line.slice(eq + 1);
      current.set(name, decodeValue(raw));
    }
  }
  return result;
}

function unquote(text: string): BytePath {
  return text.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

function decodeValue(raw: string): Buffer {
  if (raw.startsWith('0x')) return Buffer.from(raw.slice(2), 'hex');
  if (raw.startsWith('0s')) return Buffer.from(raw.slice(2), 'base64');
  if (raw.startsWith('"') && raw.endsWith('"')) return Buffer.from(unquote(raw.slice(1, -1)), 'latin1');
  return Buffer.from(raw, 'latin1');
}

const BATCH = 500;

/**
 * The xattrs of each rel path under root (an entry without any maps to an empty map).
 * Paths that are not UTF-8 cannot be passed as arguments, so they are reached through a
 * temporary symlink (followed: right for files and directories, which are the only entries
 * whose non-system xattrs a user can set).
 */
export async function readXattrs(root: string, rels: readonly BytePath[]): Promise<Map<BytePath, XattrMap>> {
  const result = new Map<BytePath, XattrMap>();
  if (rels.length === 0) return result;
  let aliasDir: string | undefined;
  try {
    for (let i = 0; i < rels.length; i += BATCH) {
      const batch = rels.slice(i, i + BATCH);
      const args: string[] = [];
      const relOfArg = new Map<BytePath, BytePath>();
      let follow = false;
      const aliased: string[] = [];
      for (const [k, rel] of batch.entries()) {
        const bytes = absoluteBytes(root, rel);
        if (isUtf8(bytes)) {
          const arg = bytes.toString('utf8');
          args.push(arg);
          relOfArg.set(Buffer.from(arg, 'utf8').toString('latin1'), rel);
        } else {
          aliasDir ??= mkdtempSync(join(tmpdir(), 'tu-xattr-'));
          const alias = join(aliasDir, `${i + k}`);
          symlinkSync(bytes, alias);
          aliased.push(alias);
          relOfArg.set(Buffer.from(alias, 'utf8').toString('latin1'), rel);
          follow = true;
        }
      }
      for (const rel of batch) result.set(rel, new Map());
      if (args.length > 0) await dump(args, false, relOfArg, result);
      if (follow) await dump(aliased, true, relOfArg, result);
    }
  } finally {
    if (aliasDir) rmSync(aliasDir, { recursive: true, force: true });
  }
  return result;
}

async function dump(args: string[], follow: boolean, relOfArg: Map<BytePath, BytePath>, into: Map<BytePath, XattrMap>): Promise<void> {
  const flags = ['--absolute-names', '-d', '-m', '-', '-e', 'hex', ...(follow ? [] : ['-h']), '--'];
  const result = await spawn('getfattr', [...flags, ...args], { encoding: 'buffer', stdin: 'ignore' });
  if (result.failed && result.exitCode === undefined) {
    throw new TuError('getfattr could not be run', { hint: 'install the attr package', detail: String(result.message) });
  }
  for (const [path, attrs] of parseGetfattrDump(Buffer.from(result.stdout as Uint8Array))) {
    const rel = relOfArg.get(path);
    if (rel !== undefined) into.set(rel, attrs);
  }
}

/** Which kinds of attribute differ between two maps. */
export function diffXattrs(a: XattrMap | undefined, b: XattrMap | undefined): { acl: boolean; xattrs: boolean } {
  const out = { acl: false, xattrs: false };
  const left = a ?? new Map<BytePath, Buffer>();
  const right = b ?? new Map<BytePath, Buffer>();
  for (const name of new Set([...left.keys(), ...right.keys()])) {
    const x = left.get(name);
    const y = right.get(name);
    if (x === undefined || y === undefined || !x.equals(y)) {
      if (ACL_XATTRS.has(name)) out.acl = true;
      else out.xattrs = true;
    }
  }
  return out;
}
