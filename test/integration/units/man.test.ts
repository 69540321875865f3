/**
 * The man pages: `mandoc -T lint -W warning` finds nothing, package.json ships them, the
 * configuration page documents every key the code reads (and no other), and the command page
 * documents every command and option of the real command line and of the design.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { FLEET_KEYS, SETTINGS_KEYS } from '../../../src/config/settings.js';
import { buildProgram } from '../../../src/cli/main.js';

const REPO = resolve('.');
const PAGES = ['man/transactional-update.8', 'man/transactional-update.conf.5'];
const page = (path: string) => readFileSync(join(REPO, path), 'utf8');

async function lint(path: string) {
  return execa('mandoc', ['-T', 'lint', '-W', 'warning', path], { reject: false, all: true });
}

describe('man pages', () => {
  it('are shipped through package.json', () => {
    const pkg = JSON.parse(page('package.json')) as { man: string[]; files: string[] };
    expect(pkg.man).toEqual(PAGES);
    expect(pkg.files).toContain('man');
  });

  it.each(PAGES)('%s is mandoc -T lint -W warning clean', async (path) => {
    const result = await lint(join(REPO, path));
    expect(result.all).toBe('');
    expect(result.exitCode).toBe(0);
  });

  it('the lint does report a warning here', async () => {
    const result = await execa('mandoc', ['-T', 'lint', '-W', 'warning'], {
      input: '.Dd November 22, 2026\n.Dt X 8\n.Os\n.Sh NAME\n.Nm x\n.Nd y\n.Sh SEE ALSO\n.Xr b 8 ,\n.Xr a 1\n',
      reject: false,
      all: true,
    });
    expect(result.exitCode).not.toBe(0);
    expect(result.all).toContain('WARNING');
  });
});

describe('transactional-update.conf(5)', () => {
  const text = page('man/transactional-update.conf.5');
  const documented = [...text.matchAll(/^\.It Ev ([A-Z_]+)/gm)].map((m) => m[1]!);

  it('documents every key, ours and the fleet keys, and no other', () => {
    expect(new Set(documented)).toEqual(new Set([...SETTINGS_KEYS, ...FLEET_KEYS]));
  });
});

describe('transactional-update(8)', () => {
  const text = page('man/transactional-update.8');
  /** The words of every `.It Cm …` line, which is where a command is documented. */
  const items = [...text.matchAll(/^\.It (.*)$/gm)].map((m) => m[1]!);
  const documentsCommand = (words: string[]) =>
    items.some((item) => {
      const names = item.replace(/ Ns \| Ns /g, '|').split(/\s+/);
      let at = 0;
      for (const word of words) {
        const i = names.findIndex((n, k) => k >= at && n.split('|').includes(word));
        if (i < 0) return false;
        at = i + 1;
      }
      return true;
    });

  it('documents every command of the design', () => {
    const design = [
      'pkg install', 'pkg in', 'pkg remove', 'pkg rm', 'pkg update', 'pkg up', 'up', 'update', 'dup', 'dist-upgrade',
      'shell', 'run', 'initrd', 'grub.cfg', 'bootloader', 'kargs', 'list', 'show', 'diff', 'status', 'rollback', 'abort',
      'cleanup', 'reboot', 'health-check', 'etc-merge', 'image create', 'image mount', 'image umount',
      'fleet status', 'fleet lock', 'fleet release', 'fleet unlock', 'fleet slots',
    ];
    const missing = design.filter((c) => !documentsCommand(c.split(' ')));
    expect(missing).toEqual([]);
  });

  const documentsFlag = (flag: string) => new RegExp(`Fl ${flag.replace(/^-/, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`).test(text);

  it('documents every option of the design', () => {
    const flags = ['--root', '--json', '--quiet', '--verbose', '--non-interactive', '--interactive', '--continue', '--drop-if-no-change', '--keep', '--description', '--dry-run', '--yes', '--if-needed', '-q', '-v', '-n', '-i', '-c', '-d', '-k', '-y'];
    expect(flags.filter((f) => !documentsFlag(f))).toEqual([]);
  });

  it('documents every visible command, alias and option of the real command line', async () => {
    const { program } = await buildProgram(['node', 'transactional-update']);
    const missing: string[] = [];
    const walk = (command: Command, path: string[]) => {
      for (const option of command.options) {
        if ((option as { hidden?: boolean }).hidden) continue;
        for (const flag of [option.long, option.short]) {
          if (flag && !documentsFlag(flag)) missing.push([...path, flag].join(' '));
        }
      }
      for (const sub of command.commands) {
        if ((sub as unknown as { _hidden?: boolean })._hidden) continue;
        for (const name of [sub.name(), ...sub.aliases()]) {
          if (!documentsCommand([...path, name])) missing.push([...path, name].join(' '));
        }
        walk(sub, [...path, sub.name()]);
      }
    };
    walk(program, []);
    expect(missing).toEqual([]);
  });
});
