/**
 * BIRD 1.6 configuration of one Kubernetes node, generated from the Calico resources the way
 * calico-node's confd generates it (projectcalico/calico, confd/etc/calico/confd/templates:
 * bird.cfg.template, bird_aggr.cfg.template, bird_ipam.cfg.template), in the syntax of BIRD 1.6,
 * the line calico-node's BIRD is forked from (Debian 12's `bird` 1.6.8 runs it here):
 *   - router id: the node's fabric address;
 *   - protocol kernel: learns the routes to local pods (and Felix's VXLAN routes) from the kernel,
 *     `persist`s what it programs, exports through calico_kernel_programming;
 *   - protocol static: a blackhole for the node's own block (calico_aggr exports the block, never
 *     the /32s beneath it);
 *   - template bgp_template, then one protocol per peer: Mesh_<ip> for the node-to-node mesh
 *     (passive towards the higher address, as the template makes it), Node_<ip> for a BGPPeer;
 *   - calico_export_to_bgp_peers: the pools only, never a route through a tunnel device
 *     (reject_tunnel_routes: Felix programs those on every node itself).
 * Where the upstream BIRD lacks what Calico's fork adds, or the lab needs a different value, the
 * line says so:
 *   - no `krt_tunnel` (the fork's attribute for IPIP routes): in VXLAN mode the template rejects
 *     the pool's routes from kernel programming anyway (Felix programs them), and native routes
 *     need none; IPIP mode is not rendered for the upstream BIRD (see drivers/netns/calico.ts);
 *   - no BFD protocol (not used by any resource here);
 *   - a BGPPeer's session (a node and its leaf) runs the fabric's hold and keepalive times
 *     (topology `bgp:`), so a stopped node is noticed within the fabric's budgets; the template and
 *     the node-to-node mesh keep BIRD's defaults (hold 240 s, keepalive 80 s), as calico-node's
 *     do: a mesh of 192 nodes with a 3 s keepalive kept both cores of this machine busy with
 *     keepalives alone (36672 sessions);
 *   - the import filter accepts the pools only, so the fabric's own routes never reach the
 *     node's kernel: the node's default route through its leaf carries the rest.
 * The lab starts BIRD without `-R` (a fresh node, not a restart), so `graceful restart` in the
 * kernel protocol defers nothing.
 */
import type { CalicoNodePlan, CalicoPeer, CalicoPlan } from "../calico/resources.js";
import type { Topology } from "../topology/model.js";

/** The node's BIRD configuration file. */
export function renderBirdConfig(t: Topology, plan: CalicoPlan, node: CalicoNodePlan): string {
  const lines = [
    `# ${node.node}: rendered by fabricspec from the Calico resources ${plan.source} (${plan.mode} mode,`,
    `# encapsulation ${node.encapsulation}), as calico-node's confd renders bird.cfg, bird_aggr.cfg and`,
    "# bird_ipam.cfg; BIRD 1.6 syntax.",
    "",
    "function apply_communities ()",
    "{",
    "}",
    "",
    "# ---- bird_aggr.cfg",
    ...aggregation(node),
    "",
    "# ---- bird_ipam.cfg",
    ...ipam(plan, node),
    "",
    "# ---- bird.cfg",
    `router id ${node.address};`,
    "",
    "# Configure synchronization between routing tables and kernel.",
    "protocol kernel {",
    "  learn;             # Learn all alien routes from the kernel",
    "  persist;           # Don't remove routes on bird shutdown",
    "  scan time 2;       # Scan kernel routing table every 2 seconds",
    "  import all;",
    "  export filter calico_kernel_programming; # Default is export none",
    "  graceful restart;",
    "  merge paths on;    # Allow export multipath routes (ECMP)",
    "}",
    "",
    "# Watch interface up/down events.",
    "protocol device {",
    "  scan time 2;    # Scan interfaces every 2 seconds",
    "}",
    "",
    "protocol direct {",
    "  debug { states };",
    '  interface -"cali*", -"kube-ipvs*", "*"; # Exclude cali* and kube-ipvs* but include everything else.',
    "}",
    "",
    "# Template for all BGP clients",
    "template bgp bgp_template {",
    "  debug { states };",
    '  description "Connection to BGP peer";',
    `  local as ${node.asNumber};`,
    "  multihop;",
    "  gateway recursive; # This should be the default, but just in case.",
    "  import filter calico_import_from_bgp_peers;",
    "  add paths on;",
    "  graceful restart;",
    `  connect delay time ${BIRD_SESSION_TIMERS.connectDelayS};`,
    `  connect retry time ${BIRD_SESSION_TIMERS.connectRetryS};`,
    `  error wait time ${BIRD_SESSION_TIMERS.errorWaitMinS},${BIRD_SESSION_TIMERS.errorWaitMaxS};`,
    "}",
    "",
    ...section("Node-to-node mesh", node.peers.filter((p) => p.source === MESH), "# Node-to-node mesh disabled", (p) => mesh(node, p)),
    ...section("Node-specific peers", node.peers.filter((p) => p.source !== MESH), "# No node-specific peers configured.", (p) => nodePeer(t, node, p)),
  ];
  return `${lines.join("\n")}\n`;
}

