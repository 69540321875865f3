import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { pacedChunks, waitAfterRead } from '../../../src/btrfs/pacedPipe.js';

describe('paced pipe reads', () => {
  it('never delays a short stream or a large read', () => {
    expect(waitAfterRead(10_000, 200)).toBe(0);
    expect(waitAfterRead(10_000_000, 40_000)).toBe(0);
    expect(waitAfterRead(10_000_000, 200)).toBeGreaterThan(0);
    expect(waitAfterRead(10_000_000, 20_000)).toBeLessThan(waitAfterRead(10_000_000, 200));
  });

  it('passes on every byte of a writer that writes in small pieces', async () => {
    // 600 KB in 150-byte writes, as the kernel writes a send stream: one command at a time.
    const writer = `let i = 0; const w = () => { while (i < 4000) { const b = Buffer.alloc(150, i % 251); i++; if (!process.stdout.write(b)) return process.stdout.once('drain', w); if (i % 50 === 0) return setImmediate(w); } }; w();`;
    const child = spawn(process.execPath, ['-e', writer], { stdio: ['ignore', 'pipe', 'inherit'] });
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const chunk of pacedChunks(child.stdout)) {
      hash.update(chunk);
      bytes += chunk.length;
    }
    const expected = createHash('sha256');
    for (let i = 0; i < 4000; i++) expected.update(Buffer.alloc(150, i % 251));
    expect(bytes).toBe(600_000);
    expect(hash.digest('hex')).toBe(expected.digest('hex'));
  });
});
