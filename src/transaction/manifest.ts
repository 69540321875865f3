/**
 * Step 5 (docs/architecture.md): every snapshot gets its manifest — manifest.json, the source of truth,
 * then its row in the index (a failing index is rebuilt by the next reader).
 */
import { buildManifest } from '../manifest/build.js';
import { indexRecordedManifest } from '../manifest/record.js';
import { writeManifest } from '../manifest/storeJson.js';
import type { Manifest } from '../manifest/types.js';
import type { System } from '../snapshots/system.js';
import type { ClonedEtc } from './clone.js';
import { faultPoint } from './faultPoint.js';
import type { OpenTransaction } from './prepare.js';
import type { TransactionRequest } from './request.js';
import type { StepsResult } from './runSteps.js';
import { safeUser } from './user.js';

export async function recordManifest(system: System, tx: OpenTransaction, request: TransactionRequest, ran: StepsResult, etc: ClonedEtc): Promise<Manifest> {
  const manifest = await buildManifest({
    store: system.store,
    base: tx.base,
    number: tx.number,
    provenance: {
      commandLine: request.commandLine,
      user: safeUser(),
      startedAt: tx.startedAt.toISOString(),
      endedAt: new Date().toISOString(),
      exitStatus: 0,
      baseNumber: tx.base,
      packageManager: request.packageManager ?? null,
    },
    sharedWrites: ran.sharedWrites,
    compareWhole: !etc.startIsBeginning,
  });
  writeManifest(system.store, manifest);
  faultPoint('manifest-json');
  indexRecordedManifest(system.store, manifest);
  faultPoint('manifest-index');
  return manifest;
}
