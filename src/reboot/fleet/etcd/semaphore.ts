/**
 * The airlock semaphore value: exactly {"total_slots":N,"holders":[ids sorted]}. airlock
 * decodes it into a Go struct and finds holders with sort.SearchStrings, so holders must be
 * sorted by byte order (Go compares strings bytewise, not by UTF-16 unit) and carry no
 * extra fields that a future airlock might reject or drop.
 */
import { TuError } from '../../../errors.js';

export interface Semaphore {
  totalSlots: number;
  holders: readonly string[];
}

export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export function makeSemaphore(totalSlots: number, holders: Iterable<string>): Semaphore {
  return { totalSlots, holders: [...new Set(holders)].sort(compareBytes) };
}

/** Byte for byte what airlock's json.Marshal writes (Go escapes <, >, & and U+2028/9 in strings). */
export function serializeSemaphore(semaphore: Semaphore): string {
  const holders = [...semaphore.holders].sort(compareBytes);
  return JSON.stringify({ total_slots: semaphore.totalSlots, holders }).replace(
    /[<>&\u2028\u2029]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Parse the key's value; key names the etcd key for the error message. */
export function parseSemaphore(text: string, key: string): Semaphore {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw corrupt(key, 'not JSON');
  }
  if (typeof data !== 'object' || data === null) throw corrupt(key, 'not an object');
  const record = data as Record<string, unknown>;
  const slots = record.total_slots;
  if (typeof slots !== 'number' || !Number.isSafeInteger(slots) || slots < 0) {
    throw corrupt(key, 'total_slots is not a whole number');
  }
  // Go marshals a nil slice as null; airlock reads null as no holders.
  const holders = record.holders ?? [];
  if (!Array.isArray(holders) || !holders.every((h): h is string => typeof h === 'string')) {
    throw corrupt(key, 'holders is not a list of strings');
  }
  return makeSemaphore(slots, holders);
}

function corrupt(key: string, why: string): TuError {
  return new TuError(`the fleet semaphore ${key} in etcd is unreadable: ${why}`, {
    hint: 'inspect it with etcdctl get; fix or delete it to start over',
  });
}
