/** Reading every switch's kernel routes: one probe a switch by default; a driver may read them all at once. */
import { mapBounded } from "../bounded.js";
import { kernelRoutesOf, type KernelRoute } from "../probes/index.js";
import type { Family } from "../topology/model.js";
import type { CommandRunner } from "../transport/runner.js";

/** Every switch's kernel routes, by switch: one probe a switch by default; a driver may read them all at once. */
export type KernelRoutesOf = (switches: readonly string[], families: readonly Family[]) => Promise<ReadonlyMap<string, readonly KernelRoute[]>>;

/** The default: `ip -j route show` (and `ip -6 ...` when dual stack) on each switch through its runner. */
export function kernelRoutesEach(runnerOf: (node: string) => CommandRunner): KernelRoutesOf {
  return async (switches, families) => new Map(await mapBounded(switches, async (sw) => [sw, await kernelRoutesOf(runnerOf(sw), families)] as const));
}

