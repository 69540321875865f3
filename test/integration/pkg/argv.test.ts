/**
 * The command lines the adapters build are accepted by the real tools (installed here from
 * Debian's archive). Nothing is changed: apt-get runs with -s (simulate) against this
 * machine, zypper, dnf and pacman run against empty throwaway roots without repositories,
 * where they fail for want of repositories or packages — never for a bad option.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aptAdapter } from '../../../src/pkg/apt.js';
import { dnfAdapter } from '../../../src/pkg/dnf.js';
import { pacmanAdapter } from '../../../src/pkg/pacman.js';
import type { PackageAction, PackageCommand, PackageManagerAdapter } from '../../../src/pkg/types.js';
import { zypperAdapter } from '../../../src/pkg/zypper.js';
import { run } from '../../../src/util/exec.js';
import { requireMachine } from '../../support/requirements.js';
import { makeTestDir } from '../../support/tmp.js';

const actions: PackageAction[] = [
  { kind: 'install', packages: ['tu-no-such-package'] },
  { kind: 'remove', packages: ['tu-no-such-package'] },
  { kind: 'update', packages: ['tu-no-such-package'] },
  { kind: 'update', packages: [] },
  { kind: 'up' },
  { kind: 'dup' },
];

function commandsOf(adapter: PackageManagerAdapter, interactive: boolean): { action: PackageAction; command: PackageCommand }[] {
  return actions.flatMap((action) => {
    try {
      return adapter.commands(action, { interactive }).map((command) => ({ action, command }));
    } catch {
      return []; // pacman refuses single-package updates by design
    }
  });
}

/** Run argv with extra options inserted after the program name; stdin closed so nothing waits for an answer. */
async function runWith(command: PackageCommand, inserted: string[]) {
  const [program, ...rest] = command.argv;
  return run(program!, [...inserted, ...rest], { env: { ...command.env, LC_ALL: 'C' }, reject: false, input: '' });
}

describe.skipIf(requireMachine({ root: true, commands: ['apt-get'] }, 'apt argv test'))('apt-get', () => {
  const cases = commandsOf(aptAdapter, false).filter(({ command }) => command.argv[1] !== 'update');
  it.each(cases.map((c) => [c.command.argv.join(' '), c] as const))('accepts %s (simulated)', async (_name, { action, command }) => {
    // A package this machine's lists know (not installed: remove says so and succeeds).
    const real = command.argv.slice(1).map((a) => (a === 'tu-no-such-package' ? 'hello' : a));
    const result = await run('apt-get', ['-s', ...real], { env: command.env, reject: false });
    expect(result.stderr).not.toMatch(/not understood|Invalid operation|Command line option/);
    expect(aptAdapter.interpretExit(action, command, result.exitCode)).toEqual({ ok: true });
  });
});

describe.skipIf(requireMachine({ root: true, commands: ['zypper'] }, 'zypper argv test'))('zypper', () => {
  let root = '';
  beforeAll(async () => {
    root = await makeTestDir('pkg-zypper');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.each(commandsOf(zypperAdapter, false).map((c) => [c.command.argv.join(' '), c] as const))('accepts %s', async (_name, { command }) => {
    const result = await runWith(command, ['--root', root]);
    expect(result.stderr + result.stdout).not.toMatch(/is not known|Unknown command|unrecognized/i);
    expect([2, 3]).not.toContain(result.exitCode); // ZYPPER_EXIT_ERR_SYNTAX, _INVALID_ARGS
  });
});

describe.skipIf(requireMachine({ root: true, commands: ['dnf'] }, 'dnf argv test'))('dnf', () => {
  let root = '';
  beforeAll(async () => {
    root = await makeTestDir('pkg-dnf');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.each(commandsOf(dnfAdapter, false).map((c) => [c.command.argv.join(' '), c] as const))('accepts %s', async (_name, { command }) => {
    const result = await runWith(command, ['--installroot', root, '--releasever', '39', '--setopt=reposdir=/nonexistent']);
    expect(result.stderr).not.toMatch(/unrecognized arguments|invalid choice|No such command/);
    expect(result.exitCode).not.toBe(2); // argparse's usage error
  });
});

describe.skipIf(requireMachine({ root: true, commands: ['pacman'] }, 'pacman argv test'))('pacman', () => {
  let root = '';
  beforeAll(async () => {
    root = await makeTestDir('pkg-pacman');
    mkdirSync(join(root, 'db'), { recursive: true });
    mkdirSync(join(root, 'var/cache/pacman/pkg'), { recursive: true });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const cases = [...commandsOf(pacmanAdapter, false), ...commandsOf(pacmanAdapter, true)];
  it.each(cases.map((c) => [c.command.argv.join(' '), c] as const))('accepts %s', async (_name, { command }) => {
    const result = await runWith(command, ['--root', root, '--dbpath', join(root, 'db')]);
    expect(result.stderr).not.toMatch(/unrecognized option|invalid option|only one operation/);
    expect(result.stderr).toMatch(/no usable package repositories|target not found|error/);
  });
});
