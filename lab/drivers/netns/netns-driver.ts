/**
 * The embedded lab: one network namespace per switch and host, veth pairs per link, a bridge per
 * rack, real FRR daemons per switch, real kernel forwarding. Needs root; touches nothing outside
 * its own namespaces and its run directory. This is the runtime (how nodes exist and are reached);
 * what runs on them is their kind's (lab/kinds/): FRR on every switch, calico-node's BIRD on hosts.
 */
import { createHash } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { settleBounded } from "../../bounded.js";
import { describeError, LabBusyError, LabError, UsageError } from "../../errors.js";
import { budgets } from "../../expect/budgets.js";
import { eventually } from "../../expect/eventually.js";
import { fabricFindings, waitForFabric } from "../../fabric/converge.js";
import type { KernelRoutesOf } from "../../fabric/routes-of.js";
import { CALICO_NODE } from "../../kinds/calico-node.js";
import { FRR_DAEMONS, FRR_SWITCH, type FrrDaemon } from "../../kinds/frr.js";
import { rewriting, type NodeKind } from "../../kinds/kind.js";
import { isAlive } from "../../lock.js";
import { findNode, findSwitch, nodeNames, type Switch, type Topology } from "../../topology/model.js";
import { keepProvisionLog, readProvisionLogs } from "../../provision/evidence.js";
import { provisionFabric } from "../../provision/provision.js";
import { runLocal } from "../../transport/local.js";
import type { CommandRunner } from "../../transport/runner.js";
import { phaseTimer, unknownNode, unknownSwitch, type KubernetesAccess, type LabDriver, type LabStatus, type Phase, type PodNetwork, type PodNetworkMode, type PreflightCheck, type Progress, type Support, type UpOptions, type UpResult, type LabPlan, type ProvisionLog } from "../driver.js";
import type { NetnsAddon, NetnsContext, NodeStart } from "./addons.js";
import { NetnsPodNetworks } from "./calico.js";
import { NetnsKubernetes } from "./kubernetes.js";
import { netnsContext } from "./context.js";
import { spawnDaemon } from "./daemons.js";
import { addNamespaces, ipBatch } from "./namespaces.js";
import { startNode } from "./node-start.js";
import { EMBEDDED_TARGET, prepareBareSwitch, recordProvisionedDaemons } from "./provision.js";
import { netnsLabPlan } from "./lab-plan.js";
import { kernelRoutesInNamespaces } from "./routes.js";
import { ipv6Sysctls, namespaceOf, NO_ICMP_RATE_LIMIT, pinLinkNeighbours, planLab } from "./plan.js";
import { netnsPreflight, requireNetnsPreflight } from "./preflight.js";
import { isRecorded, namespaceInode } from "./processes.js";
import { LabRecord, nodeDir, type LabState } from "./state.js";
import { labStatus } from "./status.js";
import { frrCrashLogDirs, frrDaemonSpec, prepareSwitch } from "./switches.js";
import { teardown } from "./teardown.js";

const quiet: Progress = () => {};

const provisionLogFile = (sw: string): string => join(nodeDir(sw), "provision.log");

export class NetnsDriver implements LabDriver {
  readonly name = "netns";
  readonly fingerprint: string;
  private readonly record = new LabRecord();
  /** One process reads every switch's routes (./routes.ts), unless the scenarios reach the nodes through a transport of their own (SSH). */
  readonly kernelRoutesOf: KernelRoutesOf | undefined;

  /**
   * @param addons what else runs in the namespaces (sshd, BIRD), started after convergence
   * @param transport how runners reach a node; default: `ip netns exec` from this machine
   */
  constructor(
    readonly topology: Topology,
    private readonly addons: readonly NetnsAddon[] = [],
    private readonly transport?: (node: string, local: CommandRunner) => CommandRunner,
    /** Switches come up bare and are provisioned through `runner` (lab/provision/) after the addons: FABRICSPEC_PROVISION=ssh. */
    private readonly provisioned = false,
  ) {
    this.kernelRoutesOf = transport ? undefined : kernelRoutesInNamespaces;
    this.fingerprint = createHash("sha256").update(JSON.stringify({ ...topology, source: undefined })).digest("hex").slice(0, 16);
  }

  plan(): LabPlan {
    return netnsLabPlan(this.topology, { ssh: this.transport !== undefined, provisioned: this.provisioned });
  }

  preflight(): Promise<PreflightCheck[]> {
    return netnsPreflight();
  }

