/**
 * The tool's own Debian package in a new image: every managed system carries the tool that
 * manages it in its snapshot's /usr, where it is updated and rolled back with the system.
 * `image create` takes the .deb it is given, or else the one `npm run package` built beside
 * the tool (dist/), and installs it with apt in a chroot of snapshot 1.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { planMounts } from '../chroot/plan.js';
import { runInChroot } from '../chroot/run.js';
import { TuError, UsageError } from '../errors.js';
import { run } from '../util/exec.js';
import { escapeControl } from '../util/escape.js';
import { log } from '../util/log.js';
import { currentMountPoints } from '../util/mountinfo.js';

export const PACKAGE_NAME = 'transactional-update';

/**
 * Suites whose nodejs is older than the package's `nodejs (>= 20)`: Debian 12 ships 18 (and
 * none newer in its backports). Systems of these suites are managed from a host (--root).
 */
const SUITES_WITHOUT_NODE_20 = new Set(['oldoldstable', 'oldstable', 'bookworm', 'bullseye', 'buster', 'stretch']);

export function suiteCarriesPackage(suite: string): boolean {
  return !SUITES_WITHOUT_NODE_20.has(suite);
}

/** Where `npm run package` puts the .deb, seen from this module (dist/image or dist/cli's bundle). */
function builtPackageDirectory(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..');
}

/** The newest transactional-update_*_<arch>.deb that `npm run package` built, if any. */
export async function findBuiltPackage(dir = builtPackageDirectory()): Promise<string | undefined> {
  if (!existsSync(dir)) return undefined;
  const { stdout } = await run('dpkg', ['--print-architecture']);
  const arch = stdout.trim();
  const candidates = readdirSync(dir)
    .filter((name) => name.startsWith(`${PACKAGE_NAME}_`) && name.endsWith(`_${arch}.deb`))
    .map((name) => join(dir, name))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return candidates[0];
}

/**
 * The .deb to install: the one given, else the built one; one clear line when there is none
 * (or when the suite's nodejs cannot run it).
 */
export async function choosePackage(suite: string, given: string | undefined): Promise<string | undefined> {
  if (!suiteCarriesPackage(suite)) {
    if (given) {
      throw new UsageError(`a ${suite} system cannot carry the ${PACKAGE_NAME} package: its nodejs is older than 20`, {
        hint: 'leave out --package, and manage the system from a host with --root; or use --suite trixie',
      });
    }
    return undefined;
  }
  if (given) {
    if (!existsSync(given) || !statSync(given).isFile()) throw new UsageError(`${escapeControl(given)} does not exist`, { hint: 'pass the .deb that npm run package built' });
    return resolve(given);
  }
  const built = await findBuiltPackage();
  if (!built) {
    throw new UsageError(`no ${PACKAGE_NAME} package to install into the image`, {
      hint: "build one with 'npm run package' in the source tree, or pass --package FILE",
    });
  }
  return built;
}

/** The package names the .deb depends on (first of each alternative): the image's root includes them. */
export async function packageDependencies(deb: string): Promise<string[]> {
  const fields = await run('dpkg-deb', ['--field', deb, 'Package', 'Depends'], { reject: false });
  if (fields.exitCode !== 0) throw new UsageError(`${escapeControl(deb)} is not a Debian package`, { detail: fields.stderr });
  const name = /^Package:\s*(\S+)/m.exec(fields.stdout)?.[1];
  if (name !== PACKAGE_NAME) throw new UsageError(`${escapeControl(deb)} is not the ${PACKAGE_NAME} package (it is ${escapeControl(name ?? 'unnamed')})`);
  return parseDependencyNames(/^Depends:\s*(.*)$/m.exec(fields.stdout)?.[1] ?? '');
}

/** "a (>= 1), b:any | c, d" → [a, b, d]. */
export function parseDependencyNames(depends: string): string[] {
  return depends
    .split(',')
    .map((part) => part.split('|')[0]!.trim())
    .filter(Boolean)
    .map((first) => first.replace(/\s*\(.*$/, '').replace(/:.*$/, '').replace(/\s*\[.*$/, '').trim());
}

/**
 * apt-get install of the .deb in a chroot of the unfinished snapshot 1, with the system's
 * /var (which holds the symlinks to its package state) mounted as a booted system has it.
 * Its dependencies are in the root already (the cached root includes them): nothing is
 * downloaded, and Recommends are not installed.
 */
export async function installToolPackage(options: { snapshotRoot: string; sharedVar: string; deb: string }): Promise<void> {
  log.step(`installing ${basename(options.deb)} into the first snapshot`);
  const inside = '/run/transactional-update-package';
  const plan = planMounts({
    snapshotRoot: options.snapshotRoot,
    sharedMounts: [{ source: options.sharedVar, inside: '/var' }],
    binds: [{ source: dirname(options.deb), inside, underRun: true }],
    resolv: { kind: 'none' },
    inherited: currentMountPoints(),
  });
  const result = await runInChroot(options.snapshotRoot, plan, {
    argv: [
      'apt-get', 'install', '--yes', '--quiet=2', '--no-install-recommends', '-o', 'Dpkg::Use-Pty=0',
      '-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold',
      `${inside}/${basename(options.deb)}`,
    ],
    env: { DEBIAN_FRONTEND: 'noninteractive' },
    interactive: false,
    output: 'stderr',
  });
  if (result.exitCode !== 0) {
    throw new TuError(`apt-get could not install ${basename(options.deb)} into the image: exit code ${result.exitCode}`, {
      hint: 'its output is above; a dependency missing from the root means the cached root is older than the package',
    });
  }
}
