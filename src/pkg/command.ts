import type { PackageCommand } from './types.js';

export function packageCommand(label: string, argv: string[], env: Record<string, string> = {}): PackageCommand {
  return { label, argv, env };
}

/** The PATH-less program name of a command (argv[0]'s last component). */
export function programOf(command: PackageCommand): string {
  return command.argv[0]?.split('/').pop() ?? '';
}

/** A failed verdict with one line for the user: the step, the program, its exit code and, when known, what the code means. */
export function failure(command: PackageCommand, exitCode: number, meaning?: string): { ok: false; message: string } {
  const why = meaning ? ` (${meaning})` : '';
  return { ok: false, message: `${command.label}: ${programOf(command)} exited with ${exitCode}${why}` };
}
