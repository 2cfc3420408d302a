/**
 * Calico per scenario on the Vagrant lab: the real Calico, installed from its manifest on the
 * kubeadm cluster, configured from the same resources (`lab/calico/<topology>/<mode>.yaml`) whose
 * BIRD configuration the embedded lab generates, and taken out again for the blog's part 2.
 *
 * peering  the leaves into peering mode (the vtysh commands of lab/calico/fabric.ts, the same as
 *          the embedded lab's), Calico's manifest, calico-node's address autodetection pinned to
 *          the hosts' fabric interface, the nodes labelled as the resources select them, the
 *          resources applied with calicoctl, calico-node Ready on every node, one test pod per node
 * overlay  the same without the leaves and with the overlay resources (mesh, IPIP)
 * none     all of it removed: no Calico, no CNI configuration (nodes NotReady again), no leaf peering
 *
 * calicoctl, not kubectl, applies the resources: they are projectcalico.org/v3, which the manifest
 * install does not serve through the API server (that takes Calico's API server); the manifest only
 * adds the crd.projectcalico.org/v1 CRDs, which calicoctl writes with validation and defaulting.
 *
 * The test pods are real pods, one per node (`nodeName`), each with the address the plan gives it
 * (Calico's `cni.projectcalico.org/ipAddrs` annotation; Calico's IPAM then claims that address's
 * block for the node, so the blocks the scenarios expect are the ones the nodes advertise). A pod's
 * runner runs the command in the pod's network namespace on its node (`nsenter --net`), with the
 * node's own iputils ping and traceroute: the probes parse those tools' output, which a busybox
 * image's ping and traceroute do not print (its traceroute's header goes to stderr, its ping's
 * statistics line reads differently). The pod itself runs only the pause image.
 *
 * The mode the lab is in is recorded in the cluster (a ConfigMap, written before a change starts and
 * set to the mode once it is complete), so a lab changed by another run, or left half-changed by an
 * interrupted one, is recognised; in this process the mode is remembered, so "none" before every
 * scenario costs nothing once the lab is in it.
 */
import { z } from "zod";
import type { PodNetwork, PodNetworkMode, Progress, Support } from "../driver.js";
import { CommandError, ConvergenceError, LabError } from "../../errors.js";
import type { Budget } from "../../expect/budgets.js";
import { eventually } from "../../expect/eventually.js";
import { applyVtysh, leafPeeringCommands, leafUnpeeringCommands, rackNodes } from "../../calico/fabric.js";
import { noPodRouteFindings } from "../../calico/judge.js";
import { calicoPlan, calicoResourcesText, type CalicoMode, type CalicoPlan } from "../../calico/resources.js";
import { CALICO_MANIFEST_URL, CALICOCTL_PATH, calicoctlUrl } from "../../calico/version.js";
import { bgpSummary, kernelRoutes } from "../../probes/index.js";
import { calicoNodePods, kubernetesNodes, namespacePods } from "../../probes/kubernetes.js";
import { leaves, type Topology } from "../../topology/model.js";
import type { CommandResult, CommandRunner, RunOptions } from "../../transport/runner.js";

/** Where the test pods run. */
export const TEST_NAMESPACE = "fabricspec";
/** The test pods' only container: they run nothing, their network namespace is what is tested. */
export const TEST_POD_IMAGE = "registry.k8s.io/pause:3.9";
/** The record of the mode the cluster is in. */
const MARKER = "fabricspec-pod-network";
const MARKER_NAMESPACE = "kube-system";
/** Written before a change starts: an interrupted change is recognised as one. */
const CHANGING = "changing";
const KUBECONFIG = "/etc/kubernetes/admin.conf";
/** calico-node's CRDs the resources are written to, established before calicoctl writes them. */
const CALICO_CRDS = ["bgpconfigurations", "bgppeers", "ippools"].map((r) => `crd/${r}.crd.projectcalico.org`);
/** What Calico's CNI installer writes on every node; without it kubelet reports NotReady again. */
const CNI_FILES = ["/etc/cni/net.d/10-calico.conflist", "/etc/cni/net.d/calico-kubeconfig"];
/** The node annotations Calico keeps its per-node BGP settings in (Kubernetes datastore). */
const CALICO_NODE_ANNOTATIONS = ["projectcalico.org/ASNumber", "projectcalico.org/IPv4Address", "projectcalico.org/IPv4IPIPTunnelAddr", "projectcalico.org/IPv4VXLANTunnelAddr"];
const CRICTL = ["crictl", "--runtime-endpoint", "unix:///run/containerd/containerd.sock"];

