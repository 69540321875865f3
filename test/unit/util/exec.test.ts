/**
 * The subprocess wrapper, run against real programs: the synchronous and asynchronous calls
 * answer alike, and a failure is one line with the tool's own complaint.
 */
import { describe, expect, it } from 'vitest';
import { TuError } from '../../../src/errors.js';
import { run, runSync } from '../../../src/util/exec.js';

describe('run and runSync', () => {
  it('return the same output, without the final newline', async () => {
    const args = ['-c', 'printf "one\\ntwo\\n"; printf "warn\\n" >&2', 'sh'];
    const asynchronous = await run('sh', args);
    expect(asynchronous).toEqual({ exitCode: 0, stdout: 'one\ntwo', stderr: 'warn', signal: undefined });
    expect(runSync('sh', args)).toEqual(asynchronous);
  });

  it('turn a failure into one line naming the program and its last complaint', async () => {
    const args = ['-c', 'echo "first" >&2; echo "it broke" >&2; exit 3', 'sh'];
    expect(() => runSync('sh', args)).toThrow(TuError);
    expect(() => runSync('sh', args)).toThrow('sh failed (exit 3): it broke');
    await expect(run('sh', args)).rejects.toThrow('sh failed (exit 3): it broke');
  });

  it('hand back the exit code when asked not to reject', () => {
    expect(runSync('sh', ['-c', 'exit 4'], { reject: false }).exitCode).toBe(4);
  });
});
