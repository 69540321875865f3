/** A transaction's outcome for people, and its --json (docs/json-output.md). */
import type { TransactionOutcome } from '../../transaction/request.js';

export function renderOutcome(outcome: TransactionOutcome): string[] {
  const lines = [...outcome.messages];
  if (outcome.status === 'dropped') lines.push(`No changes: snapshot ${outcome.number} was dropped.`);
  else lines.push(`Snapshot ${outcome.number} is the next boot (base ${outcome.base}). Reboot to use it.`);
  return lines;
}

export function outcomeJson(outcome: TransactionOutcome) {
  return {
    status: outcome.status,
    snapshot: outcome.number,
    base: outcome.base,
    rebootNeeded: outcome.rebootNeeded,
    messages: outcome.messages,
    warnings: outcome.warnings,
  };
}
