/** What `image create --bootable` adds, from the boot module. */
import type { BootableHooks } from '../image/create.js';

export async function bootableHooks(): Promise<BootableHooks> {
  const { bootableImageHooks } = await import('../boot/index.js');
  return bootableImageHooks;
}
