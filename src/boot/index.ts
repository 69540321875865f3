/** The boot side: pointers, menu, counting, health check, /etc merge, bootable images. */
export { moveGrubPointer, setNextBoot, repairPointers, readGrubPointer } from './pointers.js';
export { refreshBootMenu } from './grub/menu.js';
export { chrootBootStubs, handleBootRequests, type ChrootStub } from './stubs.js';
export { installBootloader, reinstallBootloader, BOOTABLE_INCLUDES, type BootableImageTarget } from './esp/install.js';
export { healthCheck, type HealthCheckOptions, type HealthCheckOutcome } from './health/healthCheck.js';
export { readBootStatus, type BootStatus } from './status.js';
export { mergeEtcAtBoot, pendingEtcEdits, readEtcMergeReport, type EtcMergeReport, type PendingEtcEdits } from './etcMerge/etcMerge.js';
export {
  isBadPackageSet,
  badPackageSets,
  lastKnownGood,
  knownGoodList,
  markKnownGood,
  readHealthResult,
  type BadPackageSet,
  type HealthResult,
} from './state.js';

import { BOOTABLE_INCLUDES, installBootloader } from './esp/install.js';

/** The ESP's size for image create --bootable. */
export const ESP_SIZE_BYTES = 100 * 1024 * 1024;

/** What src/image/create.ts's BootableHooks wants, in one object. */
export const bootableImageHooks = {
  includes: BOOTABLE_INCLUDES,
  espSizeBytes: ESP_SIZE_BYTES,
  install: installBootloader,
};
