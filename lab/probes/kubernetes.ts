/**
 * Kubernetes probes over kubectl's JSON: the nodes (`kubectl get nodes -o json`, a v1 NodeList) and
 * Calico's pods (`kubectl get pods -o json`, a v1 PodList). The schemas follow the Kubernetes API's
 * Node and Pod objects (lenient about the many fields not read here). The fixtures are constructed
 * from that documented shape, as no cluster can run on the machine this was written on; their
 * layout follows the Node example in the Kubernetes repository (pkg/api/node_example.json) and
 * kubelet's documented conditions; see fixtures/README.md.
 */
import { z } from "zod";
import type { CommandResult, CommandRunner } from "../transport/runner.js";
import { parseJsonOutput, requireSuccess, runProbe, type Probed } from "./probe.js";

export const KUBERNETES_NODES_COMMAND = ["kubectl", "get", "nodes", "-o", "json"] as const;
export const CALICO_NODE_PODS_COMMAND = ["kubectl", "get", "pods", "--namespace", "kube-system", "--selector", "k8s-app=calico-node", "-o", "json"] as const;

export interface KubernetesNode {
  readonly name: string;
  /** The address the node registered with (kubectl's INTERNAL-IP column); the fabric address when kubelet's --node-ip is right. */
  readonly internalIp: string | undefined;
  readonly labels: Readonly<Record<string, string>>;
  /** The Ready condition: "True", "False" or "Unknown" (kubectl's STATUS column: Ready / NotReady). */
  readonly ready: string;
  /** kubelet's reason and message for it, e.g. KubeletNotReady, "container runtime network not ready: ...". */
  readonly readyReason: string | undefined;
  readonly readyMessage: string | undefined;
  readonly kubeletVersion: string | undefined;
}

const conditionSchema = z.looseObject({ type: z.string(), status: z.enum(["True", "False", "Unknown"]), reason: z.string().optional(), message: z.string().optional() });

const nodeSchema = z.looseObject({
  metadata: z.looseObject({ name: z.string().min(1), labels: z.record(z.string(), z.string()).optional() }),
  status: z.looseObject({
    addresses: z.array(z.looseObject({ type: z.string(), address: z.string() })).default([]),
    conditions: z.array(conditionSchema).default([]),
    nodeInfo: z.looseObject({ kubeletVersion: z.string().optional() }).optional(),
  }),
});

const listSchema = <T extends z.ZodType>(item: T) => z.looseObject({ kind: z.string().optional(), items: z.array(item) });

/** Parses `kubectl get nodes -o json`. */
export function parseKubernetesNodes(result: CommandResult): KubernetesNode[] {
  requireSuccess(result);
  return parseJsonOutput(result.stdout, listSchema(nodeSchema)).items.map((node): KubernetesNode => {
    const ready = node.status.conditions.find((c) => c.type === "Ready");
    return {
      name: node.metadata.name,
      internalIp: node.status.addresses.find((a) => a.type === "InternalIP")?.address,
      labels: node.metadata.labels ?? {},
      ready: ready?.status ?? "Unknown",
      readyReason: ready?.reason,
      readyMessage: ready?.message,
      kubeletVersion: node.status.nodeInfo?.kubeletVersion,
    };
  });
}

export function kubernetesNodes(kubectl: CommandRunner): Promise<Probed<KubernetesNode[]>> {
  return runProbe(kubectl, KUBERNETES_NODES_COMMAND, parseKubernetesNodes, { timeoutMs: 30_000 });
}

export interface KubernetesPod {
  readonly name: string;
  readonly namespace: string | undefined;
  /** The node it was scheduled on; undefined while Pending. */
  readonly node: string | undefined;
  readonly phase: string;
  /** Every container ready. */
  readonly ready: boolean;
  /** Its address (status.podIP), once it has one; a hostNetwork pod's is its node's. */
  readonly address: string | undefined;
  /**
   * Being deleted (metadata.deletionTimestamp set: "set by the server when a graceful deletion is
   * requested", Kubernetes API reference, ObjectMeta). Such a pod may still be Running and ready
   * while its replacement starts (a DaemonSet's rollout): it counts for nothing.
   */
  readonly terminating: boolean;
  /** Why a container is not running yet (its state.waiting.reason: ContainerCreating, ErrImageNeverPull, ...). */
  readonly waiting?: string | undefined;
}

