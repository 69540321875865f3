/** A program the tool runs that is not installed is a package to install, not a failed command. */
import { describe, expect, it } from 'vitest';
import { CommandMissing } from '../../../src/errors.js';
import { hintFor } from '../../../src/cli/hints.js';
import { packageOf } from '../../../src/util/commandPackages.js';
import { run, runSync } from '../../../src/util/exec.js';

describe('a missing program', () => {
  it('names the Debian package that provides it', async () => {
    const error = await run('/nonexistent/bin/losetup', ['--find']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandMissing);
    expect((error as CommandMissing).message).toBe('/nonexistent/bin/losetup could not be run: it is not installed');
    expect(hintFor(error as CommandMissing)).toBe('install the mount package');
    expect(() => runSync('/nonexistent/sbin/getfattr', [])).toThrow(CommandMissing);
    const btrfs = await run('/nonexistent/btrfs', ['send']).catch((e: unknown) => e);
    expect((btrfs as CommandMissing).hint).toBe('install the btrfs-progs package');
  });

  it('is left to a caller that reads the exit code itself', async () => {
    const result = await run('/nonexistent/bin/kexec', ['-l'], { reject: false });
    expect(result.exitCode).not.toBe(0);
  });

  it('of unknown origin still says what to install', async () => {
    expect(packageOf('tu-no-such-program')).toBeUndefined();
    const error = await run('tu-no-such-program', []).catch((e: unknown) => e);
    expect(hintFor(error as CommandMissing)).toBe('install tu-no-such-program');
  });

  it('knows the packages of what a transaction always runs', () => {
    expect(['btrfs', 'losetup', 'findmnt', 'unshare', 'setpriv', 'tini', 'getfattr', 'getfacl', 'grub-editenv'].map(packageOf)).toEqual([
      'btrfs-progs', 'mount', 'util-linux', 'util-linux', 'util-linux', 'tini', 'attr', 'acl', 'grub-common',
    ]);
  });
});
