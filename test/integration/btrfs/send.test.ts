import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSubvolume, snapshotSubvolume } from '../../../src/btrfs/btrfs.js';
import { hasChanges, sendStream, sendToNull } from '../../../src/btrfs/send.js';
import { attrPath, type SendCommand } from '../../../src/btrfs/sendStream/index.js';
import { run } from '../../../src/util/exec.js';
import { requireMachine } from '../../support/requirements.js';
import { createLoopBtrfs, type LoopBtrfs } from '../../support/loopBtrfs.js';

const skip = requireMachine({ root: true, loop: true, btrfs: true, commands: ['mkfs.btrfs', 'losetup'] }, 'btrfs send integration test');

describe.skipIf(skip)('btrfs send as a stream of commands', () => {
  let fs: LoopBtrfs;
  let base: string;
  let next: string;
  let writable: string;

  beforeAll(async () => {
    fs = await createLoopBtrfs(512);
    const work = join(fs.mountPoint, 'work');
    await createSubvolume(work);
    for (let i = 0; i < 3000; i++) writeFileSync(join(work, `f${i}`), `${i}\n`);
    base = join(fs.mountPoint, 'base');
    await snapshotSubvolume(work, base, { readOnly: true });
    writable = join(fs.mountPoint, 'rw');
    await snapshotSubvolume(base, writable, { readOnly: false });
    for (let i = 0; i < 3000; i++) writeFileSync(join(writable, `g${i}`), `new ${i}\n`);
    next = join(fs.mountPoint, 'next');
    await snapshotSubvolume(writable, next, { readOnly: true });
  });

  afterAll(async () => {
    await fs?.destroy();
  });

  it('parses an incremental stream from the pipe, CRC checked, to END', async () => {
    const commands: SendCommand[] = [];
    for await (const c of sendStream(next, base)) commands.push(c);
    expect(commands[0]!.name).toBe('SNAPSHOT');
    expect(commands.at(-1)!.name).toBe('END');
    const created = commands.filter((c) => c.name === 'RENAME').map((c) => attrPath(c, 16));
    expect(created).toHaveLength(3000);
    expect(created).toContain('g2999');
    expect(commands.some((c) => c.name === 'WRITE')).toBe(false); // --no-data
  });

  it('a full stream (no parent) starts with SUBVOL', async () => {
    let first: SendCommand | undefined;
    for await (const c of sendStream(base)) {
      first ??= c;
    }
    expect(first?.name).toBe('SUBVOL');
  });

  it('hasChanges stops at the first change and leaves no btrfs running', async () => {
    expect(await hasChanges(base, next)).toBe(true);
    expect(await hasChanges(base, base)).toBe(false);
    const { stdout } = await run('pgrep', ['-f', `btrfs send -q --no-data -p ${base} ${next}`], { reject: false });
    expect(stdout.trim()).toBe('');
  });

  it('a btrfs that refuses (writable snapshot) becomes one clear error', async () => {
    const consume = async () => {
      for await (const c of sendStream(writable, base)) void c;
    };
    await expect(consume()).rejects.toThrow(/^btrfs send of .*\/rw failed \(exit 1\): ERROR: .*read-only/);
  });

  it('sendToNull runs the same send into /dev/null', async () => {
    await expect(sendToNull(next, base)).resolves.toBeUndefined();
  });
});
