/**
 * Calico's data plane on the embedded lab, for real: per Kubernetes node a BIRD 2 in the node's
 * namespace with the configuration generated from the Calico resources, a test pod as a namespace
 * behind a veth (a /32 route to it on the node, proxy ARP for its gateway 169.254.1.1, as Calico's
 * CNI plugin and Felix program it), and the leaves in peering mode. Switching modes is cheap and
 * complete: "none" takes every trace of a pod network out again, so no scenario depends on which
 * ran before it. Everything is created through the lab's NetnsContext, so it is recorded and
 * removed with the lab even after a crash.
 */
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { applyVtysh, leafPeeringCommands, leafUnpeeringCommands } from "../../calico/fabric.js";
import { leafSessionFindings, noPodRouteFindings, podRouteFindings } from "../../calico/judge.js";
import { calicoPlan, type CalicoPlan } from "../../calico/resources.js";
import { LabError } from "../../errors.js";
import { budgets } from "../../expect/budgets.js";
import { eventually } from "../../expect/eventually.js";
import { BIRD_DAEMON, birdArgv, birdFiles, CALICO_NODE_INSTALL, CALICO_NODE_PROGRAMS, POD_GATEWAY, SYSCTL } from "../../kinds/calico-node.js";
import { bgpSummary, kernelRoutes, ProbeError } from "../../probes/index.js";
import { renderBirdConfig } from "../../render/bird.js";
import { leaves } from "../../topology/model.js";
import { runLocal } from "../../transport/local.js";
import { must } from "../../transport/must.js";
import type { PodNetwork, PodNetworkMode, Progress, Support } from "../driver.js";
import type { NetnsContext } from "./addons.js";

/** Marks a leaf configured for peering (written before the change, removed after its undoing). */
const LEAF_MARKER = "calico-peering.vtysh";
/** Test pods are recorded as nodes named pod-<node>, so their namespaces are fs-pod-<node>. */
const POD_PREFIX = "pod-";

const ok: Support = { ok: true };

export class NetnsPodNetworks {
  private ipip: Promise<Support> | undefined;

  constructor(private readonly contextOf: () => NetnsContext) {}

  /** What a mode needs on this machine: BIRD for peering; the kernel's ipip module for the overlay. */
  async support(mode: PodNetworkMode): Promise<Support> {
    if (mode === "none") return ok;
    const missing = CALICO_NODE_PROGRAMS.filter((file) => !existsSync(file));
    if (missing.length > 0) {
      return { ok: false, reason: `${missing.join(", ")} not installed (${CALICO_NODE_INSTALL}): Calico's BGP runs on BIRD` };
    }
    if (mode === "peering") return ok;
    this.ipip ??= this.ipipSupport();
    const ipip = await this.ipip;
    if (!ipip.ok) return ipip;
    return {
      ok: false,
      reason: "Calico's overlay (IPIP routes programmed by Felix, BIRD's krt_tunnel) is not reproduced on the netns lab; run it on the vagrant driver",
    };
  }

  /** Tries an ipip tunnel in a throwaway namespace (recorded while it exists), as the overlay would need. */
  private async ipipSupport(): Promise<Support> {
    const context = this.contextOf();
    const probe = `preflight-ipip-${process.pid}`;
    await context.addNamespaces([probe]);
    try {
      const result = await runLocal(["ip", "-n", context.namespaceOf(probe), "link", "add", "fsipip0", "type", "ipip", "local", "10.255.255.1", "remote", "10.255.255.2"]);
      if (result.exitCode === 0) return ok;
      const why = result.stderr.trim().split("\n")[0] ?? `exit ${result.exitCode}`;
      return { ok: false, reason: `this kernel has no ipip tunnels (\`ip link add ... type ipip\`: ${why}), which Calico's overlay (IPIP) needs` };
    } finally {
      await context.removeNamespaces([probe]);
    }
  }

