// Compiles the tool's own native parts, with Debian's hardening flags: the addon
// (native/syscalls.c: the btrfs and mount system calls of a transaction) into
// native/build/tu_native.node, and the chroot's entry (native/enter.c) into
// native/build/tu-enter. It needs a C compiler and Node's headers (node_api.h), the same ones
// better-sqlite3's build uses.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

const HARDENING = ['-D_FORTIFY_SOURCE=2', '-fstack-protector-strong', '-Wl,-z,relro,-z,now', '-Wl,-z,noexecstack'];

function nodeHeaders() {
  const candidates = [
    join(dirname(dirname(process.execPath)), 'include', 'node'),
    join(process.config.variables.node_prefix ?? '/usr', 'include', 'node'),
    '/usr/include/node',
    '/usr/local/include/node',
  ];
  const found = candidates.find((dir) => existsSync(join(dir, 'node_api.h')));
  if (!found) {
    process.stderr.write(`build-native: Node's headers (node_api.h) are missing; looked in ${candidates.join(', ')}: install libnode-dev or Node's headers\n`);
    process.exit(1);
  }
  return found;
}

mkdirSync('native/build', { recursive: true });
const cc = process.env.CC || 'cc';
const common = ['-std=gnu11', '-O2', '-Wall', '-Wextra', '-Werror', ...HARDENING];
execFileSync(cc, [
  ...common, '-fPIC', '-shared', '-DNODE_GYP_MODULE_NAME=tu_native', `-I${nodeHeaders()}`,
  '-o', 'native/build/tu_native.node', 'native/syscalls.c',
], { stdio: 'inherit' });
execFileSync(cc, [...common, '-fPIE', '-pie', '-o', 'native/build/tu-enter', 'native/enter.c'], { stdio: 'inherit' });
