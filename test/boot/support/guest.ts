/**
 * What the guest needs to run the tool: the host's Node binary (same Debian, same glibc), the
 * boot commands bundled into one file, the units and the test probe. Installed into the first
 * snapshot's /usr while image create still has it writable, as a Debian package of the tool
 * would put them (not into /usr/local, a shared subvolume that never rolls back).
 */
import { chmodSync, copyFileSync, mkdirSync, realpathSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../../src/util/exec.js';

const FIXTURES = 'fixtures/boot/guest';
export const UNITS = ['transactional-update-etc-merge.service', 'transactional-update-health-check.service', 'tu-boot-probe.service'];

export async function bundleGuestTool(outFile: string): Promise<void> {
  await run('node_modules/.bin/esbuild', [
    'test/boot/guest/cli.ts',
    '--bundle',
    '--platform=node',
    '--target=node20',
    '--format=esm',
    // Bundled CommonJS dependencies call require(); give the ESM bundle one.
    "--banner:js=import { createRequire as __tuCreateRequire } from 'node:module'; const require = __tuCreateRequire(import.meta.url);",
    `--outfile=${outFile}`,
    '--log-level=warning',
  ]);
}

export async function installGuestTool(snapshotRoot: string, bundle: string): Promise<void> {
  const lib = join(snapshotRoot, 'usr/lib/transactional-update');
  mkdirSync(lib, { recursive: true });
  copyFileSync(realpathSync(process.execPath), join(lib, 'node'));
  chmodSync(join(lib, 'node'), 0o755);
  copyFileSync(bundle, join(lib, 'tu.mjs'));
  copyFileSync(join(FIXTURES, 'transactional-update'), join(snapshotRoot, 'usr/bin/transactional-update'));
  chmodSync(join(snapshotRoot, 'usr/bin/transactional-update'), 0o755);
  mkdirSync(join(snapshotRoot, 'usr/lib/tu-boot-test'), { recursive: true });
  copyFileSync(join(FIXTURES, 'probe'), join(snapshotRoot, 'usr/lib/tu-boot-test/probe'));
  chmodSync(join(snapshotRoot, 'usr/lib/tu-boot-test/probe'), 0o755);
  const unitDir = join(snapshotRoot, 'usr/lib/systemd/system');
  for (const unit of UNITS) copyFileSync(join(FIXTURES, unit), join(unitDir, unit));
  const enable = (target: string, unit: string) => {
    const dir = join(snapshotRoot, 'etc/systemd/system', `${target}.wants`);
    mkdirSync(dir, { recursive: true });
    symlinkSync(`/usr/lib/systemd/system/${unit}`, join(dir, unit));
  };
  enable('sysinit.target', UNITS[0]!);
  enable('multi-user.target', UNITS[1]!);
  enable('multi-user.target', UNITS[2]!);
}
