#!/usr/bin/env node
/**
 * A stand-alone entry to the fleet commands until the main program wires them in:
 * node dist/cli/fleetMain.js fleet status …
 */
import { Command, CommanderError } from 'commander';
import { TuError } from '../errors.js';
import { configureLog } from '../util/log.js';
import { registerFleetCommand } from './commands/fleet.js';

async function main(argv: string[]): Promise<number> {
  const program = new Command('transactional-update')
    .option('--root <dir>', 'operate on the system mounted at <dir>')
    .option('-v, --verbose', 'show every step')
    .option('-q, --quiet', 'no warnings')
    .exitOverride();
  program.hook('preAction', () => {
    const opts = program.opts<{ verbose?: boolean; quiet?: boolean }>();
    configureLog({ verbose: opts.verbose === true, quiet: opts.quiet === true });
  });
  registerFleetCommand(program);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof TuError) {
      process.stderr.write(`error: ${error.message}${error.hint ? ` (${error.hint})` : ''}\n`);
      if (program.opts<{ verbose?: boolean }>().verbose && error.detail) process.stderr.write(`${error.detail}\n`);
      return error.exitCode;
    }
    process.stderr.write(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv);
