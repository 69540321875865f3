/**
 * pkg install|remove|update, up and dup: the package manager's commands as the transaction's
 * steps. Local package files are copied to a directory bound into the chroot.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { localPackageKind, validatePackageArguments } from '../pkg/arguments.js';
import type { PackageAction } from '../pkg/types.js';
import type { TransactionStep } from '../transaction/request.js';
import type { CliContext } from './context.js';
import { transactAndReport } from './transact.js';

const PACKAGE_DIR_INSIDE = '/run/transactional-update-packages';

/** openSUSE's defaults: up/dup non-interactive, pkg interactive on a terminal; -n/-i override. */
export function decideInteractive(kind: PackageAction['kind'], options: { nonInteractive: boolean; interactive: boolean }, terminal: boolean): boolean {
  if (!terminal || options.nonInteractive) return false;
  if (options.interactive) return true;
  return kind === 'install' || kind === 'remove' || kind === 'update';
}

export async function packageTransaction(ctx: CliContext, action: PackageAction, description: string): Promise<void> {
  const packages = 'packages' in action ? validatePackageArguments(action.packages) : [];
  const system = await ctx.system();
  const { detectPackageManager } = await import('../pkg/detect.js');
  const adapter = detectPackageManager(system.root);
  const interactive = decideInteractive(action.kind, ctx.options, ctx.terminal);
  const staging = stageLocalPackages(packages);
  try {
    const finalAction = 'packages' in action ? { ...action, packages: staging.arguments } : action;
    const steps: TransactionStep[] = adapter.commands(finalAction, { interactive }).map((command) => ({
      argv: command.argv,
      env: command.env,
      label: command.label,
      verdict: (code: number, stderr: string) => adapter.interpretExit(finalAction, command, code, stderr),
      // The package manager explains some failures only on stderr (apt: an unsigned repository).
      chroot: { captureStderr: true },
    }));
    await transactAndReport(ctx, description, {
      interactive,
      steps,
      packageManager: adapter.name,
      refuseBadPackageSets: action.kind === 'up' || action.kind === 'dup',
      runBinds: staging.dir ? [{ source: staging.dir, inside: PACKAGE_DIR_INSIDE }] : [],
    });
  } finally {
    if (staging.dir) rmSync(staging.dir, { recursive: true, force: true });
  }
}

function stageLocalPackages(packages: string[]): { arguments: string[]; dir: string | undefined } {
  const local = packages.filter((p) => localPackageKind(p) !== null);
  if (local.length === 0) return { arguments: packages, dir: undefined };
  // The pid in the name lets the next run sweep it after a SIGKILL (src/transaction/scratch.ts).
  const dir = mkdtempSync(`/run/tu-packages-${process.pid}-`);
  const rewritten = packages.map((p) => {
    if (localPackageKind(p) === null) return p;
    const name = basename(p);
    copyFileSync(resolve(p), join(dir, name));
    return `${PACKAGE_DIR_INSIDE}/${name}`;
  });
  return { arguments: rewritten, dir };
}