  /** Brings the lab into `mode`; returns at once when it is in it already. */
  async bringTo(mode: PodNetworkMode, progress: Progress = () => {}): Promise<PodNetwork> {
    const context = this.contextOf();
    if (mode === "none") {
      if (this.current(context, undefined) !== "none") await this.teardown(context, progress);
      return { mode, pods: [], findings: [], podRunner: (pod) => unknownPod(pod, []) };
    }
    const support = await this.support(mode);
    if (!support.ok) throw new LabError(`the netns lab cannot run Calico in ${mode} mode: ${support.reason}`);
    const plan = calicoPlan(context.topology, "peering");
    const current = this.current(context, plan);
    let findings: readonly string[] = [];
    if (current !== "peering") {
      if (current !== "none") await this.teardown(context, progress);
      findings = await this.apply(context, plan, progress);
    }
    return {
      mode,
      findings,
      pods: plan.nodes.map((n) => ({ name: n.pod.name, node: n.node, address: n.pod.address })),
      podRunner: (pod) => {
        if (!plan.nodes.some((n) => n.pod.name === pod)) unknownPod(pod, plan.nodes.map((n) => n.pod.name));
        return context.localRunner(pod);
      },
    };
  }

  /**
   * The mode the lab is in, from what exists: the leaves' markers and the pods' namespaces. A BIRD
   * that died does not change the mode: the scenarios report it, as they would on a real node.
   */
  private current(context: NetnsContext, plan: CalicoPlan | undefined): PodNetworkMode | "partial" {
    const { namespaces, processes } = context.recorded();
    const pods = namespaces.filter((ns) => ns.startsWith(context.namespaceOf(POD_PREFIX)));
    const marked = leaves(context.topology).filter((l) => existsSync(join(context.nodeDir(l.name), LEAF_MARKER)));
    const birds = processes.filter((p) => p.daemon === BIRD_DAEMON);
    if (pods.length === 0 && marked.length === 0 && birds.length === 0) return "none";
    if (!plan) return "partial";
    const allPods = plan.nodes.every((n) => pods.includes(context.namespaceOf(n.pod.name)));
    const allLeaves = leaves(context.topology).every((l) => marked.includes(l));
    return allPods && allLeaves ? "peering" : "partial";
  }

