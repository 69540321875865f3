import { readSync } from 'node:fs';

/** What an open file holds, up to `size` bytes: fewer when it shrank while being read. */
export function readOpenFile(fd: number, size: number): Buffer {
  const data = Buffer.allocUnsafe(size);
  let got = 0;
  while (got < size) {
    const n = readSync(fd, data, got, size - got, got);
    if (n === 0) break;
    got += n;
  }
  return data.subarray(0, got);
}
