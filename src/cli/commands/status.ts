/** `status`: booted, next boot and what it brings, boot loader, reboot plan. */
import { jsonLine } from '../render/json.js';
import type { Command } from 'commander';
import { errorMessage } from '../../errors.js';
import { log } from '../../util/log.js';
import type { CliContext } from '../context.js';
import { systemSettings } from '../settings.js';
import { looksLikeTerminal } from '../../util/stdout.js';

export function define(program: Command, ctx: () => CliContext): Command {
  return program.command('status').description('booted, default and pending snapshots').action(async () => {
    const c = ctx();
    const system = await c.system();
    let settings;
    try {
      settings = systemSettings(system.root, c.options.config).settings;
    } catch (error) {
      log.warn(`configuration: ${errorMessage(error)}`);
    }
    const [{ readSystemStatus }, { renderStatus, statusJson }, { makePalette, wantsColor }] = await Promise.all([
      import('../../operations/status.js'),
      import('../render/status.js'),
      import('../render/palette.js'),
    ]);
    const status = await readSystemStatus(system, settings);
    if (c.options.json) c.print(jsonLine(statusJson(status)));
    else for (const line of renderStatus(status, makePalette(wantsColor({ isTTY: looksLikeTerminal() })))) c.print(line);
  });
}