  async up(options: UpOptions = {}): Promise<UpResult> {
    const progress = options.progress ?? quiet;
    const { signal } = options;
    const existing = this.record.read();
    if (existing) {
      if (existing.keep && existing.phase === "up") return this.reuse(existing, progress);
      progress(`removing leftovers of an earlier ${existing.topology} lab (${existing.phase}, pid ${existing.ownerPid})`);
      await this.down(progress);
    }
    const plan = planLab(this.topology, { pinLinkNeighbours: pinLinkNeighbours(this.topology) });
    // Namespaces of our names that no state records are not ours to remove: refuse before
    // recording anything, so that no teardown ever touches them.
    const clash = plan.namespaces.filter((ns) => namespaceInode(ns) !== undefined);
    if (clash.length > 0) {
      throw new LabError(`namespaces ${clash.join(", ")} exist but no fabricspec lab recorded them`, {
        hint: `if a fabricspec run left them, remove them: ${clash.map((ns) => `ip netns del ${ns}`).join("; ")}`,
      });
    }
    // Without root nothing can be recorded or created: say so (with the other checks) first.
    if (process.getuid?.() !== 0) await requireNetnsPreflight();
    // Before anything exists, so that a crash from here on is cleaned up.
    this.record.begin({
      topology: this.topology.name,
      fingerprint: this.fingerprint,
      namespaces: plan.namespaces,
      processes: [],
      phase: "building",
      keep: options.keep ?? false,
      ownerPid: process.pid,
      createdAt: new Date().toISOString(),
    });
    const phases: Phase[] = [];
    const timed = phaseTimer(phases, progress, signal);
    try {
      await timed("preflight", () => requireNetnsPreflight(), "root, iproute2, FRR, kernel features");
      await timed("namespaces", () => addNamespaces(plan.namespaces, "create the namespaces"), `${plan.namespaces.length} namespaces`);
      const pinned = plan.pinned ? " (link neighbours pinned: more than the machine's neighbour table would hold)" : "";
      await timed("links", () => ipBatch(plan.links, "create the veth pairs"), `${plan.links.length} veth pairs${pinned}`);
      // Per node, one process in its namespace (node-start.ts): sysctls, addresses, and on a switch
      // zebra (which must see the interfaces in its first netlink dump), bgpd once zebra listens
      // (its 1 s start timer is the long pole of convergence), then staticd.
      const readyMs = budgets(this.topology.bgp).daemonStart.ms;
      await timed(
        "addressing+daemons",
        () =>
          // A few nodes per core at once (lab/bounded.ts), settled rather than failed fast:
          // cleanup must not start while a daemon is still being spawned.
          settleBounded(plan.addressing, async ([ns, lines]) => {
            const node = nodeNames(this.topology).find((n) => namespaceOf(n) === ns);
            if (node === undefined) throw new LabError(`the plan addresses namespace ${ns}, which is no node's`);
            const sw = this.topology.switches.find((s) => s.name === node);
            const host = this.topology.hosts.find((h) => h.name === node);
            const v6 = sw ?? host;
            const sysctls = [...NO_ICMP_RATE_LIMIT, ...(v6 ? ipv6Sysctls(v6) : [])];
            const start: NodeStart = !sw
              ? { node, dir: nodeDir(node), sysctls, addressLines: lines, daemons: [] }
              : this.provisioned
                ? { node, dir: prepareBareSwitch(node), sysctls: NO_ICMP_RATE_LIMIT, addressLines: ["link set lo up"], daemons: [] } // lo up: its sshd listens on 127.0.0.1
                : prepareSwitch(this.topology, sw, sysctls, lines);
            mkdirSync(start.dir, { recursive: true });
            await startNode(start, this.record, readyMs, signal);
          }),
        this.provisioned ? `hosts addressed; ${this.topology.switches.length} switches bare` : `addresses; ${FRR_DAEMONS.join(", ")} on ${this.topology.switches.length} switches`,
      );
      if (this.provisioned) {
        // The runners need the addons (sshd) before the fabric exists: the provisioner reaches the switches through them.
        const context = this.context(signal);
        for (const addon of this.addons) await timed(addon.name, () => addon.up(context, progress), "addon");
        await timed("provisioning", () => this.provision(progress), `${this.topology.switches.length} switches over the lab's transport`);
      }
      await timed(
        "convergence",
        () => waitForFabric(this.topology, (node) => this.localRunner(node), budgets(this.topology.bgp).convergence, signal, kernelRoutesInNamespaces),
        "every session Established, every prefix installed",
      );
      if (!this.provisioned) {
        const context = this.context(signal);
        for (const addon of this.addons) await timed(addon.name, () => addon.up(context, progress), "addon");
      }
      signal?.throwIfAborted(); // interrupted during the last step: still not a lab to hand over
    } catch (error) {
      progress(signal?.aborted ? "interrupted; removing what bring-up created" : "bring-up failed; removing what it created");
      await this.down(progress);
      throw error;
    }
    this.record.record((s) => ({ ...s, phase: "up" }));
    return { reused: false, phases };
  }

