/**
 * Convergence as a result: after a disruption, how long until it was seen, until the fabric first
 * looked right, and until it stayed right for a settle window.
 */
import { LabError } from "../errors.js";
import type { Budget } from "../expect/budgets.js";
import { perSourceBounded } from "../probes/bounded.js";
import { bgpSummaryOf, kernelRoutesOf, ProbeError, type BgpPeerState, type KernelRoute } from "../probes/index.js";
import { bgpPeers, type Family, familiesOf, findSwitch, type Topology } from "../topology/model.js";
import type { CommandRunner } from "../transport/runner.js";
import { kernelRoutesEach, type KernelRoutesOf } from "./routes-of.js";
import { ESTABLISHED, routeFindings, sessionFindings } from "./judge.js";

/**
 * One look at a switch: its BGP neighbors and kernel routes, or why it could not be looked at.
 * `peers` undefined: its sessions were not looked at in this look (only its routes).
 */
export type SwitchView = { readonly peers: readonly BgpPeerState[] | undefined; readonly routes: readonly KernelRoute[] } | { readonly unanswered: string };

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
    if (peers !== undefined) {
      const kept = bgpPeers(expected, sw);
      const gone = bgpPeers(baseline, before).filter((p) => !kept.some((k) => k.address === p.address));
      // Exactly its sessions, unless some are cut off: those stay configured, and must be down.
      findings.push(...sessionFindings(expected, sw, peers, gone.length > 0 ? kept.map((p) => p.node) : undefined));
      for (const peer of gone) {
        const state = peers.find((p) => p.address === peer.address)?.state;
        if (state === ESTABLISHED) findings.push(`${name}: the neighbor ${peer.address} (${peer.node}) is Established (expected down: it is cut off)`);
      }
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
 *
 * Each poll is cheap where it can be, so that it can run often at any size: every switch's kernel
 * routes (read by `routesOf`, one process for all on the embedded lab), and BGP sessions only on the
 * switches whose expected sessions differ between `from` and `to` (the failed switch's neighbours,
 * a cut link's two ends). Once that has held for the settle window, one full look at every switch
 * (its sessions and routes) must pass too: until it does, the fabric has not converged.
 */
export async function measureConvergence(options: {
  readonly since: number;
  readonly from: Topology;
  readonly to: Topology;
  readonly runnerOf: (node: string) => CommandRunner;
  readonly budget: Budget;
  readonly settleMs: number;
  /** Every switch's kernel routes at once; by default one probe a switch. */
  readonly routesOf?: KernelRoutesOf;
}): Promise<ConvergenceFigures> {
  const { since, from, to, runnerOf, budget, settleMs } = options;
  const routesOf = options.routesOf ?? kernelRoutesEach(runnerOf);
  const families = familiesOf(from);
  const switches = to.switches.map((s) => s.name);
  const sessionsChange = switches.filter((name) => sessionsDiffer(from, to, name));
  let detectMs: number | undefined;
  let firstPassMs: number | undefined;
  let passingSince: number | undefined;
  let attempts = 0;
  let findings: string[] = [];
  for (;;) {
    attempts++;
    const seen = await quickLook(switches, sessionsChange, routesOf, runnerOf, families);
    const elapsed = Math.round(performance.now() - since);
    if (detectMs === undefined && judge(from, from, seen).length > 0) detectMs = elapsed;
    findings = judge(to, from, seen);
    if (findings.length === 0) {
      firstPassMs ??= elapsed;
      passingSince ??= elapsed;
      if (elapsed - passingSince >= settleMs) {
        // The whole fabric, sessions included, once: nothing else may have changed.
        findings = judge(to, from, await observe(switches, runnerOf, true, families));
        if (findings.length === 0) return { detectMs, firstPassMs, stableMs: passingSince, settleMs, attempts, budget, converged: true, findings };
        passingSince = undefined;
      }
    } else {
      passingSince = undefined;
    }
    const now = Math.round(performance.now() - since);
    if (now + budget.intervalMs > budget.ms) {
      return { detectMs, firstPassMs, stableMs: undefined, settleMs, attempts, budget, converged: false, findings };
    }
    await new Promise((resolve) => setTimeout(resolve, budget.intervalMs));
  }
}

/** Whether a switch's expected BGP sessions differ between two states of the fabric. */
function sessionsDiffer(from: Topology, to: Topology, name: string): boolean {
  const before = findSwitch(from, name);
  const after = findSwitch(to, name);
  if (!before || !after) return true;
  const key = (t: Topology, sw: Parameters<typeof bgpPeers>[1]) => bgpPeers(t, sw).map((p) => `${p.node} ${p.address}`).sort().join(",");
  return key(from, before) !== key(to, after);
}

/**
 * One cheap look: every switch's routes; sessions only where `sessionsOn` names it (elsewhere the
 * sessions seen are taken as the ones expected, and the full look checks them). A switch whose
 * routes or sessions cannot be read is a finding to wait out.
 */
async function quickLook(
  switches: readonly string[],
  sessionsOn: readonly string[],
  routesOf: KernelRoutesOf,
  runnerOf: (node: string) => CommandRunner,
  families: readonly Family[],
): Promise<Observation> {
  const [routes, sessions] = await Promise.all([
    routesOf(switches, families).catch((error: unknown) => {
      if (!(error instanceof LabError)) throw error;
      return new Map<string, readonly KernelRoute[]>(switches.map((s) => [s, []]));
    }),
    observe(sessionsOn, runnerOf, true, families),
  ]);
  return new Map(
    switches.map((name): [string, SwitchView] => {
      const polled = sessions.get(name);
      if (polled) return [name, polled];
      return [name, { peers: undefined, routes: routes.get(name) ?? [] }];
    }),
  );
}
