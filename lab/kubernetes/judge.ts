/**
 * Judging the Kubernetes cluster on the fabric against the topology: its nodes (registered with
 * their fabric addresses, Ready or not), calico-node on every one of them, and its control plane
 * (the API server ready and advertised at the control-plane host's address, the leaders' leases). Each function
 * returns findings, one sentence each, saying what was found and what was expected.
 */
import { nodeSessionFindings } from "../calico/judge.js";
import { ABSENT, differences } from "../expect/partial.js";
import type { BirdProtocol } from "../probes/bird.js";
import type { ApiEndpoint, Lease, ReadinessCheck } from "../probes/control-plane.js";
import type { KubernetesNode, KubernetesPod } from "../probes/kubernetes.js";
import type { Topology } from "../topology/model.js";

/** Vagrant's NAT address: what a kubelet without --node-ip registers with. */
const VAGRANT_NAT_ADDRESS = "10.0.2.15";

/** Running, every container ready, and not being deleted. */
export const runningAndReady = (pod: KubernetesPod): boolean => pod.phase === "Running" && pod.ready && !pod.terminating;

/** "Running", "Running, not ready", "Pending, not ready", "Running, terminating". */
export const podState = (pod: KubernetesPod): string => `${pod.phase}${pod.ready ? "" : ", not ready"}${pod.terminating ? ", terminating" : ""}`;

/**
 * The pod that stands for a node among `pods` (one per node, as a DaemonSet's): the one not being
 * deleted, when its predecessor still terminates beside it; a terminating one only when it is all there is.
 */
export function podOnNode(pods: readonly KubernetesPod[], node: string): KubernetesPod | undefined {
  const on = pods.filter((p) => p.node === node);
  return on.find((p) => !p.terminating) ?? on[0];
}

/** Each host of the topology with the node it registered as; the findings for those that did not. */
function registered(t: Topology, nodes: readonly KubernetesNode[]) {
  const pairs: Array<{ host: string; address: string; node: KubernetesNode }> = [];
  const missing: string[] = [];
  for (const h of t.hosts) {
    const node = nodes.find((n) => n.name === h.name);
    if (node) pairs.push({ host: h.name, address: h.address, node });
    else missing.push(`${h.name} is not registered with the cluster (registered: ${nodes.map((n) => n.name).join(", ") || "none"})`);
  }
  return { pairs, missing };
}

/** Every host registered, with its fabric address as INTERNAL-IP. */
export function registrationFindings(t: Topology, nodes: readonly KubernetesNode[]): string[] {
  const { pairs, missing } = registered(t, nodes);
  const wrong = pairs
    .filter((p) => p.node.internalIp !== p.address)
    .map((p) => `${p.host} registered with INTERNAL-IP ${p.node.internalIp ?? "(none)"} (expected its fabric address ${p.address}${p.node.internalIp === VAGRANT_NAT_ADDRESS ? ", not Vagrant's NAT address" : ""})`);
  return [...missing, ...wrong];
}

/** Exactly the stated nodes, each with its stated INTERNAL-IP (node name to address). */
export function internalIpFindings(stated: Readonly<Record<string, string>>, nodes: readonly KubernetesNode[]): string[] {
  const found = Object.fromEntries(nodes.map((n) => [n.name, n.internalIp ?? "(none)"]));
  return differences(found, stated, { exact: true }).map((d) => {
    const name = String(d.path[0]);
    if (d.found === ABSENT) return `${name} is not registered with the cluster`;
    if (d.expected === ABSENT) return `an unexpected node ${name} (${nodes.find((n) => n.name === name)?.internalIp ?? "no address"}) is registered`;
    return `${name} registered with INTERNAL-IP ${String(d.found)} (expected ${String(d.expected)})`;
  });
}

/** Part 2's state: every host registered and NotReady, for want of a network plugin. */
export function notReadyFindings(t: Topology, nodes: readonly KubernetesNode[]): string[] {
  const { pairs, missing } = registered(t, nodes);
  const wrong = pairs.flatMap(({ host, node }) => {
    if (node.ready === "True") return [`${host} is Ready (expected NotReady: no pod network is deployed)`];
    return /network/i.test(node.readyMessage ?? "") ? [] : [`${host} is NotReady for another reason: ${node.readyReason ?? "?"}: ${node.readyMessage ?? "?"} (expected the missing network plugin)`];
  });
  return [...missing, ...wrong];
}

