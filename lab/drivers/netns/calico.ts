/**
 * Calico's data plane on the embedded lab, for real: per Kubernetes node a BIRD 1.6 in the node's
 * namespace with the configuration generated from the Calico resources (as calico-node's confd
 * generates it), a test pod as a namespace behind a veth (a /32 route to it on the node, from the
 * node's fabric address as Felix programs it with deviceRouteSourceAddress, proxy ARP
 * for its gateway 169.254.1.1, as Calico's CNI plugin and Felix program it), and either the leaves
 * in peering mode, or the VXLAN overlay as Felix programs it (lab/calico/felix.ts): the node-to-node
 * mesh carries the blocks between the BIRDs, the vxlan.calico devices carry the pods' packets, and
 * the fabric sees neither. The IPIP overlay is not built here: its routes are programmed by the
 * krt_tunnel attribute of Calico's BIRD fork, which upstream BIRD lacks. Switching modes is cheap and
 * complete: "none" takes every trace of a pod network out again, so no scenario depends on which
 * ran before it. Everything is created through the lab's NetnsContext, so it is recorded and
 * removed with the lab even after a crash.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CNI_CONFIG_FILE, renderCniConfig } from "../../calico/cni.js";
import { applyVtysh, leafPeeringCommands, leafUnpeeringCommands } from "../../calico/fabric.js";
import { VXLAN, vxlanFdbLines, vxlanIpLines, vxlanTunnel, workloadRouteLine } from "../../calico/felix.js";
import { leafSessionFindings, meshSessionFindings, noPodRouteFindings, podRouteFindings, vxlanRouteFindings } from "../../calico/judge.js";
import { overlayFromEnvironment, type CalicoMode } from "../../calico/modes.js";
import { calicoPlan, type CalicoPlan } from "../../calico/resources.js";
import { mapBounded, settleBounded } from "../../bounded.js";
import { LabError } from "../../errors.js";
import { budgets, type Budget } from "../../expect/budgets.js";
import { eventually } from "../../expect/eventually.js";
import { BIRD_DAEMON, birdArgv, birdFiles, CALICO_NODE_INSTALL, CALICO_NODE_PROGRAMS, POD_GATEWAY, SYSCTL } from "../../kinds/calico-node.js";
import { cniDirs } from "../../kinds/kubernetes-node.js";
import { birdProtocols } from "../../probes/bird.js";
import { bgpSummary, kernelRoutes, ProbeError } from "../../probes/index.js";
import { BIRD_SESSION_TIMERS, renderBirdConfig } from "../../render/bird.js";
import { leaves, type Topology } from "../../topology/model.js";
import { runLocal } from "../../transport/local.js";
import { must } from "../../transport/must.js";
import type { PodNetwork, PodNetworkMode, Progress, Support } from "../driver.js";
import type { NetnsContext } from "./addons.js";

/** Marks a leaf configured for peering (written before the change, removed after its undoing). */
const LEAF_MARKER = "calico-peering.vtysh";
/** Marks a node that runs Calico, with the mode it was built for. */
const NODE_MARKER = "calico-mode";
/** A node's Calico bring-up script and its output, beside its own start.sh: calico.sh, calico.log. */
const CALICO_SCRIPT = "calico";
/** Test pods are recorded as nodes named pod-<node>, so their namespaces are fs-pod-<node>. */
const POD_PREFIX = "pod-";

const ok: Support = { ok: true };

export class NetnsPodNetworks {
  private vxlan: Promise<Support> | undefined;

  constructor(private readonly contextOf: () => NetnsContext) {}

  /** What a mode needs on this machine: BIRD 1.6 for both; the kernel's VXLAN for the overlay. */
  async support(mode: PodNetworkMode): Promise<Support> {
    if (mode === "none") return ok;
    const missing = CALICO_NODE_PROGRAMS.filter((file) => !existsSync(file));
    if (missing.length > 0) {
      return { ok: false, reason: `${missing.join(", ")} not installed (${CALICO_NODE_INSTALL}): Calico's BGP runs on BIRD` };
    }
    if (mode === "peering") return ok;
    if (overlayFromEnvironment() === "ipip") {
      return { ok: false, reason: "FABRICSPEC_CALICO_OVERLAY=ipip: the netns lab builds Calico's overlay with VXLAN only (IPIP routes need the krt_tunnel of Calico's BIRD fork); run IPIP on the vagrant driver" };
    }
    this.vxlan ??= this.vxlanSupport();
    return this.vxlan;
  }

