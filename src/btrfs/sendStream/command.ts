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
  /** Attribute payloads indexed by attribute number (views into the command's bytes). */
  attributes: (Buffer | undefined)[];
  /** Byte offset of the command's header in the stream (for error messages). */
  offset: number;
}

export function attrBytes(cmd: SendCommand, attr: number): Buffer {
  const value = cmd.attributes[attr];
  if (value === undefined) {
    throw new SendStreamError(`send stream command ${cmd.name ?? cmd.type} at byte ${cmd.offset} lacks attribute ${attributeName(attr)}`);
  }
  return value;
}

export function attrOptional(cmd: SendCommand, attr: number): Buffer | undefined {
  return cmd.attributes[attr];
}

/** An unsigned little-endian integer attribute (u8…u64; values above 2^53 lose precision). */
export function attrNumber(cmd: SendCommand, attr: number): number {
  const b = attrBytes(cmd, attr);
  switch (b.length) {
    case 1: return b[0]!;
    case 2: return b.readUInt16LE(0);
    case 4: return b.readUInt32LE(0);
    case 8: return b.readUInt32LE(0) + b.readUInt32LE(4) * 0x1_0000_0000;
    default:
      throw new SendStreamError(`send stream attribute ${attributeName(attr)} at byte ${cmd.offset} has odd length ${b.length}`);
  }
}

/** A path attribute as a latin1 byte string (one char per byte: lossless, see BytePath). */
export function attrPath(cmd: SendCommand, attr: number = SendAttribute.PATH): string {
  return attrBytes(cmd, attr).toString('latin1');
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
