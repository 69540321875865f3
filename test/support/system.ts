/**
 * Test systems made by the real CLI: `image create` makes a Btrfs image holding a managed
 * Debian root, `image mount`/`image umount` attach it, and `tu()` runs any command against
 * it with --root, as a user without a terminal would.
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/util/exec.js';
import { DEFAULT_PACKAGES, pointAptAtLocalRepo, publish, REPO_PATH_IN_ROOT, type PackageRef } from './repo.js';
import { mountsInside } from './systemState.js';
import { makeTestDir } from './tmp.js';

export const PROJECT_DIR = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const CLI_PATH = join(PROJECT_DIR, 'dist/cli/main.cjs');

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Written to the CLI's stdin, which is then closed; default: empty (EOF at once). */
  input?: string;
  env?: Record<string, string | undefined>;
  cwd?: string;
  timeoutMs?: number;
}

export interface TuOptions extends CliOptions {
  /** Adds `--root <root>` in front of the arguments. */
  root?: string;
}

/**
 * The environment of a user without a terminal: no TERM, no colour forced, plain C.UTF-8
 * messages, and not inside a transaction.
 */
export function cliEnvironment(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string | undefined> = { ...process.env, LC_ALL: 'C.UTF-8', NO_COLOR: '1', ...extra };
  for (const name of ['TERM', 'FORCE_COLOR', 'TRANSACTIONAL_UPDATE', 'NODE_OPTIONS']) {
    if (!(name in extra)) delete env[name];
  }
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

function assertBuilt(): void {
  if (!existsSync(CLI_PATH)) throw new Error(`${CLI_PATH} is missing: run 'npm run build' first`);
}

/** Run the real, built CLI (node dist/cli/main.cjs) with these arguments. Never throws on exit codes. */
export async function cli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  assertBuilt();
  const result = await run(process.execPath, [CLI_PATH, ...args], {
    cwd: options.cwd ?? PROJECT_DIR,
    env: cliEnvironment(options.env),
    cleanEnv: true,
    input: options.input ?? '',
    reject: false,
    timeoutMs: options.timeoutMs ?? 20 * 60_000,
  });
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
}

/** `transactional-update [--root <root>] <args…>`. */
export async function tu(args: readonly string[], options: TuOptions = {}): Promise<CliResult> {
  const { root, ...rest } = options;
  return cli(root === undefined ? args : ['--root', root, ...args], rest);
}

/** Run the CLI and throw with its output when it does not exit 0. */
export async function cliOk(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const result = await cli(args, options);
  if (result.exitCode !== 0) {
    throw new Error(
      `transactional-update ${args.join(' ')} exited ${result.exitCode}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`,
    );
  }
  return result;
}

export interface TestImageOptions {
  /** Image file; default: disk.img in a new dir under the run's temp base dir. */
  file?: string;
  size?: string;
  /**
   * Debian suite; default: image create's, trixie, whose systems carry the tool's package
   * (the one `npm run package` built). bookworm systems are made without it.
   */
  suite?: string;
  include?: readonly string[];
}

/**
 * `image create <file> --size 3G …`: a new filesystem with its own UUID, and on trixie the
 * tool's package from dist/ installed in snapshot 1. Returns the file.
 */
export async function createTestImage(options: TestImageOptions = {}): Promise<string> {
  const file = options.file ?? join(await makeTestDir('image'), 'disk.img');
  const args = ['image', 'create', file, '--size', options.size ?? '3G'];
  if (options.suite) args.push('--suite', options.suite);
  if (options.include && options.include.length > 0) args.push('--include', options.include.join(','));
  await cliOk(args);
  return file;
}

export async function mountImage(file: string, dir: string): Promise<void> {
  await cliOk(['image', 'mount', file, dir]);
}

export async function umountImage(dir: string): Promise<void> {
  await cliOk(['image', 'umount', dir]);
}

export interface TestSystem {
  /** Where the managed system is mounted (what --root gets). */
  root: string;
  image: string;
  /** The local repository, as seen from the host: <root>/srv/tu-repo. */
  repoDir: string;
  tu(args: readonly string[], options?: CliOptions): Promise<CliResult>;
  /** Add a package version to the repository (e.g. tu-conf 2.0 before `up`). */
  publish(pkg: PackageRef): Promise<void>;
}

/** The mounted image at `root` as a TestSystem, its apt pointed at a local repository offering `packages`. */
export async function testSystemAt(root: string, image: string, packages: readonly PackageRef[]): Promise<TestSystem> {
  const repoDir = await pointAptAtLocalRepo(root, packages);
  return {
    root,
    image,
    repoDir,
    tu: (args, opts = {}) => tu(args, { ...opts, root }),
    publish: async (pkg) => {
      await publish(repoDir, pkg);
    },
  };
}

export interface WithTestSystemOptions extends Omit<TestImageOptions, 'file'> {
  /** What the local repository offers at the start; default DEFAULT_PACKAGES. */
  packages?: readonly PackageRef[];
}

/**
 * Create an image, mount it, point its apt at the local repository only, run fn, and
 * always unmount. The image is deleted when the unmount succeeded and kept otherwise (the
 * run's leak check then reports it).
 */
export async function withTestSystem<T>(
  fn: (sys: TestSystem) => Promise<T>,
  options: WithTestSystemOptions = {},
): Promise<T> {
  const dir = await makeTestDir('system');
  const image = await createTestImage({ ...options, file: join(dir, 'disk.img') });
  const root = join(dir, 'root');
  await mountImage(image, root);
  let outcome: { ok: true; value: T } | { ok: false; error: unknown };
  try {
    const sys = await testSystemAt(root, image, options.packages ?? DEFAULT_PACKAGES);
    outcome = { ok: true, value: await fn(sys) };
  } catch (error) {
    outcome = { ok: false, error };
  }
  try {
    await umountImage(root);
  } catch (umountError) {
    // The test's own failure is the one to see; the unmount failure goes beside it.
    if (!outcome.ok) {
      process.stderr.write(`withTestSystem: also failed to unmount ${root}: ${String(umountError)}\n`);
      throw outcome.error;
    }
    throw umountError;
  }
  if (!outcome.ok) throw outcome.error;
  await removeUnlessMounted(dir);
  return outcome.value;
}

/** rm -r crosses mount points: never run it over something still mounted. */
async function removeUnlessMounted(dir: string): Promise<void> {
  const left = await mountsInside(dir);
  if (left.length > 0) {
    throw new Error(`'image umount' left ${left.map((m) => m.target).join(', ')} mounted`);
  }
  await rm(dir, { recursive: true, force: true });
}

export { REPO_PATH_IN_ROOT };
