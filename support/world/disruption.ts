/** A failure a disruptive scenario injected, and how its convergence is reported. */
import type { ConvergenceFigures } from "../../lab/fabric/measure.js";
import type { Topology } from "../../lab/topology/model.js";

export interface Disruption {
  /** For messages and reports: "spine1 failed (its links went down)". */
  readonly description: string;
  /** The fabric routing around the failure: the topology without what failed. */
  readonly reduced: Topology;
  /** When the failure (or, after `repair`, the repair) was injected: performance.now(). */
  since: number;
  /** Undoes the failure; also run by the After hook when a scenario ends without it. */
  readonly repair: () => Promise<void>;
  repaired: boolean;
}

/** The convergence figures as a person reads them, with what bounded the time to detect. */
export function describeFigures(what: string, f: ConvergenceFigures, holdS: number): string {
  const ms = (v: number | undefined) => (v === undefined ? "never" : `${v} ms`);
  const bound =
    f.detectMs !== undefined && f.detectMs < holdS * 1000
      ? `seen at once (an interface down, a session's connection closed, a peer's OPEN), not by the hold timer (${holdS} s)`
      : `the hold timer (${holdS} s)`;
  return [
    `Convergence ${what}`,
    `  time to detect:     ${ms(f.detectMs)}`,
    `  time to first pass: ${ms(f.firstPassMs)}`,
    `  time to stable:     ${ms(f.stableMs)} (held for ${f.settleMs} ms)`,
    `  budget:             ${f.budget.ms} ms, ${f.budget.name}: ${f.budget.reason}`,
    `  bounded by:         ${bound}`,
    `  looks:              ${f.attempts}`,
  ].join("\n");
}
