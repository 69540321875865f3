import { describe, expect, it } from 'vitest';
import { commandWord, normalizeArguments } from '../../../src/cli/argv.js';

describe('command-line normalisation', () => {
  it('-c takes a number only when one follows', () => {
    expect(normalizeArguments(['-c', 'pkg', 'install', 'x'])).toEqual(['--continue=default', 'pkg', 'install', 'x']);
    expect(normalizeArguments(['-c', '5', 'pkg', 'install', 'x'])).toEqual(['--continue=5', 'pkg', 'install', 'x']);
    expect(normalizeArguments(['--continue', 'up'])).toEqual(['--continue=default', 'up']);
  });

  it('moves global options written after the command to the front', () => {
    expect(normalizeArguments(['list', '--json'])).toEqual(['--json', 'list']);
    expect(normalizeArguments(['pkg', 'install', '-n', 'tu-hello', '--root', '/mnt'])).toEqual(['-n', '--root', '/mnt', 'pkg', 'install', 'tu-hello']);
  });

  it('never touches what follows run, nor fleet options', () => {
    expect(normalizeArguments(['--root', '/x', 'run', 'sh', '-c', 'exit 3', '--json'])).toEqual(['--root', '/x', 'run', 'sh', '-c', 'exit 3', '--json']);
    expect(normalizeArguments(['fleet', 'status', '--json'])).toEqual(['fleet', 'status', '--json']);
  });

  it('finds the command word past option values', () => {
    expect(commandWord(['--root', 'list', 'status'])).toBe('status');
    expect(commandWord(['--json'])).toBeUndefined();
    expect(commandWord(['-v', 'fleet', 'status'])).toBe('fleet');
  });
});
