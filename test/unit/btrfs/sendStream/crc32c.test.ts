import { describe, expect, it } from 'vitest';
import { crc32c, crc32cUpdate } from '../../../../src/btrfs/sendStream/index.js';
import { streamBytes } from './fixtures.js';

describe('crc32c', () => {
  it('matches the standard check value and RFC 3720 vectors', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(32, 0))).toBe(0x8a9136aa);
    expect(crc32c(Buffer.alloc(32, 0xff))).toBe(0x62a8ab43);
    expect(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => i)))).toBe(0x46dd794e);
  });

  it('gives the same register whatever the split (slicing-by-8 and byte paths agree)', () => {
    const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 31 + 7) & 0xff));
    const whole = crc32cUpdate(0, data);
    for (const cut of [1, 3, 8, 9, 500, 999]) {
      expect(crc32cUpdate(crc32cUpdate(0, data.subarray(0, cut)), data.subarray(cut))).toBe(whole);
    }
  });

  it('the btrfs convention (seed 0, no final xor) is ~crc32c(buf, ~0) and matches a real command', () => {
    const bytes = streamBytes('scenario-v1-nodata.bin');
    const len = bytes.readUInt32LE(17);
    const cmd = Buffer.from(bytes.subarray(17, 17 + 10 + len));
    const stored = cmd.readUInt32LE(6);
    cmd.writeUInt32LE(0, 6);
    expect(crc32cUpdate(0, cmd)).toBe(stored);
    expect(~crc32c(cmd) >>> 0).not.toBe(stored); // the finalized value is not what btrfs stores
  });
});
