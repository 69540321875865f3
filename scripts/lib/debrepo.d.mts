// Types of debrepo.mjs, so TypeScript (no allowJs) can import the one package builder.
export interface PackageRef {
  name: string;
  version: string;
}

export interface BuildOptions {
  /** Directory of built .debs reused within a run; '' disables the cache. Default: the test run's. */
  cacheDir?: string;
}

export const FIXTURES_DIR: string;
export const REPO_PATH_IN_ROOT: string;
export const APT_LIST_NAME: string;

export function aptSourceLine(repoPathInRoot?: string): string;
export function debFileName(name: string, version: string): string;
export function listFixturePackages(): PackageRef[];
export function defaultCacheDir(): string | undefined;
export function buildPackage(name: string, version: string, outDir: string, options?: BuildOptions): Promise<string>;
export function generatePayload(path: string, bytes: number, seed: string): Promise<void>;
export function buildRepo(dir: string, packages: readonly PackageRef[], options?: BuildOptions): Promise<string[]>;
export function publish(repoDir: string, pkg: PackageRef, options?: BuildOptions): Promise<string>;
export function scanRepo(dir: string): Promise<void>;
export function releaseFile(indexes: Record<string, Buffer>): string;
export function pointAptAtLocalRepo(root: string, packages: readonly PackageRef[], options?: BuildOptions): Promise<string>;
