/**
 * What every transaction command shares: the request's common part from the global options,
 * and the outcome rendered. The engine is loaded here, when a transaction runs.
 */
import { jsonLine } from './render/json.js';
import type { TransactionOutcome, TransactionRequest } from '../transaction/request.js';
import type { CliContext } from './context.js';
import { renderOutcome, outcomeJson } from './render/outcome.js';

export type RequestPart = Omit<TransactionRequest, 'description' | 'commandLine' | 'continueFrom' | 'dropIfNoChange' | 'keep' | 'output'>;

export async function transact(ctx: CliContext, description: string, part: RequestPart): Promise<TransactionOutcome> {
  const system = await ctx.system();
  const { runTransaction } = await import('../transaction/transaction.js');
  const outcome = await runTransaction(system, {
    description: ctx.options.description ?? description,
    commandLine: ['transactional-update', ...ctx.argv],
    ...(ctx.options.continue !== undefined ? { continueFrom: ctx.options.continue } : {}),
    dropIfNoChange: ctx.options.dropIfNoChange,
    keep: ctx.options.keep,
    output: ctx.options.json ? 'stderr' : 'inherit',
    ...part,
  });
  return outcome;
}

/** Run and report as pkg, up, dup, run and shell do. */
export async function transactAndReport(ctx: CliContext, description: string, part: RequestPart): Promise<void> {
  const outcome = await transact(ctx, description, part);
  if (ctx.options.json) ctx.print(jsonLine(outcomeJson(outcome)));
  else for (const line of renderOutcome(outcome)) ctx.note(line);
}
