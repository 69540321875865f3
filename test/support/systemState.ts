/** Reads the machine's loop devices and mounts (the acting half of leftovers.ts). */
import { run } from '../../src/util/exec.js';
import { isInside, parseFindmntJson, parseLosetupJson, type Mount, type SystemState } from './leftovers.js';

export async function readSystemState(): Promise<SystemState> {
  const losetup = await run('losetup', ['-J', '-l'], { reject: false });
  return { loops: parseLosetupJson(losetup.stdout), mounts: await readMounts() };
}

export async function readMounts(): Promise<Mount[]> {
  const findmnt = await run('findmnt', ['-J', '-l', '-o', 'TARGET,SOURCE,FSTYPE'], { reject: false });
  return parseFindmntJson(findmnt.stdout);
}

export async function mountsInside(dir: string): Promise<Mount[]> {
  return (await readMounts()).filter((m) => isInside(m.target, dir));
}