  /** Tries a VXLAN device in a throwaway namespace (recorded while it exists), as the overlay needs. */
  private async vxlanSupport(): Promise<Support> {
    const context = this.contextOf();
    const probe = `preflight-vxlan-${process.pid}`;
    await context.addNamespaces([probe]);
    try {
      const result = await runLocal(["ip", "-n", context.namespaceOf(probe), "link", "add", "fsvxlan0", "type", "vxlan", "id", String(VXLAN.vni), "dstport", String(VXLAN.port)]);
      if (result.exitCode === 0) return ok;
      const why = result.stderr.trim().split("\n")[0] ?? `exit ${result.exitCode}`;
      return { ok: false, reason: `this kernel has no VXLAN devices (\`ip link add ... type vxlan\`: ${why}), which Calico's overlay needs here` };
    } finally {
      await context.removeNamespaces([probe]);
    }
  }

  /** Brings the lab into `mode`; returns at once when it is in it already. */
  async bringTo(mode: PodNetworkMode, progress: Progress = () => {}): Promise<PodNetwork> {
    const context = this.contextOf();
    if (mode === "none") {
      if (this.current(context, undefined) !== "none") await this.teardown(context, progress);
      return { mode, encapsulation: "none", pods: [], findings: [], podRunner: (pod) => unknownPod(pod, []) };
    }
    const support = await this.support(mode);
    if (!support.ok) throw new LabError(`the netns lab cannot run Calico in ${mode} mode: ${support.reason}`);
    const plan = planOf(context.topology, mode);
    const current = this.current(context, plan);
    let findings: readonly string[] = [];
    if (current !== mode) {
      if (current !== "none") await this.teardown(context, progress);
      findings = await this.apply(context, plan, progress);
    }
    return {
      mode,
      encapsulation: plan.encapsulation,
      findings,
      pods: plan.nodes.map((n) => ({ name: n.pod.name, node: n.node, address: n.pod.address })),
      podRunner: (pod) => {
        if (!plan.nodes.some((n) => n.pod.name === pod)) unknownPod(pod, plan.nodes.map((n) => n.pod.name));
        return context.localRunner(pod);
      },
    };
  }

  /**
   * The mode the lab is in, from what exists: the nodes' and leaves' markers and the pods'
   * namespaces. A BIRD that died does not change the mode: the scenarios report it, as they would
   * on a real node.
   */
  private current(context: NetnsContext, plan: CalicoPlan | undefined): PodNetworkMode | "partial" {
    const t = context.topology;
    const { namespaces, processes } = context.recorded();
    const pods = namespaces.filter((ns) => ns.startsWith(context.namespaceOf(POD_PREFIX)));
    const marked = leaves(t).filter((l) => existsSync(join(context.nodeDir(l.name), LEAF_MARKER)));
    const nodeModes = new Map(t.hosts.map((h) => [h.name, readMarker(join(context.nodeDir(h.name), NODE_MARKER))]));
    const birds = processes.filter((p) => p.daemon === BIRD_DAEMON);
    if (pods.length === 0 && marked.length === 0 && birds.length === 0 && [...nodeModes.values()].every((m) => m === undefined)) return "none";
    if (!plan) return "partial";
    const allPods = plan.nodes.every((n) => pods.includes(context.namespaceOf(n.pod.name)));
    const allNodes = plan.nodes.every((n) => nodeModes.get(n.node) === markerOf(plan));
    const leavesAsNeeded = plan.mode === "peering" ? leaves(t).every((l) => marked.includes(l)) : marked.length === 0;
    return allPods && allNodes && leavesAsNeeded ? plan.mode : "partial";
  }

