import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configFiles, loadConfig } from '../../../src/config/load.js';

const LAYERED = resolve('fixtures/config/layered');
const dirs: string[] = [];

function tempRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tu-config-'));
  dirs.push(dir);
  return dir;
}

function write(root: string, path: string, text: string): string {
  const full = join(root, path);
  mkdirSync(join(full, '..'), { recursive: true });
  writeFileSync(full, text);
  return full;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('loadConfig', () => {
  it('reads /usr/etc, the merged drop-ins, then /etc, later values winning, and says where each came from', () => {
    const config = loadConfig({ root: LAYERED });
    expect(config.values).toEqual({
      REBOOT_METHOD: 'command',
      UPDATE_METHOD: 'dup',
      KEEP_SNAPSHOTS: '10',
      BOOT_ATTEMPTS: '3',
      REBOOT_WINDOWS: 'Mon..Fri 02:00 2h; Sat,Sun 03:30 90m',
      REBOOT_TIMEZONE: 'Europe/Berlin',
      REBOOT_COMMAND: '/usr/local/bin/site-reboot --reason "update"',
      REBOOT_RANDOM_DELAY: '45m',
    });
    expect(config.sources).toEqual({
      REBOOT_METHOD: `${LAYERED}/etc/transactional-update.conf.d/50-site.conf`,
      UPDATE_METHOD: `${LAYERED}/etc/transactional-update.conf`,
      KEEP_SNAPSHOTS: `${LAYERED}/usr/etc/transactional-update.conf`,
      BOOT_ATTEMPTS: `${LAYERED}/usr/etc/transactional-update.conf`,
      REBOOT_WINDOWS: `${LAYERED}/etc/transactional-update.conf.d/70-windows.conf`,
      REBOOT_TIMEZONE: `${LAYERED}/etc/transactional-update.conf.d/70-windows.conf`,
      REBOOT_COMMAND: `${LAYERED}/etc/transactional-update.conf.d/50-site.conf`,
      REBOOT_RANDOM_DELAY: `${LAYERED}/etc/transactional-update.conf`,
    });
  });

  it('lists the search in reading order: a /etc drop-in replaces the /usr/etc one of the same name', () => {
    expect(configFiles(LAYERED)).toEqual([
      `${LAYERED}/usr/etc/transactional-update.conf`,
      `${LAYERED}/usr/etc/transactional-update.conf.d/10-vendor-windows.conf`,
      `${LAYERED}/etc/transactional-update.conf.d/50-site.conf`,
      `${LAYERED}/etc/transactional-update.conf.d/70-windows.conf`,
      `${LAYERED}/etc/transactional-update.conf`,
    ]);
  });

  it('sorts drop-ins by file name across both directories', () => {
    const root = tempRoot();
    write(root, 'usr/etc/transactional-update.conf.d/20-b.conf', 'X=usr20\n');
    write(root, 'etc/transactional-update.conf.d/10-a.conf', 'X=etc10\nY=etc10\n');
    write(root, 'usr/etc/transactional-update.conf.d/30-c.conf', 'Y=usr30\n');
    write(root, 'etc/transactional-update.conf.d/.hidden.conf', 'X=hidden\n');
    const config = loadConfig({ root });
    expect(config.values).toEqual({ X: 'usr20', Y: 'usr30' });
  });

  it('masks a vendor drop-in with a /etc link to /dev/null', () => {
    const root = tempRoot();
    write(root, 'usr/etc/transactional-update.conf.d/50-x.conf', 'X=vendor\n');
    mkdirSync(join(root, 'etc/transactional-update.conf.d'), { recursive: true });
    symlinkSync('/dev/null', join(root, 'etc/transactional-update.conf.d/50-x.conf'));
    expect(loadConfig({ root }).values).toEqual({});
  });

  it('gives nothing for a root without configuration', () => {
    expect(loadConfig({ root: tempRoot() })).toEqual({ values: {}, sources: {} });
  });

  it('reads only the explicit file when one is given', () => {
    const root = tempRoot();
    write(root, 'etc/transactional-update.conf', 'A=from-etc\n');
    const file = write(root, 'other.conf', 'B=explicit\n');
    expect(loadConfig({ root, file })).toEqual({ values: { B: 'explicit' }, sources: { B: file } });
  });

  it('fails on a missing explicit file, a directory, and an unreadable file', () => {
    const root = tempRoot();
    expect(() => loadConfig({ root, file: join(root, 'nope.conf') })).toThrow(`the configuration file ${root}/nope.conf does not exist`);
    expect(() => loadConfig({ root, file: root })).toThrow('is a directory');
    const dir = join(root, 'etc/transactional-update.conf');
    mkdirSync(dir, { recursive: true });
    expect(() => loadConfig({ root })).toThrow(`cannot read the configuration file ${dir}`);
    if (process.getuid?.() !== 0) {
      rmSync(dir, { recursive: true });
      const file = write(root, 'etc/transactional-update.conf', 'A=1\n');
      chmodSync(file, 0o000);
      expect(() => loadConfig({ root })).toThrow(`cannot read the configuration file ${file}`);
    }
  });

  it('names the drop-in and line of a syntax error', () => {
    const root = tempRoot();
    const file = write(root, 'etc/transactional-update.conf.d/90-x.conf', 'A=1\nB=$(reboot)\n');
    expect(() => loadConfig({ root })).toThrow(`${file}:2: command substitution`);
  });
});
