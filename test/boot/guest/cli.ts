/**
 * The tool as the guest runs it in the boot test: the boot commands on the real System,
 * bundled into one file with esbuild (the guest has Node but no node_modules).
 */
import { Command } from 'commander';
import { define as defineEtcMerge } from '../../../src/cli/commands/etcMerge.js';
import { define as defineHealthCheck } from '../../../src/cli/commands/healthCheck.js';
import { makeContext, type CliContext } from '../../../src/cli/context.js';
import { TuError } from '../../../src/errors.js';
import { recordBooted } from '../../../src/snapshots/bootHistory.js';
import { openSystem } from '../../../src/snapshots/system.js';
import { configureLog } from '../../../src/util/log.js';

const program = new Command('transactional-update');
program.exitOverride();
const opened = (async () => {
  const system = await openSystem('/');
  configureLog({ file: '/var/log/transactional-update.log', verbose: true });
  if (system.booted !== undefined) recordBooted(system.stateDir, system.booted);
  return system;
})();
const options = { root: '/', json: false, quiet: false, verbose: true, nonInteractive: true, interactive: false, dropIfNoChange: false, keep: false };
const ctx: CliContext = { ...makeContext(options, process.argv.slice(2)), system: () => opened };
for (const define of [defineHealthCheck, defineEtcMerge]) define(program, () => ctx);
try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof TuError) {
    process.stderr.write(`transactional-update: ${error.message}${error.hint ? ` (${error.hint})` : ''}\n`);
    process.exit(error.exitCode);
  }
  if ((error as { code?: string }).code?.startsWith('commander.')) process.exit((error as { exitCode?: number }).exitCode ?? 2);
  throw error;
}
