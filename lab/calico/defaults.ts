/**
 * Calico's defaults, and its resources rendered from the topology for `calicoctl apply -f`: what
 * `lab/calico/<topology>/<mode>.yaml` holds for the topologies that have files, and what any other
 * topology gets. Two modes, this project's reading of the blog's parts 3 and 4 (DESIGN.md):
 *   peering  mesh off; every node in its leaf's AS (one AS per rack), peering with its leaf;
 *            native routing of the pod blocks through the fabric
 *   overlay  Calico as installed: node-to-node mesh in AS 64512, IPIP encapsulation (or VXLAN,
 *            as the manifest installs it with CALICO_IPV4POOL_VXLAN=Always)
 */
import { stringify } from "yaml";
import { leaves, type Topology } from "../topology/model.js";
import type { CalicoMode, OverlayEncapsulation } from "./modes.js";

/** Calico's default block size: a node's pods share one /26 (64 addresses). */
export const BLOCK_SIZE = 26;
/** Calico's default AS, used by the node-to-node mesh. */
export const CALICO_DEFAULT_AS = 64512;
/** The node label that names a node's rack (its leaf). */
export const RACK_LABEL = "rack";

/** The resources as multi-document YAML, with a header that says where they come from. */
export function renderCalicoResources(t: Topology, mode: CalicoMode, overlay: OverlayEncapsulation = "ipip"): string {
  const header = [
    `# Calico resources for topology "${t.name}", ${mode} mode: apply with \`calicoctl apply -f\`.`,
    mode === "peering"
      ? "# Mesh off, one AS per rack: every node peers with its leaf in the leaf's AS; no encapsulation."
      : `# Calico as installed: node-to-node mesh (AS 64512) and ${overlay === "vxlan" ? "VXLAN" : "IPIP"}; the fabric carries no pod routes.`,
  ];
  const documents = mode === "peering" ? peering(t) : overlayResources(t, overlay);
  return `${header.join("\n")}\n${documents.map((d) => `---\n${stringify(d)}`).join("")}`;
}

const API = "projectcalico.org/v3";

function peering(t: Topology): object[] {
  return [
    { apiVersion: API, kind: "BGPConfiguration", metadata: { name: "default" }, spec: { logSeverityScreen: "Info", nodeToNodeMeshEnabled: false, asNumber: CALICO_DEFAULT_AS } },
    pool(t, "Never", false),
    ...t.hosts.map((h) => {
      const leaf = t.switches.find((s) => s.name === h.leaf);
      return {
        apiVersion: API,
        kind: "Node",
        metadata: { name: h.name, labels: { [RACK_LABEL]: h.leaf } },
        spec: { bgp: { ipv4Address: `${h.address}/${h.prefixLength}`, asNumber: leaf?.asn } },
      };
    }),
    ...leaves(t).flatMap((leaf) =>
      leaf.rack
        ? [{ apiVersion: API, kind: "BGPPeer", metadata: { name: `rack-${leaf.name}` }, spec: { peerIP: leaf.rack.gateway, asNumber: leaf.asn, nodeSelector: `${RACK_LABEL} == '${leaf.name}'` } }]
        : [],
    ),
  ];
}

function overlayResources(t: Topology, overlay: OverlayEncapsulation): object[] {
  return [
    { apiVersion: API, kind: "BGPConfiguration", metadata: { name: "default" }, spec: { logSeverityScreen: "Info", nodeToNodeMeshEnabled: true, asNumber: CALICO_DEFAULT_AS } },
    overlay === "vxlan" ? pool(t, "Never", true, "Always") : pool(t, "Always", true),
  ];
}

/** natOutgoing: pods that leave the pool go out with their node's address; not needed when the fabric routes the pod blocks. */
function pool(t: Topology, ipipMode: "Never" | "Always", natOutgoing: boolean, vxlanMode: "Never" | "Always" = "Never"): object {
  return {
    apiVersion: API,
    kind: "IPPool",
    metadata: { name: "default-ipv4-ippool" },
    // The topology's pod network (default Calico's own 192.168.0.0/16).
    spec: { cidr: t.podNetwork, blockSize: BLOCK_SIZE, ipipMode, vxlanMode, natOutgoing, nodeSelector: "all()" },
  };
}
