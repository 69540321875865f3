/** The boot side: pointers, menu, counting, health check, /etc merge, bootable images. */
export { setNextBoot, repairPointers, readGrubPointer } from './pointers.js';
export { refreshBootMenu } from './menu.js';
export { isBadPackageSet, lastKnownGood, markKnownGood, readHealthResult, type HealthResult } from './state.js';
