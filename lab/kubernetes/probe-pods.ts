/**
 * Probe pods: one BusyBox pod on every Kubernetes node of the topology, what the pod scenarios
 * (features/kubernetes/pods.feature) judge the cluster's pod network by, as an engineer checks a new
 * cluster by hand: a pod per node, `kubectl exec` into each, ping every other. They are ordinary
 * Kubernetes pods, networked by whatever CNI plugin the node runs: in the default namespace (every
 * cluster has it), bound to their node by nodeName (no scheduler's choice to judge), tolerating
 * every taint (the control plane's too), with no service-account token (nothing here talks to the
 * API) and a two-second grace period; deleted after each scenario.
 */
import { contains, parseCidr } from "../topology/ip.js";
import type { Topology } from "../topology/model.js";
import type { KubernetesNode, KubernetesPod } from "../probes/kubernetes.js";
import { podState, runningAndReady } from "./judge.js";

export const PROBE_POD_NAMESPACE = "default";
export const PROBE_POD_SELECTOR = "app.kubernetes.io/name=fabricspec-probe";
export const probePodName = (host: string): string => `fabricspec-probe-${host}`;

/** The image a probe pod runs, and whether the node may pull it. */
export interface ProbeImage {
  readonly name: string;
  readonly pullPolicy: "Never" | "IfNotPresent";
}

/** On a cluster with a registry in reach: BusyBox's official image on Docker Hub (sh, ping, sleep). */
export const PUBLIC_PROBE_IMAGE: ProbeImage = { name: "docker.io/library/busybox:1.36", pullPolicy: "IfNotPresent" };

/** Sleeps until deleted, and exits at once on SIGTERM (a shell as PID 1 ignores it otherwise). */
const IDLE = ["sh", "-c", "trap 'exit 0' TERM; sleep 86400 & wait"];

/** A v1 List of the probe pods, one per host, for `kubectl apply -f -`. */
export function probePodsManifest(t: Topology, image: ProbeImage): string {
  const items = t.hosts.map((h) => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: probePodName(h.name), namespace: PROBE_POD_NAMESPACE, labels: { "app.kubernetes.io/name": "fabricspec-probe", "app.kubernetes.io/managed-by": "fabricspec" } },
    spec: {
      nodeName: h.name,
      tolerations: [{ operator: "Exists" }],
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      terminationGracePeriodSeconds: 2,
      containers: [{ name: "probe", image: image.name, imagePullPolicy: image.pullPolicy, command: IDLE }],
    },
  }));
  return `${JSON.stringify({ apiVersion: "v1", kind: "List", items }, null, 2)}\n`;
}

interface HostPod {
  readonly host: string;
  readonly pod: KubernetesPod | undefined;
  readonly node: KubernetesNode | undefined;
}

/** Each host's probe pod: the one of its name not being deleted. */
const probePodOf = (pods: readonly KubernetesPod[], host: string): KubernetesPod | undefined => pods.find((p) => p.name === probePodName(host) && !p.terminating);

function byHost(t: Topology, pods: readonly KubernetesPod[], nodes: readonly KubernetesNode[]): HostPod[] {
  return t.hosts.map((h) => ({ host: h.name, pod: probePodOf(pods, h.name), node: nodes.find((n) => n.name === h.name) }));
}

/**
 * The probe pods still worth waiting for: not running yet on a node that is Ready, for a reason
 * that may pass. A pod on a node that is not Ready will not start by waiting (its kubelet posts
 * nothing, or has no network), nor one whose image may not be pulled: the scenarios judge them.
 */
export function probePodsStarting(t: Topology, pods: readonly KubernetesPod[], nodes: readonly KubernetesNode[]): string[] {
  return byHost(t, pods, nodes)
    .filter(({ pod, node }) => node?.ready === "True" && !(pod && (runningAndReady(pod) || FINAL_WAITS.has(pod.waiting ?? ""))))
    .map(({ host, pod }) => `${probePodName(host)} (${pod ? described(pod) : "not created"})`);
}