  /**
   * The switches built by the provisioner through this driver's runners (SSH), as on real machines;
   * each one's log (lab/provision/evidence.ts) kept in its directory (provision.log), then the
   * daemons it started recorded.
   */
  private async provision(progress: Progress): Promise<void> {
    const loading = new Set<string>(); // switches on which the provisioner started daemons
    try {
      await provisionFabric(this.topology, (node) => this.runner(node), EMBEDDED_TARGET, {
        progress,
        observe: (machine, step, r) => {
          if (step === "load FRR" && r.command[0] !== "pgrep") loading.add(machine);
        },
        log: (log) => keepProvisionLog(provisionLogFile(log.machine), log),
      });
    } finally {
      // Whatever the provisioner started is the lab's, also when it failed: teardown stops it by PID.
      // (Waited for only where daemons were started: a switch that failed earlier has none to wait for.)
      for (const sw of this.topology.switches) await recordProvisionedDaemons(sw.name, this.record, loading.has(sw.name));
    }
  }

  /** Each switch's provision.log, when this lab's switches are provisioned (FABRICSPEC_PROVISION=ssh). */
  provisionLogs(): ProvisionLog[] {
    return this.provisioned ? readProvisionLogs(this.topology.switches.map((sw) => sw.name), provisionLogFile) : [];
  }

  /** A lab that `fabricspec lab up` left running is tested as it is, even degraded: it may be broken on purpose. */
  private async reuse(existing: LabState, progress: Progress): Promise<UpResult> {
    if (existing.fingerprint !== this.fingerprint) {
      throw new LabBusyError(
        `a lab of topology "${existing.topology}" is up (started by \`fabricspec lab up\`), not of "${this.topology.name}"`,
        { hint: "npx fabricspec lab down" },
      );
    }
    const status = await this.status();
    const broken = status.nodes.filter((n) => !n.up).map((n) => `${n.name}: ${n.detail}`);
    progress(`reusing the ${existing.topology} lab that \`fabricspec lab up\` started${broken.length ? ` (degraded: ${broken.join("; ")})` : ""}`);
    // Say so when it is not at its baseline: broken on purpose, or left so by an interrupted run.
    const findings = await fabricFindings(this.topology, (node) => this.localRunner(node)).catch((error: unknown) => [describeError(error)]);
    if (findings.length > 0) progress(`note: the reused lab is not at its baseline:\n  ${findings.join("\n  ")}`);
    return { reused: true, phases: [] };
  }

  async stopDaemon(node: string, daemon: string): Promise<void> {
    const { sw, name } = this.daemonOf(node, daemon);
    const running = this.record.read()?.processes.filter((p) => p.node === sw.name && p.daemon === name && isRecorded(p)) ?? [];
    if (running.length === 0) throw new LabError(`${name} is not running on ${sw.name}`);
    // SIGKILL: a crash, as a failing daemon goes; the kernel closes its sessions' sockets.
    for (const p of running) process.kill(p.pid, "SIGKILL");
    await eventually(async () => {
      if (running.some((p) => isAlive(p.pid))) throw new LabError(`${name} on ${sw.name} did not stop`);
    }, budgets(this.topology.bgp).daemonStart);
    for (const p of running) for (const dir of frrCrashLogDirs(p)) rmSync(dir, { recursive: true, force: true });
    // The lab may have been removed meanwhile: then there is nothing to forget.
    this.record.forget((s) => ({ ...s, processes: s.processes.filter((p) => !running.some((r) => r.pid === p.pid)) }));
  }

  async startDaemon(node: string, daemon: string): Promise<void> {
    const { sw, name } = this.daemonOf(node, daemon);
    // A provisioned switch's daemons read the integrated frr.conf the provisioner installed.
    await spawnDaemon(frrDaemonSpec(sw.name, name, this.provisioned ? EMBEDDED_TARGET.configFile(sw.name) : undefined), this.record);
  }

