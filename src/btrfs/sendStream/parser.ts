/**
 * Streaming parser of the btrfs send stream (v1, v2, v3).
 *
 * Layout: "btrfs-stream\0" + le32 version, then commands: le32 payload length, le16 command,
 * le32 CRC32C (raw register, seed 0, computed with this field zeroed over header + payload),
 * then TLV attributes (le16 type, le16 length). From v2 on the DATA attribute has only its type
 * and runs to the end of the command. Reads incrementally: memory is bounded by the largest
 * command, never by the stream.
 */
import { commandName, MAX_ATTRIBUTE, SendAttribute, SendCommandType } from './commands.js';
import type { SendCommand } from './command.js';
import { crc32cUpdate } from './crc32c.js';
import { SendStreamError } from './errors.js';
import { ChunkQueue } from './chunkQueue.js';

const MAGIC = Buffer.from('btrfs-stream\0', 'latin1');
const STREAM_HEADER_LEN = MAGIC.length + 4;
const CMD_HEADER_LEN = 10;
const ZERO_CRC = new Uint8Array(4);
/** Highest stream version whose layout this parser knows. */
export const MAX_STREAM_VERSION = 3;

export interface ParseOptions {
  /** Verify each command's CRC (default true). */
  verifyCrc?: boolean;
}

/**
 * The parser's state machine, fed chunk by chunk as they arrive: `push` returns the commands
 * the chunk completed (a batch, so a consumer pays for one await per chunk, not per command),
 * `end` checks that the stream ended with END.
 */
export class SendStreamParser {
  private readonly verifyCrc: boolean;
  private readonly queue = new ChunkQueue();
  private version = 0; // 0: expecting a stream header
  private offset = 0; // stream offset of the queue's first byte
  private sawEnd = false;
  private sawAny = false;

  constructor(options: ParseOptions = {}) {
    this.verifyCrc = options.verifyCrc ?? true;
  }

  push(chunk: Uint8Array): SendCommand[] {
    const commands: SendCommand[] = [];
    if (chunk.length === 0) return commands;
    const queue = this.queue;
    queue.push(chunk);
    for (;;) {
      if (this.version === 0) {
        if (queue.length < STREAM_HEADER_LEN) break;
        queue.take(STREAM_HEADER_LEN);
        this.version = readStreamHeader(queue.taken.subarray(queue.takenStart, queue.takenStart + STREAM_HEADER_LEN), this.offset);
        this.offset += STREAM_HEADER_LEN;
        this.sawEnd = false;
        this.sawAny = true;
        continue;
      }
      if (queue.length < CMD_HEADER_LEN) break;
      const payloadLen = queue.peekUInt32LE(0);
      if (queue.length < CMD_HEADER_LEN + payloadLen) break;
      const length = CMD_HEADER_LEN + payloadLen;
      queue.take(length);
      const command = decodeCommand(queue.taken, queue.takenStart, length, this.version, this.offset, this.verifyCrc);
      this.offset += length;
      if (command.type === SendCommandType.END) {
        this.version = 0;
        this.sawEnd = true;
      }
      commands.push(command);
    }
    return commands;
  }

  end(): void {
    if (!this.sawAny) throw new SendStreamError('the btrfs send stream is empty');
    if (this.queue.length > 0 || !this.sawEnd) {
      throw new SendStreamError(`the btrfs send stream is truncated at byte ${this.offset + this.queue.length} (no END command)`);
    }
  }
}

/**
 * Parse a send stream from chunks (a Readable is an AsyncIterable of Buffers), one batch of
 * whole commands per chunk. Several concatenated streams (as `btrfs send a b` writes) are read
 * one after the other. Throws SendStreamError on bad magic, CRC mismatch or truncation.
 */
export async function* parseSendStreamBatches(
  source: AsyncIterable<Uint8Array>,
  options: ParseOptions = {},
): AsyncGenerator<SendCommand[], void, undefined> {
  const parser = new SendStreamParser(options);
  for await (const chunk of source) {
    const commands = parser.push(chunk);
    if (commands.length > 0) yield commands;
  }
  parser.end();
}

/** As parseSendStreamBatches, one command at a time (every command including END). */
export async function* parseSendStream(
  source: AsyncIterable<Uint8Array>,
  options: ParseOptions = {},
): AsyncGenerator<SendCommand, void, undefined> {
  for await (const batch of parseSendStreamBatches(source, options)) yield* batch;
}

function readStreamHeader(header: Buffer, offset: number): number {
  if (!header.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new SendStreamError(`not a btrfs send stream: bad magic at byte ${offset}`);
  }
  const version = header.readUInt32LE(MAGIC.length);
  if (version < 1 || version > MAX_STREAM_VERSION) {
    throw new SendStreamError(`unsupported btrfs send stream version ${version}`);
  }
  return version;
}

/**
 * Decode one whole command (header + payload), the `length` bytes of `bytes` from `begin`:
 * check its CRC and split its attributes.
 */
export function decodeCommand(bytes: Buffer, begin: number, length: number, version: number, offset: number, verifyCrc = true): SendCommand {
  const type = bytes.readUInt16LE(begin + 4);
  const name = commandName(type);
  if (verifyCrc) {
    const stored = bytes.readUInt32LE(begin + 6);
    let crc = crc32cUpdate(0, bytes, begin, begin + 6);
    crc = crc32cUpdate(crc, ZERO_CRC);
    crc = crc32cUpdate(crc, bytes, begin + CMD_HEADER_LEN, begin + length);
    if (crc !== stored) {
      throw new SendStreamError(
        `btrfs send stream CRC mismatch in command ${name ?? type} at byte ${offset} (stored ${hex(stored)}, computed ${hex(crc)})`,
      );
    }
  }
  const spans: number[] = [];
  const end = begin + length;
  let pos = begin + CMD_HEADER_LEN;
  while (pos < end) {
    if (end - pos < 2) throw truncatedAttribute(name, type, offset);
    const attr = bytes.readUInt16LE(pos);
    if (attr === 0 || attr > MAX_ATTRIBUTE) {
      throw new SendStreamError(`btrfs send stream command ${name ?? type} at byte ${offset} holds unknown attribute ${attr}`);
    }
    let start: number;
    let len: number;
    if (version >= 2 && attr === SendAttribute.DATA) {
      start = pos + 2;
      len = end - start;
    } else {
      if (end - pos < 4) throw truncatedAttribute(name, type, offset);
      len = bytes.readUInt16LE(pos + 2);
      start = pos + 4;
      if (start + len > end) throw truncatedAttribute(name, type, offset);
    }
    spans.push(attr, start, len);
    pos = start + len;
  }
  return { type, name, version, offset, bytes, spans };
}

function truncatedAttribute(name: string | undefined, type: number, offset: number): SendStreamError {
  return new SendStreamError(`btrfs send stream command ${name ?? type} at byte ${offset} has a truncated attribute`);
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}
