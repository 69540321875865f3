/** The transaction lock on a real temporary directory, with real processes. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { SnapshotBusy } from '../../../src/errors.js';
import { acquireLock, readHolder } from '../../../src/transaction/lock.js';

const dirs: string[] = [];
const stateDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'tu-lock-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('transaction lock', () => {
  it('a lock.pid naming a dead process names nobody; a live one is named', async () => {
    const dir = stateDir();
    const dead = Number((await execa('sh', ['-c', 'echo $$'])).stdout);
    writeFileSync(join(dir, 'lock.pid'), `${dead}\n`);
    expect(readHolder(join(dir, 'lock.pid'))).toBeUndefined();
    writeFileSync(join(dir, 'lock.pid'), `${process.pid}\n`);
    expect(readHolder(join(dir, 'lock.pid'))).toBe(process.pid);
    writeFileSync(join(dir, 'lock.pid'), 'garbage\n');
    expect(readHolder(join(dir, 'lock.pid'))).toBeUndefined();
  });

  it('is taken over a stale lock.pid, and refuses a second holder while held', () => {
    const dir = stateDir();
    writeFileSync(join(dir, 'lock.pid'), '999999999\n');
    const lock = acquireLock(dir);
    try {
      expect(() => acquireLock(dir)).toThrow(SnapshotBusy);
      expect(() => acquireLock(dir)).toThrow(`pid ${process.pid}`);
    } finally {
      lock.release();
    }
    acquireLock(dir).release();
  });
});
