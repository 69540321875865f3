// Copies the non-TypeScript files the build needs beside the compiled code.
import { cpSync, chmodSync, existsSync, mkdirSync } from 'node:fs';

const assets = [['src/chroot/enter.sh', 'dist/chroot/enter.sh']];
for (const [from, to] of assets) {
  if (!existsSync(from)) continue;
  mkdirSync(to.slice(0, to.lastIndexOf('/')), { recursive: true });
  cpSync(from, to);
  chmodSync(to, 0o755);
}