/** Every host registered and Ready. */
export function readyFindings(t: Topology, nodes: readonly KubernetesNode[]): string[] {
  const { pairs, missing } = registered(t, nodes);
  const wrong = pairs.filter((p) => p.node.ready !== "True").map((p) => `${p.host} is NotReady: ${p.node.readyReason ?? "?"}: ${p.node.readyMessage ?? "?"} (expected Ready)`);
  return [...missing, ...wrong];
}

/**
 * The hosts whose Ready condition has yet to follow a pod network brought in (`ready`) or taken
 * out: what waiting can still change. A node whose kubelet posts no status (Unknown) or that never
 * registered will not change by waiting; the scenarios judge those.
 */
export function nodesCatchingUp(t: Topology, nodes: readonly KubernetesNode[], ready: boolean): string[] {
  const want = ready ? "True" : "False";
  return registered(t, nodes)
    .pairs.filter((p) => p.node.ready !== want && p.node.ready !== "Unknown")
    .map((p) => `${p.host} (Ready=${p.node.ready}, waiting for Ready=${want})`);
}

/** A calico-node pod on every host, Running and ready. */
export function calicoNodeFindings(t: Topology, pods: readonly KubernetesPod[]): string[] {
  return t.hosts.flatMap((h) => {
    const pod = podOnNode(pods, h.name);
    if (!pod) return [`no calico-node pod runs on ${h.name} (calico-node pods: ${pods.map((p) => `${p.name} on ${p.node ?? "no node"}`).join(", ") || "none"})`];
    return runningAndReady(pod) ? [] : [`${pod.name} on ${h.name} is ${podState(pod)} (expected Running and ready)`];
  });
}

/**
 * calico-node's BIRD on every host (undefined: no calico-node pod there) has one session, with
 * its leaf, Established: peering mode as calico-node itself sees it.
 */
export function calicoBirdFindings(t: Topology, birds: ReadonlyMap<string, readonly BirdProtocol[] | undefined>): string[] {
  return t.hosts.flatMap((h) => {
    const protocols = birds.get(h.name);
    return protocols ? nodeSessionFindings(t, h, protocols) : [`no calico-node pod runs on ${h.name}`];
  });
}

/** Every readiness check of the API server passed, etcd's among them. */
export function readinessFindings(checks: readonly ReadinessCheck[]): string[] {
  const failed = checks.filter((c) => !c.ok).map((c) => `the API server's readiness check ${c.name} failed`);
  const etcd = checks.some((c) => c.name === "etcd") ? [] : [`the API server reports no etcd readiness check (its checks: ${checks.map((c) => c.name).join(", ")})`];
  return [...etcd, ...failed];
}

/** The API server advertises itself at the control-plane host's fabric address, and nowhere else. */
export function apiEndpointFindings(t: Topology, endpoints: readonly ApiEndpoint[]): string[] {
  const control = t.hosts.filter((h) => h.role === "control-plane");
  if (control.length === 0) return [`topology "${t.name}" has no control-plane host`];
  const expected = control.map((h) => h.address);
  const found = endpoints.map((e) => e.address);
  const missing = control.filter((h) => !found.includes(h.address)).map((h) => `the API server does not advertise ${h.address} (${h.name}'s fabric address); it advertises ${endpoints.map((e) => `${e.address}:${e.port ?? "?"}`).join(", ") || "nothing"}`);
  const others = endpoints.filter((e) => !expected.includes(e.address)).map((e) => `the API server advertises ${e.address}:${e.port ?? "?"}, which is no control-plane host's fabric address (expected ${expected.join(", ")})`);
  return [...missing, ...others];
}

/** The leases the controller manager and the scheduler take as leaders. */
export const CONTROL_PLANE_LEASES = ["kube-controller-manager", "kube-scheduler"] as const;

/** The controller manager and the scheduler each hold their lease, renewed within its duration of `now`. */
export function leaseFindings(leases: readonly Lease[], now: Date): string[] {
  return CONTROL_PLANE_LEASES.flatMap((name) => {
    const lease = leases.find((l) => l.name === name);
    if (!lease) return [`no lease ${name} in kube-system: ${name} has never led (leases: ${leases.map((l) => l.name).join(", ") || "none"})`];
    if (!lease.holder) return [`nobody holds the lease ${name}`];
    const age = lease.renewed ? (now.getTime() - lease.renewed.getTime()) / 1000 : Infinity;
    const duration = lease.durationSeconds ?? 15;
    return age <= duration ? [] : [`${lease.holder} last renewed the lease ${name} ${Number.isFinite(age) ? `${Math.round(age)} s ago` : "never"} (expected within its ${duration} s)`];
  });
}
