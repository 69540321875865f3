/**
 * Run steps at the same time and wait for every one of them, also when one fails: the caller
 * cleans up after a failure, and must not race a step still running. The first failure is
 * thrown.
 */
export async function allSettled<T extends readonly unknown[]>(steps: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const results = await Promise.allSettled(steps);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