export interface VagrantPodNetworkBudgets {
  readonly calicoNodeReady: Budget;
  readonly testPodsRunning: Budget;
  readonly podNetworkRemoved: Budget;
  readonly routeWithdrawn: Budget;
}

/** What the pod networks need of the Vagrant driver. */
export interface VagrantCalicoLab {
  readonly topology: Topology;
  /** A machine's SSH runner (`sudo` on every command). */
  runner(node: string): CommandRunner;
  /** kubectl on the control plane, with the cluster's kubeconfig. */
  kubectl(): CommandRunner;
  readonly budgets: VagrantPodNetworkBudgets;
}

type Observed = PodNetworkMode | "partial";

export class VagrantPodNetworks {
  /** The mode this process brought the lab into or found it in; undefined: ask the lab. */
  private known: PodNetwork | undefined;

  constructor(private readonly lab: VagrantCalicoLab) {}

  /** The lab may have changed under us (machines rebuilt, FRR restarted): ask it next time. */
  forget(): void {
    this.known = undefined;
  }

  /** Every mode runs on the Vagrant lab: its machines' kernels have ipip, and Calico is the real one. */
  support(_mode: PodNetworkMode): Support {
    const t = this.lab.topology;
    if (!t.hosts.some((h) => h.role === "control-plane")) return { ok: false, reason: `topology "${t.name}" has no control-plane host to install Calico from` };
    return { ok: true };
  }

  async bringTo(mode: PodNetworkMode, progress: Progress = () => {}): Promise<PodNetwork> {
    const support = this.support(mode);
    if (!support.ok) throw new LabError(`the vagrant lab cannot run Calico in ${mode} mode: ${support.reason}`);
    if (this.known?.mode === mode) return this.known;
    try {
      const current = this.known?.mode ?? (await this.observe());
      if (current !== mode) {
        if (current !== "none") await this.teardown(progress);
        if (mode !== "none") await this.apply(calicoPlan(this.lab.topology, mode), progress);
      }
      this.known = mode === "none" ? noPods() : await this.network(calicoPlan(this.lab.topology, mode));
      return this.known;
    } catch (error) {
      this.known = undefined;
      throw error;
    }
  }

  /** The mode the cluster records, checked against what exists (calico-node; in peering mode the leaves). */
  private async observe(): Promise<Observed> {
    const listed = await must(this.lab.kubectl(), ["kubectl", "get", `daemonset/calico-node`, `configmap/${MARKER}`, "--namespace", MARKER_NAMESPACE, "--ignore-not-found", "-o", "json"]);
    const items = parseItems(listed.stdout);
    const calico = items.some((i) => i.kind === "DaemonSet");
    const recorded = items.find((i) => i.kind === "ConfigMap")?.data?.mode;
    if (!calico && recorded === undefined) return "none";
    if (!calico || (recorded !== "peering" && recorded !== "overlay")) return "partial";
    if (recorded === "peering" && !(await this.leavesPeering())) return "partial";
    return recorded;
  }

  /** Every leaf has its rack's nodes as BGP neighbors (a restarted FRR has dropped them). */
  private async leavesPeering(): Promise<boolean> {
    const t = this.lab.topology;
    const peered = await Promise.all(
      leaves(t).map(async (leaf) => {
        const peers = (await bgpSummary(this.lab.runner(leaf.name))).value.peers.map((p) => p.address);
        return rackNodes(t, leaf).every((n) => peers.includes(n.address));
      }),
    );
    return peered.every(Boolean);
  }

