/**
 * The CNI configuration the embedded lab's Kubernetes nodes get with Calico: not Calico's CNI
 * plugin (calico and calico-ipam are built from Calico's Go monorepo, which the module proxy here
 * does not serve), but the CNI project's reference plugins from Debian (containernetworking-plugins)
 * wiring a pod the way Calico's plugin does:
 *   - ptp: a veth per pod, the pod's address on its end, a /32 route to it on the node, the pod's
 *     default route through the node (Calico's plugin does the same with 169.254.1.1 and proxy ARP;
 *     ptp gives the node's end the range's gateway address instead);
 *   - host-local IPAM over the node's own Calico block, so that the block the node's BIRD announces
 *     (peering) or Felix's routes carry (overlay) is where its pods are. The block's first two
 *     addresses are taken already (the VXLAN tunnel address, the lab's own test pod:
 *     lab/calico/felix.ts, resources.ts), the one before its last is the ptp gateway and its last
 *     is left alone (the pod's broadcast address), so Kubernetes' pods get the rest.
 * containerd reads it from the node's CNI directory; with it there, the node's runtime reports its
 * network ready and kubelet turns the node Ready, as calico-node's install-cni makes it on a real
 * cluster.
 */
import { ipToNumber, numberToIp } from "../topology/ip.js";
import type { CalicoNodePlan } from "./resources.js";
import { VXLAN } from "./felix.js";

/** The file containerd loads (the only one in the node's CNI directory). */
export const CNI_CONFIG_FILE = "10-fabricspec.conflist";

/** The network's name: also the prefix of the results libcni caches for it (/var/lib/cni/results/<name>-<container>-<ifname>). */
export const cniNetworkName = (node: string): string => `fabricspec-${node}`;

export interface CniRange {
  readonly subnet: string;
  readonly rangeStart: string;
  readonly rangeEnd: string;
  readonly gateway: string;
}

/** The addresses of a node's block left for Kubernetes' pods, and the gateway ptp puts on the node's ends. */
export function podRange(block: string): CniRange {
  const [base = "", length = ""] = block.split("/");
  const size = 2 ** (32 - Number(length));
  if (!(size >= 8)) throw new Error(`model invariant: block ${block} is too small for pods (Calico's blocks are /26 by default)`);
  const first = ipToNumber(base);
  // Not the block's last address: a pod's kernel takes it as the /26's broadcast address, and
  // refuses it as a gateway (EINVAL).
  return { subnet: block, rangeStart: numberToIp(first + 2), rangeEnd: numberToIp(first + size - 3), gateway: numberToIp(first + size - 2) };
}

/** The conflist for one node; `ipamDir` holds host-local's allocations (the node's own, never the machine's /var/lib/cni). */
export function renderCniConfig(node: CalicoNodePlan, encapsulation: "none" | "vxlan" | "ipip", ipamDir: string): string {
  const range = podRange(node.block);
  return `${JSON.stringify(
    {
      cniVersion: "0.4.0",
      name: cniNetworkName(node.node),
      plugins: [
        {
          type: "ptp",
          ipMasq: false,
          // Under VXLAN a pod's packets get the overlay's headers: its MTU is the device's.
          mtu: encapsulation === "vxlan" ? VXLAN.mtu : 1500,
          ipam: { type: "host-local", ranges: [[range]], routes: [{ dst: "0.0.0.0/0" }], dataDir: ipamDir },
        },
      ],
    },
    null,
    2,
  )}\n`;
}
