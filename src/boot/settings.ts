/**
 * Boot settings written once by installBootloader beside the menu, outside every snapshot:
 * what the menu generator needs and cannot read from a snapshot.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomicWrite.js';
import { DEFAULT_BOOT_ATTEMPTS, GRUB_DIR, SETTINGS_FILE } from './layout.js';

export interface BootSettings {
  fsUuid: string;
  espUuid: string | undefined;
  bootAttempts: number;
  timeout: number;
  serial: boolean;
}

export function grubDir(top: string): string {
  return join(top, GRUB_DIR);
}

export function hasGrubDir(top: string): boolean {
  return existsSync(join(grubDir(top), SETTINGS_FILE));
}

export function readBootSettings(top: string): BootSettings {
  const raw = JSON.parse(readFileSync(join(grubDir(top), SETTINGS_FILE), 'utf8')) as Partial<BootSettings>;
  return {
    fsUuid: String(raw.fsUuid ?? ''),
    espUuid: raw.espUuid ? String(raw.espUuid) : undefined,
    bootAttempts: Number.isInteger(raw.bootAttempts) && raw.bootAttempts! > 0 ? raw.bootAttempts! : DEFAULT_BOOT_ATTEMPTS,
    timeout: Number.isInteger(raw.timeout) && raw.timeout! >= 0 ? raw.timeout! : 5,
    serial: raw.serial === true,
  };
}

export function writeBootSettings(top: string, settings: BootSettings): void {
  writeFileAtomic(join(grubDir(top), SETTINGS_FILE), `${JSON.stringify(settings, null, 2)}\n`);
}
