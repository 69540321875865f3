/** The package-manager layer's public surface, for the transaction engine and the manifest. */
export type {
  CommandOptions,
  ExitVerdict,
  InstalledPackage,
  PackageAction,
  PackageCommand,
  PackageManagerAdapter,
  PackageManagerName,
} from './types.js';
export { aptAdapter } from './apt.js';
export { zypperAdapter, ZYPPER_EXIT } from './zypper.js';
export { dnfAdapter } from './dnf.js';
export { pacmanAdapter } from './pacman.js';
export { adapterFor, adapters, detectPackageManager } from './detect.js';
export { localPackageKind, packageArgumentProblem, validatePackageArguments, type LocalPackageKind } from './arguments.js';
export { findPackageDatabase, readInstalledPackages, readInstalledPackagesFrom, type PackageDatabase } from './installed.js';
export { compareFor, packageDelta, type VersionCompare } from './delta.js';
export { compareDebVersions } from './version/deb.js';
export { compareRpmVersions } from './version/rpm.js';
export { comparePacmanVersions } from './version/pacman.js';
