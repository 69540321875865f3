/**
 * Regenerate the boot menu without a full grub-mkconfig: write beside it, check it with the
 * real grub-script-check, rename into place. A menu GRUB cannot parse never replaces one it can.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { TuError } from '../../errors.js';
import { fsyncDirectory } from '../../util/atomicWrite.js';
import { run } from '../../util/exec.js';
import { log } from '../../util/log.js';
import { defaultSnapshot, type System } from '../../snapshots/system.js';
import { generateMenu } from './grubMenu.js';
import { MENU_FILE } from '../layout.js';
import { gatherMenuFacts } from './menuFacts.js';
import { readPointer } from '../pointers.js';
import { grubDir, hasGrubDir, readBootSettings } from '../settings.js';
import { withTopLevel } from '../topLevel.js';

export async function installMenu(dir: string, text: string): Promise<void> {
  const tmp = join(dir, `${MENU_FILE}.new`);
  const fd = openSync(tmp, 'w', 0o644);
  try {
    writeSync(fd, text);
    fsyncSync(fd); // on disk before it can replace the menu GRUB reads
  } finally {
    closeSync(fd);
  }
  const check = await run('grub-script-check', [tmp], { reject: false });
  if (check.exitCode !== 0) {
    rmSync(tmp, { force: true });
    throw new TuError('the generated boot menu does not pass grub-script-check; the old menu was kept', {
      detail: `${check.stdout}\n${check.stderr}`,
      hint: 'report this as a bug with the output of --verbose',
    });
  }
  renameSync(tmp, join(dir, MENU_FILE));
  fsyncDirectory(dir);
}

/** Regenerate the menu of a system that has our GRUB directory; false (no-op) otherwise. */
export async function refreshBootMenu(system: System): Promise<boolean> {
  return withTopLevel(system, async (top) => {
    if (!hasGrubDir(top)) return false;
    const settings = readBootSettings(top);
    const next = (await readPointer(top)) ?? (await defaultSnapshot(system));
    if (next === undefined) throw new TuError('no next snapshot is set: neither GRUB’s pointer nor the Btrfs default names one');
    await installMenu(grubDir(top), generateMenu(gatherMenuFacts(system, settings, next)));
    log.step(`boot menu regenerated (next boot: snapshot ${next})`);
    return true;
  });
}
