/** What `image create --bootable` adds, from the boot module. */
import type { BootableHooks } from '../image/create.js';
import { TuError } from '../errors.js';

export async function bootableHooks(): Promise<BootableHooks> {
  throw new TuError('image create --bootable is not available yet');
}
