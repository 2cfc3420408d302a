/**
 * The World: one scenario's view of the lab. It owns every probe a step uses, each through one
 * evidence decorator (./world/evidence.ts: every command and its output attached to the step) and
 * one rule for failed versus broken (./world/observe.ts). Steps call it and judge what it returns.
 */
import { setWorldConstructor, World, type IWorldOptions } from "@cucumber/cucumber";
import { ownedAddresses } from "../lab/calico/judge.js";
import { calicoPlan, type CalicoPlan } from "../lab/calico/resources.js";
import type { LabDriver, PodNetwork, PodNetworkMode } from "../lab/drivers/driver.js";
import { LabError } from "../lab/errors.js";
import { SETTLE_MS, type Budget } from "../lab/expect/budgets.js";
import { fabricFindings } from "../lab/fabric/converge.js";
import { measureConvergence, type ConvergenceFigures } from "../lab/fabric/measure.js";
import type { PingOutcome } from "../lab/fabric/reachability.js";
import { interfaceAddresses } from "../lab/probes/addresses.js";
import { perCoreLimit } from "../lab/bounded.js";
import { perSourceBounded } from "../lab/probes/bounded.js";

import { birdProtocols, type BirdProtocol } from "../lab/probes/bird.js";
import { frrDaemons, type FrrDaemons } from "../lab/probes/daemons.js";
import {
  bgpSummaryOf,
  bgpTableOf,
  fping,
  fpingTrace,
  kernelRoutesOf,
  ping,
  traceroute,
  type BgpSummary,
  type BgpTable,
  type FpingOptions,
  type KernelRoute,
  type PingOptions,
  type PingResult,
  type TracerouteResult,
} from "../lab/probes/index.js";
import { familiesOf, type Topology } from "../lab/topology/model.js";
import type { CommandResult, CommandRunner } from "../lab/transport/runner.js";
import { currentLab, noPodNetworks, notePodNetworkDeployed } from "./lab.js";
import { describeFigures, type Disruption } from "./world/disruption.js";
import { attachResult, withEvidence, type Attach } from "./world/evidence.js";
import { KubernetesView } from "./world/kubernetes.js";
import { observe } from "./world/observe.js";

export class FabricWorld extends World {
  readonly lab: LabDriver = currentLab();
  readonly topology: Topology = this.lab.topology;
  /** The nodes the current step looked at: on failure, their fresh state is attached. */
  readonly involved = new Set<string>();
  /** The pings a When step sent, for a Then step to judge. */
  pings: PingOutcome[] = [];
  disruption: Disruption | undefined;
  /** The pod network a Given step brought the lab into. */
  podNetwork: PodNetwork | undefined;
  private readonly attachText: Attach = (text, options) => this.attach(text, options);
  /** The lab's Kubernetes cluster, through kubectl. */
  readonly kubernetes = new KubernetesView(this.lab, this.attachText);

  constructor(options: IWorldOptions) {
    super(options);
  }

  // ---- Evidence ------------------------------------------------------------------------------

  /** A runner on a node of the topology, or on a test pod of the pod network, whose every command is attached to the step. */
  runner(node: string): CommandRunner {
    this.involved.add(node);
    const network = this.podNetwork;
    const inner = network?.pods.some((p) => p.name === node) ? network.podRunner(node) : this.lab.runner(node);
    return withEvidence(inner, this.attachText);
  }

  /** Attaches a command's result that was run without this World's runner, under `label`. */
  attachEvidence(label: string, result: CommandResult): void {
    attachResult(this.attachText, label, result);
  }

  /** Observes every one of `nodes`, a few per core at once (probes/bounded.ts): each with what was seen. */
  onEach<N, T>(nodes: readonly N[], look: (node: N) => Promise<T>): Promise<Array<[N, T]>> {
    const indexed = nodes.map((n, i) => [n, i] as const);
    return perSourceBounded(indexed, ([, i]) => String(i), async ([n]): Promise<[N, T]> => [n, await look(n)]);
  }

  // ---- The fabric ----------------------------------------------------------------------------

  /** The node's BGP sessions, of every family the fabric runs (IPv6 unicast too when dual stack). */
  bgpSummary(node: string): Promise<BgpSummary> {
    return observe(node, "bgpd", async () => ({ value: await bgpSummaryOf(this.runner(node), familiesOf(this.topology)) }));
  }

  /** The node's unicast BGP table, of every family the fabric runs. */
  bgpTable(node: string): Promise<BgpTable> {
    return observe(node, "bgpd", async () => ({ value: await bgpTableOf(this.runner(node), familiesOf(this.topology)) }));
  }