  private async apply(plan: CalicoPlan, progress: Progress): Promise<void> {
    const t = this.lab.topology;
    const kubectl = this.lab.kubectl();
    const started = performance.now();
    await this.mark(CHANGING);
    // The leaves first: a BIRD that reaches a leaf not yet configured is refused, and waits before it tries again.
    if (plan.mode === "peering") await Promise.all(leaves(t).map((leaf) => applyVtysh(this.lab.runner(leaf.name), leafPeeringCommands(t, leaf))));
    const calicoctl = await this.installCalicoctl();
    progress(`pod network: installing Calico (${CALICO_MANIFEST_URL})`);
    await must(kubectl, ["kubectl", "apply", "-f", CALICO_MANIFEST_URL], undefined, 300_000);
    await must(kubectl, ["kubectl", "set", "env", "daemonset/calico-node", "--namespace", "kube-system", `IP_AUTODETECTION_METHOD=${autodetection(t)}`]);
    await must(kubectl, ["kubectl", "wait", "--for", "condition=established", "--timeout", "60s", ...CALICO_CRDS], undefined, 90_000);
    // The labels the resources select nodes by (a rack's BGPPeer): Kubernetes node labels are Calico's.
    for (const node of plan.nodes) {
      const labels = Object.entries(node.labels).map(([k, v]) => `${k}=${v}`);
      if (labels.length > 0) await must(kubectl, ["kubectl", "label", "node", node.node, ...labels, "--overwrite"]);
    }
    const resources = calicoResourcesText(t, plan.mode);
    await must(this.lab.runner(this.controlPlane()), ["env", "DATASTORE_TYPE=kubernetes", `KUBECONFIG=${KUBECONFIG}`, calicoctl, "apply", "-f", "-"], resources.text);
    progress(`pod network: Calico resources applied (${resources.source}); waiting for calico-node on ${t.hosts.length} nodes`);
    const ready = await eventually(() => this.calicoNodeReady(), this.lab.budgets.calicoNodeReady);
    progress(`pod network: calico-node Ready on every node (${ready.elapsedMs} ms)`);
    await must(kubectl, ["kubectl", "apply", "-f", "-"], testPodsManifest(plan));
    await eventually(() => this.testPodsRunning(plan), this.lab.budgets.testPodsRunning, { isFatal: (e) => e instanceof WrongAddressError });
    await this.mark(plan.mode);
    progress(`pod network: Calico ${plan.mode} (${plan.nodes.length} test pods) in ${Math.round(performance.now() - started)} ms`);
  }

  /** Takes out everything apply() put in, in an order that leaves no pod stuck and no route behind. */
  private async teardown(progress: Progress): Promise<void> {
    const t = this.lab.topology;
    const kubectl = this.lab.kubectl();
    const started = performance.now();
    await this.mark(CHANGING);
    // The leaves first: their sessions end with a notification, and the spines withdraw the blocks at once.
    await Promise.all(leaves(t).map((leaf) => applyVtysh(this.lab.runner(leaf.name), leafUnpeeringCommands(t, leaf))));
    // The test pods while Calico's CNI plugin can still release their addresses.
    await must(kubectl, ["kubectl", "delete", "namespace", TEST_NAMESPACE, "--ignore-not-found", "--timeout", "120s"], undefined, 180_000);
    await must(kubectl, ["kubectl", "delete", "-f", CALICO_MANIFEST_URL, "--ignore-not-found", "--timeout", "300s"], undefined, 360_000);
    const labelKeys = [...new Set(modes.flatMap((m) => safePlan(t, m)?.nodes.flatMap((n) => Object.keys(n.labels)) ?? []))];
    if (labelKeys.length > 0) await must(kubectl, ["kubectl", "label", "node", "--all", ...labelKeys.map((k) => `${k}-`)]);
    await must(kubectl, ["kubectl", "annotate", "node", "--all", ...CALICO_NODE_ANNOTATIONS.map((a) => `${a}-`)]);
    // Pods with addresses from the removed pools (CoreDNS) go back to waiting for a network, as in part 2.
    await must(kubectl, ["kubectl", "delete", "pods", "--namespace", "kube-system", "--selector", "k8s-app=kube-dns", "--ignore-not-found", "--wait=false"]);
    await Promise.all(
      t.hosts.map(async (h) => {
        const runner = this.lab.runner(h.name);
        await must(runner, ["rm", "-f", ...CNI_FILES]);
        await must(runner, ["ip", "route", "flush", "proto", "bird"]);
      }),
    );
    const pools = [...new Set(modes.flatMap((m) => safePlan(t, m)?.pools ?? ["192.168.0.0/16"]))];
    await eventually(() => this.noPodRoutes(pools), this.lab.budgets.routeWithdrawn);
    await eventually(() => this.nodesNotReady(), this.lab.budgets.podNetworkRemoved);
    await must(kubectl, ["kubectl", "delete", "configmap", MARKER, "--namespace", MARKER_NAMESPACE, "--ignore-not-found"]);
    progress(`pod network: none (Calico removed in ${Math.round(performance.now() - started)} ms)`);
  }

