/**
 * The content hash of the bundle that runs, set by the launcher (launch.ts) before it runs
 * the bundle; undefined when the command line runs unbundled. What is kept from one run for
 * the next (the text of a diff) is kept under it, so another build never reads it.
 */
const GLOBAL_NAME = '__tuRunningBuild';

export function setRunningBuild(hash: string): void {
  (globalThis as Record<string, unknown>)[GLOBAL_NAME] = hash;
}

export function runningBuild(): string | undefined {
  const value = (globalThis as Record<string, unknown>)[GLOBAL_NAME];
  return typeof value === 'string' ? value : undefined;
}