const podSchema = z.looseObject({
  metadata: z.looseObject({ name: z.string().min(1), namespace: z.string().optional(), deletionTimestamp: z.string().min(1).optional() }),
  spec: z.looseObject({ nodeName: z.string().optional() }),
  status: z.looseObject({
    phase: z.string(),
    podIP: z.string().optional(),
    containerStatuses: z
      .array(z.looseObject({ name: z.string(), ready: z.boolean(), state: z.looseObject({ waiting: z.looseObject({ reason: z.string().optional() }).optional() }).optional() }))
      .optional(),
  }),
});

/** Parses `kubectl get pods -o json`. */
export function parseKubernetesPods(result: CommandResult): KubernetesPod[] {
  requireSuccess(result);
  return parseJsonOutput(result.stdout, listSchema(podSchema)).items.map((pod) => ({
    name: pod.metadata.name,
    namespace: pod.metadata.namespace,
    node: pod.spec.nodeName,
    phase: pod.status.phase,
    ready: (pod.status.containerStatuses ?? []).length > 0 && (pod.status.containerStatuses ?? []).every((c) => c.ready),
    address: pod.status.podIP,
    terminating: pod.metadata.deletionTimestamp !== undefined,
    waiting: (pod.status.containerStatuses ?? []).map((c) => c.state?.waiting?.reason).find((r) => r !== undefined),
  }));
}

export function calicoNodePods(kubectl: CommandRunner): Promise<Probed<KubernetesPod[]>> {
  return runProbe(kubectl, CALICO_NODE_PODS_COMMAND, parseKubernetesPods, { timeoutMs: 30_000 });
}

/** `kubectl get pods --namespace NS [--selector S] -o json`: the pods of a namespace, those a label selector picks if given. */
export function namespacePods(kubectl: CommandRunner, namespace: string, selector?: string): Promise<Probed<KubernetesPod[]>> {
  const select = selector === undefined ? [] : ["--selector", selector];
  return runProbe(kubectl, ["kubectl", "get", "pods", "--namespace", namespace, ...select, "-o", "json"], parseKubernetesPods, { timeoutMs: 30_000 });
}

/** An object `kubectl get` printed: its kind, name and (a ConfigMap's) data. */
export interface KubernetesObject {
  readonly kind: string;
  readonly name: string | undefined;
  readonly data: Readonly<Record<string, string>> | undefined;
}

const objectSchema = z.looseObject({
  kind: z.string(),
  metadata: z.looseObject({ name: z.string().optional() }).optional(),
  data: z.record(z.string(), z.string()).optional(),
});
/** A List (items) or a single object (kind). */
const objectsSchema = objectSchema.extend({ kind: z.string().optional(), items: z.array(objectSchema).optional() });

/** Parses `kubectl get A B --ignore-not-found -o json`: nothing (no output), one object, or a List of them. */
export function parseKubernetesObjects(result: CommandResult): KubernetesObject[] {
  requireSuccess(result);
  if (result.stdout.trim() === "") return [];
  const parsed = parseJsonOutput(result.stdout, objectsSchema);
  const items = parsed.items ?? (parsed.kind === undefined ? [] : [{ ...parsed, kind: parsed.kind }]);
  return items.map((o) => ({ kind: o.kind, name: o.metadata?.name, data: o.data }));
}

/** `kubectl get REF... --namespace NS --ignore-not-found -o json`: those of the objects that exist. */
export function kubernetesObjects(kubectl: CommandRunner, refs: readonly string[], namespace: string): Promise<Probed<KubernetesObject[]>> {
  return runProbe(kubectl, ["kubectl", "get", ...refs, "--namespace", namespace, "--ignore-not-found", "-o", "json"], parseKubernetesObjects, { timeoutMs: 120_000 });
}