  /** calicoctl of the pinned release on the control plane, fetched there once (the machines have internet). */
  private async installCalicoctl(): Promise<string> {
    const cp = this.lab.runner(this.controlPlane());
    if ((await cp.run(["test", "-x", CALICOCTL_PATH])).exitCode === 0) return CALICOCTL_PATH;
    const arch = (await must(cp, ["dpkg", "--print-architecture"])).stdout.trim();
    await must(cp, ["curl", "-fsSL", "--retry", "3", "-o", CALICOCTL_PATH, calicoctlUrl(arch)], undefined, 300_000);
    await must(cp, ["chmod", "0755", CALICOCTL_PATH]);
    return CALICOCTL_PATH;
  }

  private async mark(mode: string): Promise<void> {
    const marker = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: MARKER, namespace: MARKER_NAMESPACE }, data: { mode } };
    await must(this.lab.kubectl(), ["kubectl", "apply", "-f", "-"], JSON.stringify(marker));
  }

  /** Throws, naming them, while calico-node is not Running and ready on every Kubernetes node. */
  private async calicoNodeReady(): Promise<void> {
    const pods = (await calicoNodePods(this.lab.kubectl())).value;
    const waiting = this.lab.topology.hosts.flatMap((h) => {
      const pod = pods.find((p) => p.node === h.name);
      if (!pod) return [`${h.name} (no calico-node pod)`];
      return pod.phase === "Running" && pod.ready ? [] : [`${h.name} (${pod.name} ${pod.phase}${pod.ready ? "" : ", not ready"})`];
    });
    if (waiting.length > 0) throw new ConvergenceError(`calico-node is not Ready on ${waiting.join(", ")}`);
  }

  /** Throws while a test pod is not Running; at once when one got another address than the plan's. */
  private async testPodsRunning(plan: CalicoPlan): Promise<void> {
    const pods = (await namespacePods(this.lab.kubectl(), TEST_NAMESPACE)).value;
    const findings: string[] = [];
    for (const n of plan.nodes) {
      const pod = pods.find((p) => p.name === n.pod.name);
      if (pod?.address !== undefined && pod.address !== n.pod.address) {
        throw new WrongAddressError(`${n.pod.name} on ${n.node} got ${pod.address} from Calico's IPAM (expected ${n.pod.address}, the first address of the node's block ${n.block}: is that block taken by another node?)`);
      }
      if (!pod) findings.push(`${n.pod.name} (not created)`);
      else if (pod.phase !== "Running" || !pod.ready) findings.push(`${n.pod.name} on ${pod.node ?? "?"} (${pod.phase}${pod.ready ? "" : ", not ready"})`);
    }
    if (findings.length > 0) throw new ConvergenceError(`the test pods are not running: ${findings.join(", ")}`);
  }

  private async noPodRoutes(pools: readonly string[]): Promise<void> {
    const findings = await Promise.all(this.lab.topology.switches.map(async (sw) => noPodRouteFindings(sw.name, (await kernelRoutes(this.lab.runner(sw.name))).value, pools)));
    if (findings.flat().length > 0) throw new ConvergenceError(`pod routes are still in the fabric:\n  ${findings.flat().join("\n  ")}`);
  }

  /** Part 2's state: every node NotReady, for want of a network plugin. */
  private async nodesNotReady(): Promise<void> {
    const nodes = (await kubernetesNodes(this.lab.kubectl())).value;
    const ready = nodes.filter((n) => n.ready === "True" && this.lab.topology.hosts.some((h) => h.name === n.name)).map((n) => n.name);
    if (ready.length > 0) throw new ConvergenceError(`still Ready with Calico removed: ${ready.join(", ")}`);
  }

  /** The PodNetwork of a mode the lab is in: the plan's pods, each reached in its network namespace. */
  private async network(plan: CalicoPlan): Promise<PodNetwork> {
    const namespaces = new Map(
      await Promise.all(plan.nodes.map(async (n) => [n.pod.name, await this.podNetns(n.node, n.pod.name)] as const)),
    );
    return {
      mode: plan.mode,
      pods: plan.nodes.map((n) => ({ name: n.pod.name, node: n.node, address: n.pod.address })),
      findings: [],
      podRunner: (pod) => {
        const owner = plan.nodes.find((n) => n.pod.name === pod);
        const netns = namespaces.get(pod);
        if (!owner || netns === undefined) throw new LabError(`no test pod "${pod}" in the lab; pods: ${plan.nodes.map((n) => n.pod.name).join(", ")}`);
        return podRunner(pod, this.lab.runner(owner.node), netns);
      },
    };
  }

  /** The pod's network namespace on its node, from the container runtime. */
  private async podNetns(node: string, pod: string): Promise<string> {
    const runner = this.lab.runner(node);
    const listed = await must(runner, [...CRICTL, "pods", "--namespace", TEST_NAMESPACE, "--name", `^${pod}$`, "--state", "ready", "--quiet"]);
    const id = listed.stdout.trim().split("\n")[0]?.trim();
    if (!id) throw new LabError(`${node}: the container runtime has no ready sandbox for the test pod ${pod}`);
    const inspected = await must(runner, [...CRICTL, "inspectp", "--output", "json", id]);
    const netns = sandboxNetns(inspected.stdout);
    if (!netns) throw new LabError(`${node}: \`crictl inspectp ${id}\` names no network namespace for ${pod}`);
    return netns;
  }

  private controlPlane(): string {
    const cp = this.lab.topology.hosts.find((h) => h.role === "control-plane");
    if (!cp) throw new LabError(`topology "${this.lab.topology.name}" has no control-plane host`);
    return cp.name;
  }
}

