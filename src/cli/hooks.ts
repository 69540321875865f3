/** The transaction hooks the CLI composes: manifest, boot loader, reboot level. */
import type { TransactionHooks } from '../transaction/close.js';
import type { CliContext } from './context.js';

export function transactionHooks(_ctx: CliContext): TransactionHooks {
  return {};
}
