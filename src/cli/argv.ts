/**
 * Command-line forms commander cannot express directly.
 * - `-c/--continue` takes a number only when one follows: `-c pkg install x` continues from
 *   the default, `-c 5 pkg …` from 5.
 * - Global options may also stand after the command (`list --json`, `pkg install -n x`): they
 *   are moved to the front. Nothing after `run` is touched: that is the user's command.
 */
const GLOBAL_FLAGS = new Set([
  '--json', '-q', '--quiet', '-v', '--verbose', '-n', '--non-interactive', '-i', '--interactive',
  '-d', '--drop-if-no-change', '-k', '--keep',
]);
const GLOBAL_WITH_VALUE = new Set(['--root', '--description', '--config']);

export function normalizeArguments(argv: string[]): string[] {
  const front: string[] = [];
  const rest: string[] = [];
  let sawCommand = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    // After `run` comes the user's command; `fleet` has options of its own (and no --root).
    if (arg === 'run' || arg === '--' || arg === 'fleet') {
      rest.push(...argv.slice(i));
      break;
    }
    if (arg === '-c' || arg === '--continue') {
      const next = argv[i + 1];
      if (next !== undefined && /^\d+$/.test(next)) {
        front.push(`--continue=${next}`);
        i++;
      } else {
        front.push('--continue=default');
      }
      continue;
    }
    if (GLOBAL_FLAGS.has(arg) || /^--(root|description|continue|config)=/.test(arg)) {
      front.push(arg);
      continue;
    }
    if (GLOBAL_WITH_VALUE.has(arg) && i + 1 < argv.length) {
      front.push(arg, argv[i + 1]!);
      i++;
      continue;
    }
    if (!arg.startsWith('-')) sawCommand = true;
    (sawCommand ? rest : front).push(arg);
  }
  return [...front, ...rest];
}

export function parseContinue(value: string | undefined): number | 'default' | undefined {
  if (value === undefined) return undefined;
  if (value === 'default') return 'default';
  return Number(value);
}

/** The command the arguments name (the first word that is neither an option nor its value). */
export function commandWord(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (GLOBAL_WITH_VALUE.has(arg)) {
      i++;
      continue;
    }
    if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}
