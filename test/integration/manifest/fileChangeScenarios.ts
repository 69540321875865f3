/**
 * Mutations for file-change tests on real Btrfs: one hand-written scenario with every case the
 * manifest must get right, and a seeded random one. Names are bytes (Buffers) throughout.
 */
import {
  chmodSync, chownSync, linkSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync, symlinkSync,
  truncateSync, unlinkSync, utimesSync, writeFileSync, openSync, writeSync, closeSync,
} from 'node:fs';
import { join } from 'node:path';
import { run } from '../../../src/util/exec.js';

export function p(root: string, ...parts: (string | Buffer)[]): Buffer {
  return Buffer.concat([Buffer.from(root), ...parts.map((x) => Buffer.concat([Buffer.from('/'), Buffer.from(x)]))]);
}

export const NEWLINE_NAME = Buffer.from('new\nline');
export const INVALID_NAME = Buffer.from([0x62, 0x61, 0x64, 0xff, 0xfe]);
export const ESCAPE_NAME = Buffer.from('esc\x1b[31mred');

/** The base tree of the hand-written scenario. */
export async function buildScenarioBase(root: string): Promise<void> {
  mkdirSync(join(root, 'dir/sub/deeper'), { recursive: true });
  writeFileSync(join(root, 'dir/a'), 'a\n');
  writeFileSync(join(root, 'dir/sub/b'), 'b\n');
  writeFileSync(join(root, 'dir/sub/deeper/c'), 'c\n');
  writeFileSync(join(root, 'content'), 'old content\n');
  writeFileSync(join(root, 'same-content'), 'same\n');
  writeFileSync(join(root, 'big'), Buffer.alloc(300_000, 7));
  writeFileSync(join(root, 'perm'), 'p\n');
  writeFileSync(join(root, 'owner'), 'o\n');
  writeFileSync(join(root, 'group'), 'g\n');
  writeFileSync(join(root, 'xattr'), 'x\n');
  writeFileSync(join(root, 'xattr-same'), 'xs\n');
  writeFileSync(join(root, 'xattr-gone'), 'xg\n');
  writeFileSync(join(root, 'acl'), 'acl\n');
  mkdirSync(join(root, 'acl-dir'));
  writeFileSync(join(root, 'touched'), 't\n');
  writeFileSync(join(root, 'deleted'), 'd\n');
  writeFileSync(join(root, 'file-to-dir'), 'f\n');
  mkdirSync(join(root, 'dir-to-file'));
  writeFileSync(join(root, 'dir-to-file/inner'), 'i\n');
  writeFileSync(join(root, 'hard1'), 'h\n');
  linkSync(join(root, 'hard1'), join(root, 'hard2'));
  mkdirSync(join(root, 'links'));
  linkSync(join(root, 'hard1'), join(root, 'links/hard3'));
  symlinkSync('target-one', join(root, 'symlink'));
  writeFileSync(p(root, NEWLINE_NAME), 'nl\n');
  writeFileSync(p(root, INVALID_NAME), 'inv\n');
  writeFileSync(join(root, 'swap-a'), 'A\n');
  writeFileSync(join(root, 'swap-b'), 'B\n');
  writeFileSync(join(root, 'replaced-by-rename'), 'old\n');
  writeFileSync(join(root, 'renamer'), 'new\n');
  await run('mknod', [join(root, 'old-dev'), 'c', '1', '5']);
  await run('setfattr', ['-n', 'user.k', '-v', 'one', join(root, 'xattr')]);
  await run('setfattr', ['-n', 'user.k', '-v', 'same', join(root, 'xattr-same')]);
  await run('setfattr', ['-n', 'user.k', '-v', 'gone', join(root, 'xattr-gone')]);
}

