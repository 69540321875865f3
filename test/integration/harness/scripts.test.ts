/** The set-up scripts: CI entry point, package list, closing summary, local-repo helper. */
import { accessSync, constants, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../src/util/exec.js';
import { requireMachine } from '../../support/requirements.js';
import { PROJECT_DIR } from '../../support/system.js';
import { makeTestDir } from '../../support/tmp.js';

const REPORT = join(PROJECT_DIR, 'fixtures/harness/vitest-report.json');

function summary(...args: string[]) {
  return run(process.execPath, [join(PROJECT_DIR, 'scripts/lib/test-summary.mjs'), ...args], { reject: false });
}

describe('set-up scripts', () => {
  it('.ci/run only hands over to scripts/test', () => {
    expect(readFileSync(join(PROJECT_DIR, '.ci/run'), 'utf8')).toBe('#!/usr/bin/env bash\nexec ./scripts/test\n');
  });

  it.each(['.ci/run', 'scripts/test', 'scripts/demo'])('%s is executable and parses', async (script) => {
    const path = join(PROJECT_DIR, script);
    accessSync(path, constants.X_OK);
    expect((await run('bash', ['-n', path], { reject: false })).exitCode).toBe(0);
  });

  it('reads one package list, comments dropped', async () => {
    const { stdout } = await run('bash', ['-c', '. scripts/lib/setup.sh && system_packages'], { cwd: PROJECT_DIR });
    const packages = stdout.split('\n');
    for (const name of ['btrfs-progs', 'mmdebstrap', 'dpkg-dev', 'snapper', 'tini', 'util-linux', 'grub-common',
      'mandoc', 'rsync', 'etcd-server', 'etcd-client', 'attr', 'acl']) {
      expect(packages).toContain(name);
    }
    expect(packages.every((p) => /^[a-z0-9][a-z0-9.+-]+$/.test(p))).toBe(true);
    expect(new Set(packages).size).toBe(packages.length);
  });

  // Recorded from a real vitest JSON report: one file with a passed, a failed, a skipped
  // and a todo test, and one file that threw at import (as a CI requirement check does).
  it('closes with a plain count, a file that failed before its tests counted as a failure', async () => {
    const result = await summary(REPORT);
    expect(result).toMatchObject({ exitCode: 0, stdout: 'tests: 1 passed, 2 failed, 2 skipped' });
  });

  it('counts a suite that left no report as failed', async () => {
    const result = await summary(REPORT, '/nonexistent/boot.json');
    expect(result.stdout).toBe(
      'no test report at /nonexistent/boot.json: that suite did not finish\ntests: 1 passed, 3 failed, 2 skipped',
    );
  });

  it('never prints 0 failed for a run that failed outside any test', async () => {
    const dir = await makeTestDir('summary');
    try {
      const clean = join(dir, 'clean.json');
      await run('bash', ['-c', `printf '%s' '{"numPassedTests":4,"numFailedTests":0,"testResults":[]}' > "$1"`, 'sh', clean]);
      expect((await summary('--status', '0', clean)).stdout).toBe('tests: 4 passed, 0 failed, 0 skipped');
      expect((await summary('--status', '1', clean)).stdout).toBe(
        'the run failed outside any test (see the errors above)\ntests: 4 passed, 1 failed, 0 skipped',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

const skip = requireMachine({ commands: ['dpkg-deb', 'dpkg-scanpackages', 'apt-ftparchive', 'gpg', 'gpgv'] }, 'local-repo script test');

describe.skipIf(skip)('scripts/lib/local-repo.mjs', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await makeTestDir('local-repo');
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const script = join(PROJECT_DIR, 'scripts/lib/local-repo.mjs');

  it('serves the named packages to a root, signed with a key only the root knows', async () => {
    const result = await run(process.execPath, [script, dir, 'tu-hello=1.0'], { reject: false });
    expect(result.stdout).toBe(
      [
        `repository ${dir}/srv/tu-repo (signed): tu-hello=1.0`,
        'apt source /etc/apt/sources.list.d/tu-test.sources:',
        '  Types: deb',
        '  URIs: file:/srv/tu-repo',
        '  Suites: ./',
        '  Signed-By: /etc/apt/keyrings/tu-test.gpg',
      ].join('\n'),
    );
    expect(readFileSync(join(dir, 'srv/tu-repo/Packages'), 'utf8')).toMatch(/^Package: tu-hello\nVersion: 1\.0$/m);
    const verify = await run('gpgv', ['--keyring', join(dir, 'etc/apt/keyrings/tu-test.gpg'), join(dir, 'srv/tu-repo/InRelease')], { reject: false });
    expect(verify.exitCode, verify.stderr).toBe(0);
    expect(verify.stderr).toContain('Good signature from "transactional-update test repository <tu-test@localhost>"');
  });

  it('is a usage error without packages or with a malformed one', async () => {
    expect((await run(process.execPath, [script, dir], { reject: false })).exitCode).toBe(2);
    const bad = await run(process.execPath, [script, dir, 'tu-hello'], { reject: false });
    expect(bad).toMatchObject({ exitCode: 2, stderr: 'not <name>=<version>: "tu-hello"' });
  });
});
