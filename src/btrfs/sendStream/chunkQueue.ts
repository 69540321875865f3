/**
 * A queue of byte chunks read from a pipe. Whole commands are cut from it without a Buffer
 * object each: `take` leaves the bytes where they lie (a range of one chunk) and copies only
 * when a command spans chunks, so a large command never costs more than one copy.
 */
export class ChunkQueue {
  private chunks: Buffer[] = [];
  private head = 0;
  /** Bytes of chunks[head] already taken. */
  private headOffset = 0;
  length = 0;
  /** After take(): the buffer holding the bytes taken, from `takenStart`. */
  taken: Buffer = Buffer.alloc(0);
  takenStart = 0;

  push(chunk: Uint8Array): void {
    this.chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    this.length += chunk.length;
  }

  /** Little-endian u32 at offset (offset + 4 <= length). */
  peekUInt32LE(offset: number): number {
    const first = this.chunks[this.head]!;
    const at = this.headOffset + offset;
    if (first.length >= at + 4) return first.readUInt32LE(at);
    return this.copy(offset + 4).readUInt32LE(offset);
  }

  /** Remove the first n bytes (n <= length); they are then `taken` from `takenStart`. */
  take(n: number): void {
    const first = this.chunks[this.head]!;
    if (first.length - this.headOffset >= n) {
      this.taken = first;
      this.takenStart = this.headOffset;
    } else {
      this.taken = this.copy(n);
      this.takenStart = 0;
    }
    this.consume(n);
  }

  private copy(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    let from = this.headOffset;
    for (let i = this.head; filled < n; i++) {
      const c = this.chunks[i]!;
      const part = Math.min(c.length - from, n - filled);
      c.copy(out, filled, from, from + part);
      filled += part;
      from = 0;
    }
    return out;
  }

  private consume(n: number): void {
    this.length -= n;
    while (n > 0) {
      const left = this.chunks[this.head]!.length - this.headOffset;
      if (left <= n) {
        n -= left;
        this.chunks[this.head] = undefined as unknown as Buffer;
        this.head++;
        this.headOffset = 0;
      } else {
        this.headOffset += n;
        n = 0;
      }
    }
    if (this.head > 1024 || this.head === this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }
}
