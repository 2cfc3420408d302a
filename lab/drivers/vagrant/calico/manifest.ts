/** What the Vagrant lab applies to the cluster for Calico: Calico's own manifest with calico-node's settings in it, and what else it needs. */
import { isMap, isSeq, parseAllDocuments, type Document, type YAMLMap } from "yaml";
import type { CalicoPlan } from "../../../calico/resources.js";
import { LabError } from "../../../errors.js";
import type { Topology } from "../../../topology/model.js";

/** Where the test pods run. */
export const TEST_NAMESPACE = "fabricspec";
/** The test pods' only container: they run nothing, their network namespace is what is tested. */
export const TEST_POD_IMAGE = "registry.k8s.io/pause:3.9";
/** The record of the mode the cluster is in: a ConfigMap. */
export const MARKER = "fabricspec-pod-network";
export const MARKER_NAMESPACE = "kube-system";
/** Written before a change starts: an interrupted change is recognised as one. */
export const CHANGING = "changing";
/** calico-node's CRDs the resources are written to, established before calicoctl writes them. */
export const CALICO_CRDS = ["bgpconfigurations", "bgppeers", "ippools"].map((r) => `crd/${r}.crd.projectcalico.org`);
/** What Calico's CNI installer writes on every node; without it kubelet reports NotReady again. */
export const CNI_FILES = ["/etc/cni/net.d/10-calico.conflist", "/etc/cni/net.d/calico-kubeconfig"];
/** The node annotations Calico keeps its per-node BGP settings in (Kubernetes datastore). */
export const CALICO_NODE_ANNOTATIONS = ["projectcalico.org/ASNumber", "projectcalico.org/IPv4Address", "projectcalico.org/IPv4IPIPTunnelAddr", "projectcalico.org/IPv4VXLANTunnelAddr"];

/** calico-node's address autodetection: the hosts' fabric interface(s) (eth1 in the Vagrantfile). */
export function autodetection(t: Topology): string {
  return `interface=${[...new Set(t.hosts.map((h) => h.interface))].join(",")}`;
}

/** A container's environment variable, as a Kubernetes EnvVar: a value, or where it comes from. */
export interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: { readonly fieldRef: { readonly fieldPath: string } };
}

/**
 * What calico-node needs on this lab, set in the manifest before it is applied, so that its first
 * pods already have it (desk review item 9: set afterwards, the first pods ran without it, and
 * the DaemonSet's rollout replaced them):
 * - IP_AUTODETECTION_METHOD: the fabric interface, never the first one found (Vagrant's NAT eth0);
 * - FELIX_DEVICEROUTESOURCEADDRESS: the node's fabric address (its status.hostIP: kubelet's
 *   --node-ip), as the `src` of the routes Felix programs to the node's pods (felix/routetable at
 *   v3.27.3: `route.Src = r.deviceRouteSourceAddress`), so that what the node sends a pod, an ICMP
 *   time-exceeded included, leaves from the fabric address (desk review item 7: without it the
 *   kernel picks the first global address of the node, the NAT one, for a route via a cali*
 *   interface, which has none).
 */
export function calicoNodeEnv(t: Topology): EnvVar[] {
  return [
    { name: "IP_AUTODETECTION_METHOD", value: autodetection(t) },
    { name: "FELIX_DEVICEROUTESOURCEADDRESS", valueFrom: { fieldRef: { fieldPath: "status.hostIP" } } },
  ];
}

/** The calico-node container's map in the calico-node DaemonSet's document, if this document is that. */
function calicoNodeContainer(doc: Document): YAMLMap | undefined {
  if (doc.get("kind") !== "DaemonSet" || doc.getIn(["metadata", "name"]) !== "calico-node") return undefined;
  const containers = doc.getIn(["spec", "template", "spec", "containers"]);
  if (!isSeq(containers)) return undefined;
  return containers.items.find((c): c is YAMLMap => isMap(c) && c.get("name") === "calico-node");
}

/**
 * Calico's manifest with `env` in the calico-node container of its calico-node DaemonSet: each
 * variable replaces one of the same name, or is added after the manifest's own. Everything else
 * is left as it is. A manifest without that container is a LabError: the pinned release changed.
 */
export function withCalicoNodeEnv(manifest: string, source: string, env: readonly EnvVar[]): string {
  const docs = parseAllDocuments(manifest);
  const broken = docs.find((d) => d.errors.length > 0);
  if (broken) throw new LabError(`Calico's manifest ${source} is not YAML: ${broken.errors[0]?.message ?? "?"}`);
  const found = docs.map(calicoNodeContainer).filter((c): c is YAMLMap => c !== undefined);
  const [container] = found;
  if (found.length !== 1 || container === undefined) {
    throw new LabError(`Calico's manifest ${source} has ${found.length} calico-node containers in a calico-node DaemonSet (expected 1): nothing was applied`);
  }
  const doc = docs[docs.findIndex((d) => calicoNodeContainer(d) !== undefined)] as Document;
  let list = container.get("env");
  if (!isSeq(list)) {
    container.set("env", doc.createNode([]));
    list = container.get("env");
  }
  if (!isSeq(list)) throw new LabError(`Calico's manifest ${source}: calico-node's env cannot be edited`);
  for (const variable of env) {
    const node = doc.createNode({ ...variable });
    const at = list.items.findIndex((item) => isMap(item) && item.get("name") === variable.name);
    if (at >= 0) list.items[at] = node;
    else list.items.push(node);
  }
  return docs.map((d) => d.toString()).join("");
}

/** The record of the mode: `changing` while a change runs, then the mode. */
export function markerManifest(mode: string): string {
  return JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: MARKER, namespace: MARKER_NAMESPACE }, data: { mode } });
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
