import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  attrBytes, attrNumber, attrOptional, attributeViews, parseSendStream, SendAttribute, SendStreamError, SendStreamParser, type SendCommand,
} from '../../../../src/btrfs/sendStream/index.js';
import { dumpLines, dumpPathBytes, parseChunked, streamBytes } from './fixtures.js';

function dumpName(c: SendCommand): string {
  return (c.name ?? '').toLowerCase();
}

async function parseAll(bytes: Buffer): Promise<SendCommand[]> {
  const out: SendCommand[] = [];
  for await (const c of parseSendStream(Readable.from([bytes]))) out.push(c);
  return out;
}

describe('parseSendStream on recorded real streams', () => {
  for (const [file, version] of [['scenario-v1-nodata', 1], ['scenario-v2-nodata', 2], ['scenario-v2-data', 2]] as const) {
    it(`${file}: every command, CRC checked, as btrfs receive --dump reads it`, async () => {
      const commands = await parseAll(streamBytes(`${file}.bin`));
      const dump = dumpLines(`${file}.dump.txt`);
      expect(commands.at(-1)?.name).toBe('END');
      expect(commands.length).toBe(dump.length + 1);
      expect(commands.every((c) => c.version === version)).toBe(true);
      expect(commands.slice(0, -1).map(dumpName)).toEqual(dump.map((d) => d.command));
      const paths = commands.slice(1, -1).map((c) => attrOptional(c, SendAttribute.PATH)?.toString('latin1') ?? '');
      expect(paths).toEqual(dump.slice(1).map((d) => dumpPathBytes(d.path)));
    });
  }

  it('pins the v1 stream: 108 commands and known paths', async () => {
    const commands = await parseAll(streamBytes('scenario-v1-nodata.bin'));
    expect(commands).toHaveLength(108);
    expect(commands[0]!.name).toBe('SNAPSHOT');
    const rename = commands[1]!;
    expect(rename.name).toBe('RENAME');
    expect(attrBytes(rename, SendAttribute.PATH).toString()).toBe('dir');
    expect(attrBytes(rename, SendAttribute.PATH_TO).toString()).toBe('renamed-dir');
    const big = commands.find((c) => c.name === 'UPDATE_EXTENT' && attrBytes(c, SendAttribute.PATH).toString() === 'big')!;
    expect(attrNumber(big, SendAttribute.FILE_OFFSET)).toBe(196608);
    expect(attrNumber(big, SendAttribute.SIZE)).toBe(4096);
    const invalid = commands.find((c) => c.name === 'UPDATE_EXTENT' && attrBytes(c, SendAttribute.PATH).equals(Buffer.from([0x62, 0x61, 0x64, 0xff, 0xfe])));
    expect(invalid).toBeDefined();
    const newline = commands.find((c) => c.name === 'LINK' && attrBytes(c, SendAttribute.PATH).toString() === 'renamed\nname')!;
    expect(attrBytes(newline, SendAttribute.PATH_LINK).toString()).toBe('new\nline');
  });

  it('reads the length-less v2 DATA attribute to the end of the command', async () => {
    const commands = await parseAll(streamBytes('scenario-v2-data.bin'));
    const dump = dumpLines('scenario-v2-data.dump.txt');
    const writes = commands.filter((c) => c.name === 'WRITE');
    expect(writes.length).toBeGreaterThan(0);
    const content = writes.find((c) => attrBytes(c, SendAttribute.PATH).toString() === 'content')!;
    expect(attrBytes(content, SendAttribute.DATA).toString()).toBe('new content!\n');
    expect(dump.filter((d) => d.command === 'write')).toHaveLength(writes.length);
  });

  it('gives the same commands whatever the chunk boundaries', async () => {
    const bytes = streamBytes('scenario-v2-data.bin');
    const whole = await parseAll(bytes);
    for (const size of [1, 7, 4096]) {
      const chunked = await parseChunked(bytes, size);
      expect(chunked.map((c) => [c.type, c.offset, attributeViews(c).map((a) => a?.toString('hex'))])).toEqual(
        whole.map((c) => [c.type, c.offset, attributeViews(c).map((a) => a?.toString('hex'))]),
      );
    }
  });
});

describe('SendStreamParser, fed as a pipe delivers', () => {
  it('returns the commands each chunk completed, in order, and nothing for a partial one', () => {
    const bytes = streamBytes('scenario-v1-nodata.bin');
    const parser = new SendStreamParser();
    // The stream header (17 bytes) and half of the first command: no command yet.
    expect(parser.push(bytes.subarray(0, 20))).toEqual([]);
    const batches: SendCommand[][] = [];
    for (let at = 20; at < bytes.length; at += 500) batches.push(parser.push(bytes.subarray(at, Math.min(bytes.length, at + 500))));
    parser.end();
    const all = batches.flat();
    expect(all).toHaveLength(108);
    expect(all.map((c) => c.offset)).toEqual([...all.map((c) => c.offset)].sort((a, b) => a - b));
    expect(batches.filter((b) => b.length > 1).length).toBeGreaterThan(0);
  });

  it('end() refuses a stream cut before END', () => {
    const bytes = streamBytes('scenario-v1-nodata.bin');
    const parser = new SendStreamParser();
    parser.push(bytes.subarray(0, bytes.length - 3));
    expect(() => parser.end()).toThrow(/truncated/);
  });
});

describe('parseSendStream rejects damaged streams with one clear line', () => {
  const good = () => Buffer.from(streamBytes('scenario-v1-nodata.bin'));

  it('a flipped payload byte fails the CRC', async () => {
    const bytes = good();
    bytes[17 + 10 + 3]! ^= 0x01;
    await expect(parseAll(bytes)).rejects.toThrow(/^btrfs send stream CRC mismatch in command SNAPSHOT at byte 17 \(stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}\)$/);
    await expect(parseAll(bytes)).rejects.toBeInstanceOf(SendStreamError);
  });

  it('bad magic', async () => {
    const bytes = good();
    bytes[0] = 0x41;
    await expect(parseAll(bytes)).rejects.toThrow('not a btrfs send stream: bad magic at byte 0');
  });

  it('an unknown version', async () => {
    const bytes = good();
    bytes.writeUInt32LE(9, 13);
    await expect(parseAll(bytes)).rejects.toThrow('unsupported btrfs send stream version 9');
  });

  it('truncation, mid-command and before END', async () => {
    const bytes = good();
    await expect(parseAll(bytes.subarray(0, bytes.length - 3))).rejects.toThrow(/^the btrfs send stream is truncated at byte \d+ \(no END command\)$/);
    await expect(parseAll(bytes.subarray(0, bytes.length - 10))).rejects.toThrow(/truncated/);
    await expect(parseAll(Buffer.alloc(0))).rejects.toThrow('the btrfs send stream is empty');
  });

  it('a CRC that is right for a wrong layout still fails on the attributes', async () => {
    const bytes = good();
    // Make the first attribute's length run past the command; CRC checking off to reach the decoder.
    bytes.writeUInt16LE(0xfff0, 17 + 10 + 2);
    const run = async () => {
      for await (const c of parseSendStream(Readable.from([bytes]), { verifyCrc: false })) void c;
    };
    await expect(run()).rejects.toThrow(/command SNAPSHOT at byte 17 has a truncated attribute/);
  });
});
