/** This machine as a fleet node: its lock, group, id and instance token. */
import { TuError } from '../../errors.js';
import { instanceToken } from './identity.js';
import { openRebootLock } from './openLock.js';
import type { FleetNode } from './rebootCycle.js';
import type { FleetSettings } from './settings.js';

/**
 * The node, or undefined with REBOOT_LOCK=none (reboot without asking anyone). The caller
 * closes node.lock when done.
 */
export function openFleetNode(settings: FleetSettings, stateDir: string): FleetNode | undefined {
  if (settings.lock === 'none') return undefined;
  if (settings.nodeId === undefined) {
    throw new TuError('this node has no fleet id: no FLEET_NODE_ID and no /etc/machine-id', { hint: 'set FLEET_NODE_ID or pass --node-id' });
  }
  const token = instanceToken(stateDir);
  const lock = openRebootLock(settings);
  if (!lock) throw new TuError(`REBOOT_LOCK=${settings.lock} is missing its server`, { hint: 'set ETCD_ENDPOINTS or FLEETLOCK_URL' });
  return { lock, group: settings.group, id: settings.nodeId, token, stateDir };
}
