/**
 * Inside a transaction the boot loader tools only record what was asked of them: the snapshot
 * has no Node, the tool refuses to nest, and a grub.cfg written there would be one no GRUB
 * reads. The engine bind-mounts these stubs over the real paths in the chroot and binds a host
 * directory at requestDirInChroot; after teardown handleBootRequests acts on what was recorded.
 *
 * The kernel hooks run after initramfs-tools' own hook (name order in /etc/kernel/postinst.d),
 * which builds the initrd inside the new snapshot; ours records the kernel version.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { log } from '../util/log.js';
import type { System } from '../snapshots/system.js';
import { findKernel } from './kernel.js';
import { refreshBootMenu } from './grub/menu.js';

export interface ChrootStub {
  pathInChroot: string;
  content: string;
  mode: number;
}

/** Request kinds; each is a file in the request directory. */
export const REQUESTS = ['update-grub', 'grub-mkconfig', 'grub-install', 'kernel-installed', 'kernel-removed'] as const;

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, "'\\''")}'`;
}

function recorder(dir: string, request: string, note: string): string {
  return [
    '#!/bin/sh',
    `# transactional-update: ${note}`,
    `printf '%s\\n' "$*" >> ${shellQuote(`${dir}/${request}`)}`,
    'exit 0',
    '',
  ].join('\n');
}

export function chrootBootStubs(requestDirInChroot: string): ChrootStub[] {
  const later = 'recorded; the boot menu is regenerated after the transaction';
  return [
    { pathInChroot: '/usr/sbin/update-grub', content: recorder(requestDirInChroot, 'update-grub', later), mode: 0o755 },
    { pathInChroot: '/usr/sbin/grub-mkconfig', content: recorder(requestDirInChroot, 'grub-mkconfig', later), mode: 0o755 },
    {
      pathInChroot: '/usr/sbin/grub-install',
      content: recorder(requestDirInChroot, 'grub-install', "recorded; run 'transactional-update bootloader' to reinstall the boot loader"),
      mode: 0o755,
    },
    {
      pathInChroot: '/etc/kernel/postinst.d/zz-transactional-update',
      content: recorder(requestDirInChroot, 'kernel-installed', 'a kernel was installed: the menu will offer it'),
      mode: 0o755,
    },
    {
      pathInChroot: '/etc/kernel/postrm.d/zz-transactional-update',
      content: recorder(requestDirInChroot, 'kernel-removed', 'a kernel was removed'),
      mode: 0o755,
    },
  ];
}

export function readBootRequests(requestDir: string): Map<string, string[]> {
  const requests = new Map<string, string[]>();
  if (!existsSync(requestDir)) return requests;
  for (const name of readdirSync(requestDir)) {
    if (!(REQUESTS as readonly string[]).includes(name)) continue;
    // One line per call (the arguments); a call without arguments is an empty line.
    requests.set(name, readFileSync(join(requestDir, name), 'utf8').replace(/\n$/, '').split('\n'));
  }
  return requests;
}

/**
 * After teardown: a recorded menu request or kernel change regenerates the menu (the new
 * snapshot's kernel is found in its /boot); a kernel without an initrd is reported.
 */
export async function handleBootRequests(system: System, number: number, requestDir: string): Promise<void> {
  const requests = readBootRequests(requestDir);
  if (requests.size === 0) return;
  log.detail(`boot requests from the transaction: ${[...requests.keys()].join(', ')}`);
  if (requests.has('grub-install')) {
    log.warn("the transaction asked to reinstall the boot loader; run 'transactional-update bootloader' to do it");
  }
  const snapshotRoot = system.store.paths(number).snapshot;
  for (const version of requests.get('kernel-installed') ?? []) {
    const v = version.split(' ')[0]!;
    if (!existsSync(join(snapshotRoot, 'boot', `initrd.img-${v}`))) {
      log.warn(`snapshot ${number} has kernel ${v} but no initrd for it; run 'transactional-update initrd'`);
    }
  }
  if (!findKernel(snapshotRoot)) log.warn(`snapshot ${number} has no kernel with an initrd in /boot: the boot menu will not offer it`);
  await refreshBootMenu(system);
}
