import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isChangeCommand, sendArguments } from '../../../src/btrfs/send.js';
import { parseInodeResolve } from '../../../src/btrfs/sendStream/inodePaths.js';
import { parseSendStream, type SendCommand } from '../../../src/btrfs/sendStream/index.js';
import { STREAMS, streamBytes } from './sendStream/fixtures.js';

async function commandsOf(name: string): Promise<SendCommand[]> {
  const out: SendCommand[] = [];
  for await (const c of parseSendStream(Readable.from([streamBytes(name)]))) out.push(c);
  return out;
}

describe('sendArguments', () => {
  it('asks for metadata only, quietly, against the parent', () => {
    expect(sendArguments('/s/2', '/s/1')).toEqual(['send', '-q', '--no-data', '-p', '/s/1', '/s/2']);
    expect(sendArguments('/s/2', undefined, { proto: 2 })).toEqual(['send', '-q', '--no-data', '--proto', '2', '/s/2']);
    expect(sendArguments('/s/2', '/s/1', { withData: true })).toEqual(['send', '-q', '-p', '/s/1', '/s/2']);
  });
});

describe('isChangeCommand', () => {
  it('ignores the header, times and END, and counts everything else', async () => {
    const commands = await commandsOf('scenario-v1-nodata.bin');
    const names = new Set(commands.filter((c) => !isChangeCommand(c)).map((c) => c.name));
    expect([...names].sort()).toEqual(['END', 'SNAPSHOT', 'UTIMES']);
    expect(commands.filter(isChangeCommand).length).toBeGreaterThan(50);
  });
});

describe('parseInodeResolve', () => {
  it('gives every link of an inode relative to the subvolume (recorded output)', () => {
    const out = readFileSync(join(STREAMS, 'inode-resolve.txt'));
    expect(parseInodeResolve(out, '/snap')).toEqual(['hard1', 'hard2', 'hard-new', 'links/hard3']);
    expect(parseInodeResolve(out, '/snap/')).toEqual(['hard1', 'hard2', 'hard-new', 'links/hard3']);
  });
});

describe('parseInodeResolve with names that hold newlines', () => {
  it('joins the lines of one path again', () => {
    const out = Buffer.from('/snap/a\nb/c\n/snap/plain\n/snap/ends\n\n/snap/x\xff\n', 'latin1');
    expect(parseInodeResolve(out, '/snap')).toEqual(['a\nb/c', 'plain', 'ends\n', 'x\xff']);
    expect(parseInodeResolve(Buffer.alloc(0), '/snap')).toEqual([]);
  });
});