  /**
   * Builds peering mode and waits for it to converge. Returns what is still wrong when the budget
   * ends: a pod network that does not converge because the fabric is wrong is the network's
   * finding (the scenarios judge it, as failed), not a broken lab.
   */
  private async apply(context: NetnsContext, plan: CalicoPlan, progress: Progress): Promise<readonly string[]> {
    const t = context.topology;
    const started = performance.now();
    // Peering: the leaves first: a BIRD that reaches a leaf not yet configured is refused, and
    // waits its error wait time (5 s) before it tries again. The overlay leaves them alone.
    await settleBounded(plan.mode === "peering" ? leaves(t) : [], async (leaf) => {
      const commands = leafPeeringCommands(t, leaf);
      writeFileSync(join(context.nodeDir(leaf.name), LEAF_MARKER), `${commands.join("\n")}\n`);
      await applyVtysh(context.localRunner(leaf.name), commands);
    });
    await context.addNamespaces(plan.nodes.map((n) => n.pod.name));
    await context.ipBatch(
      plan.nodes.map((n) => `link add ${n.pod.hostInterface} netns ${context.namespaceOf(n.node)} type veth peer eth0 netns ${context.namespaceOf(n.pod.name)}`),
      "create the pods' veths",
    );
    // A few nodes per core at once: 192 nodes at once spawned over a thousand processes together
    // and timed out batches of their own (10 s).
    // One process per node in its namespace (./node-start.ts), a few nodes per core at once: 192
    // nodes at once spawned over a thousand processes together and timed out batches of their own.
    await settleBounded(plan.nodes, async (n) => {
      writeFileSync(join(context.nodeDir(n.node), NODE_MARKER), `${markerOf(plan)}\n`);
      const files = birdFiles(context.nodeDir(n.node));
      writeFileSync(files.config, renderBirdConfig(t, plan, n));
      const vxlan = plan.encapsulation === "vxlan" ? felixVxlan(t, plan, n) : undefined;
      await context.startNode({
        node: n.node,
        script: CALICO_SCRIPT,
        // It forwards for its pods and answers ARP for their gateway at once (as Felix sets it: the
        // kernel's default delays proxy ARP by up to 0.8 s).
        sysctls: ["net.ipv4.ip_forward=1", `net.ipv4.conf.${n.pod.hostInterface}.proxy_arp=1`, `net.ipv4.neigh.${n.pod.hostInterface}.proxy_delay=0`],
        addressLines: [`link set ${n.pod.hostInterface} up`, workloadRouteLine(n.pod.address, n.pod.hostInterface, n.address), ...(vxlan?.ipLines ?? [])],
        batches: [
          {
            program: "ip",
            namespace: context.namespaceOf(n.pod.name),
            lines: ["link set lo up", `addr add ${n.pod.address}/32 dev eth0`, "link set eth0 up", `route add ${POD_GATEWAY} dev eth0 scope link`, `route add default via ${POD_GATEWAY} dev eth0`],
            what: `address pod ${n.pod.name}`,
          },
          ...(vxlan ? [{ program: "bridge" as const, lines: vxlan.fdbLines, what: `add ${VXLAN.device}'s forwarding entries` }] : []),
        ],
        daemons: [{ spec: { node: n.node, name: BIRD_DAEMON, argv: birdArgv(files), pidFile: files.pidFile } }],
      });
      // What calico-node's install-cni does on a real node: the CNI configuration for the node's
      // kubelet, if one runs (lab/calico/cni.ts: the reference plugins, not Calico's own).
      const cni = cniDirs(context.nodeDir(n.node));
      mkdirSync(cni.conf, { recursive: true });
      writeFileSync(join(cni.conf, CNI_CONFIG_FILE), renderCniConfig(n, plan.encapsulation, cni.ipam));
    });
    const built = Math.round(performance.now() - started);
    const what = `pod network: Calico ${markerOf(plan)} (${plan.nodes.length} pods, BIRD 1.6 on ${plan.nodes.length} nodes) built in ${built} ms`;
    try {
      const settled = await eventually(() => this.notConverged(context, plan), podNetworkConvergence(t), { signal: context.signal });
      progress(`${what}, converged in ${settled.elapsedMs} ms`);
      return [];
    } catch (error) {
      if (!(error instanceof PodNetworkFindings)) throw error;
      progress(`${what}; NOT converged: ${error.message}`);
      return error.findings;
    }
  }

