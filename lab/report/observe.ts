/** What the fabric picture shows of a running lab: every switch's sessions, every leaf's ECMP width. */
import { bgpSummary } from "../probes/bgp.js";
import { kernelRoutes } from "../probes/routes.js";
import { leaves, type Topology } from "../topology/model.js";
import type { CommandRunner } from "../transport/runner.js";
import type { ObservedFabric } from "./fabric-svg.js";

/**
 * Asks every switch for its BGP summary and every leaf for its kernel routes. A leaf's ECMP width
 * is the fewest next hops among its routes to the other racks (0 when one is missing). Throws the
 * probes' LabError when a switch cannot be asked.
 */
export async function observeFabric(t: Topology, runner: (node: string) => CommandRunner): Promise<ObservedFabric> {
  const sessions = new Map<string, Map<string, string>>();
  const ecmpWidth = new Map<string, number>();
  await Promise.all(
    t.switches.map(async (sw) => {
      const summary = await bgpSummary(runner(sw.name));
      sessions.set(sw.name, new Map(summary.value.peers.map((p) => [p.address, p.state])));
    }),
  );
  await Promise.all(
    leaves(t).map(async (leaf) => {
      const routes = (await kernelRoutes(runner(leaf.name))).value;
      const racks = t.switches.flatMap((s) => (s.rack && s.name !== leaf.name ? [s.rack.subnet] : []));
      const widths = racks.map((subnet) => routes.find((r) => r.dst === subnet)?.nexthops.length ?? 0);
      if (widths.length > 0) ecmpWidth.set(leaf.name, Math.min(...widths));
    }),
  );
  return { sessions, ecmpWidth };
}
