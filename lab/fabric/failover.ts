/** Judging the fabric around a failure: convergence within its budget, and the paths it has left. */
import type { Budget } from "../expect/budgets.js";
import { findSwitch, rackSubnets, type Switch, type Topology } from "../topology/model.js";
import { expectedRoutes } from "./expected.js";
import type { ObservedRoute } from "./judge.js";
import type { ConvergenceFigures } from "./measure.js";

/** A leaf of the reduced fabric routes every other rack subnet over one next hop fewer than in the baseline. */
export function oneSpineFewerFindings(baseline: Topology, reduced: Topology, leaf: Switch, routes: readonly ObservedRoute[]): string[] {
  const before = findSwitch(baseline, leaf.name);
  const otherRacks = rackSubnets(reduced).filter((subnet) => subnet !== leaf.rack?.subnet);
  return otherRacks.flatMap((subnet) => {
    const had = before ? (expectedRoutes(baseline, before).find((r) => r.prefix === subnet)?.nextHops.length ?? 0) : 0;
    const now = routes.find((r) => r.dst === subnet)?.nexthops.length ?? 0;
    return now === had - 1 ? [] : [`${leaf.name} routes ${subnet} over ${now} next hops (expected ${had - 1}: one spine fewer than the ${had} of the baseline)`];
  });
}

/** Converged within the budget, or the last findings of the measurement. */
export function convergenceFindings(what: string, budget: Budget, figures: ConvergenceFigures): string[] {
  return figures.converged ? [] : [`the fabric did not converge within ${budget.ms} ms (${budget.reason}) ${what}:`, ...figures.findings];
}
