/**
 * Convergence as a result: after a disruption, how long until it was seen, until the fabric first
 * looked right, and until it stayed right for a settle window.
 */
import type { Budget } from "../expect/budgets.js";
import { perSourceBounded } from "../probes/bounded.js";
import { bgpSummaryOf, kernelRoutesOf, ProbeError, type BgpPeerState, type KernelRoute } from "../probes/index.js";
import { bgpPeers, type Family, familiesOf, findSwitch, type Topology } from "../topology/model.js";
import type { CommandRunner } from "../transport/runner.js";
import { ESTABLISHED, routeFindings, sessionFindings } from "./judge.js";

/** One look at a switch: its BGP neighbors and kernel routes, or why it could not be looked at. */
export type SwitchView = { readonly peers: readonly BgpPeerState[]; readonly routes: readonly KernelRoute[] } | { readonly unanswered: string };

/** One look at a set of switches. */
export type Observation = ReadonlyMap<string, SwitchView>;

/**
 * Looks at the switches. With `tolerant`, a switch whose probes fail (a bgpd restarting, not yet
 * answering vtysh) is a finding to wait out, not an error: convergence waits retry it.
 */
export async function observe(
  switches: readonly string[],
  runnerOf: (node: string) => CommandRunner,
  tolerant = false,
  families: readonly Family[] = ["ipv4"],
): Promise<Observation> {
  // Bounded (probes/bounded.ts): at 208 switches, 416 probes at once took 24 s and timed vtysh out.
  const entries = await perSourceBounded(
    switches,
    (name) => name,
    async (name): Promise<readonly [string, SwitchView]> => {
      const runner = runnerOf(name);
      try {
        const [summary, routes] = await Promise.all([bgpSummaryOf(runner, families), kernelRoutesOf(runner, families)]);
        return [name, { peers: summary.peers, routes }];
      } catch (error) {
        if (!tolerant || !(error instanceof ProbeError)) throw error;
        return [name, { unanswered: error.message }];
      }
    },
  );
  return new Map(entries);
}

/**
 * What differs from the fabric `expected` describes, on the observed switches it has: its sessions
 * Established and its routes installed over all their next hops; sessions it no longer has (to a
 * failed switch, over a cut link) must be down.
 */
export function judge(expected: Topology, baseline: Topology, seen: Observation): string[] {
  const findings: string[] = [];
  for (const [name, view] of seen) {
    const sw = findSwitch(expected, name);
    if (!sw) continue;
    // A switch the baseline lacks (the failed one, being repaired) is judged on its own expectations.
    const before = findSwitch(baseline, name) ?? sw;
    if ("unanswered" in view) {
      findings.push(`${name} does not answer: ${view.unanswered}`);
      continue;
    }
    const { peers, routes } = view;
    const kept = bgpPeers(expected, sw);
    const gone = bgpPeers(baseline, before).filter((p) => !kept.some((k) => k.address === p.address));
    // Exactly its sessions, unless some are cut off: those stay configured, and must be down.
    findings.push(...sessionFindings(expected, sw, peers, gone.length > 0 ? kept.map((p) => p.node) : undefined));
    for (const peer of gone) {
      const state = peers.find((p) => p.address === peer.address)?.state;
      if (state === ESTABLISHED) findings.push(`${name}: the neighbor ${peer.address} (${peer.node}) is Established (expected down: it is cut off)`);
    }
    findings.push(...routeFindings(expected, sw, routes));
  }
  return findings;
}

export interface ConvergenceFigures {
  /** Until the fabric no longer looked like `from` (undefined when it never did). */
  readonly detectMs: number | undefined;
  /** Until it first looked like `to`. */
  readonly firstPassMs: number | undefined;
  /** Until it had looked like `to` for the whole settle window. */
  readonly stableMs: number | undefined;
  readonly settleMs: number;
  readonly attempts: number;
  readonly budget: Budget;
  readonly converged: boolean;
  /** The findings of the last look: empty when converged. */
  readonly findings: readonly string[];
}

/**
 * Polls from `since` (a performance.now() time) until the fabric looks like `to` and keeps doing so
 * for `settleMs`, or the budget runs out. `from` is the state before the disruption, for the
 * time to detect. Returns the figures either way: judging them is the caller's.
 */
export async function measureConvergence(options: {
  readonly since: number;
  readonly from: Topology;
  readonly to: Topology;
  readonly runnerOf: (node: string) => CommandRunner;
  readonly budget: Budget;
  readonly settleMs: number;
}): Promise<ConvergenceFigures> {
  const { since, from, to, runnerOf, budget, settleMs } = options;
  const switches = to.switches.map((s) => s.name);
  let detectMs: number | undefined;
  let firstPassMs: number | undefined;
  let passingSince: number | undefined;
  let attempts = 0;
  let findings: string[] = [];
  for (;;) {
    attempts++;
    const seen = await observe(switches, runnerOf, true, familiesOf(from));
    const elapsed = Math.round(performance.now() - since);
    if (detectMs === undefined && judge(from, from, seen).length > 0) detectMs = elapsed;
    findings = judge(to, from, seen);
    if (findings.length === 0) {
      firstPassMs ??= elapsed;
      passingSince ??= elapsed;
      if (elapsed - passingSince >= settleMs) {
        return { detectMs, firstPassMs, stableMs: passingSince, settleMs, attempts, budget, converged: true, findings };
      }
    } else {
      passingSince = undefined;
    }
    if (elapsed + budget.intervalMs > budget.ms) {
      return { detectMs, firstPassMs, stableMs: undefined, settleMs, attempts, budget, converged: false, findings };
    }
    await new Promise((resolve) => setTimeout(resolve, budget.intervalMs));
  }
}
