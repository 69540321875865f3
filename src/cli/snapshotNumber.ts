/**
 * A snapshot number on the command line: the rule the store numbers directories by
 * (1 to 999999999, no leading zero; src/snapshots/store.ts), so nothing the store would never
 * list is accepted, and nothing it lists is refused.
 */
import { UsageError } from '../errors.js';
import { SNAPSHOT_NUMBER } from '../snapshots/store.js';
import { escapeControl } from '../util/escape.js';

export function parseSnapshotNumber(text: string): number {
  if (!SNAPSHOT_NUMBER.test(text)) throw new UsageError(`'${escapeControl(text)}' is not a snapshot number`);
  return Number(text);
}