const modes: readonly CalicoMode[] = ["peering", "overlay"];

class WrongAddressError extends LabError {}

function noPods(): PodNetwork {
  return {
    mode: "none",
    pods: [],
    findings: [],
    podRunner: (pod) => {
      throw new LabError(`no test pod "${pod}" in the lab; pods: none (no pod network)`);
    },
  };
}

/** calico-node's address autodetection: the hosts' fabric interface(s) (eth1 in the Vagrantfile). */
export function autodetection(t: Topology): string {
  return `interface=${[...new Set(t.hosts.map((h) => h.interface))].join(",")}`;
}

/** The test pods: a namespace and one pod per node, pinned to its node and to the plan's address. */
export function testPodsManifest(plan: CalicoPlan): string {
  const pods = plan.nodes.map((n) => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: n.pod.name,
      namespace: TEST_NAMESPACE,
      labels: { "app.kubernetes.io/managed-by": "fabricspec" },
      annotations: { "cni.projectcalico.org/ipAddrs": JSON.stringify([n.pod.address]) },
    },
    spec: {
      nodeName: n.node,
      tolerations: [{ operator: "Exists" }],
      terminationGracePeriodSeconds: 0,
      containers: [{ name: "pause", image: TEST_POD_IMAGE }],
    },
  }));
  return JSON.stringify({ apiVersion: "v1", kind: "List", items: [{ apiVersion: "v1", kind: "Namespace", metadata: { name: TEST_NAMESPACE } }, ...pods] }, null, 2);
}

/** Commands in the pod's network namespace, on its node: `nsenter --net=<netns> -- argv`. */
function podRunner(pod: string, node: CommandRunner, netns: string): CommandRunner {
  return {
    node: pod,
    run: (argv: readonly string[], options?: RunOptions): Promise<CommandResult> => node.run(["nsenter", `--net=${netns}`, "--", ...argv], options),
  };
}

