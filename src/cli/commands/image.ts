/** image create|mount|umount: managed Btrfs systems in loop images. */
import { jsonLine } from '../render/json.js';
import type { Command } from 'commander';
import { EnvironmentError } from '../../errors.js';
import { escapeControl } from '../../util/escape.js';
import type { CliContext } from '../context.js';

function requireRoot(): void {
  if (process.getuid?.() !== 0) throw new EnvironmentError('image commands must run as root', { hint: 'run it with sudo' });
}

export function define(program: Command, ctx: () => CliContext): Command {
  const image = program.command('image').description('managed Btrfs systems in loop images');
  image.command('create').argument('<file>', 'the image file to create (sparse)')
    .option('--size <size>', 'image size', '4G')
    .option('--suite <suite>', 'Debian suite (bookworm: managed from a host only, without the package)', 'trixie')
    .option('--include <packages>', 'extra packages, comma-separated', '')
    .option('--mirror <url>', 'Debian mirror for mmdebstrap')
    .option('--bootable', 'a GPT disk with an ESP and GRUB, bootable under UEFI')
    .option('--package <file>', "the tool's .deb to install into the system (default: the one npm run package built)")
    .description('create an image holding a managed Debian system')
    .action(async (file: string, opts: { size: string; suite: string; include: string; mirror?: string; bootable?: boolean; package?: string }) => {
      requireRoot();
      const include = opts.include.split(',').map((p) => p.trim()).filter(Boolean);
      const { choosePackage } = await import('../../image/toolPackage.js');
      const toolPackage = await choosePackage(opts.suite, opts.package);
      const c = ctx();
      if (!toolPackage) c.note(`The ${escapeControl(opts.suite)} system gets no transactional-update package (its nodejs is older than 20): manage it from a host with --root.`);
      const bootable = opts.bootable ? (await import('../../boot/index.js')).bootableImageHooks : undefined;
      const { createImage, parseSize } = await import('../../image/create.js');
      const created = await createImage({
        file, sizeBytes: parseSize(opts.size), suite: opts.suite, include,
        ...(opts.mirror ? { mirror: opts.mirror } : {}),
        ...(bootable ? { bootable } : {}),
        ...(toolPackage ? { toolPackage } : {}),
      });
      if (c.options.json) c.print(jsonLine(created));
      else c.note(`Created ${escapeControl(created.file)} (file system ${created.uuid}): snapshot 1 is the default.`);
    });
  image.command('mount').argument('<file>').argument('<dir>')
    .description('mount an image as a booted system sees itself')
    .action(async (file: string, dir: string) => {
      requireRoot();
      const { mountImage } = await import('../../image/mount.js');
      const mounted = await mountImage(file, dir);
      ctx().note(`Mounted ${escapeControl(file)} at ${escapeControl(mounted.dir)} (${mounted.devices.join(', ')}).`);
    });
  image.command('umount').alias('unmount').argument('<dir>')
    .description('unmount an image mounted with image mount and detach its loop devices')
    .action(async (dir: string) => {
      requireRoot();
      const { umountImage } = await import('../../image/mount.js');
      await umountImage(dir);
      ctx().note(`Unmounted ${escapeControl(dir)}.`);
    });
  return image;
}
