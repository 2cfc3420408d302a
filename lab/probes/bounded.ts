/**
 * Matrices of probes (every host to every host) run bounded: each source's probes one after the
 * other, and at most `limit` sources at once. A probe's own timeout starts when it runs, so it
 * measures the network, never the queue in front of it. The results keep the items' order.
 */
import { perCoreLimit } from "../bounded.js";

/** The default bound: sources probing at once, a few per core (a probe mostly waits on the network). */
export function sourceLimit(): number {
  return perCoreLimit();
}

export async function perSourceBounded<T, R>(
  items: readonly T[],
  sourceOf: (item: T) => string,
  probe: (item: T) => Promise<R>,
  limit: number = sourceLimit(),
): Promise<R[]> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`a source limit must be a whole number >= 1, not ${limit}`);
  const lanes = new Map<string, number[]>();
  items.forEach((item, index) => {
    const source = sourceOf(item);
    lanes.set(source, [...(lanes.get(source) ?? []), index]);
  });
  const queue = [...lanes.values()];
  const results = new Array<R>(items.length);
  const worker = async () => {
    for (let lane = queue.shift(); lane !== undefined; lane = queue.shift()) {
      for (const index of lane) results[index] = await probe(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, worker));
  return results;
}