  private daemonOf(node: string, daemon: string): { sw: Switch; name: FrrDaemon } {
    const sw = findSwitch(this.topology, node);
    if (!sw) throw unknownSwitch(this.topology, node);
    const name = FRR_DAEMONS.find((d) => d === daemon);
    if (!name) throw new UsageError(`the lab runs no daemon "${daemon}"; it runs ${FRR_DAEMONS.join(", ")}`);
    return { sw, name };
  }

  async down(progress: Progress = quiet): Promise<Phase[]> {
    const phases = await this.record.remove((state) => teardown(state, this.topology));
    if (!phases) return [];
    progress(`lab down: ${phases.map((p) => `${p.name} ${p.detail} (${p.ms} ms)`).join(", ")}`);
    return phases;
  }

  async status(): Promise<LabStatus> {
    const state = this.record.read();
    return labStatus(this.name, state, state?.fingerprint === this.fingerprint ? this.topology : undefined);
  }

  /** Calico on the lab's nodes: BIRD in each node's namespace, pods as namespaces (./calico.ts). */
  private readonly podNetworks = new NetnsPodNetworks(() => this.context());

  podNetworkSupport(mode: PodNetworkMode): Promise<Support> {
    return this.podNetworks.support(mode);
  }

  /** The pod network in `mode`, and the Kubernetes nodes' readiness following it when kubelets run. */
  async podNetwork(mode: PodNetworkMode, progress: Progress = () => {}): Promise<PodNetwork> {
    const network = await this.podNetworks.bringTo(mode, progress);
    await this.cluster.followPodNetwork(mode, progress);
    return network;
  }

  /** A real Kubernetes control plane on the control-plane host, started when first asked for (./kubernetes.ts). */
  private readonly cluster = new NetnsKubernetes(() => this.topology, () => this.context());

  async kubernetes(): Promise<KubernetesAccess> {
    // Before a scenario's first step has checked the lab: never start a cluster on a lab of another topology.
    const state = this.record.read();
    if (!state) throw new LabError(`no ${this.name} lab is up`, { hint: "run npm test, or npx fabricspec lab up first" });
    if (state.fingerprint !== this.fingerprint) throw new LabError(`the lab that is up is of topology "${state.topology}", not "${this.topology.name}": no Kubernetes cluster is started on it`);
    return this.cluster.access();
  }

  runner(node: string): CommandRunner {
    const local = this.localRunner(node);
    return this.transport ? this.transport(node, local) : local;
  }

  /** Runs in the node's namespace from this machine (`ip netns exec`), whatever the transport. */
  localRunner(node: string): CommandRunner {
    if (!findNode(this.topology, node)) throw unknownNode(this.topology, node);
    return this.namespaceRunner(node);
  }

  /**
   * A command as it must run in this lab to act as on the node's own shell: `vtysh` pointed at the
   * switch's own FRR, `birdc` at the node's own BIRD (their kinds say how). Any transport (SSH
   * too) runs this form.
   */
  nodeCommand(node: string, argv: readonly string[]): readonly string[] {
    if (!findNode(this.topology, node)) throw unknownNode(this.topology, node);
    return ownCommand(this.topology, node, argv);
  }

  /** `ip netns exec`, any node the lab made a namespace for (test pods too). */
  private namespaceRunner(node: string): CommandRunner {
    const ns = namespaceOf(node);
    const inNamespace: CommandRunner = { node, run: (argv, options) => runLocal(["ip", "netns", "exec", ns, ...argv], options) };
    return rewriting(inNamespace, (argv) => ownCommand(this.topology, node, argv));
  }

  /**
   * What addons (and scenario-time extensions such as Calico's modes) build with: every namespace
   * and process they create goes into the lab's record first.
   */
  context(signal?: AbortSignal): NetnsContext {
    return netnsContext(this.topology, this.record, (node) => this.namespaceRunner(node), signal);
  }
}

/** The embedded lab's kinds: FRR on every switch; calico-node's BIRD on every host; nothing of ours in a pod. */
function kindOf(t: Topology, node: string): NodeKind | undefined {
  const kind = findNode(t, node)?.kind;
  return kind === "switch" ? FRR_SWITCH : kind === "host" ? CALICO_NODE : undefined;
}

/** A command as it reaches the node's own daemons, whose sockets are in the node's directory. */
function ownCommand(t: Topology, node: string, argv: readonly string[]): readonly string[] {
  return kindOf(t, node)?.ownCommand(argv, nodeDir(node)) ?? argv;
}
