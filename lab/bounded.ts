/**
 * Work over many items, at most `limit` at once. Bring-up starts a few processes per switch: on
 * two cores, 208 switches started all at once spend longer waiting for the CPU than their own
 * timeouts allow (a bgpd took over 10 s to daemonize), while a few per core keep both cores busy.
 */
import { availableParallelism } from "node:os";

/** A few per core: the work mostly waits (on a process starting, a socket, the network). */
export function perCoreLimit(perCore = 4): number {
  return Math.max(1, availableParallelism()) * perCore;
}

/**
 * Runs `work` on every item, at most `limit` at once, and resolves when all have settled. After a
 * failure no new item starts, but those already running settle first (cleanup must not begin while
 * a process is still being started); then it rejects with the first failure.
 */
export async function settleBounded<T>(items: Iterable<T>, work: (item: T) => Promise<unknown>, limit: number = perCoreLimit()): Promise<void> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`a concurrency limit must be a whole number >= 1, not ${limit}`);
  const queue = [...items];
  let failure: { reason: unknown } | undefined;
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined && !failure; item = queue.shift()) {
      try {
        await work(item);
      } catch (reason) {
        failure ??= { reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, worker));
  if (failure) throw failure.reason;
}

/** `work` on every item, at most `limit` at once; the results in the items' order. Rejects with the first failure, once all have settled. */
export async function mapBounded<T, R>(items: readonly T[], work: (item: T) => Promise<R>, limit: number = perCoreLimit()): Promise<R[]> {
  const results = new Array<R>(items.length);
  await settleBounded(items.keys(), async (index) => {
    results[index] = await work(items[index]!);
  }, limit);
  return results;
}