const MESH = "node-to-node mesh";

/**
 * The template's session timers: a session starts connecting 1 s after BIRD starts, retries every
 * 3 s, and after an error (a peer not listening yet) waits 5 s, doubling up to 60 s.
 */
export const BIRD_SESSION_TIMERS = { connectDelayS: 1, connectRetryS: 3, errorWaitMinS: 5, errorWaitMaxS: 60 } as const;

/** Calico's name for the protocol of a peer: Mesh_10_0_101_102, Node_10_0_101_1. */
export function birdProtocolName(peer: CalicoPeer): string {
  const id = peer.address.replaceAll(".", "_");
  return peer.source === MESH ? `Mesh_${id}` : `Node_${id}`;
}

function section(title: string, peers: readonly CalicoPeer[], none: string, render: (p: CalicoPeer) => string[]): string[] {
  return [`# ------------- ${title} -------------`, ...(peers.length === 0 ? [none, ""] : peers.flatMap(render))];
}

function aggregation(node: CalicoNodePlan): string[] {
  return [
    "protocol static {",
    "   # IP blocks for this host.",
    `   route ${node.block} blackhole;`,
    "}",
    "",
    "# Aggregation of routes on this host; export the block, nothing beneath it.",
    "function calico_aggr ()",
    "{",
    `      # Block ${node.block} is confirmed`,
    `      if ( net = ${node.block} ) then { accept; }`,
    `      if ( net ~ ${node.block} ) then { reject; }`,
    "}",
  ];
}

function ipam(plan: CalicoPlan, node: CalicoNodePlan): string[] {
  const pools = plan.pools;
  return [
    "function reject_disabled_pools ()",
    "{",
    "}",
    "",
    "function reject_tunnel_routes () {",
    "  # Don't export tunnel routes to other nodes, Felix programs them.",
    "  if (defined(ifname)) then {",
    '     if ((ifname ~ "*.cali") || (ifname ~ "*.calico")) then {',
    "        reject;",
    "     }",
    "  }",
    "}",
    "",
    "function calico_export_to_bgp_peers(bool internal_peer) {",
    "  reject_disabled_pools();",
    "  if (internal_peer) then {",
    "    reject_tunnel_routes();",
    "  }",
    "  apply_communities();",
    "  calico_aggr();",
    ...pools.flatMap((pool) => [`  if ( net ~ ${pool} ) then {`, "    accept;", "  }"]),
    "}",
    "",
    "# fabricspec: the pools only; the node's default route through its leaf carries the rest.",
    "filter calico_import_from_bgp_peers {",
    ...pools.map((pool) => `  if ( net ~ ${pool} ) then { accept; }`),
    "  reject;",
    "}",
    "",
    "filter calico_kernel_programming {",
    ...pools.flatMap((pool) => [
      `  if ( net ~ ${pool} ) then {`,
      ...(node.encapsulation === "vxlan"
        ? ["    # Don't program VXLAN routes into the kernel - these are handled by Felix.", "    reject;"]
        : ["    accept;              # no krt_tunnel: native routes (the upstream BIRD has no krt_tunnel)"]),
      "  }",
    ]),
    "  accept;",
    "}",
  ];
}

/** Both ends of a mesh session are configured; the one with the higher address waits (Calico's lexical comparison). */
function mesh(node: CalicoNodePlan, peer: CalicoPeer): string[] {
  return [
    `# For peer /host/${peer.node}/ip_addr_v4`,
    `protocol bgp ${birdProtocolName(peer)} from bgp_template {`,
    `  neighbor ${peer.address} as ${peer.asNumber};`,
    `  source address ${node.address};  # The local address we use for the TCP connection`,
    `  export filter { calico_export_to_bgp_peers(${peer.asNumber === node.asNumber}); reject; };`,
    ...(peer.address > node.address ? ["  passive on; # Mesh is unidirectional, peer will connect to us."] : []),
    "  graceful restart time 120;",
    "}",
    "",
  ];
}

function nodePeer(t: Topology, node: CalicoNodePlan, peer: CalicoPeer): string[] {
  return [
    `# For peer ${peer.source} (${peer.node})`,
    `protocol bgp ${birdProtocolName(peer)} from bgp_template {`,
    `  description "${peer.node}";`,
    `  neighbor ${peer.address} as ${peer.asNumber};`,
    `  source address ${node.address};  # The local address we use for the TCP connection`,
    `  export filter { calico_export_to_bgp_peers(${peer.asNumber === node.asNumber}); reject; };`,
    `  hold time ${t.bgp.hold};         # the fabric's timers (topology bgp:), not BIRD's 240 s`,
    `  keepalive time ${t.bgp.keepalive};`,
    "}",
    "",
  ];
}