/** calico-node's BIRD control socket, on the host (calico-node mounts /var/run/calico). */
export const CALICO_BIRD_SOCKET = "/var/run/calico/bird.ctl";

/**
 * A Kubernetes node's runner whose `birdc` reaches calico-node's BIRD, as every lab's does its
 * node's own: `birdcl -s /var/run/calico/bird.ctl` inside the running calico-node container
 * (`crictl exec`). With no calico-node running, the result is crictl's, exit 1, saying so.
 */
export function withCalicoBird(node: CommandRunner): CommandRunner {
  return {
    node: node.node,
    run: async (argv: readonly string[], options?: RunOptions): Promise<CommandResult> => {
      if (argv[0] !== "birdc") return node.run(argv, options);
      const listed = await node.run([...CRICTL, "ps", "--name", "^calico-node$", "--state", "running", "--quiet"], options);
      const id = listed.stdout.trim().split("\n")[0]?.trim();
      if (listed.exitCode !== 0 || !id) {
        return { ...listed, exitCode: listed.exitCode || 1, stderr: `${listed.stderr}no calico-node container is running on ${node.node}, so no BIRD to ask\n` };
      }
      // `--` first: the command's own flags (birdcl's -s) are never taken for crictl's (its -s is --sync).
      return node.run([...CRICTL, "exec", "--", id, "birdcl", "-s", CALICO_BIRD_SOCKET, ...argv.slice(1)], options);
    },
  };
}

const itemsSchema = z.looseObject({
  kind: z.string().optional(),
  items: z.array(z.looseObject({ kind: z.string(), data: z.record(z.string(), z.string()).optional() })).optional(),
  data: z.record(z.string(), z.string()).optional(),
});

/** `kubectl get A B --ignore-not-found -o json`: nothing, one object, or a List of them. */
function parseItems(stdout: string): Array<{ kind: string; data?: Record<string, string> | undefined }> {
  if (stdout.trim() === "") return [];
  let parsed;
  try {
    parsed = itemsSchema.parse(JSON.parse(stdout));
  } catch (error) {
    throw new LabError(`kubectl printed what is not a Kubernetes object list: ${stdout.slice(0, 200)}`, { cause: error });
  }
  if (parsed.items) return parsed.items;
  return parsed.kind ? [{ kind: parsed.kind, data: parsed.data }] : [];
}

const sandboxSchema = z.looseObject({
  info: z
    .looseObject({
      pid: z.number().optional(),
      runtimeSpec: z
        .looseObject({ linux: z.looseObject({ namespaces: z.array(z.looseObject({ type: z.string(), path: z.string().optional() })).optional() }).optional() })
        .optional(),
    })
    .optional(),
});

/** The network namespace of a pod sandbox, from `crictl inspectp -o json` (containerd): its path, else its pid's. */
export function sandboxNetns(stdout: string): string | undefined {
  let parsed;
  try {
    parsed = sandboxSchema.parse(JSON.parse(stdout));
  } catch {
    return undefined;
  }
  const path = parsed.info?.runtimeSpec?.linux?.namespaces?.find((n) => n.type === "network")?.path;
  if (path) return path;
  return parsed.info?.pid ? `/proc/${parsed.info.pid}/ns/net` : undefined;
}

/** The plan of a mode, or undefined when its resources do not fit (teardown must go on regardless). */
function safePlan(t: Topology, mode: CalicoMode): CalicoPlan | undefined {
  try {
    return calicoPlan(t, mode);
  } catch {
    return undefined;
  }
}

/** Runs a command that must succeed (the lab is broken otherwise). */
async function must(runner: CommandRunner, argv: readonly string[], input?: string, timeoutMs = 120_000): Promise<CommandResult> {
  const result = await runner.run(argv, { timeoutMs, ...(input === undefined ? {} : { input }) });
  if (result.exitCode !== 0) throw new CommandError(`${runner.node}: ${argv.join(" ")} failed: ${result.stderr.trim() || result.stdout.trim() || `exit ${result.exitCode}`}`);
  return result;
}
