/** SIGINT/SIGTERM/SIGHUP during a transaction end it cleanly (before the commit point) instead of killing the tool. */
import { InterruptedError } from '../errors.js';

export interface SignalWatch {
  signal: NodeJS.Signals | undefined;
  throwIfInterrupted(): void;
  [Symbol.dispose](): void;
}

export function watchSignals(ignoreInterrupt: boolean): SignalWatch {
  const names: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const watch: SignalWatch = {
    signal: undefined,
    throwIfInterrupted() {
      if (watch.signal) throw new InterruptedError(watch.signal);
    },
    [Symbol.dispose]() {
      for (const s of names) process.off(s, handler);
    },
  };
  const handler = (signal: NodeJS.Signals) => {
    if (signal === 'SIGINT' && ignoreInterrupt) return;
    watch.signal ??= signal;
  };
  for (const s of names) process.on(s, handler);
  return watch;
}
