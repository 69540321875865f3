/**
 * On a terminal: Ctrl-C in the shell reaches the shell, not the tool; a failing shell asks
 * before its snapshot is discarded. `script` gives the tool a real pseudo-terminal.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { requireRootAndLoop } from '../../support/requirements.js';
import { CLI_PATH, cliEnvironment, withTestSystem } from '../../support/system.js';
import { snapshotDir, snapshotNumbers } from './support.js';

const skip = requireRootAndLoop(['script']);

/** Run the CLI on a pseudo-terminal, typing `keys` one chunk at a time with pauses. */
async function onTerminal(root: string, args: string[], keys: string[]): Promise<{ exitCode: number; output: string }> {
  const command = [process.execPath, CLI_PATH, '--root', root, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const child = execa('script', ['-qefc', command, '/dev/null'], { env: { ...cliEnvironment(), TERM: 'dumb' }, extendEnv: false, reject: false });
  for (const chunk of keys) {
    await new Promise((r) => setTimeout(r, 2500));
    child.stdin!.write(chunk);
  }
  await new Promise((r) => setTimeout(r, 1500));
  child.stdin!.end();
  const result = await child;
  return { exitCode: result.exitCode ?? 1, output: String(result.stdout) };
}

describe.skipIf(skip)('shell on a terminal', () => {
  it('passes Ctrl-C to the shell and asks before discarding a failed shell', async () => {
    await withTestSystem(async (sys) => {
      const ok = await onTerminal(sys.root, ['shell'], ['sleep 30\n', '\u0003', 'echo survived > /etc/tu-int; exit 0\n']);
      expect(ok.exitCode, ok.output).toBe(0);
      const number = snapshotNumbers(sys.root).at(-1)!;
      expect(number).toBeGreaterThan(1);
      expect(readFileSync(join(snapshotDir(sys.root, number), 'etc/tu-int'), 'utf8')).toBe('survived\n');

      // Exit 5, then answer "n" to "Discard the new snapshot?": the snapshot is kept.
      const kept = await onTerminal(sys.root, ['shell'], ['echo kept > /etc/tu-kept; exit 5\n', 'n\n']);
      expect(kept.output).toMatch(/Discard the new snapshot\?/);
      expect(kept.exitCode, kept.output).toBe(0);
      const keptNumber = snapshotNumbers(sys.root).at(-1)!;
      expect(keptNumber).toBeGreaterThan(number);
      expect(readFileSync(join(snapshotDir(sys.root, keptNumber), 'etc/tu-kept'), 'utf8')).toBe('kept\n');

      // Exit 6 and accept the default: discarded, exit code 6.
      const discarded = await onTerminal(sys.root, ['shell'], ['exit 6\n', '\n']);
      expect(discarded.exitCode, discarded.output).toBe(6);
      expect(snapshotNumbers(sys.root).at(-1)).toBe(keptNumber);
    });
  });
});
