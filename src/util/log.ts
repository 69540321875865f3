/**
 * The step log: one line per step to a log file (and, with --verbose, to stderr).
 * The file is <root>/var/log/transactional-update.log so each managed system keeps its own.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { escapeControl } from './escape.js';

export interface Logger {
  step(message: string): void;
  detail(message: string): void;
  warn(message: string): void;
}

interface LoggerState {
  file: string | undefined;
  verbose: boolean;
  quiet: boolean;
}

const state: LoggerState = { file: undefined, verbose: false, quiet: false };

export function configureLog(options: Partial<LoggerState>): void {
  Object.assign(state, options);
}

function write(level: string, message: string): void {
  const line = `${new Date().toISOString()} [${process.pid}] ${level} ${escapeControl(message)}\n`;
  if (state.file) {
    try {
      mkdirSync(dirname(state.file), { recursive: true });
      appendFileSync(state.file, line);
    } catch {
      // A log that cannot be written must never fail a transaction.
    }
  }
}

export const log: Logger = {
  step(message) {
    write('step', message);
    if (state.verbose) process.stderr.write(`${escapeControl(message)}\n`);
  },
  detail(message) {
    write('detail', message);
    if (state.verbose) process.stderr.write(`  ${escapeControl(message)}\n`);
  },
  warn(message) {
    write('warn', message);
    if (!state.quiet) process.stderr.write(`warning: ${escapeControl(message)}\n`);
  },
};
