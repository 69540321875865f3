/**
 * `kargs`: edit the kernel command line of the next snapshot. The result is written to
 * /etc/kernel/cmdline inside a new snapshot (a transaction), which from then on is the
 * command line's source for that snapshot (see cmdline.ts).
 */
import { UsageError } from '../errors.js';
import { hasControlCharacters } from '../util/escape.js';
import { isManagedArgument } from './cmdline.js';

export type KargsEdit = { op: 'add'; args: string[] } | { op: 'remove'; args: string[] } | { op: 'set'; args: string[] };

function validate(args: string[]): void {
  for (const a of args) {
    if (!a || /\s/.test(a.replace(/"[^"]*"/g, '')) || hasControlCharacters(a)) throw new UsageError(`not a kernel argument: ${JSON.stringify(a)}`);
    if (isManagedArgument(a)) throw new UsageError(`${a.split('=')[0]} is set by transactional-update on every boot entry`, { hint: 'leave root=, rootflags= and tu.* out' });
  }
}

/** Apply an edit. add replaces an argument of the same key ("quiet", "console=" …) only for key=value pairs that appear once. */
export function editKargs(current: readonly string[], edit: KargsEdit): string[] {
  validate(edit.args);
  const key = (a: string) => (a.includes('=') ? a.slice(0, a.indexOf('=')) : a);
  switch (edit.op) {
    case 'set':
      return [...edit.args];
    case 'remove':
      return current.filter((a) => !edit.args.some((r) => r === a || (!r.includes('=') && key(a) === r)));
    case 'add': {
      const out = [...current];
      for (const a of edit.args) if (!out.includes(a)) out.push(a);
      return out;
    }
  }
}
