/** The system's configuration (transactional-update.conf), read once per command. */
import { loadConfig, type ConfigValues } from '../config/load.js';
import { resolveSettings, type Settings } from '../config/settings.js';
import { systemTimeZone } from '../reboot/timezone.js';
import { log } from '../util/log.js';

export function systemSettings(root: string, file: string | undefined): { config: ConfigValues; settings: Settings } {
  const config = loadConfig({ root, ...(file ? { file } : {}) });
  const settings = resolveSettings(config, { localTimeZone: systemTimeZone(root) });
  for (const warning of settings.warnings) log.warn(warning);
  return { config, settings };
}
