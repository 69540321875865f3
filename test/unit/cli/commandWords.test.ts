import { describe, expect, it } from 'vitest';
import { COMMAND_WORDS } from '../../../src/cli/commandWords.js';
import { buildProgram } from '../../../src/cli/main.js';

describe('command words', () => {
  it("are exactly the names and aliases of the program's commands, and help", async () => {
    const { program } = await buildProgram(['node', 'transactional-update']);
    const words = program.commands.flatMap((c) => [c.name(), ...c.aliases()]);
    expect(new Set([...words, 'help'])).toEqual(COMMAND_WORDS);
  });
});
