/**
 * BIRD 2 configuration of one Kubernetes node, generated from the Calico resources as calico-node's
 * confd generates it from its templates (projectcalico/calico, confd/etc/calico/confd/templates:
 * bird.cfg, bird_aggr.cfg, bird_ipam.cfg), in BIRD 2 syntax instead of Calico's BIRD 1 fork:
 *   - router id: the node's fabric address;
 *   - protocol kernel: learns the routes to local pods from the kernel, programs the routes BGP learned;
 *   - protocol static: a blackhole for the node's own block (calico_aggr exports the block, never the
 *     /32s beneath it);
 *   - one protocol bgp per peer the resources give the node (Node_<ip> for BGPPeers, Mesh_<ip> for
 *     the node-to-node mesh), exporting the pool's routes only.
 * Two departures, both for a lab that switches modes between scenarios: no graceful restart and no
 * `persist` (Calico's BIRD keeps routes across its own restarts; here a stopped BIRD must take its
 * routes with it at once), and the BGP timers are the fabric's (topology `bgp:`), not BIRD's 240 s hold.
 */
import type { CalicoNodePlan, CalicoPeer, CalicoPlan } from "../calico/resources.js";
import type { Topology } from "../topology/model.js";

/** The node's BIRD configuration file. */
export function renderBirdConfig(t: Topology, plan: CalicoPlan, node: CalicoNodePlan): string {
  const lines = [
    `# ${node.node}: rendered by fabricspec from the Calico resources ${plan.source} (${plan.mode} mode),`,
    "# as calico-node's confd renders bird.cfg, bird_aggr.cfg and bird_ipam.cfg; BIRD 2 syntax.",
    `router id ${node.address};`,
    "",
    ...aggregation(node),
    "",
    ...ipam(plan),
    "",
    "# Configure synchronization between routing tables and kernel.",
    "protocol kernel {",
    "  learn;             # Learn all alien routes from the kernel (the routes to local pods)",
    "  scan time 2;       # Scan kernel routing table every 2 seconds",
    "  merge paths on;    # Allow export multipath routes (ECMP)",
    "  ipv4 { import all; export filter calico_kernel_programming; };",
    "}",
    "",
    "# Watch interface up/down events.",
    "protocol device { scan time 2; }",
    "",
    "protocol direct {",
    "  ipv4;",
    '  interface -"cali*", "*";  # Exclude the pods\' veths, include everything else.',
    "}",
    "",
    ...node.peers.flatMap((peer) => bgp(t, node, peer)),
  ];
  return `${lines.join("\n")}\n`;
}

/** Calico's name for the protocol of a peer: Mesh_10_0_101_102, Node_10_0_101_1. */
export function birdProtocolName(peer: CalicoPeer): string {
  const id = peer.address.replaceAll(".", "_");
  return peer.source === "node-to-node mesh" ? `Mesh_${id}` : `Node_${id}`;
}

function aggregation(node: CalicoNodePlan): string[] {
  return [
    "protocol static {",
    "  ipv4;",
    "  # IP blocks for this host.",
    `  route ${node.block} blackhole;`,
    "}",
    "",
    "# Aggregation of routes on this host; export the block, nothing beneath it.",
    "function calico_aggr() {",
    `  # Block ${node.block} is confirmed`,
    `  if ( net = ${node.block} ) then { accept; }`,
    `  if ( net ~ ${node.block} ) then { reject; }`,
    "}",
  ];
}

function ipam(plan: CalicoPlan): string[] {
  const inPool = plan.pools.map((pool) => `net ~ ${pool}`).join(" || ");
  return [
    "filter calico_export_to_bgp_peers {",
    "  calico_aggr();",
    `  if ( ${inPool} ) then { accept; }`,
    "  reject;",
    "}",
    "",
    "# The pods' routes from the peers; the underlay provides the rest (the node's default route).",
    "filter calico_import_from_bgp_peers {",
    `  if ( ${inPool} ) then { accept; }`,
    "  reject;",
    "}",
    "",
    "filter calico_kernel_programming {",
    "  if ( source = RTS_DEVICE ) then { reject; }  # the kernel has its connected routes already",
    "  accept;",
    "}",
  ];
}

function bgp(t: Topology, node: CalicoNodePlan, peer: CalicoPeer): string[] {
  return [
    `# ${peer.node}, from ${peer.source}`,
    `protocol bgp ${birdProtocolName(peer)} {`,
    `  description "${peer.node}";`,
    `  local ${node.address} as ${node.asNumber};`,
    `  neighbor ${peer.address} as ${peer.asNumber};`,
    "  multihop;",
    `  hold time ${t.bgp.hold};`,
    `  keepalive time ${t.bgp.keepalive};`,
    "  connect delay time 1;",
    "  connect retry time 3;",
    "  error wait time 5,60;",
    "  ipv4 {",
    "    gateway recursive;",
    "    import filter calico_import_from_bgp_peers;",
    "    export filter calico_export_to_bgp_peers;",
    "  };",
    "}",
    "",
  ];
}
