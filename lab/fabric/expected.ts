/**
 * The state a correct fabric is in, derived from the topology alone: which sessions, which routes,
 * over which next hops. Generic scenarios and the convergence wait both judge against this. The
 * routes are BGP's own result over the topology's AS plan (lab/topology/path-vector.ts), not hop
 * counts: a path that carries the receiver's AS is dropped, so with all spines in one AS a spine
 * never routes through another spine.
 */
import { bestRoutes, bgpPeers, type BgpPeer, type Switch, type Topology } from "../topology/model.js";

export interface ExpectedRoute {
  readonly prefix: string;
  /** The switch that originates it. */
  readonly origin: string;
  /** Every equal-cost next hop (ECMP), as neighbor addresses with the neighbor's name. */
  readonly nextHops: ReadonlyArray<{ readonly address: string; readonly node: string }>;
  /** The AS-path length of the best paths. */
  readonly hops: number;
}

/** The routes a switch should have: one per prefix BGP carries to it, over all its best paths. */
export function expectedRoutes(t: Topology, sw: Switch): ExpectedRoute[] {
  return bestRoutes(t, sw).map((r) => ({ prefix: r.prefix, origin: r.origin, nextHops: r.nextHops, hops: r.asPaths[0]?.length ?? 0 }));
}

/** One switch's expected state: its sessions, the prefixes it learns (their count), its routes. */
export interface ExpectedState {
  readonly sessions: readonly BgpPeer[];
  readonly prefixes: readonly string[];
  readonly routes: readonly ExpectedRoute[];
}

export function expectedState(t: Topology, sw: Switch): ExpectedState {
  const routes = expectedRoutes(t, sw);
  return { sessions: bgpPeers(t, sw), prefixes: routes.map((r) => r.prefix), routes };
}
