// The OpenPGP key that signs the test repositories: ed25519 (verified alike by bookworm's
// gpgv and trixie's sqv), no passphrase, made with gpg at test time. A test run makes it
// once, under its TU_TEST_TMP; scripts pass a directory of their own. Every gpg call gets a
// home directory of its own, and its agent is stopped afterwards: gpg starts an agent per
// home, and two runs sharing one must not stop each other's.
import { existsSync, readFileSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { execa } from 'execa';

const USER_ID = 'transactional-update test repository <tu-test@localhost>';

/** The test run's key directory (TU_REPO_KEY_DIR, else TU_TEST_TMP/repo-key), if any. */
export function defaultKeyDir() {
  if (process.env.TU_REPO_KEY_DIR) return process.env.TU_REPO_KEY_DIR;
  if (process.env.TU_TEST_TMP) return join(process.env.TU_TEST_TMP, 'repo-key');
  return undefined;
}

/**
 * The key kept in keyDir, made there first if missing: { dir, fingerprint, publicKey }, the
 * last the path of the binary public key (what /etc/apt/keyrings holds). Concurrent callers
 * get the same key: it is made aside and renamed into place, and the first rename wins.
 */
export async function ensureSigningKey(keyDir) {
  if (!keyDir) throw new Error('no directory for the repository signing key: set TU_TEST_TMP or pass keyDir');
  if (!existsSync(join(keyDir, 'fingerprint'))) await makeKey(keyDir);
  return {
    dir: keyDir,
    fingerprint: readFileSync(join(keyDir, 'fingerprint'), 'utf8').trim(),
    publicKey: join(keyDir, 'public.gpg'),
  };
}

async function makeKey(keyDir) {
  await mkdir(dirname(keyDir), { recursive: true });
  const temp = await mkdtemp(join(dirname(keyDir), `.${basename(keyDir)}-`));
  try {
    const home = join(temp, 'gnupg');
    await mkdir(home, { mode: 0o700 });
    const fingerprint = await withAgent(home, async () => {
      await gpg(home, ['--passphrase', '', '--quick-gen-key', USER_ID, 'ed25519', 'sign', 'never']);
      const { stdout } = await gpg(home, ['--with-colons', '--list-secret-keys']);
      const found = /^fpr:(?:[^:]*:){8}([0-9A-F]{40}):/m.exec(stdout)?.[1];
      if (!found) throw new Error(`gpg made no key in ${home}`);
      // gpg writes the file itself: a binary key read from a pipe loses a last byte 0x0a to
      // execa's stripFinalNewline, and apt's sqv then reads a truncated packet (one key in 256).
      await gpg(home, ['--output', join(temp, 'public.gpg'), '--export', found]);
      await chmod(join(temp, 'public.gpg'), 0o644);
      return found;
    });
    await writeFile(join(temp, 'fingerprint'), `${fingerprint}\n`);
    try {
      await rename(temp, keyDir);
    } catch (error) {
      // Another worker of the run made it first: use theirs.
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    }
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

/** Clear-sign input into output (an InRelease from a Release) with the key. */
export async function clearsign(key, input, output) {
  const home = await mkdtemp(join(tmpdir(), 'tu-gpg-'));
  try {
    // Sockets of an agent that once ran there are not copied.
    await cp(join(key.dir, 'gnupg'), home, { recursive: true, filter: (path) => !basename(path).startsWith('S.') });
    await withAgent(home, () =>
      gpg(home, ['--local-user', key.fingerprint, '--digest-algo', 'SHA512', '--clearsign', '--output', output, input]),
    );
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

async function withAgent(home, fn) {
  try {
    return await fn();
  } finally {
    await execa('gpgconf', ['--homedir', home, '--kill', 'all'], { reject: false });
  }
}

function gpg(home, args, options = {}) {
  return execa('gpg', ['--batch', '--no-tty', '--quiet', '--homedir', home, '--pinentry-mode', 'loopback', ...args], {
    ...options,
    env: { LC_ALL: 'C.UTF-8' },
  });
}
