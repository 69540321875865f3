import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDefaultGrub, splitCmdline, userArguments } from '../../../src/boot/cmdline.js';

describe('splitCmdline', () => {
  it('splits on spaces outside double quotes, like the kernel', () => {
    expect(splitCmdline(' quiet  foo="a b" console=ttyS0\n')).toEqual(['quiet', 'foo="a b"', 'console=ttyS0']);
  });
});

describe('userArguments', () => {
  it('drops what every entry sets itself', () => {
    expect(userArguments(['root=/dev/sda1', 'rootflags=subvol=@', 'tu.snapshot=3', 'quiet', 'tu.fallback=1'])).toEqual(['quiet']);
  });
});

describe('parseDefaultGrub', () => {
  it("reads Debian's stock /etc/default/grub (recorded from grub2-common) and its stock drop-in", () => {
    const stock = readFileSync('fixtures/boot/default-grub.debian12', 'utf8');
    const dropIn = readFileSync('fixtures/boot/default-grub.d-init-select.cfg', 'utf8');
    expect(parseDefaultGrub([stock, dropIn])).toEqual({ linux: '', linuxDefault: 'quiet' });
  });
  it('follows drop-ins that extend the variable', () => {
    const dropIn = 'GRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX console=tty0 console=ttyS0,115200" # serial\n';
    expect(parseDefaultGrub(['GRUB_CMDLINE_LINUX=\'net.ifnames=0\'\n', dropIn]).linux).toBe('net.ifnames=0 console=tty0 console=ttyS0,115200');
  });
});
