/**
 * A queue of byte chunks read from a pipe. Whole commands are cut from it; bytes are copied
 * only when a command spans chunks, so a large command never costs more than one copy.
 */
export class ChunkQueue {
  private chunks: Buffer[] = [];
  private head = 0;
  length = 0;

  push(chunk: Uint8Array): void {
    this.chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    this.length += chunk.length;
  }

  /** Little-endian u32 at offset (offset + 4 <= length). */
  peekUInt32LE(offset: number): number {
    const first = this.chunks[this.head]!;
    if (first.length >= offset + 4) return first.readUInt32LE(offset);
    return this.copy(offset + 4).readUInt32LE(offset);
  }

  /** Remove and return the first n bytes (n <= length). */
  take(n: number): Buffer {
    const first = this.chunks[this.head]!;
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      this.consume(n);
    } else {
      out = this.copy(n);
      this.consume(n);
    }
    return out;
  }

  private copy(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    for (let i = this.head; filled < n; i++) {
      const c = this.chunks[i]!;
      const part = Math.min(c.length, n - filled);
      c.copy(out, filled, 0, part);
      filled += part;
    }
    return out;
  }

  private consume(n: number): void {
    this.length -= n;
    while (n > 0) {
      const c = this.chunks[this.head]!;
      if (c.length <= n) {
        n -= c.length;
        this.chunks[this.head] = undefined as unknown as Buffer;
        this.head++;
      } else {
        this.chunks[this.head] = c.subarray(n);
        n = 0;
      }
    }
    if (this.head > 1024 || this.head === this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }
}
