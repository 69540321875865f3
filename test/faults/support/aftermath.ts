/**
 * What must hold after any fault: nothing left behind (snapshots, mounts, loop devices), the
 * next boot untouched, the index in agreement with the manifests, and a next transaction
 * that works. Read from disk and through the real CLI, never from the tool's own internals.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import { countManifest } from '../../../src/manifest/summary.js';
import type { Manifest } from '../../../src/manifest/types.js';
import { run } from '../../../src/util/exec.js';
import type { TestSystem } from '../../support/system.js';
import { defaultNumber, mountsBelow, snapshotDir, snapshotNumbers } from '../../integration/transaction/support.js';

/** The snapshots and the next boot are as before the fault; nothing is mounted or attached. */
export async function expectNothingLeft(sys: TestSystem, expected: { snapshots: number[]; default: number | undefined }): Promise<void> {
  expect(snapshotNumbers(sys.root)).toEqual(expected.snapshots);
  expect(await defaultNumber(sys.root)).toBe(expected.default);
  await expectNothingMounted(sys);
}

/** Nothing mounted below the snapshots, and the image attached once (by the test's own mount). */
export async function expectNothingMounted(sys: TestSystem): Promise<void> {
  const snapshots = join(sys.root, '.snapshots');
  expect((await mountsBelow(snapshots)).filter((m) => m !== snapshots)).toEqual([]);
  const loops = (await run('losetup', ['-j', sys.image, '-n', '-O', 'NAME'])).stdout.split('\n').filter(Boolean);
  expect(loops).toHaveLength(1);
}

interface ListedRow {
  number: number;
  summary: { hasManifest: boolean; manifestError: string | null; counts: ReturnType<typeof countManifest> | null; base: number | null } | null;
}

/** `list --json` names every snapshot directory, and its counts are those of each manifest.json. */
export async function expectIndexAgrees(sys: TestSystem): Promise<ListedRow[]> {
  const listed = await sys.tu(['--json', 'list']);
  expect(listed.exitCode, listed.stderr).toBe(0);
  const rows = JSON.parse(listed.stdout) as ListedRow[];
  expect(rows.map((r) => r.number)).toEqual(snapshotNumbers(sys.root));
  for (const row of rows) {
    const file = join(snapshotDir(sys.root, row.number), 'manifest.json');
    if (!existsSync(file)) {
      expect(row.summary?.hasManifest ?? false, `snapshot ${row.number} has no manifest.json`).toBe(false);
      continue;
    }
    let manifest: Manifest;
    try {
      manifest = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
    } catch {
      expect(row.summary?.manifestError, `snapshot ${row.number}'s manifest.json is not JSON`).toBeTruthy();
      continue;
    }
    expect(row.summary?.counts, `index row of snapshot ${row.number}`).toEqual(countManifest(manifest));
    expect(row.summary?.base).toBe(manifest.base);
  }
  return rows;
}

export const INDEX = 'transactional-update.db';

/** The index file is a sound SQLite database listing every snapshot directory. */
export function expectIndexRebuilt(sys: TestSystem): void {
  const path = join(sys.root, '.snapshots', INDEX);
  expect(existsSync(path)).toBe(true);
  const db = new Database(path, { readonly: true });
  try {
    expect(db.pragma('quick_check', { simple: true })).toBe('ok');
    const numbers = (db.prepare('SELECT number FROM snapshots ORDER BY number').all() as { number: number }[]).map((r) => r.number);
    expect(numbers).toEqual(snapshotNumbers(sys.root));
  } finally {
    db.close();
  }
}

let nextMark = 0;

/**
 * A transaction that changes /etc commits, becomes the next boot and leaves nothing mounted;
 * returns its number.
 */
export async function expectNextTransactionWorks(sys: TestSystem): Promise<number> {
  nextMark += 1;
  const before = snapshotNumbers(sys.root);
  const result = await sys.tu(['run', 'sh', '-c', `echo ${nextMark} > /etc/tu-next-${nextMark}`]);
  expect(result.exitCode, result.stderr).toBe(0);
  const after = snapshotNumbers(sys.root);
  const created = after.filter((n) => !before.includes(n));
  expect(created).toHaveLength(1);
  const number = created[0]!;
  expect(await defaultNumber(sys.root)).toBe(number);
  expect(readFileSync(join(snapshotDir(sys.root, number), 'etc', `tu-next-${nextMark}`), 'utf8')).toBe(`${nextMark}\n`);
  await expectNothingMounted(sys);
  return number;
}

/**
 * The text holds no raw control character (newline and tab aside: no ESC, BEL, CR, DEL, C1)
 * and no U+FFFD, the sign that invalid UTF-8 went out unescaped.
 */
export function expectNoRawControls(text: string, what: string): void {
  // eslint-disable-next-line no-control-regex
  const raw = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ufffd]/u.exec(text);
  expect(raw ? `${what}: raw U+${raw[0].codePointAt(0)!.toString(16).padStart(4, '0')} at ${raw.index}: ${JSON.stringify(text.slice(Math.max(0, raw.index - 40), raw.index + 40))}` : null).toBeNull();
}