/** Every kind of change, applied to a writable snapshot of the base. */
export async function mutateScenario(root: string): Promise<void> {
  writeFileSync(join(root, 'created'), 'new\n');
  mkdirSync(join(root, 'new-dir/nested'), { recursive: true });
  writeFileSync(join(root, 'new-dir/nested/file'), 'n\n');
  unlinkSync(join(root, 'deleted'));
  writeFileSync(join(root, 'content'), 'new content!\n');
  writeFileSync(join(root, 'same-content'), 'same\n');
  const fd = openSync(join(root, 'big'), 'r+');
  writeSync(fd, Buffer.from('changed'), 0, 7, 200_000);
  closeSync(fd);
  chmodSync(join(root, 'perm'), 0o600);
  chownSync(join(root, 'owner'), 1234, 0);
  chownSync(join(root, 'group'), 0, 4321);
  await run('setfattr', ['-n', 'user.k', '-v', 'two', join(root, 'xattr')]);
  await run('setfattr', ['-n', 'user.k', '-v', 'same', join(root, 'xattr-same')]);
  await run('setfattr', ['-x', 'user.k', join(root, 'xattr-gone')]);
  await run('setfacl', ['-m', 'u:1000:r', join(root, 'acl')]);
  await run('setfacl', ['-d', '-m', 'u:1000:rx', join(root, 'acl-dir')]);
  const now = new Date(Date.now() + 60_000);
  utimesSync(join(root, 'touched'), now, now);
  renameSync(join(root, 'dir'), join(root, 'renamed-dir'));
  writeFileSync(join(root, 'renamed-dir/sub/b'), 'b changed\n');
  unlinkSync(join(root, 'file-to-dir'));
  mkdirSync(join(root, 'file-to-dir'));
  writeFileSync(join(root, 'file-to-dir/child'), 'c\n');
  rmSync(join(root, 'dir-to-file'), { recursive: true });
  writeFileSync(join(root, 'dir-to-file'), 'now a file\n');
  writeFileSync(join(root, 'hard1'), 'h changed\n');
  linkSync(join(root, 'hard1'), join(root, 'hard-new'));
  unlinkSync(join(root, 'symlink'));
  symlinkSync('target-two', join(root, 'symlink'));
  renameSync(p(root, NEWLINE_NAME), p(root, Buffer.from('renamed\nname')));
  writeFileSync(p(root, ESCAPE_NAME), 'esc\n');
  writeFileSync(p(root, INVALID_NAME), 'inv changed\n');
  writeFileSync(p(root, Buffer.from([0xc3, 0x28])), 'bad utf8\n');
  renameSync(join(root, 'swap-a'), join(root, 'swap-tmp'));
  renameSync(join(root, 'swap-b'), join(root, 'swap-a'));
  renameSync(join(root, 'swap-tmp'), join(root, 'swap-b'));
  renameSync(join(root, 'renamer'), join(root, 'replaced-by-rename'));
  chmodSync(root, 0o750);
  await run('mknod', [join(root, 'chardev'), 'c', '1', '3']);
  await run('mknod', [join(root, 'devnode'), 'c', '1', '7']);
  await run('mkfifo', [join(root, 'fifo')]);
  unlinkSync(join(root, 'old-dev'));
  await run('mknod', [join(root, 'old-dev'), 'c', '1', '8']);
}

