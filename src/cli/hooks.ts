/**
 * The transaction hooks the CLI composes: manifest (src/manifest), boot loader (src/boot),
 * reboot level (src/reboot). The engine knows none of these modules.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chrootBootStubs, handleBootRequests, isBadPackageSet, refreshBootMenu, repairPointers, setNextBoot } from '../boot/index.js';
import { TuError } from '../errors.js';
import { readInstalledPackages } from '../pkg/installed.js';
import { buildManifest } from '../manifest/build.js';
import { recordManifest } from '../manifest/record.js';
import { readManifest } from '../manifest/storeJson.js';
import type { Manifest } from '../manifest/types.js';
import { levelForChangedPaths } from '../reboot/level.js';
import { recordRebootLevel } from '../reboot/state.js';
import { gatherOverview } from '../snapshots/overview.js';
import type { TransactionHooks } from '../transaction/close.js';
import { escapeControl } from '../util/escape.js';
import { log } from '../util/log.js';
import type { CliContext } from './context.js';

const REQUEST_DIR_INSIDE = '/run/transactional-update';

export interface HookOptions {
  /** `up`/`dup`: refuse to rebuild a package set that failed its health check before. */
  refuseBadPackageSets?: boolean;
}

export function transactionHooks(ctx: CliContext, options: HookOptions = {}): TransactionHooks {
  let manifest: Manifest | undefined;
  return {
    async beforeStart(system, base) {
      await repairPointers(system);
      const overview = await gatherOverview(system);
      const pending = overview.snapshots.find((s) => s.pending && s.number !== base);
      if (!pending) return;
      const held = readManifest(system.store, pending.number);
      const packages = held?.packages.map((p) => `${p.name} ${p.to ?? '(removed)'}`) ?? [];
      ctx.note(
        `Note: snapshot ${pending.number} (${escapeControl(pending.description)}) is the next boot and has not been booted; ` +
          `this transaction starts from ${base} and supersedes it` +
          (packages.length ? ` — it holds ${packages.slice(0, 10).join(', ')}${packages.length > 10 ? ', …' : ''}` : '') +
          '. Use --continue to keep its changes.',
      );
    },
    chrootStubs(_snapshotRoot, supplements, stubDir) {
      return chrootBootStubs(REQUEST_DIR_INSIDE).map((stub, i) => {
        const source = join(stubDir, `stub-${i}`);
        writeFileSync(source, stub.content, { mode: stub.mode });
        supplements.add(stub.pathInChroot, '', stub.mode);
        return { source, inside: stub.pathInChroot, underRun: false };
      });
    },
    async writeManifest(system, input) {
      if (options.refuseBadPackageSets) {
        const packages = await readInstalledPackages(system.store.paths(input.number).snapshot);
        if (isBadPackageSet(system.stateDir, packages)) {
          throw new TuError('this update would rebuild a package set that failed its health check before; nothing was changed', {
            hint: "see 'transactional-update status'; wait for fixed packages, or install them explicitly with 'pkg'",
          });
        }
      }
      manifest = await buildManifest({
        store: system.store,
        base: input.base,
        number: input.number,
        provenance: input.provenance,
        sharedWrites: input.sharedWrites,
        continued: input.base !== system.booted,
      });
      recordManifest(system.store, manifest);
    },
    async afterTeardown(system, input) {
      await handleBootRequests(system, input.number, input.requestDir);
    },
    setNextBoot,
    async afterCommit(system, input) {
      await refreshBootMenu(system);
      const paths = manifest ? manifest.files.map((f) => f.path) : ['/'];
      const level = manifest && manifest.files.length === 0 && manifest.packages.length === 0 ? 'none' : levelForChangedPaths(paths);
      try {
        recordRebootLevel(system.stateDir, input.number, input.rebootNeeded ? 'reboot' : level, { base: input.base });
      } catch (error) {
        log.warn(`could not record the reboot level: ${String(error)}`);
      }
    },
  };
}
