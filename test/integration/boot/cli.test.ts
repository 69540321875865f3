/** The boot commands through commander on a real Btrfs image: what the user sees. */
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { define as defineEtcMerge } from '../../../src/cli/commands/etcMerge.js';
import { define as defineGrubCfg } from '../../../src/cli/commands/grubCfg.js';
import { define as defineKargs } from '../../../src/cli/commands/kargs.js';
import { makeContext, type CliContext } from '../../../src/cli/context.js';
import { requireMachine } from '../../support/requirements.js';
import { makeTestSystem, NEEDS, type TestSystem } from './support.js';

const skip = requireMachine(NEEDS, 'boot CLI integration test');

const OPTIONS = {
  root: '/', json: false, quiet: true, verbose: false, nonInteractive: true, interactive: false, dropIfNoChange: false, keep: false,
};

describe.skipIf(skip)('boot commands', () => {
  let t: TestSystem;
  beforeAll(async () => {
    t = await makeTestSystem();
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  async function cli(...args: string[]): Promise<string> {
    const program = new Command('transactional-update').exitOverride();
    // What the command prints, through the context as the real CLI prints it.
    const out: string[] = [];
    const ctx: CliContext = {
      ...makeContext(OPTIONS, args),
      system: async () => t.system,
      print: (text: string) => out.push(text.endsWith('\n') ? text : `${text}\n`),
    };
    for (const define of [defineKargs, defineGrubCfg, defineEtcMerge]) define(program, () => ctx);
    await program.parseAsync(['node', 'transactional-update', ...args]);
    return out.join('');
  }

  it('kargs shows the next snapshot’s command line from its /etc/kernel/cmdline', async () => {
    expect(await cli('kargs')).toBe('console=ttyS0,115200 quiet\n');
  });

  it('kargs refuses managed arguments before anything runs', async () => {
    await expect(cli('kargs', 'add', 'tu.snapshot=3')).rejects.toThrow('tu.snapshot is set by transactional-update on every boot entry');
  });

  it('grub.cfg on a system without our GRUB directory says so', async () => {
    await expect(cli('grub.cfg')).rejects.toThrow('this system has no transactional-update GRUB directory');
  });

  it('etc-merge on a snapshot that has already booted does nothing', async () => {
    expect(await cli('etc-merge')).toBe('');
  });
});
