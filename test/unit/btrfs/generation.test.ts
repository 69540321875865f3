import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { filesystemGeneration } from '../../../src/btrfs/btrfs.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("the file system's generation from sysfs", () => {
  it('is read from the file system whose devices hold the device, through symlinks', () => {
    dir = mkdtempSync(join(tmpdir(), 'tu-gen-'));
    const sysfs = join(dir, 'sys');
    mkdirSync(join(sysfs, 'features'), { recursive: true });
    mkdirSync(join(sysfs, 'aaaa/devices/loop1'), { recursive: true });
    writeFileSync(join(sysfs, 'aaaa/generation'), '11\n');
    mkdirSync(join(sysfs, 'bbbb/devices/dm-0'), { recursive: true });
    writeFileSync(join(sysfs, 'bbbb/generation'), '4242\n');
    writeFileSync(join(dir, 'dm-0'), '');
    expect(filesystemGeneration(join(dir, 'dm-0'), sysfs)).toBe(4242);
  });

  it('is undefined where sysfs does not show it', () => {
    dir = mkdtempSync(join(tmpdir(), 'tu-gen-'));
    writeFileSync(join(dir, 'loop9'), '');
    expect(filesystemGeneration(join(dir, 'loop9'), join(dir, 'nothing'))).toBeUndefined();
    mkdirSync(join(dir, 'sys/cccc/devices/loop9'), { recursive: true });
    expect(filesystemGeneration(join(dir, 'loop9'), join(dir, 'sys'))).toBeUndefined();
  });
});
