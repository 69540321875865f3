/** The configured fleet lock, or undefined with REBOOT_LOCK=none. */
import { TuError } from '../../errors.js';
import { connectEtcd } from './etcd/etcdClient.js';
import { EtcdFleetLock } from './etcd/etcdLock.js';
import { FleetLockClient } from './fleetLockHttp.js';
import type { RebootLock } from './rebootLock.js';
import type { FleetSettings } from './settings.js';

export function openRebootLock(settings: FleetSettings): RebootLock | undefined {
  if (settings.lock === 'etcd') return openEtcdLock(settings);
  if (settings.lock === 'fleetlock' && settings.fleetLockUrl) return new FleetLockClient(settings.fleetLockUrl, settings.group);
  return undefined;
}

export function openEtcdLock(settings: FleetSettings): EtcdFleetLock {
  if (settings.lock !== 'etcd' || !settings.etcd) {
    throw new TuError(`this command needs REBOOT_LOCK=etcd; the configuration says REBOOT_LOCK=${settings.lock}`, {
      hint: 'set REBOOT_LOCK=etcd and ETCD_ENDPOINTS in the configuration',
    });
  }
  return new EtcdFleetLock(connectEtcd(settings.etcd), settings.etcd, {
    group: settings.group,
    configuredSlots: settings.slots,
    slotsExplicit: settings.slotsExplicit,
    deadlineSeconds: settings.deadlineSeconds,
  });
}