  /**
   * Builds peering mode and waits for it to converge. Returns what is still wrong when the budget
   * ends: a pod network that does not converge because the fabric is wrong is the network's
   * finding (the scenarios judge it, as failed), not a broken lab.
   */
  private async apply(context: NetnsContext, plan: CalicoPlan, progress: Progress): Promise<readonly string[]> {
    const t = context.topology;
    const started = performance.now();
    // The leaves first: a BIRD that reaches a leaf not yet configured is refused, and waits its
    // error wait time (5 s) before it tries again.
    await Promise.all(
      leaves(t).map(async (leaf) => {
        const commands = leafPeeringCommands(t, leaf);
        writeFileSync(join(context.nodeDir(leaf.name), LEAF_MARKER), `${commands.join("\n")}\n`);
        await applyVtysh(context.localRunner(leaf.name), commands);
      }),
    );
    await context.addNamespaces(plan.nodes.map((n) => n.pod.name));
    await context.ipBatch(
      plan.nodes.map((n) => `link add ${n.pod.hostInterface} netns ${context.namespaceOf(n.node)} type veth peer eth0 netns ${context.namespaceOf(n.pod.name)}`),
      "create the pods' veths",
    );
    await Promise.all(
      plan.nodes.map(async (n) => {
        await context.ipBatch(
          ["link set lo up", `addr add ${n.pod.address}/32 dev eth0`, "link set eth0 up", `route add ${POD_GATEWAY} dev eth0 scope link`, `route add default via ${POD_GATEWAY} dev eth0`],
          `address pod ${n.pod.name}`,
          n.pod.name,
        );
        await context.ipBatch([`link set ${n.pod.hostInterface} up`, `route add ${n.pod.address}/32 dev ${n.pod.hostInterface} scope link`], `route to pod ${n.pod.name}`, n.node);
        // Inside the node's namespace only: it forwards for its pods and answers ARP for their
        // gateway at once (as Felix sets it: the kernel's default delays proxy ARP by up to 0.8 s).
        await mustRun(context, n.node, [
          SYSCTL, "-qw", "net.ipv4.ip_forward=1",
          `net.ipv4.conf.${n.pod.hostInterface}.proxy_arp=1`,
          `net.ipv4.neigh.${n.pod.hostInterface}.proxy_delay=0`,
        ]);
        const files = birdFiles(context.nodeDir(n.node));
        writeFileSync(files.config, renderBirdConfig(t, plan, n));
        await context.spawnDaemon({ node: n.node, name: BIRD_DAEMON, argv: birdArgv(files), pidFile: files.pidFile });
      }),
    );
    const built = Math.round(performance.now() - started);
    const what = `pod network: Calico peering (${plan.nodes.length} pods, BIRD on ${plan.nodes.length} nodes) built in ${built} ms`;
    try {
      const settled = await eventually(() => this.notConverged(context, plan), budgets(t.bgp).convergence, { signal: context.signal });
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
    const t = context.topology;
    const nodes = [...t.switches, ...t.hosts];
    const routeFindings = await Promise.all(
      nodes.map((n) => unanswered(n.name, async () => podRouteFindings(t, plan, n, (await kernelRoutes(context.localRunner(n.name))).value))),
    );
    const sessionFindings =
      routeFindings.flat().length > 0
        ? []
        : await Promise.all(
            leaves(t).map((l) => unanswered(l.name, async () => leafSessionFindings(t, l.name, (await bgpSummary(context.localRunner(l.name))).value.peers))),
          );
    const findings = [...routeFindings.flat(), ...sessionFindings.flat()];
    if (findings.length > 0) throw new PodNetworkFindings(findings);
  }

  /** Takes every trace of a pod network out of the lab, in the order that leaves no stale route behind. */
  private async teardown(context: NetnsContext, progress: Progress): Promise<void> {
    const t = context.topology;
    const started = performance.now();
    // The leaves first: their sessions end with a notification and the spines withdraw the blocks
    // at once (a BIRD that died first could leave routes kept for a graceful restart).
    await Promise.all(
      leaves(t).map(async (leaf) => {
        const marker = join(context.nodeDir(leaf.name), LEAF_MARKER);
        if (!existsSync(marker)) return;
        await applyVtysh(context.localRunner(leaf.name), leafUnpeeringCommands(t, leaf));
        rmSync(marker, { force: true });
      }),
    );
    const { namespaces, processes } = context.recorded();
    await Promise.all(processes.filter((p) => p.daemon === BIRD_DAEMON).map((p) => context.stopProcess(p)));
    const podPrefix = context.namespaceOf(POD_PREFIX);
    await context.removeNamespaces(namespaces.filter((ns) => ns.startsWith(podPrefix)).map((ns) => ns.slice(context.namespaceOf("").length)));
    await Promise.all(
      t.hosts.map(async (h) => {
        // Routes BIRD programmed, and forwarding: the node is back to part 2's plain host.
        await context.ipBatch(["route flush proto bird"], `flush BIRD's routes on ${h.name}`, h.name);
        await mustRun(context, h.name, [SYSCTL, "-qw", "net.ipv4.ip_forward=0"]);
        for (const file of Object.values(birdFiles(context.nodeDir(h.name)))) rmSync(file, { force: true });
      }),
    );
    const pools = safePools(context);
    await eventually(async () => {
      const findings = await Promise.all(t.switches.map(async (sw) => noPodRouteFindings(sw.name, (await kernelRoutes(context.localRunner(sw.name))).value, pools)));
      if (findings.flat().length > 0) throw new LabError(`pod routes are still in the fabric:\n  ${findings.flat().join("\n  ")}`);
    }, budgets(t.bgp).routeInstalled);
    progress(`pod network: none (removed in ${Math.round(performance.now() - started)} ms)`);
  }
}

/** The pools of the peering resources, or the topology's pod network when they cannot be read. */
function safePools(context: NetnsContext): readonly string[] {
  try {
    return calicoPlan(context.topology, "peering").pools;
  } catch {
    return [context.topology.podNetwork];
  }
}

async function mustRun(context: NetnsContext, node: string, argv: readonly string[]): Promise<void> {
  await must(context.localRunner(node), argv, undefined, 10_000);
}

/** What is still wrong with the pod network: the network's state, not a broken lab. */
class PodNetworkFindings extends Error {
  constructor(readonly findings: readonly string[]) {
    super(`Calico peering has not converged:\n  ${findings.join("\n  ")}`);
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
