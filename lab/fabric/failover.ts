/** Judging the fabric around a failure: convergence within its budget, and the paths it has left. */
import type { Budget } from "../expect/budgets.js";
import { bgpPeers, findSwitch, rackSubnets, type Switch, type Topology } from "../topology/model.js";
import { expectedRoutes } from "./expected.js";
import type { ObservedRoute } from "./judge.js";
import type { ConvergenceFigures } from "./measure.js";

/**
 * A leaf of the reduced fabric routes every other rack subnet over the next hops of the baseline
 * but those it no longer peers with: in two tiers one spine fewer; in a 5-stage Clos, a leaf of
 * another pod keeps all its spines (they reach the failed spine's pod through the super-spines).
 */
export function oneSpineFewerFindings(baseline: Topology, reduced: Topology, leaf: Switch, routes: readonly ObservedRoute[]): string[] {
  const before = findSwitch(baseline, leaf.name);
  const peers = new Set(bgpPeers(reduced, leaf).map((p) => p.node));
  const otherRacks = rackSubnets(reduced).filter((subnet) => subnet !== leaf.rack?.subnet && subnet !== leaf.rack?.subnet6);
  return otherRacks.flatMap((subnet) => {
    const had = before ? (expectedRoutes(baseline, before).find((r) => r.prefix === subnet)?.nextHops ?? []) : [];
    const left = had.filter((h) => peers.has(h.node)).length;
    const now = routes.find((r) => r.dst === subnet)?.nexthops.length ?? 0;
    if (now === left) return [];
    const lost = had.length - left;
    return [`${leaf.name} routes ${subnet} over ${now} next hops (expected ${left}: ${lost === 1 ? "one spine fewer than" : lost === 0 ? "as many as" : `${lost} fewer than`} the ${had.length} of the baseline)`];
  });
}

/** Converged within the budget, or the last findings of the measurement. */
export function convergenceFindings(what: string, budget: Budget, figures: ConvergenceFigures): string[] {
  return figures.converged ? [] : [`the fabric did not converge within ${budget.ms} ms (${budget.reason}) ${what}:`, ...figures.findings];
}
