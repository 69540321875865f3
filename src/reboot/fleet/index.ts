/** Fleet reboot coordination: the public surface for the reboot path and the CLI. */
export { fleetSettings, type FleetSettings, type EtcdSettings, type RebootLockKind } from './settings.js';
export { openFleetNode } from './node.js';
export { takeSlotAndReboot, afterBoot, type FleetNode, type WaitOptions, type TakeSlotOutcome, type AfterBootOutcome } from './rebootCycle.js';
export { HEALTH_FILE, healthPath, readHealth, parseHealth, decideSteadyState, type HealthRecord } from './health.js';
export { LockUnreachableError, type RebootLock } from './rebootLock.js';
export { openRebootLock, openEtcdLock } from './openLock.js';
export { EtcdFleetLock, type GroupStatus } from './etcd/etcdLock.js';
export { FleetLockClient } from './fleetLockHttp.js';
export { nodeIdFromMachineId, readMachineId, instanceToken } from './identity.js';
