/**
 * transactional-update: the command line. Parses, dispatches through the command table
 * (./commands/index.ts), and maps errors to one line and an exit code, adding the hint that
 * names a command (./hints.ts). src/cli/launch.ts runs it (bundled) as the installed program.
 */
import { Command, CommanderError, Option } from 'commander';
import { TuError } from '../errors.js';
import { asNotEnoughSpace } from '../util/diskFull.js';
import { escapeControl } from '../util/escape.js';
import { configureLog, log } from '../util/log.js';
import { commandWord, normalizeArguments, parseContinue } from './argv.js';
import { COMMANDS, findCommand } from './commands/index.js';
import { makeContext, type CliContext, type GlobalOptions } from './context.js';
import { hintFor } from './hints.js';

export const VERSION = '0.1.0';

export async function buildProgram(argv: string[]): Promise<{ program: Command; context: () => CliContext }> {
  let context: CliContext | undefined;
  const program = new Command('transactional-update');
  program
    .description('Atomic updates of a Btrfs-rooted system in snapshots, with a manifest of what each changed.')
    .version(VERSION, '-V, --version')
    .option('--root <dir>', 'operate on the system mounted at <dir> instead of /', '/')
    .option('--json', 'machine-readable output', false)
    .option('-q, --quiet', 'print only errors', false)
    .option('-v, --verbose', 'print every step and command', false)
    .option('-n, --non-interactive', 'never ask; package managers answer with their defaults', false)
    .option('-i, --interactive', 'let package managers ask (on a terminal)', false)
    .addOption(new Option('-c, --continue [number]', 'continue from snapshot N, or from the default when no number follows'))
    .option('-d, --drop-if-no-change', 'discard the snapshot when nothing changed', false)
    .option('-k, --keep', 'keep a failed snapshot (read-only, not default, marked failed)', false)
    .option('--description <text>', 'description of the new snapshot')
    .option('--config <file>', 'read only this configuration file (default: the transactional-update.conf search)')
    .enablePositionalOptions()
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });

  const ctx = () => {
    if (!context) {
      const raw = program.opts<Record<string, unknown>>();
      const options: GlobalOptions = {
        root: String(raw.root ?? '/'),
        json: Boolean(raw.json),
        quiet: Boolean(raw.quiet),
        verbose: Boolean(raw.verbose),
        nonInteractive: Boolean(raw.nonInteractive),
        interactive: Boolean(raw.interactive),
        ...(raw.continue !== undefined ? { continue: parseContinue(String(raw.continue)) } : {}),
        dropIfNoChange: Boolean(raw.dropIfNoChange),
        keep: Boolean(raw.keep),
        ...(raw.description !== undefined ? { description: String(raw.description) } : {}),
        ...(raw.config !== undefined ? { config: String(raw.config) } : {}),
      };
      configureLog({ verbose: options.verbose, quiet: options.quiet });
      context = makeContext(options, argv);
    }
    return context;
  };
  program.hook('preAction', () => {
    const raw = program.opts<Record<string, unknown>>();
    if (raw.continue !== undefined && raw.continue !== 'default' && !/^\d+$/.test(String(raw.continue))) {
      throw new CommanderError(2, 'tu.continue', `error: invalid --continue value '${escapeControl(String(raw.continue))}'`);
    }
    ctx();
  });
  // Only the command named is loaded; help (or no command) lists them all, fully defined.
  const named = findCommand(commandWord(argv));
  const asksVersion = argv.includes('-V') || argv.includes('--version');
  for (const entry of COMMANDS) {
    if (entry === named || (named === undefined && !asksVersion)) {
      (await entry.load()).define(program, ctx);
    } else {
      program.command(entry.name).aliases([...(entry.aliases ?? [])]).description(entry.summary);
    }
  }
  for (const command of program.commands) applyExitOverride(command);
  return { program, context: ctx };
}

function applyExitOverride(command: Command): void {
  command.exitOverride();
  for (const sub of command.commands) applyExitOverride(sub);
}

export async function main(argv: string[]): Promise<number> {
  // Results go through writeStdout (util/stdout.ts), which ends quietly on a closed pipe
  // (`transactional-update list | head`); process.stdout is not made.
  const args = normalizeArguments(argv);
  const { program } = await buildProgram(args);
  try {
    await program.parseAsync(args, { from: 'user' });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (error) {
    return handleError(error, args.includes('-v') || args.includes('--verbose'));
  }
}

function handleError(thrown: unknown, verbose: boolean): number {
  const error = asNotEnoughSpace(thrown);
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
    if (error.code === 'tu.continue') process.stderr.write(`${error.message}\n`);
    return 2;
  }
  if (error instanceof TuError) {
    const hint = hintFor(error);
    process.stderr.write(`transactional-update: ${error.message}${hint ? ` (${hint})` : ''}\n`);
    // The rule that broke (the error's class) goes with the detail: --verbose shows it, the log keeps it.
    log.detail(`error (${error.name}): ${error.message}${error.detail ? `\n${error.detail}` : ''}`);
    return error.exitCode;
  }
  process.stderr.write(`transactional-update: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
  if (verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  return 1;
}