  /** The node's kernel routes, of every family the fabric runs. */
  kernelRoutes(node: string): Promise<readonly KernelRoute[]> {
    return observe(node, "the kernel", async () => ({ value: await kernelRoutesOf(this.runner(node), familiesOf(this.topology)) }));
  }

  frrDaemons(node: string): Promise<FrrDaemons> {
    return observe(node, "vtysh", () => frrDaemons(this.runner(node)));
  }

  /** What is still wrong in the fabric, sessions and routes, on every switch. */
  fabricFindings(): Promise<string[]> {
    return fabricFindings(this.topology, (n) => this.runner(n));
  }

  /** Sets interfaces of a node up or down (the same on every driver). */
  async setLinks(node: string, interfaces: readonly string[], state: "up" | "down"): Promise<void> {
    const runner = this.runner(node);
    for (const name of interfaces) {
      const result = await runner.run(["ip", "link", "set", name, state]);
      if (result.exitCode !== 0) throw new LabError(`${node}: could not set ${name} ${state}: ${result.stderr.trim()}`);
    }
  }

  // ---- Reachability (from nodes and test pods alike) -----------------------------------------

  ping(node: string, target: string, options: PingOptions): Promise<PingResult> {
    return observe(node, "ping", () => ping(this.runner(node), target, options));
  }

  /**
   * Pings every pair, bounded (each source's pings one after the other, a few sources per core at
   * once, so a ping's timeout measures the network, not a queue of hundreds), and keeps the
   * outcomes for a Then step. iputils ping, one process a pair: for the steps that judge TTLs.
   */
  async pingEach(pairs: ReadonlyArray<{ from: string; to: string; toName: string; options: PingOptions }>): Promise<void> {
    this.pings = await perSourceBounded(pairs, (p) => p.from, async ({ from, to, toName, options }) => ({ from, to, toName, result: await this.ping(from, to, options) }));
  }

  /**
   * Pings a matrix with one fping process per source (and source address), a few sources per core
   * at once, and keeps the outcomes, in the pairs' order, for a Then step. Each target's timeout
   * starts when its request is sent. No TTLs: a step that judges them uses pingEach.
   */
  async pingMatrix(pairs: ReadonlyArray<{ from: string; to: string; toName: string; source?: string }>, options: Omit<FpingOptions, "source"> = {}): Promise<void> {
    const results = await perSourceLane(pairs, (from, source, targets) =>
      observe(from, "fping", () => fping(this.runner(from), targets, source === undefined ? options : { ...options, source })),
    );
    this.pings = pairs.map(({ from, to, toName }, i) => ({ from, to, toName, result: results[i]! }));
  }

  /**
   * Traces a matrix of paths, one process per source (every TTL's fping at once,
   * ../lab/probes/fping-trace.ts), a few sources per core at once: each pair with its path, up to
   * maxHops (by default two more than the fabric's longest path between two pods). Each hop of
   * each path is a probe through the fabric: a step that judges the first hops asks for those only.
   */
  async traceMatrix<P>(
    pairs: readonly P[],
    ends: (pair: P) => { from: string; to: string },
    maxHops = longestPath(this.topology) + 2,
  ): Promise<Array<readonly [P, TracerouteResult]>> {
    const paths = await perSourceLane(pairs.map(ends), (from, _source, targets) => observe(from, "fping", () => fpingTrace(this.runner(from), targets, { maxHops })));
    return pairs.map((pair, i) => [pair, paths[i]!] as const);
  }

  /** The pings a When step sent; none is a scenario written wrong. */
  sentPings(): readonly PingOutcome[] {
    if (this.pings.length === 0) throw new Error("no ping was sent: a When step that pings must come first");
    return this.pings;
  }

  traceroute(node: string, target: string): Promise<TracerouteResult> {
    return observe(node, "traceroute", () => traceroute(this.runner(node), target));
  }

  // ---- Calico --------------------------------------------------------------------------------

  /** Brings the lab into a pod network mode; what it took is attached. */
  async deployPodNetwork(mode: PodNetworkMode): Promise<void> {
    if (!this.lab.podNetwork) throw new LabError(noPodNetworks(this.lab));
    if (mode !== "none") notePodNetworkDeployed();
    const messages: string[] = [];
    this.podNetwork = await this.lab.podNetwork(mode, (m) => messages.push(m));
    const how = this.podNetwork.encapsulation === "none" ? "" : ` (${this.podNetwork.encapsulation.toUpperCase()} encapsulation)`;
    this.attach(`pod network: ${mode}${how}${messages.length ? `\n${messages.join("\n")}` : " (the lab was in this mode already)"}`, "text/plain");
  }

