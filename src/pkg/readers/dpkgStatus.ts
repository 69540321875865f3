/**
 * dpkg's status file (deb822 paragraphs). A package counts as installed when its files of
 * that version are on disk: status `installed`, `triggers-awaited`, `triggers-pending`,
 * `half-configured` and `unpacked` (the last two only after a failed run, as in a kept
 * failed snapshot). Not: `not-installed`, `config-files` (removed, its conffiles left) and
 * `half-installed` (an unpack or removal broke off midway: no version is whole on disk).
 */
import type { InstalledPackage } from '../types.js';

const PRESENT = new Set(['installed', 'triggers-awaited', 'triggers-pending', 'half-configured', 'unpacked']);

export type DpkgParagraph = Map<string, string>;

/** Split deb822 text into paragraphs of lower-cased field names → values (continuations joined). */
export function parseDeb822(text: string): DpkgParagraph[] {
  const paragraphs: DpkgParagraph[] = [];
  let current: DpkgParagraph | undefined;
  let lastField: string | undefined;
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      if (current) paragraphs.push(current);
      current = undefined;
      lastField = undefined;
      continue;
    }
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (current && lastField) current.set(lastField, `${current.get(lastField)}\n${line.slice(1)}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    current ??= new Map();
    lastField = line.slice(0, colon).trim().toLowerCase();
    current.set(lastField, line.slice(colon + 1).trim());
  }
  if (current) paragraphs.push(current);
  return paragraphs;
}

/** The third word of `Status: want flag status`. */
export function dpkgState(paragraph: DpkgParagraph): string | undefined {
  return paragraph.get('status')?.split(/\s+/)[2];
}

export function parseDpkgStatus(text: string): InstalledPackage[] {
  const packages: InstalledPackage[] = [];
  for (const paragraph of parseDeb822(text)) {
    const name = paragraph.get('package');
    const version = paragraph.get('version');
    const state = dpkgState(paragraph);
    if (!name || !version || !state || !PRESENT.has(state)) continue;
    packages.push({ name, arch: paragraph.get('architecture') ?? '', version });
  }
  return packages;
}
