/**
 * A seeded random source in [0, 1): the same seed gives the same sequence. Seeding with the
 * machine id and the pending snapshot gives each machine its own, stable reboot time inside a
 * window, however often the reboot timer asks.
 */
import { createHash } from 'node:crypto';

export function seededRandom(seed: string): () => number {
  // mulberry32 over the first 32 bits of the seed's SHA-256.
  let state = createHash('sha256').update(seed).digest().readUInt32LE(0);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
