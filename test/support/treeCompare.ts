/**
 * The truth for file-change tests: walk two whole trees and compare every path — type,
 * permission bits, owner, group, content (bytes, link target, device number) and extended
 * attributes (ACLs apart). Slow on purpose: it trusts nothing but the trees. Written
 * independently of src/manifest so that it can catch its mistakes.
 */
import { lstatSync, readFileSync, readdirSync, readlinkSync, type Stats } from 'node:fs';
import { spawn } from '../../src/util/exec.js';

export type TruthKind = 'created' | 'deleted' | 'type-changed' | 'modified';

export interface TruthChange {
  /** Path relative to the tree root as a latin1 byte string ('' is the root itself). */
  rel: string;
  change: TruthKind;
  modified?: { content?: true; permissions?: true; owner?: true; group?: true; xattrs?: true; acl?: true };
  oldType?: string;
  newType?: string;
}

interface Entry {
  stats: Stats;
  type: string;
}

export async function compareTrees(a: string, b: string): Promise<TruthChange[]> {
  const left = walk(a);
  const right = walk(b);
  const [xa, xb] = await Promise.all([xattrsOfTree(a), xattrsOfTree(b)]);
  const out: TruthChange[] = [];
  for (const rel of [...new Set([...left.keys(), ...right.keys()])].sort()) {
    const l = left.get(rel);
    const r = right.get(rel);
    if (!l) {
      out.push({ rel, change: 'created', newType: r!.type });
      continue;
    }
    if (!r) {
      out.push({ rel, change: 'deleted', oldType: l.type });
      continue;
    }
    if (l.type !== r.type) {
      out.push({ rel, change: 'type-changed', oldType: l.type, newType: r.type });
      continue;
    }
    const m: NonNullable<TruthChange['modified']> = {};
    if ((l.stats.mode & 0o7777) !== (r.stats.mode & 0o7777)) m.permissions = true;
    if (l.stats.uid !== r.stats.uid) m.owner = true;
    if (l.stats.gid !== r.stats.gid) m.group = true;
    if (contentOf(a, rel, l).compare(contentOf(b, rel, r)) !== 0) m.content = true;
    const ea = xa.get(rel) ?? new Map<string, string>();
    const eb = xb.get(rel) ?? new Map<string, string>();
    for (const name of new Set([...ea.keys(), ...eb.keys()])) {
      if (ea.get(name) !== eb.get(name)) {
        if (name === 'system.posix_acl_access' || name === 'system.posix_acl_default') m.acl = true;
        else m.xattrs = true;
      }
    }
    if (Object.keys(m).length > 0) out.push({ rel, change: 'modified', modified: m, oldType: l.type, newType: r.type });
  }
  return out;
}

function abs(root: string, rel: string): Buffer {
  return Buffer.concat([Buffer.from(root, 'utf8'), Buffer.from(rel === '' ? '' : `/${rel}`, 'latin1')]);
}

function walk(root: string): Map<string, Entry> {
  const out = new Map<string, Entry>();
  const visit = (rel: string) => {
    const stats = lstatSync(abs(root, rel));
    const type = typeName(stats);
    out.set(rel, { stats, type });
    if (type !== 'directory') return;
    for (const name of readdirSync(abs(root, rel), { encoding: 'buffer' })) {
      const n = name.toString('latin1');
      visit(rel === '' ? n : `${rel}/${n}`);
    }
  };
  visit('');
  return out;
}

function typeName(s: Stats): string {
  if (s.isFile()) return 'file';
  if (s.isDirectory()) return 'directory';
  if (s.isSymbolicLink()) return 'symlink';
  if (s.isFIFO()) return 'fifo';
  if (s.isSocket()) return 'socket';
  if (s.isCharacterDevice()) return 'char-device';
  if (s.isBlockDevice()) return 'block-device';
  return 'unknown';
}

function contentOf(root: string, rel: string, e: Entry): Buffer {
  switch (e.type) {
    case 'file': return readFileSync(abs(root, rel));
    case 'symlink': return readlinkSync(abs(root, rel), { encoding: 'buffer' });
    case 'char-device':
    case 'block-device': return Buffer.from(String(e.stats.rdev));
    default: return Buffer.alloc(0);
  }
}

/** rel → (name → hex value), from one recursive getfattr over the tree. */
async function xattrsOfTree(root: string): Promise<Map<string, Map<string, string>>> {
  const result = await spawn('getfattr', ['-R', '-P', '-h', '-d', '-m', '-', '-e', 'hex', '--absolute-names', root], {
    encoding: 'buffer',
    stdin: 'ignore',
  });
  if (result.exitCode !== 0 && result.exitCode !== 1) throw new Error(`getfattr failed on ${root}`);
  const out = new Map<string, Map<string, string>>();
  const prefix = Buffer.from(root, 'utf8').toString('latin1');
  let current: Map<string, string> | undefined;
  const octal = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  for (const line of Buffer.from(result.stdout as Uint8Array).toString('latin1').split('\n')) {
    if (line.startsWith('# file: ')) {
      const full = octal(line.slice(8));
      const rel = full === prefix ? '' : full.slice(prefix.length + 1);
      current = new Map();
      out.set(rel, current);
    } else if (line && current) {
      const eq = line.indexOf('=');
      current.set(octal(eq < 0 ? line : line.slice(0, eq)), eq < 0 ? '' : line.slice(eq + 1));
    }
  }
  return out;
}