/** A small deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Listed {
  rel: Buffer[];
  dir: boolean;
  link: boolean;
}

function listAll(root: string): Listed[] {
  const out: Listed[] = [];
  const visit = (rel: Buffer[]) => {
    for (const name of readdirSync(p(root, ...rel), { encoding: 'buffer' })) {
      const child = [...rel, name];
      const st = lstatSync(p(root, ...child));
      out.push({ rel: child, dir: st.isDirectory(), link: !st.isFile() && !st.isDirectory() });
      if (st.isDirectory()) visit(child);
    }
  };
  visit([]);
  return out;
}

const NAMES = ['a', 'b', 'c', 'dir', 'x', 'long-name', 'o257-5-0', 'z'].map((n) => Buffer.from(n));
const ODD = [NEWLINE_NAME, INVALID_NAME, ESCAPE_NAME];

/** Apply `count` random operations (seeded) to the tree at root. */
export async function mutateRandomly(root: string, seed: number, count: number): Promise<void> {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const name = (): Buffer => (rnd() < 0.08 ? pick(ODD) : Buffer.concat([pick(NAMES), Buffer.from(String(Math.floor(rnd() * 6)))]));
  for (let i = 0; i < count; i++) {
    const all = listAll(root);
    const dirs: Buffer[][] = [[], ...all.filter((e) => e.dir).map((e) => e.rel)];
    const files = all.filter((e) => !e.dir && !e.link).map((e) => e.rel);
    const any = all.map((e) => e.rel);
    const target = (): Buffer[] => [...pick(dirs), name()];
    const exists = (rel: Buffer[]) => lstatSync(p(root, ...rel), { throwIfNoEntry: false }) !== undefined;
    const op = Math.floor(rnd() * 16);
    try {
      switch (op) {
        case 0: { const t = target(); if (!exists(t)) writeFileSync(p(root, ...t), `f${i}\n`.repeat(1 + Math.floor(rnd() * 3))); break; }
        case 1: { const t = target(); if (!exists(t)) mkdirSync(p(root, ...t)); break; }
        case 2: if (any.length) rmSync(p(root, ...pick(any)), { recursive: true }); break;
        case 3: if (any.length) {
          const from = pick(any);
          const to = target();
          const fromBuf = p(root, ...from);
          const toBuf = p(root, ...to);
          if (!toBuf.subarray(0, fromBuf.length + 1).equals(Buffer.concat([fromBuf, Buffer.from('/')])) && !toBuf.equals(fromBuf)) {
            const st = lstatSync(toBuf, { throwIfNoEntry: false });
            if (!st || !st.isDirectory() || lstatSync(fromBuf).isDirectory()) renameSync(fromBuf, toBuf);
          }
        } break;
        case 4: if (any.length) chmodSync(p(root, ...pick(any)), pick([0o600, 0o644, 0o755, 0o700, 0o4755])); break;
        case 5: if (any.length) chownSync(p(root, ...pick(any)), pick([0, 1000, 1001]), pick([0, 1000, 1002])); break;
        case 6: if (files.length) { const f = p(root, ...pick(files)); const fd = openSync(f, 'r+'); writeSync(fd, Buffer.from(pick(['X', 'f', 'Y\n'])), 0, 1, Math.floor(rnd() * 4)); closeSync(fd); } break;
        case 7: if (files.length) truncateSync(p(root, ...pick(files)), Math.floor(rnd() * 5)); break;
        case 8: if (files.length) writeFileSync(p(root, ...pick(files)), `rewritten ${Math.floor(rnd() * 2)}\n`); break;
        case 9: { const f = pick([...files, ...dirs.filter((d) => d.length > 0)]); if (f && isUtf8Path(f)) await run('setfattr', ['-n', `user.${pick(['a', 'b'])}`, '-v', pick(['1', '2']), p(root, ...f).toString()]); break; }
        case 10: { const f = pick([...files, ...dirs.filter((d) => d.length > 0)]); if (f && isUtf8Path(f)) await run('setfattr', ['-x', 'user.a', p(root, ...f).toString()], { reject: false }); break; }
        case 11: if (files.length) { const f = pick(files); if (isUtf8Path(f)) await run('setfacl', ['-m', `u:${pick([1000, 1001])}:${pick(['r', 'rw'])}`, p(root, ...f).toString()]); } break;
        case 12: if (files.length) { const t = target(); if (!exists(t)) linkSync(p(root, ...pick(files)), p(root, ...t)); } break;
        case 13: { const t = target(); if (!exists(t)) symlinkSync(pick(['t1', 't2', '../x']), p(root, ...t)); else if (lstatSync(p(root, ...t)).isSymbolicLink()) { unlinkSync(p(root, ...t)); symlinkSync(pick(['t3', 't4']), p(root, ...t)); } break; }
        case 14: if (any.length) { const f = p(root, ...pick(any)); const now = new Date(Date.now() + Math.floor(rnd() * 1e6)); utimesSync(f, now, now); } break;
        case 15: { const t = target(); if (!exists(t)) await run('mkfifo', [p(root, ...t).toString()]).catch(() => undefined); break; }
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EISDIR' && code !== 'ENOTDIR' && code !== 'EEXIST' && code !== 'ENOENT' && code !== 'EINVAL') throw error;
    }
  }
}

function isUtf8Path(rel: Buffer[]): boolean {
  return rel.every((b) => Buffer.from(b.toString('utf8')).equals(b));
}
