/**
 * Package arguments as the user gives them: `name`, `name:arch`, `name=version`, capabilities
 * (`perl(Foo)`, `name>=1.0` where the manager supports them) and local package files. They
 * are passed to the package manager as they are, so anything it could read as an option
 * (a leading `-`) or that could mislead a terminal or a log (control characters) is refused.
 */
import { BadPackageArguments } from '../errors.js';
import { escapeControl, hasControlCharacters } from '../util/escape.js';

export type LocalPackageKind = 'deb' | 'rpm' | 'pacman';

/** Why an argument is refused, or undefined when it is acceptable. */
export function packageArgumentProblem(arg: string): string | undefined {
  if (arg.length === 0) return 'it is empty';
  if (hasControlCharacters(arg)) return 'it holds control characters';
  if (arg.startsWith('-')) return 'it starts with "-"';
  if (arg.trim().length === 0) return 'it is blank';
  return undefined;
}

/** Check every argument; throw one error naming every bad one. Returns the arguments unchanged. */
export function validatePackageArguments(args: string[]): string[] {
  const problems = args.flatMap((arg) => {
    const problem = packageArgumentProblem(arg);
    return problem ? [{ argument: escapeControl(arg), problem }] : [];
  });
  if (problems.length > 0) throw new BadPackageArguments(problems);
  return args;
}

/**
 * The kind of local package file an argument names by its file name, or null. Whether the
 * file exists is the caller's business (the engine bind-mounts existing files into the chroot).
 */
export function localPackageKind(arg: string): LocalPackageKind | null {
  if (/\.deb$/.test(arg)) return 'deb';
  if (/\.rpm$/.test(arg)) return 'rpm';
  if (/\.pkg\.tar(\.[A-Za-z0-9]+)?$/.test(arg)) return 'pacman';
  return null;
}
