/** Commands contributed by other modules (boot, manifest, reboot, fleet), wired in one place. */
import type { Command } from 'commander';
import type { CliContext } from './context.js';

export function registerExtensionCommands(_program: Command, _ctx: () => CliContext): void {}
