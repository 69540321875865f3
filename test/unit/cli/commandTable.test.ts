import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../src/cli/commands/index.js';
import { buildProgram } from '../../../src/cli/main.js';

describe('the command table', () => {
  it.each(COMMANDS.map((c) => [c.name, c] as const))('%s: its file defines the command the table names', async (_name, entry) => {
    const program = new Command('transactional-update').enablePositionalOptions();
    (await entry.load()).define(program, () => {
      throw new Error('no context is needed to define a command');
    });
    const defined = program.commands.find((c) => c.name() === entry.name);
    expect(defined).toBeDefined();
    expect(defined!.aliases()).toEqual([...(entry.aliases ?? [])]);
    expect(defined!.description()).toBe(entry.summary);
  });

  it('loads only the command the line names; the others are listed by name and summary', async () => {
    const { program } = await buildProgram(['--root', '/x', 'list']);
    const byName = (name: string) => program.commands.find((c) => c.name() === name)!;
    expect(byName('rollback').options).toEqual([]);
    expect(byName('rollback').description()).toBe('make a snapshot the next boot');
    const full = await buildProgram(['help']);
    expect(full.program.commands.find((c) => c.name() === 'rollback')!.options.map((o) => o.long)).toEqual(['--dry-run', '--yes']);
  });
});
