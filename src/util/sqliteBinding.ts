/**
 * Where better-sqlite3's addon is, for its `nativeBinding` option: found once from the
 * package's own directory. Left to itself, better-sqlite3 asks the `bindings` module, which
 * tries a dozen paths and reads the stack to find its caller (a few milliseconds of every
 * command that opens the index or takes the lock).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let found: string | undefined;

export function sqliteBinding(): string {
  found ??= join(dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');
  return found;
}
