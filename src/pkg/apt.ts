/**
 * apt (Debian and derivatives). Choices, each mirroring openSUSE's transactional-update:
 * - `up` and `pkg update` without names → `apt-get upgrade --with-new-pkgs`: like `zypper up`,
 *   it updates what is installed and may pull in new dependencies, but never removes a
 *   package; removals are for `dup`.
 * - `pkg update <names>` → `apt-get install --only-upgrade <names>`: updates only packages
 *   already installed, never installs a missing one.
 * - `dup` → `apt-get dist-upgrade`, after `apt-get update --error-on=any`: a distribution
 *   upgrade computed from a partly refreshed set of lists could remove or hold back the wrong
 *   packages, so any failed list download fails it (as zypper's exit 106 fails `dup`).
 * - Non-interactive: DEBIAN_FRONTEND=noninteractive (and apt-listchanges quiet), `-y`, and
 *   dpkg's --force-confdef --force-confold: a conffile changed locally keeps the local
 *   version and the package's lands beside it as .dpkg-dist.
 * - No `APT::Get::Always-Include-Phased-Updates`: phasing (apt_preferences(5), "Phased
 *   Updates") is the distribution's staged rollout, seeded by /etc/machine-id, which a
 *   snapshot shares with its system; a fleet that wants all machines alike sets
 *   APT::Machine-ID or the Always/Never options in its own apt.conf.d.
 * Exit codes: apt-get exits 0 on success and 100 on any error (recorded in
 * fixtures/pkg/exit-codes/apt.json). One error is told apart by its stderr: a repository
 * whose Release apt will not use because no known key signed it (apt-secure(8)), recorded
 * from bookworm's apt (gpgv) and trixie's (sqv) in fixtures/pkg/apt/.
 */
import { RepositoryUnsigned, type RepositoryRefusal, type RepositoryRefusalReason } from '../errors.js';
import { escapeControl } from '../util/escape.js';
import { failure, packageCommand } from './command.js';
import { entryExists } from './rootPath.js';
import type { CommandOptions, ExitVerdict, PackageAction, PackageCommand, PackageManagerAdapter } from './types.js';

const APT_GET = 'apt-get';

function environment(options: CommandOptions): Record<string, string> {
  // needrestart (a dpkg hook where installed) would restart services of the running
  // system for libraries updated in a snapshot that has not booted yet.
  const always = { NEEDRESTART_SUSPEND: '1' };
  if (options.interactive) return always;
  // apt-listchanges would page or ask about news of an update.
  return { ...always, DEBIAN_FRONTEND: 'noninteractive', APT_LISTCHANGES_FRONTEND: 'none' };
}

function globalOptions(options: CommandOptions): string[] {
  if (options.interactive) return [];
  return ['-y', '-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold'];
}

function refresh(action: PackageAction, options: CommandOptions): PackageCommand {
  const strict = action.kind === 'dup' ? ['--error-on=any'] : [];
  return packageCommand('refresh package lists', [APT_GET, 'update', ...strict], environment(options));
}

function mainCommand(action: PackageAction, options: CommandOptions): PackageCommand {
  const env = environment(options);
  const get = (label: string, ...rest: string[]) => packageCommand(label, [APT_GET, ...globalOptions(options), ...rest], env);
  switch (action.kind) {
    case 'install':
      return get('install packages', 'install', '--', ...action.packages);
    case 'remove':
      return get('remove packages', 'remove', '--', ...action.packages);
    case 'update':
      return action.packages.length > 0
        ? get('update packages', 'install', '--only-upgrade', '--', ...action.packages)
        : get('update packages', 'upgrade', '--with-new-pkgs');
    case 'up':
      return get('update the system', 'upgrade', '--with-new-pkgs');
    case 'dup':
      return get('distribution upgrade', 'dist-upgrade');
  }
}

export const aptAdapter: PackageManagerAdapter = {
  name: 'apt',

  detect(root: string): boolean {
    return entryExists(root, 'usr/bin/apt-get');
  },

  commands(action: PackageAction, options: CommandOptions): PackageCommand[] {
    return [refresh(action, options), mainCommand(action, options)];
  },

  interpretExit(_action: PackageAction, command: PackageCommand, exitCode: number, stderr = ''): ExitVerdict {
    if (exitCode === 0) return { ok: true };
    const refusals = exitCode === 100 ? readRepositoryRefusals(stderr) : [];
    if (refusals.length > 0) {
      return { ...failure(command, exitCode), error: (outcome) => new RepositoryUnsigned(refusals, outcome) };
    }
    return failure(command, exitCode, exitCode === 100 ? 'an error, see its output above' : undefined);
  },
};

// apt's words, the same in bookworm (2.6) and trixie (3.0):
//   E: The repository 'file:/srv/tu-repo ./ InRelease' is not signed.
// and before it, when a signature was there but did not verify, one of
//   W: GPG error: <uri> <suite> InRelease: <gpgv's complaint>              (2.6, gpgv)
//   W: OpenPGP signature verification failed: <uri> <suite> InRelease: …   (3.0, sqv)
const NOT_SIGNED = /^E: The repository '(.+) (?:In)?Release' is not signed\.$/;
const SIGNATURE_WARNING = /^W: (?:GPG error|OpenPGP signature verification failed): (.+) (?:In)?Release: (.*)$/;

/** The repositories apt refused as unsigned, each with why, from apt-get's stderr (pure). */
export function readRepositoryRefusals(stderr: string): RepositoryRefusal[] {
  const lines = stderr.split('\n').map((line) => line.trimEnd());
  const warnings = new Map<string, string>();
  for (const line of lines) {
    const match = SIGNATURE_WARNING.exec(line);
    if (match) warnings.set(match[1]!, match[2]!);
  }
  const refusals: RepositoryRefusal[] = [];
  for (const line of lines) {
    const match = NOT_SIGNED.exec(line);
    if (!match) continue;
    const repository = match[1]!;
    const warning = warnings.get(repository);
    refusals.push({
      repository: escapeControl(repository),
      reason: refusalReason(warning),
      ...(warning ? { detail: escapeControl(warning) } : {}),
    });
  }
  return refusals;
}

function refusalReason(warning: string | undefined): RepositoryRefusalReason {
  if (warning === undefined) return 'unsigned';
  // gpgv: NO_PUBKEY <id>; sqv: "Missing key <fingerprint>, which is needed to verify signature."
  if (/\bNO_PUBKEY\b|\bMissing key\b/.test(warning)) return 'unknown-key';
  // gpgv: BADSIG <id> <uid>; sqv: "Message has been manipulated".
  if (/\bBADSIG\b|\bhas been manipulated\b/.test(warning)) return 'bad-signature';
  return 'unverified';
}
