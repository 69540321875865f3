/**
 * Who this node is in the fleet. The id defaults to a hash of /etc/machine-id: stable for
 * the machine, but not the machine-id itself, which systemd asks never to publish
 * (machine-id(5): "should be considered confidential"). The instance token is random per
 * installation and kept in the state directory, so two machines that share an id (a cloned
 * image, a copied configuration) are told apart.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../util/atomicWrite.js';
import { TuError } from '../../errors.js';

export function nodeIdFromMachineId(machineId: string): string {
  return createHash('sha256').update('transactional-update fleet').update(machineId.trim()).digest('hex').slice(0, 32);
}

/** The machine-id, or undefined when the file is missing or empty. */
export function readMachineId(path = '/etc/machine-id'): string | undefined {
  try {
    const text = readFileSync(path, 'utf8').trim();
    return text === '' ? undefined : text;
  } catch {
    return undefined;
  }
}

export const TOKEN_FILE = 'fleet-instance-token';

/** This installation's instance token, created on first use. */
export function instanceToken(stateDir: string): string {
  const path = join(stateDir, TOKEN_FILE);
  try {
    const text = readFileSync(path, 'utf8').trim();
    if (/^[0-9a-f]{32}$/.test(text)) return text;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new TuError(`cannot read ${path}: ${(error as Error).message}`);
    }
  }
  const token = randomBytes(16).toString('hex');
  try {
    mkdirSync(stateDir, { recursive: true });
    writeFileAtomic(path, `${token}\n`, 0o600);
  } catch (error) {
    throw new TuError(`cannot write ${path}: ${(error as Error).message}`, { hint: 'check the state directory, --state-dir' });
  }
  return token;
}
