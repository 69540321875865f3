import { describe, expect, it } from 'vitest';
import { entryTitle, generateMenu, managedArguments, type MenuFacts, type MenuSnapshot } from '../../../../src/boot/grub/grubMenu.js';
import { grubString, grubWord } from '../../../../src/boot/grub/grubQuote.js';

function snap(number: number, extra: Partial<MenuSnapshot> = {}): MenuSnapshot {
  return {
    number,
    date: new Date(Date.UTC(2026, 10, 22, 4, 0, 0)),
    description: `snapshot ${number}`,
    summary: undefined,
    kernel: `@/.snapshots/${number}/snapshot/boot/vmlinuz-6.1.0-28-amd64`,
    initrd: `@/.snapshots/${number}/snapshot/boot/initrd.img-6.1.0-28-amd64`,
    args: ['console=ttyS0,115200', 'quiet'],
    ...extra,
  };
}

function facts(extra: Partial<MenuFacts> = {}): MenuFacts {
  return {
    fsUuid: '0b7c1f4e-1111-2222-3333-444455556666',
    espUuid: 'ABCD-1234',
    snapshotsFsPath: '@/.snapshots',
    next: 7,
    knownGood: 5,
    snapshots: [snap(5), snap(7, { description: 'pkg install nginx', summary: '+3 packages' }), snap(6)],
    bootAttempts: 3,
    timeout: 5,
    serial: false,
    ...extra,
  };
}

describe('entryTitle', () => {
  it('names number, date, description and summary', () => {
    expect(entryTitle({ number: 7, date: new Date('2026-11-22T04:00:00Z'), description: 'pkg install nginx', summary: '+3 packages' })).toBe(
      '#7 · 2026-11-22 · pkg install nginx · +3 packages',
    );
  });
});

describe('grub quoting', () => {
  it('single-quotes and escapes quotes, dollars stay literal', () => {
    expect(grubString("it's $HOME")).toBe(`'it'\\''s $HOME'`);
    expect(grubWord('quiet')).toBe('quiet');
    expect(grubWord('foo="a b"')).toBe(`'foo="a b"'`);
  });
  it('shows control characters as escapes instead of breaking the line', () => {
    expect(grubString('a\nb')).toBe(`'a\\nb'`);
  });
});

describe('generateMenu', () => {
  const text = generateMenu(facts());

  it('passes rootflags and tu.snapshot on every entry, tu.fallback only on the fallback', () => {
    const linuxLines = text.split('\n').filter((l) => l.trim().startsWith('linux /@'));
    expect(linuxLines.length).toBe(3 + 1 + 2); // pointer branches, fallback, older submenu
    for (const line of linuxLines) {
      const n = /tu\.snapshot=(\d+)/.exec(line)?.[1];
      expect(n).toBeDefined();
      expect(line).toContain(`rootflags=subvol=@/.snapshots/${n}/snapshot`);
      expect(line).toContain('root=UUID=0b7c1f4e-1111-2222-3333-444455556666');
      expect(line).toContain('console=ttyS0,115200 quiet');
    }
    expect(linuxLines.filter((l) => l.includes('tu.fallback=1'))).toEqual([expect.stringContaining('tu.snapshot=5 tu.fallback=1')]);
  });

  it('puts the default snapshot first and the others in the submenu, newest first', () => {
    const first = text.indexOf('menuentry ');
    expect(text.slice(first)).toMatch(/^menuentry '#7 · 2026-11-22 · pkg install nginx · \+3 packages' --id tu-next/);
    const sub = text.slice(text.indexOf("submenu 'Older snapshots'"));
    expect([...sub.matchAll(/menuentry '#(\d+)/g)].map((m) => m[1])).toEqual(['6', '5']);
  });

  it('counts boot attempts down on the ESP and falls back at zero', () => {
    expect(text).toContain('search --no-floppy --fs-uuid --set=tu_esp ABCD-1234');
    expect(text).toContain('elif [ "${boot_counter}" = "3" ]; then\n      set boot_counter=2');
    expect(text).toContain('elif [ "${boot_counter}" = "2" ]; then\n      set boot_counter=1');
    expect(text).toMatch(/= "-1" \]; then\n\s+set default=tu-fallback/);
    expect(text).toContain('save_env -f "(${tu_esp})/EFI/transactional-update/grubenv" boot_counter');
  });

  it('has no counter without an ESP and no fallback entry without a known-good snapshot', () => {
    const bare = generateMenu(facts({ espUuid: undefined, knownGood: undefined }));
    expect(bare).not.toContain('boot_counter');
    expect(bare).not.toContain('tu.fallback=1');
  });

  it('adds ro unless the snapshot sets rw or ro itself', () => {
    expect(generateMenu(facts({ snapshots: [snap(7, { args: ['rw'] })] }))).not.toMatch(/ ro( |$)/m);
    expect(generateMenu(facts({ snapshots: [snap(7, { args: [] })] }))).toMatch(/tu\.snapshot=7 ro$/m);
  });

  it('enables the serial console on request', () => {
    expect(generateMenu(facts({ serial: true }))).toContain('terminal_output serial console');
  });
});

describe('managedArguments', () => {
  it('is the same on every entry', () => {
    expect(managedArguments('U', '@/.snapshots', 3, true)).toEqual([
      'root=UUID=U',
      'rootflags=subvol=@/.snapshots/3/snapshot',
      'tu.snapshot=3',
      'tu.fallback=1',
    ]);
  });
});
