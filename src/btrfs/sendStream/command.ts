/** One decoded send-stream command and typed access to its attributes. */
import { SendAttribute, type SendCommandName } from './commands.js';
import { SendStreamError } from './errors.js';

export interface SendCommand {
  /** Command number (SendCommandType). */
  type: number;
  /** Its name, or undefined for a command this parser does not know (kept, never guessed). */
  name: SendCommandName | undefined;
  /** Stream version (1, 2, …) of the stream this command came from. */
  version: number;
  /** Byte offset of the command's header in the stream (for error messages). */
  offset: number;
  /** The buffer holding the command (usually a chunk of the stream, shared with others). */
  bytes: Buffer;
  /**
   * Where the attributes lie in bytes, flat [attribute, start, length, …] in stream order: a
   * large change set has hundreds of thousands of attributes, and a view (Buffer) for each,
   * or for each command, would cost more than reading them.
   */
  spans: number[];
}

/** Attribute payloads indexed by attribute number (views into the command's bytes). */
export function attributeViews(cmd: SendCommand): (Buffer | undefined)[] {
  const views: (Buffer | undefined)[] = [];
  for (let i = 0; i < cmd.spans.length; i += 3) views[cmd.spans[i]!] = viewAt(cmd, i + 1);
  return views;
}

/** The payload whose start is at spans[at] (its length follows it). */
function viewAt(cmd: SendCommand, at: number): Buffer {
  return cmd.bytes.subarray(cmd.spans[at]!, cmd.spans[at]! + cmd.spans[at + 1]!);
}

/** Index into spans of the attribute's start, or -1. */
function spanOf(cmd: SendCommand, attr: number): number {
  const spans = cmd.spans;
  for (let i = 0; i < spans.length; i += 3) if (spans[i] === attr) return i + 1;
  return -1;
}

function requireSpan(cmd: SendCommand, attr: number): number {
  const at = spanOf(cmd, attr);
  if (at < 0) {
    throw new SendStreamError(`send stream command ${cmd.name ?? cmd.type} at byte ${cmd.offset} lacks attribute ${attributeName(attr)}`);
  }
  return at;
}

export function attrBytes(cmd: SendCommand, attr: number): Buffer {
  return viewAt(cmd, requireSpan(cmd, attr));
}

/** The length of an attribute's payload. */
export function attrLength(cmd: SendCommand, attr: number): number {
  return cmd.spans[requireSpan(cmd, attr) + 1]!;
}

export function attrOptional(cmd: SendCommand, attr: number): Buffer | undefined {
  const at = spanOf(cmd, attr);
  return at < 0 ? undefined : viewAt(cmd, at);
}

/** An unsigned little-endian integer attribute (u8…u64; values above 2^53 lose precision). */
export function attrNumber(cmd: SendCommand, attr: number): number {
  const at = requireSpan(cmd, attr);
  const start = cmd.spans[at]!;
  const b = cmd.bytes;
  switch (cmd.spans[at + 1]) {
    case 1: return b[start]!;
    case 2: return b.readUInt16LE(start);
    case 4: return b.readUInt32LE(start);
    case 8: return b.readUInt32LE(start) + b.readUInt32LE(start + 4) * 0x1_0000_0000;
    default:
      throw new SendStreamError(`send stream attribute ${attributeName(attr)} at byte ${cmd.offset} has odd length ${cmd.spans[at + 1]}`);
  }
}

/** A path attribute as a latin1 byte string (one char per byte: lossless, see BytePath). */
export function attrPath(cmd: SendCommand, attr: number = SendAttribute.PATH): string {
  const at = requireSpan(cmd, attr);
  return cmd.bytes.toString('latin1', cmd.spans[at]!, cmd.spans[at]! + cmd.spans[at + 1]!);
}

export interface SendTimespec {
  sec: number;
  nsec: number;
}

export function attrTimespec(cmd: SendCommand, attr: number): SendTimespec {
  const b = attrBytes(cmd, attr);
  if (b.length !== 12) throw new SendStreamError(`send stream timespec at byte ${cmd.offset} has length ${b.length}`);
  return { sec: Number(b.readBigInt64LE(0)), nsec: b.readUInt32LE(8) };
}

function attributeName(attr: number): string {
  const entry = Object.entries(SendAttribute).find(([, v]) => v === attr);
  return entry ? entry[0] : String(attr);
}
