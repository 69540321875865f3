/** pkg install|remove|update, up, dup, run, shell: everything that runs a transaction. */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { localPackageKind, validatePackageArguments } from '../../pkg/arguments.js';
import type { PackageAction } from '../../pkg/types.js';
import type { TransactionOutcome, TransactionRequest, TransactionStep } from '../../transaction/transaction.js';
import type { CliContext } from '../context.js';

/** The transaction engine and its hooks, loaded when a transaction runs (listings never need them). */
async function engine() {
  const [{ runTransaction }, { transactionHooks }, { detectPackageManager }] = await Promise.all([
    import('../../transaction/transaction.js'),
    import('../hooks.js'),
    import('../../pkg/detect.js'),
  ]);
  return { runTransaction, transactionHooks, detectPackageManager };
}

const PACKAGE_DIR_INSIDE = '/run/transactional-update-packages';

export function registerTransactionalCommands(program: Command, ctx: () => CliContext): void {
  const pkg = program.command('pkg').description('install, remove or update packages in a new snapshot');
  pkg.command('install').alias('in').argument('<packages...>').description('install packages')
    .action(async (packages: string[]) => packageTransaction(ctx(), { kind: 'install', packages }, `pkg install ${packages.join(' ')}`));
  pkg.command('remove').alias('rm').argument('<packages...>').description('remove packages')
    .action(async (packages: string[]) => packageTransaction(ctx(), { kind: 'remove', packages }, `pkg remove ${packages.join(' ')}`));
  pkg.command('update').alias('up').argument('[packages...]').description('update the named packages, or all')
    .action(async (packages: string[]) => packageTransaction(ctx(), { kind: 'update', packages }, `pkg update ${packages.join(' ')}`.trim()));

  program.command('up').alias('update').description('update the system in a new snapshot')
    .action(async () => packageTransaction(ctx(), { kind: 'up' }, 'up'));
  program.command('dup').alias('dist-upgrade').description('upgrade the distribution in a new snapshot')
    .action(async () => packageTransaction(ctx(), { kind: 'dup' }, 'dup'));

  program.command('run').description('run a command in a new snapshot (everything after run is the command)')
    .argument('<command>').argument('[args...]')
    .allowUnknownOption().passThroughOptions().helpOption(false)
    .action(async (command: string, args: string[]) => runCommand(ctx(), [command, ...args]));

  program.command('shell').description('open a shell in a new snapshot (commands from stdin without a terminal)')
    .action(async () => shellTransaction(ctx()));
}

/** openSUSE's defaults: up/dup non-interactive, pkg interactive on a terminal; -n/-i override. */
export function decideInteractive(kind: PackageAction['kind'], options: { nonInteractive: boolean; interactive: boolean }, terminal: boolean): boolean {
  if (!terminal || options.nonInteractive) return false;
  if (options.interactive) return true;
  return kind === 'install' || kind === 'remove' || kind === 'update';
}

async function packageTransaction(ctx: CliContext, action: PackageAction, description: string): Promise<void> {
  const packages = 'packages' in action ? validatePackageArguments(action.packages) : [];
  const system = await ctx.system();
  const { runTransaction, transactionHooks, detectPackageManager } = await engine();
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
    const outcome = await runTransaction(system, {
      ...baseRequest(ctx, description),
      interactive,
      steps,
      packageManager: adapter.name,
      runBinds: staging.dir ? [{ source: staging.dir, inside: PACKAGE_DIR_INSIDE }] : [],
    }, transactionHooks(ctx, { refuseBadPackageSets: action.kind === 'up' || action.kind === 'dup' }));
    report(ctx, outcome);
  } finally {
    if (staging.dir) rmSync(staging.dir, { recursive: true, force: true });
  }
}

/** Local package files are copied to a directory bound into the chroot; arguments rewritten. */
function stageLocalPackages(packages: string[]): { arguments: string[]; dir: string | undefined } {
  const local = packages.filter((p) => localPackageKind(p) !== null);
  if (local.length === 0) return { arguments: packages, dir: undefined };
  const dir = mkdtempSync('/run/tu-packages-');
  const rewritten = packages.map((p) => {
    if (localPackageKind(p) === null) return p;
    const name = basename(p);
    copyFileSync(resolve(p), join(dir, name));
    return `${PACKAGE_DIR_INSIDE}/${name}`;
  });
  return { arguments: rewritten, dir };
}

async function runCommand(ctx: CliContext, argv: string[]): Promise<void> {
  const system = await ctx.system();
  const { runTransaction, transactionHooks } = await engine();
  const outcome = await runTransaction(system, {
    ...baseRequest(ctx, `run ${argv.join(' ')}`),
    interactive: ctx.terminal && !ctx.options.nonInteractive,
    steps: [{ argv, label: `run ${argv[0]}` }],
    propagateExitCode: true,
  }, transactionHooks(ctx));
  report(ctx, outcome);
}

async function shellTransaction(ctx: CliContext): Promise<void> {
  const system = await ctx.system();
  const { runTransaction, transactionHooks } = await engine();
  const terminal = Boolean(process.stdin.isTTY);
  const outcome = await runTransaction(system, {
    ...baseRequest(ctx, 'shell'),
    interactive: terminal,
    steps: [],
    shell: { terminal },
  }, transactionHooks(ctx));
  report(ctx, outcome);
}

function baseRequest(ctx: CliContext, description: string): Omit<TransactionRequest, 'steps' | 'interactive'> {
  return {
    description: ctx.options.description ?? description,
    commandLine: ['transactional-update', ...ctx.argv],
    ...(ctx.options.continue !== undefined ? { continueFrom: ctx.options.continue } : {}),
    dropIfNoChange: ctx.options.dropIfNoChange,
    keep: ctx.options.keep,
    output: ctx.options.json ? 'stderr' : 'inherit',
  };
}

function report(ctx: CliContext, outcome: TransactionOutcome): void {
  if (ctx.options.json) {
    ctx.print(JSON.stringify({ status: outcome.status, snapshot: outcome.number, base: outcome.base, rebootNeeded: outcome.rebootNeeded, messages: outcome.messages }));
    return;
  }
  for (const m of outcome.messages) ctx.note(m);
  if (outcome.status === 'dropped') {
    ctx.note(`No changes: snapshot ${outcome.number} was dropped.`);
  } else {
    ctx.note(`Snapshot ${outcome.number} is the next boot (base ${outcome.base}). Reboot to use it.`);
  }
}