  /**
   * Throws PodNetworkFindings while any pod block route or leaf session is not yet as peering mode
   * makes it. A switch whose probes do not answer (its bgpd stopped) is a finding too.
   */
  private async notConverged(context: NetnsContext, plan: CalicoPlan): Promise<void> {
    const findings = plan.mode === "peering" ? await this.peeringFindings(context, plan) : await this.overlayFindings(context, plan);
    if (findings.length > 0) throw new PodNetworkFindings(findings);
  }

  /** The overlay: every node's mesh sessions Established and Felix's routes in place; no pod route in the fabric. */
  private async overlayFindings(context: NetnsContext, plan: CalicoPlan): Promise<string[]> {
    const t = context.topology;
    const nodes = await mapBounded(plan.nodes, async (n) => {
      const host = t.hosts.find((h) => h.name === n.node);
      const routes = await unanswered(n.node, async () => vxlanRouteFindings(plan, n, (await kernelRoutes(context.localRunner(n.node))).value));
      const mesh = host ? await unanswered(n.node, async () => meshSessionFindings(t, host, (await birdProtocols(context.localRunner(n.node))).value, n.asNumber)) : [];
      return [...routes, ...mesh];
    });
    const fabric = await mapBounded(t.switches, (sw) => unanswered(sw.name, async () => noPodRouteFindings(sw.name, (await kernelRoutes(context.localRunner(sw.name))).value, plan.pools)));
    return [...nodes.flat(), ...fabric.flat()];
  }

  /** Peering: every pod block routed as the plan says, on every switch and node; the leaves' sessions up. */
  private async peeringFindings(context: NetnsContext, plan: CalicoPlan): Promise<string[]> {
    const t = context.topology;
    const nodes = [...t.switches, ...t.hosts];
    const routeFindings = await mapBounded(nodes, (n) => unanswered(n.name, async () => podRouteFindings(t, plan, n, (await kernelRoutes(context.localRunner(n.name))).value)));
    const sessionFindings =
      routeFindings.flat().length > 0
        ? []
        : await mapBounded(leaves(t), (l) => unanswered(l.name, async () => leafSessionFindings(t, l.name, (await bgpSummary(context.localRunner(l.name))).value.peers)));
    return [...routeFindings.flat(), ...sessionFindings.flat()];
  }

  /** Takes every trace of a pod network out of the lab, in the order that leaves no stale route behind. */
  private async teardown(context: NetnsContext, progress: Progress): Promise<void> {
    const t = context.topology;
    const started = performance.now();
    // The leaves first: their sessions end with a notification and the spines withdraw the blocks
    // at once (a BIRD that died first could leave routes kept for a graceful restart).
    await settleBounded(leaves(t), async (leaf) => {
      const marker = join(context.nodeDir(leaf.name), LEAF_MARKER);
      if (!existsSync(marker)) return;
      await applyVtysh(context.localRunner(leaf.name), leafUnpeeringCommands(t, leaf));
      rmSync(marker, { force: true });
    });
    const { namespaces, processes } = context.recorded();
    await settleBounded(processes.filter((p) => p.daemon === BIRD_DAEMON), (p) => context.stopProcess(p));
    const podPrefix = context.namespaceOf(POD_PREFIX);
    await context.removeNamespaces(namespaces.filter((ns) => ns.startsWith(podPrefix)).map((ns) => ns.slice(context.namespaceOf("").length)));
    await settleBounded(t.hosts, async (h) => {
      // Routes BIRD programmed (it persists them), Felix's VXLAN device with its routes, ARP and
      // forwarding entries, and forwarding: the node is back to part 2's plain host.
      const marker = join(context.nodeDir(h.name), NODE_MARKER);
      const device = await runLocal(["ip", "-n", context.namespaceOf(h.name), "link", "show", VXLAN.device]);
      const felix = device.exitCode === 0 ? [`link del ${VXLAN.device}`, "route flush type blackhole"] : [];
      await context.ipBatch(["route flush proto bird", ...felix], `flush BIRD's and Felix's routes on ${h.name}`, h.name);
      await mustRun(context, h.name, [SYSCTL, "-qw", "net.ipv4.ip_forward=0"]);
      const dir = context.nodeDir(h.name);
      // The CNI configuration first: the node's kubelet reports it NotReady again, as after part 2.
      const cni = cniDirs(dir);
      for (const path of [join(cni.conf, CNI_CONFIG_FILE), cni.ipam]) rmSync(path, { recursive: true, force: true });
      for (const file of [...Object.values(birdFiles(dir)), marker, join(dir, `${CALICO_SCRIPT}.sh`), join(dir, `${CALICO_SCRIPT}.log`)]) rmSync(file, { force: true });
    });
    const pools = [...new Set([t.podNetwork, ...safePools(context, "peering"), ...safePools(context, "overlay")])];
    await eventually(async () => {
      const findings = await mapBounded(t.switches, async (sw) => noPodRouteFindings(sw.name, (await kernelRoutes(context.localRunner(sw.name))).value, pools));
      if (findings.flat().length > 0) throw new LabError(`pod routes are still in the fabric:\n  ${findings.flat().join("\n  ")}`);
    }, budgets(t.bgp).routeInstalled);
    progress(`pod network: none (removed in ${Math.round(performance.now() - started)} ms)`);
  }
}

