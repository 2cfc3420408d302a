/**
 * The state a correct fabric is in, derived from the topology alone: which sessions, which routes,
 * over which next hops. Generic scenarios and the convergence wait both judge against this.
 */
import { advertisedPrefixes, bgpPeers, findSwitch, type Switch, type Topology } from "../topology/model.js";

export interface ExpectedRoute {
  readonly prefix: string;
  /** The switch that originates it. */
  readonly origin: string;
  /** Every equal-cost next hop (ECMP), as neighbor addresses with the neighbor's name. */
  readonly nextHops: ReadonlyArray<{ readonly address: string; readonly node: string }>;
  /** The AS-path length of the best paths (eBGP: one AS per switch on the way). */
  readonly hops: number;
}

/** Hop distances between switches over the fabric's links (breadth-first). */
function distancesFrom(t: Topology, origin: Switch): Map<string, number> {
  const distance = new Map<string, number>([[origin.name, 0]]);
  let frontier = [origin];
  while (frontier.length > 0) {
    const next: Switch[] = [];
    for (const sw of frontier) {
      for (const i of sw.interfaces) {
        if (distance.has(i.peer.node)) continue;
        distance.set(i.peer.node, (distance.get(sw.name) ?? 0) + 1);
        const peer = findSwitch(t, i.peer.node);
        if (peer) next.push(peer);
      }
    }
    frontier = next;
  }
  return distance;
}

/**
 * The routes a switch should have for every prefix the other switches originate: BGP chooses the
 * shortest AS paths and, with as-path multipath-relax, installs all of them.
 */
export function expectedRoutes(t: Topology, sw: Switch): ExpectedRoute[] {
  return t.switches
    .filter((origin) => origin !== sw)
    .flatMap((origin) => {
      const distance = distancesFrom(t, origin);
      const own = distance.get(sw.name);
      if (own === undefined) return [];
      const nextHops = bgpPeers(t, sw)
        .filter((p) => distance.get(p.node) === own - 1)
        .map((p) => ({ address: p.address, node: p.node }));
      return advertisedPrefixes(origin).map((prefix) => ({ prefix, origin: origin.name, nextHops, hops: own }));
    });
}
