/**
 * The generated menu on real snapshot layouts passes the real grub-script-check; the two
 * pointers are written in order and repaired; the boot counter is armed on a real FAT ESP.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshBootMenu, repairPointers, setNextBoot } from '../../../src/boot/index.js';
import { readGrubEnv, setGrubEnv } from '../../../src/boot/grub/grubEnv.js';
import { ESP_DIR, ESP_ENV_FILE, GRUB_DIR } from '../../../src/boot/layout.js';
import { writeBootSettings } from '../../../src/boot/settings.js';
import { markKnownGood } from '../../../src/boot/state.js';
import { defaultSnapshot, setDefaultSnapshot } from '../../../src/snapshots/system.js';
import { run } from '../../../src/util/exec.js';
import { requireMachine } from '../../support/requirements.js';
import { addSnapshot, makeTestSystem, NEEDS, type TestSystem } from './support.js';

const skip = requireMachine(NEEDS, 'boot menu integration test');

describe.skipIf(skip)('boot menu and pointers on a real Btrfs image', () => {
  let t: TestSystem;
  beforeAll(async () => {
    t = await makeTestSystem({ esp: true });
    await addSnapshot(t, 2, { base: 1, description: "pkg install nginx 'quoted' $HOME {x}; echo" });
    await addSnapshot(t, 3, { base: 2, description: 'no kernel', kernel: null });
    await addSnapshot(t, 4, { base: 2, description: 'made by someone else', foreign: true });
    await addSnapshot(t, 5, { base: 2, description: 'kargs', etc: { 'kernel/cmdline': 'console=ttyS0 foo="a b" root=/dev/sda rootflags=x\n' } });
    await addSnapshot(t, 6, { base: 2, description: 'newer kernel', kernel: '6.10.0-1-amd64' });
    // A plain image has no GRUB directory: nothing to refresh.
    expect(await refreshBootMenu(t.system)).toBe(false);
    mkdirSync(join(t.top, GRUB_DIR), { recursive: true });
    writeBootSettings(t.top, { fsUuid: t.fsUuid, espUuid: t.espUuid, bootAttempts: 3, timeout: 1, serial: true });
    mkdirSync(join(t.root, 'boot/efi', ESP_DIR), { recursive: true });
    await setGrubEnv(join(t.root, 'boot/efi', ESP_DIR, ESP_ENV_FILE), {});
    markKnownGood(t.system.stateDir, 1);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  const menu = () => readFileSync(join(t.top, GRUB_DIR, 'grub.cfg'), 'utf8');
  const espEnv = () => readGrubEnv(join(t.root, 'boot/efi', ESP_DIR, ESP_ENV_FILE));
  const pointer = async () => (await readGrubEnv(join(t.top, GRUB_DIR, 'grubenv'))).next_snapshot;

  it('writes both pointers, arms the counter and makes a menu grub-script-check accepts', async () => {
    await setNextBoot(t.system, 5);
    expect(await pointer()).toBe('5');
    expect(await defaultSnapshot(t.system)).toBe(5);
    expect((await espEnv()).boot_counter).toBe('3');
    expect(await refreshBootMenu(t.system)).toBe(true);
    const text = menu();
    expect((await run('grub-script-check', [join(t.top, GRUB_DIR, 'grub.cfg')], { reject: false })).exitCode).toBe(0);
    // Offered: ours, complete, with a kernel. Not 3 (no kernel), not 4 (no marker).
    expect([...text.matchAll(/tu\.snapshot=(\d+)/g)].map((m) => Number(m[1])).sort()).toEqual([1, 1, 1, 2, 2, 5, 6, 6]);
    expect(text).toMatch(/menuentry '#5 · 2026-11-25 · kargs' --id tu-next \{\n.*\n\s+linux \/@\/.snapshots\/5\/snapshot\/boot\/vmlinuz-6.1.0-1-amd64 root=UUID=\S+ rootflags=subvol=@\/.snapshots\/5\/snapshot tu.snapshot=5 ro console=ttyS0 'foo="a b"'$/m);
    expect(text).toContain(`'#2 · 2026-11-22 · pkg install nginx '\\''quoted'\\'' $HOME {x}; echo'`);
    expect(text).toContain('boot/vmlinuz-6.10.0-1-amd64');
    expect(text).toMatch(/tu\.snapshot=1 tu\.fallback=1/);
  });

  it('rejects a menu GRUB could not parse and keeps the old one', async () => {
    const { installMenu } = await import('../../../src/boot/grub/menu.js');
    const dir = join(t.dir, 'menu-check');
    mkdirSync(dir);
    writeFileSync(join(dir, 'grub.cfg'), 'echo old\n');
    await expect(installMenu(dir, 'if true; then\n echo broken\n')).rejects.toThrow(/grub-script-check/);
    expect(readFileSync(join(dir, 'grub.cfg'), 'utf8')).toBe('echo old\n');
  });

  it("repairs the Btrfs default from GRUB's pointer", async () => {
    await setDefaultSnapshot(t.system, 2);
    await repairPointers(t.system);
    expect(await defaultSnapshot(t.system)).toBe(5);
  });

  it('disarms the counter when the known-good snapshot is made the next boot', async () => {
    await setNextBoot(t.system, 1);
    expect((await espEnv()).boot_counter).toBeUndefined();
    expect(await pointer()).toBe('1');
    expect(await defaultSnapshot(t.system)).toBe(1);
  });
});
