/**
 * Tiny Debian test packages and the flat, signed repository that serves them. The builder itself
 * is scripts/lib/debrepo.mjs, shared with scripts/demo so there is one package builder;
 * this module is the tests' typed entry point to it.
 */
export {
  APT_SOURCES_NAME,
  FIXTURES_DIR,
  KEYRING_PATH_IN_ROOT,
  REPO_PATH_IN_ROOT,
  aptSources,
  buildPackage,
  buildRepo,
  debFileName,
  defaultKeyDir,
  ensureSigningKey,
  listFixturePackages,
  pointAptAtLocalRepo,
  publish,
  scanRepo,
  type BuildOptions,
  type PackageRef,
  type SigningKey,
} from '../../scripts/lib/debrepo.mjs';

import type { PackageRef } from '../../scripts/lib/debrepo.mjs';

/** The packages a fresh test system's repository offers: the 1.0 of each small package. */
export const DEFAULT_PACKAGES: readonly PackageRef[] = [
  { name: 'tu-hello', version: '1.0' },
  { name: 'tu-conf', version: '1.0' },
  { name: 'tu-broken', version: '1.0' },
  { name: 'tu-daemon', version: '1.0' },
];
