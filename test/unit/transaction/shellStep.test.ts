import { existsSync } from 'node:fs';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { shellStep } from '../../../src/transaction/shellStep.js';

describe('the shell step', () => {
  it('names the new snapshot in the prompt, also under Debian\'s bash.bashrc (which replaces PS1 but keeps debian_chroot)', async () => {
    const step = shellStep({ terminal: true }, 5);
    expect(step.env).toMatchObject({ debian_chroot: 'transactional update 5' });
    expect(step.env?.PS1).toMatch(/^transactional update 5:/);
    if (!existsSync('/etc/bash.bashrc')) return;
    // An interactive bash reads /etc/bash.bashrc; ${PS1@P} is the prompt as bash shows it.
    const shown = await execa('bash', ['--rcfile', '/etc/bash.bashrc', '-i', '-c', 'printf "%s" "${PS1@P}"'], {
      env: { ...step.env, HOME: '/nonexistent', TERM: 'dumb' },
      extendEnv: false,
      reject: false,
    });
    expect(shown.stdout).toMatch(/^\(transactional update 5\)/);
  });
});
