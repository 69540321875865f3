import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMountInfo } from '../../../src/util/mountinfo.js';

describe('mountinfo', () => {
  it('reads target, source, type and the path inside the file system from a recorded mountinfo', () => {
    const entries = parseMountInfo(readFileSync('fixtures/btrfs/mountinfo.txt', 'utf8'));
    expect(entries[0]).toEqual({
      target: '/var/tmp/tu-dev/mnt',
      source: '/dev/loop1',
      fstype: 'btrfs',
      fsroot: '/@/.snapshots/1/snapshot',
      options: 'rw,relatime',
    });
    expect(entries.find((e) => e.target.endsWith('/.snapshots'))?.fsroot).toBe('/@/.snapshots');
  });

  it('decodes escaped spaces in mount points and skips malformed lines', () => {
    const [entry, ...rest] = parseMountInfo('36 35 0:1 / /mnt/a\\040b rw shared:1 - tmpfs tmpfs rw\ngarbage\n');
    expect(entry?.target).toBe('/mnt/a b');
    expect(entry?.fstype).toBe('tmpfs');
    expect(rest).toEqual([]);
  });
});