/** The pools of a mode's resources, or none when they cannot be read (the topology's pod network stands in). */
function safePools(context: NetnsContext, mode: CalicoMode): readonly string[] {
  try {
    return planOf(context.topology, mode).pools;
  } catch {
    return [];
  }
}

/**
 * Calico converged once built: a BIRD that reached a peer before the peer's BIRD listened (192
 * nodes start over minutes here) waits out its error wait, up to BIRD's maximum, then connects
 * again; then the fabric's own convergence. Polled every half second: one look at 192 nodes and
 * 208 switches is hundreds of probes.
 */
function podNetworkConvergence(t: Topology): Budget {
  const fabric = budgets(t.bgp).convergence;
  const bird = BIRD_SESSION_TIMERS;
  return {
    name: "calico_convergence",
    ms: fabric.ms + (bird.connectDelayS + bird.errorWaitMaxS + bird.connectRetryS) * 1000,
    reason: `BIRD's connect delay (${bird.connectDelayS} s) + longest error wait (${bird.errorWaitMaxS} s) + connect retry (${bird.connectRetryS} s) + ${fabric.reason}`,
    intervalMs: 500,
  };
}

/** The resources the netns lab builds a mode from: the overlay with VXLAN. */
function planOf(t: Topology, mode: CalicoMode): CalicoPlan {
  return calicoPlan(t, mode, "vxlan");
}

/** What a node's marker says it runs: peering, or overlay-<encapsulation>. */
function markerOf(plan: CalicoPlan): string {
  return plan.mode === "peering" ? "peering" : `overlay-${plan.encapsulation}`;
}

function readMarker(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, "utf8").trim() : undefined;
}

/** What Felix programs on a node for the VXLAN overlay (lab/calico/felix.ts): its device, routes and neighbours, and the forwarding entries. */
function felixVxlan(t: Topology, plan: CalicoPlan, node: CalicoPlan["nodes"][number]): { readonly ipLines: readonly string[]; readonly fdbLines: readonly string[] } {
  const host = t.hosts.find((h) => h.name === node.node);
  if (!host) throw new Error(`model invariant: no host ${node.node}`);
  const others = plan.nodes.filter((o) => o.node !== node.node).map(vxlanTunnel);
  return { ipLines: vxlanIpLines(vxlanTunnel(node), others, host.interface), fdbLines: vxlanFdbLines(others) };
}

async function mustRun(context: NetnsContext, node: string, argv: readonly string[]): Promise<void> {
  await must(context.localRunner(node), argv, undefined, 10_000);
}

/** What is still wrong with the pod network: the network's state, not a broken lab. */
class PodNetworkFindings extends Error {
  constructor(readonly findings: readonly string[]) {
    super(`Calico has not converged:\n  ${findings.join("\n  ")}`);
    this.name = "PodNetworkFindings";
  }
}

/** A switch or node whose probe cannot run (its daemon stopped) is a finding to wait out, then report. */
async function unanswered(node: string, judge: () => Promise<readonly string[]>): Promise<readonly string[]> {
  try {
    return await judge();
  } catch (error) {
    if (error instanceof ProbeError) return [`${node} does not answer: ${error.message.split("\n")[0]}`];
    throw error;
  }
}

function unknownPod(pod: string, known: readonly string[]): never {
  throw new LabError(`no test pod "${pod}" in the lab; pods: ${known.join(", ") || "none (no pod network)"}`);
}