/**
 * Why a container waits that kubelet will not get past by retrying: an image it may not pull and
 * does not have, a name that is no image reference (a pull that fails backs off and is retried).
 */
const FINAL_WAITS = new Set(["ErrImageNeverPull", "InvalidImageName"]);

/** Every host's probe pod Running and ready; each one that is not named, with its node's state. */
export function probePodFindings(t: Topology, pods: readonly KubernetesPod[], nodes: readonly KubernetesNode[]): string[] {
  return byHost(t, pods, nodes).flatMap(({ host, pod, node }) => {
    if (pod && runningAndReady(pod)) return [];
    const nodeState = node ? (node.ready === "True" ? "" : `; node ${host} is Ready=${node.ready}${node.readyReason ? ` (${node.readyReason})` : ""}`) : `; node ${host} is not registered`;
    return [`${probePodName(host)} on ${host} is ${pod ? described(pod) : "missing"} (expected Running and ready)${nodeState}`];
  });
}

/** Every probe pod has an address of its own inside the topology's pod network. */
export function probeAddressFindings(t: Topology, pods: readonly KubernetesPod[]): string[] {
  const network = parseCidr(t.podNetwork);
  if (!network) throw new Error(`model invariant: pod network ${t.podNetwork} is not a CIDR`);
  const probes = t.hosts.flatMap((h) => {
    const pod = probePodOf(pods, h.name);
    return pod ? [{ host: h.name, pod }] : [];
  });
  return probes.flatMap(({ host, pod }) => {
    if (pod.address === undefined) return [`${pod.name} on ${host} has no address (expected one in the pod network ${t.podNetwork})`];
    if (!contains(network, pod.address)) return [`${pod.name} on ${host} has ${pod.address}, outside the pod network ${t.podNetwork}`];
    const twins = probes.filter((o) => o.pod !== pod && o.pod.address === pod.address).map((o) => o.pod.name);
    return twins.length > 0 ? [`${pod.name} on ${host} has ${pod.address}, as ${twins.join(", ")} has (expected an address of its own)`] : [];
  });
}

/** One ping to each target from inside a pod, a line per target: "<address> ok" or "<address> lost". */
export function pingEachCommand(targets: readonly string[], waitSeconds = 2): string[] {
  for (const a of targets) if (!/^[0-9a-f.:]+$/i.test(a)) throw new Error(`model invariant: ${a} is not an address`);
  return ["sh", "-c", `for a in ${targets.join(" ")}; do if ping -c 1 -W ${waitSeconds} "$a" >/dev/null 2>&1; then echo "$a ok"; else echo "$a lost"; fi; done`];
}

/** The targets `pingEachCommand` printed "ok" for; a target with no line at all counts as lost. */
export function parsePingEach(stdout: string): Set<string> {
  return new Set(
    stdout
      .split("\n")
      .map((line) => line.trim().split(/\s+/))
      .filter((words) => words.length === 2 && words[1] === "ok")
      .map((words) => words[0] ?? ""),
  );
}

export interface ProbePod {
  readonly name: string;
  readonly host: string;
  readonly address: string;
}

/** The hosts' probe pods that have an address: what pings can be sent between. */
export function addressedProbePods(t: Topology, pods: readonly KubernetesPod[]): ProbePod[] {
  return t.hosts.flatMap((h) => {
    const address = probePodOf(pods, h.name)?.address;
    return address === undefined ? [] : [{ name: probePodName(h.name), host: h.name, address }];
  });
}

/** From `from`, every other probe pod answered; each that did not named, with both nodes. */
export function podReachabilityFindings(from: ProbePod, others: readonly ProbePod[], answered: ReadonlySet<string>): string[] {
  return others
    .filter((to) => to.name !== from.name && !answered.has(to.address))
    .map((to) => `${from.name} (${from.address}, on ${from.host}) got no reply from ${to.name} (${to.address}, on ${to.host})`);
}

function described(pod: KubernetesPod): string {
  return `${podState(pod)}${pod.waiting ? ` (${pod.waiting})` : ""}`;
}
