/** What the report shows of a running lab: every switch's sessions and kernel routes, read once. */
import { settleBounded } from "../bounded.js";
import { bgpSummary, type BgpSummary } from "../probes/bgp.js";
import { kernelRoutes, type KernelRoute } from "../probes/routes.js";
import { leaves, type Topology } from "../topology/model.js";
import type { CommandRunner } from "../transport/runner.js";
import type { ObservedFabric } from "./fabric-svg.js";

/** Every switch's BGP summary and kernel routes, by switch name. */
export interface LabObservation {
  readonly summaries: ReadonlyMap<string, BgpSummary>;
  readonly routes: ReadonlyMap<string, readonly KernelRoute[]>;
}

/**
 * Asks every switch for its BGP summary and its kernel routes (one of each a switch: the picture
 * and the health matrices read the same observation). Throws the probes' LabError when a switch
 * cannot be asked.
 */
export async function observeLab(t: Topology, runner: (node: string) => CommandRunner): Promise<LabObservation> {
  const summaries = new Map<string, BgpSummary>();
  const routes = new Map<string, readonly KernelRoute[]>();
  // A few switches per core at once: 416 looks at once timed out (`ip -j route show`, 10 s) at 208 switches.
  await settleBounded(t.switches, async (sw) => {
    const [summary, kernel] = await Promise.all([bgpSummary(runner(sw.name)), kernelRoutes(runner(sw.name))]);
    summaries.set(sw.name, summary.value);
    routes.set(sw.name, kernel.value);
  });
  return { summaries, routes };
}

/**
 * What the picture shows of an observation: each session's state by switch and neighbor, and a
 * leaf's ECMP width, the fewest next hops among its routes to the other racks (0 when one is missing).
 */
export function pictureState(t: Topology, observed: LabObservation): ObservedFabric {
  const sessions = new Map<string, Map<string, string>>();
  for (const [name, summary] of observed.summaries) sessions.set(name, new Map(summary.peers.map((p) => [p.address, p.state])));
  const ecmpWidth = new Map<string, number>();
  for (const leaf of leaves(t)) {
    const routes = observed.routes.get(leaf.name) ?? [];
    const racks = t.switches.flatMap((s) => (s.rack && s.name !== leaf.name ? [s.rack.subnet] : []));
    const widths = racks.map((subnet) => routes.find((r) => r.dst === subnet)?.nexthops.length ?? 0);
    if (widths.length > 0) ecmpWidth.set(leaf.name, Math.min(...widths));
  }
  return { sessions, ecmpWidth };
}

/** The picture's state of a running lab (observeLab, then pictureState). */
export async function observeFabric(t: Topology, runner: (node: string) => CommandRunner): Promise<ObservedFabric> {
  return pictureState(t, await observeLab(t, runner));
}
