/** What every command gets: the global options and the system they operate on. */
import { join } from 'node:path';
import { configureLog } from '../util/log.js';
import { openSystem, type System } from '../snapshots/system.js';
import { recordBooted } from '../snapshots/bootHistory.js';
import { isTerminal, writeStdout } from '../util/stdout.js';

export interface GlobalOptions {
  root: string;
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  nonInteractive: boolean;
  interactive: boolean;
  continue?: number | 'default';
  dropIfNoChange: boolean;
  keep: boolean;
  description?: string;
  yes?: boolean;
  /** --config: read only this configuration file. */
  config?: string;
}

export interface CliContext {
  options: GlobalOptions;
  argv: string[];
  /** Opens the system (root checks), sets up its log, records the booted snapshot. */
  system(): Promise<System>;
  /** stdout for results (tables, JSON). */
  print(text: string): void;
  /** stderr for progress and notes (suppressed by --quiet). */
  note(text: string): void;
  /** A terminal is attached for questions. */
  terminal: boolean;
}

export function makeContext(options: GlobalOptions, argv: string[]): CliContext {
  let opened: Promise<System> | undefined;
  return {
    options,
    argv,
    // Asked only by commands that ask questions: process.stdin is not made for the others.
    get terminal() {
      return isTerminal(0) && isTerminal(1);
    },
    system() {
      opened ??= (async () => {
        const system = await openSystem(options.root);
        configureLog({ file: join(system.root, 'var/log/transactional-update.log') });
        if (system.booted !== undefined) {
          try {
            recordBooted(system.stateDir, system.booted);
          } catch {
            // Read-only state (e.g. a mounted image without /var): not a reason to fail a listing.
          }
        }
        return system;
      })();
      return opened;
    },
    print(text) {
      writeStdout(text.endsWith('\n') ? text : `${text}\n`);
    },
    note(text) {
      if (!options.quiet) process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
    },
  };
}