  /** The plan of the Calico mode the lab is in: each node's AS, peers, pod block and test pod. */
  calicoPlan(): CalicoPlan {
    const mode = this.podNetwork?.mode;
    if (mode === undefined || mode === "none") throw new LabError("no pod network: a Given step that deploys Calico must come first");
    return calicoPlan(this.topology, mode, this.podNetwork?.encapsulation === "vxlan" ? "vxlan" : "ipip");
  }

  /** Every address the nodes report on their own interfaces, by owner: a traceroute hop is judged by who answered. */
  async nodeAddressOwners(nodes: readonly string[]): Promise<Map<string, string>> {
    const reports = await this.onEach(nodes, (n) => observe(n, "addresses", () => interfaceAddresses(this.runner(n))));
    return ownedAddresses(reports);
  }

  /** The BIRD protocols of a Kubernetes node, as its lab reaches calico-node's BIRD. */
  birdProtocols(node: string): Promise<readonly BirdProtocol[]> {
    return observe(node, "calico-node's BIRD", () => birdProtocols(this.runner(node)));
  }

  // ---- Disruptions ---------------------------------------------------------------------------

  /** Records a failure the scenario injects now; the After hook repairs it if the scenario does not. */
  disrupt(description: string, reduced: Topology, repair: () => Promise<void>): Disruption {
    this.disruption = { description, reduced, since: performance.now(), repair, repaired: false };
    return this.disruption;
  }

  requireDisruption(): Disruption {
    if (!this.disruption) throw new LabError("no failure was injected: a When step that breaks something must come first");
    return this.disruption;
  }

  /** Measures convergence from `from` to `to` since the disruption (or its repair); the figures are attached. */
  async measureConvergence(what: string, from: Topology, to: Topology, budget: Budget): Promise<ConvergenceFigures> {
    const disruption = this.requireDisruption();
    // The lab's own runners: the polls are too many to attach; the figures say what they saw.
    const figures = await measureConvergence({
      since: disruption.since,
      from,
      to,
      runnerOf: (n) => this.lab.runner(n),
      budget,
      settleMs: SETTLE_MS,
      ...(this.lab.kernelRoutesOf ? { routesOf: this.lab.kernelRoutesOf } : {}),
    });
    this.attach(describeFigures(what, figures, this.topology.bgp.hold), { mediaType: "text/plain", fileName: `convergence ${what}` });
    this.attach(JSON.stringify({ what, ...figures }, null, 2), { mediaType: "application/json", fileName: `convergence ${what} (JSON)` });
    return figures;
  }
}

setWorldConstructor(FabricWorld);

/**
 * Runs a matrix's probes as one run per source (and source address) over all its targets, bounded
 * like every matrix (perSourceBounded), and gives each pair its target's result, in the pairs' order.
 */
async function perSourceLane<R extends { readonly target: string }>(
  pairs: ReadonlyArray<{ readonly from: string; readonly to: string; readonly source?: string }>,
  run: (from: string, source: string | undefined, targets: readonly string[]) => Promise<readonly R[]>,
): Promise<R[]> {
  // An fping run is mostly waiting (for its replies, then its timeout): more sources at once than
  // the per-pair probes, whose forks and parsing are the cost.
  const limit = perCoreLimit(16);
  const lanes = new Map<string, { from: string; source: string | undefined; indices: number[] }>();
  pairs.forEach(({ from, source }, index) => {
    const key = `${from} ${source ?? ""}`;
    const lane = lanes.get(key) ?? { from, source, indices: [] };
    lane.indices.push(index);
    lanes.set(key, lane);
  });
  const results = new Array<R>(pairs.length);
  await perSourceBounded(
    [...lanes.values()],
    (lane) => lane.from,
    async ({ from, source, indices }) => {
      const targets = [...new Set(indices.map((i) => pairs[i]!.to))];
      const byTarget = new Map((await run(from, source, targets)).map((r) => [r.target, r]));
      for (const i of indices) results[i] = byTarget.get(pairs[i]!.to)!;
    },
    limit,
  );
  return results;
}

/**
 * The hops of the longest path the fabric routes between two test pods: the pod's node, up every
 * tier and down again (2 x tiers - 1 switches), the other node, the pod.
 */
function longestPath(t: Topology): number {
  const tiers = new Set(t.switches.map((s) => s.role)).size;
  return 2 * tiers - 1 + 3;
}
