import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { localPackageKind, validatePackageArguments } from '../../../src/pkg/arguments.js';

describe('validatePackageArguments', () => {
  it.each([
    ['name', 'nginx'],
    ['name:arch', 'libc6:i386'],
    ['name=version', 'nginx=1.22.1-9'],
    ['capability', 'perl(Foo::Bar)'],
    ['versioned capability', 'nginx>=1.0'],
    ['zypper edition with spaces', 'nginx >= 1.0'],
    ['local deb', '/tmp/pkgs/hello_2.10-3_amd64.deb'],
    ['local relative deb', './hello_2.10-3_amd64.deb'],
    ['local rpm', '/srv/x-1.0-1.noarch.rpm'],
    ['local pacman package', 'x-1.0-1-any.pkg.tar.zst'],
    ['non-ASCII name', 'paquet-é'],
  ])('accepts a %s (%s)', (_kind, arg) => {
    expect(validatePackageArguments([arg])).toEqual([arg]);
  });

  it.each([
    ['', 'invalid package argument "": it is empty'],
    ['-y', 'invalid package argument "-y": it starts with "-"'],
    ['--allow-downgrades', 'invalid package argument "--allow-downgrades": it starts with "-"'],
    ['nginx\n--purge', 'invalid package argument "nginx\\n--purge": it holds control characters'],
    ['a\u001b[31mred', 'invalid package argument "a\\x1b[31mred": it holds control characters'],
    ['x\u0085y', 'invalid package argument "x\\x85y": it holds control characters'],
    ['   ', 'invalid package argument "   ": it is blank'],
  ])('refuses %j with one escaped line and exit code 2', (arg, message) => {
    let error: unknown;
    try {
      validatePackageArguments(['good', arg, 'also-good']);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe(message);
    expect((error as UsageError).message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect((error as UsageError).exitCode).toBe(2);
  });

  it('names every bad argument at once, not only the first', () => {
    expect(() => validatePackageArguments(['-a', 'nginx', '', '-b'])).toThrow(
      'invalid package arguments: "-a" (it starts with "-"), "" (it is empty), "-b" (it starts with "-")',
    );
  });
});

describe('localPackageKind', () => {
  it.each([
    ['hello_2.10-3_amd64.deb', 'deb'],
    ['/x/y-1.0-1.x86_64.rpm', 'rpm'],
    ['y-1.0-1-x86_64.pkg.tar.zst', 'pacman'],
    ['y-1.0-1-any.pkg.tar.xz', 'pacman'],
    ['y-1.0-1-any.pkg.tar', 'pacman'],
    ['nginx', null],
    ['debian.deb.txt', null],
    ['perl(Foo)', null],
  ])('%s → %s', (arg, kind) => {
    expect(localPackageKind(arg)).toBe(kind);
  });
});
