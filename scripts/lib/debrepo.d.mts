// Types of debrepo.mjs, so TypeScript (no allowJs) can import the one package builder.
export interface PackageRef {
  name: string;
  version: string;
}

export interface BuildOptions {
  /** Directory of built .debs reused within a run; '' disables the cache. Default: the test run's. */
  cacheDir?: string;
  /** Sign the repository (InRelease) and name its key with Signed-By. Default true. */
  signed?: boolean;
  /** Where the signing key is kept (made there when missing). Default: the test run's. */
  keyDir?: string;
}

export interface SigningKey {
  dir: string;
  fingerprint: string;
  /** The binary OpenPGP public key, as installed under /etc/apt/keyrings. */
  publicKey: string;
}

export interface AptSourcesOptions {
  repoPathInRoot?: string;
  keyringPathInRoot?: string;
  signed?: boolean;
}

export const FIXTURES_DIR: string;
export const REPO_PATH_IN_ROOT: string;
export const APT_SOURCES_NAME: string;
export const KEYRING_PATH_IN_ROOT: string;

export function aptSources(options?: AptSourcesOptions): string;
export function defaultKeyDir(): string | undefined;
export function ensureSigningKey(keyDir: string | undefined): Promise<SigningKey>;
export function debFileName(name: string, version: string): string;
export function listFixturePackages(): PackageRef[];
export function defaultCacheDir(): string | undefined;
export function buildPackage(name: string, version: string, outDir: string, options?: BuildOptions): Promise<string>;
export function generatePayload(path: string, bytes: number, seed: string): Promise<void>;
export function buildRepo(dir: string, packages: readonly PackageRef[], options?: BuildOptions): Promise<string[]>;
export function publish(repoDir: string, pkg: PackageRef, options?: BuildOptions): Promise<string>;
export function scanRepo(dir: string, options?: BuildOptions): Promise<void>;
export function pointAptAtLocalRepo(root: string, packages: readonly PackageRef[], options?: BuildOptions): Promise<string>;
