/** What the Vagrant lab applies to the cluster for Calico, besides Calico's own manifest and resources. */
import type { CalicoPlan } from "../../../calico/resources.js";
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
