/**
 * What Felix programs on a node for Calico's VXLAN overlay (vxlanMode Always), as data: the lab
 * programs it on the embedded lab's nodes (drivers/netns/calico.ts) and the judges expect it.
 * Felix's defaults (FelixConfiguration reference: vxlanVNI 4096, vxlanPort 4789, the device
 * `vxlan.calico`, its MTU 50 bytes under the host's for the VXLAN header); per node:
 *   - a blackhole route for its own block;
 *   - the VXLAN device, with a tunnel address from the node's own IPAM block (Calico IPAM
 *     allocates it like a pod's: here the block's first address) and a MAC of its own;
 *   - for every other node: a permanent ARP entry for its tunnel address, a forwarding (FDB) entry
 *     sending its MAC to that node's fabric address, and a route to its block via its tunnel
 *     address, onlink through the device.
 * Felix picks a random MAC and stores it in the Node resource; here it is derived from the node's
 * name (locally administered, unicast), so that it is stable across runs.
 * Every route Felix programs carries the node's fabric address as its source hint (`src`), as
 * Felix does with deviceRouteSourceAddress set, which the Vagrant lab sets to it
 * (lab/drivers/vagrant/calico/manifest.ts; felix/routetable at v3.27.3 sets `route.Src` on the
 * workload, VXLAN and blackhole routes alike): what a node sends its pods leaves from that address.
 */
import { ipToNumber, numberToIp } from "../topology/ip.js";
import { fnv1a32, type CalicoNodePlan } from "./resources.js";

export const VXLAN = { device: "vxlan.calico", vni: 4096, port: 4789, mtu: 1450 } as const;

export interface VxlanTunnel {
  readonly node: string;
  /** The node's fabric address: the outer source of its packets, the FDB's destination for it. */
  readonly underlay: string;
  readonly address: string;
  readonly mac: string;
  readonly block: string;
}

/** A node's VXLAN tunnel endpoint. */
export function vxlanTunnel(node: CalicoNodePlan): VxlanTunnel {
  const base = ipToNumber(node.block.split("/")[0] ?? "");
  return { node: node.node, underlay: node.address, address: numberToIp(base), mac: macOf(node.node), block: node.block };
}

/** 66:63:xx:xx:xx:xx from the name's 32-bit FNV-1a hash: locally administered, unicast. */
function macOf(name: string): string {
  const hash = fnv1a32(name);
  const bytes = [0x66, 0x63, (hash >>> 24) & 0xff, (hash >>> 16) & 0xff, (hash >>> 8) & 0xff, hash & 0xff];
  return bytes.map((b) => b.toString(16).padStart(2, "0")).join(":");
}

/** The iproute2 batch lines that give `self` its device and the routes, ARP entries to every other node. */
export function vxlanIpLines(self: VxlanTunnel, others: readonly VxlanTunnel[], uplink: string): string[] {
  return [
    `link add ${VXLAN.device} type vxlan id ${VXLAN.vni} local ${self.underlay} dev ${uplink} dstport ${VXLAN.port} nolearning`,
    `link set ${VXLAN.device} address ${self.mac} mtu ${VXLAN.mtu}`,
    `addr add ${self.address}/32 dev ${VXLAN.device}`,
    `link set ${VXLAN.device} up`,
    // The node's own block: a blackhole, so nothing for an unused address of it leaves the node.
    `route replace blackhole ${self.block} src ${self.underlay}`,
    ...others.flatMap((o) => [
      `neigh replace ${o.address} lladdr ${o.mac} dev ${VXLAN.device} nud permanent`,
      `route replace ${o.block} via ${o.address} dev ${VXLAN.device} onlink src ${self.underlay}`,
    ]),
  ];
}

/**
 * The route to a pod on its node, as Felix programs it for the pod's host-side interface: scope
 * link, the node's fabric address as its source. Without a source the kernel picks the first
 * global address of the node, because the interface has none: on a Vagrant VM the NAT address
 * 10.0.2.15, which then answers the pod's traceroute as its first hop (desk review item 7).
 */
export function workloadRouteLine(podAddress: string, hostInterface: string, nodeAddress: string): string {
  return `route add ${podAddress}/32 dev ${hostInterface} scope link src ${nodeAddress}`;
}

/** The `bridge -batch` lines of the forwarding entries: every other node's MAC to its fabric address. */
export function vxlanFdbLines(others: readonly VxlanTunnel[]): string[] {
  return others.map((o) => `fdb replace ${o.mac} dev ${VXLAN.device} dst ${o.underlay} self permanent`);
}
