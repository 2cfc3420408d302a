import { test } from "node:test";
import assert from "node:assert/strict";
import { loadTopology } from "../topology/load.js";
import { VXLAN, vxlanFdbLines, vxlanIpLines, vxlanTunnel, workloadRouteLine } from "./felix.js";
import { calicoPlan } from "./resources.js";

const plan = calicoPlan(loadTopology(), "overlay", "vxlan");

test("a node's VXLAN tunnel: the first address of its block, a stable locally administered MAC, its fabric address underneath", () => {
  const tunnels = plan.nodes.map(vxlanTunnel);
  assert.deepEqual(tunnels.map((t) => [t.node, t.address, t.underlay]), [
    ["k8s-master-l1-1", "192.168.0.0", "10.0.101.10"],
    ["k8s-node-l1-1", "192.168.0.64", "10.0.101.101"],
    ["k8s-node-l1-2", "192.168.0.128", "10.0.101.102"],
    ["k8s-node-l2-1", "192.168.0.192", "10.0.102.101"],
    ["k8s-node-l2-2", "192.168.1.0", "10.0.102.102"],
  ]);
  for (const t of tunnels) assert.match(t.mac, /^66:63(:[0-9a-f]{2}){4}$/);
  assert.equal(new Set(tunnels.map((t) => t.mac)).size, tunnels.length);
  assert.deepEqual(vxlanTunnel(plan.nodes[0] ?? assert.fail()), tunnels[0]);
});

test("what Felix programs: the device, the own block's blackhole, a permanent ARP entry and an onlink route per other node, and their FDB entries", () => {
  const [self, other] = plan.nodes.map(vxlanTunnel);
  assert.ok(self && other);
  assert.deepEqual(vxlanIpLines(self, [other], "eth1"), [
    `link add vxlan.calico type vxlan id 4096 local 10.0.101.10 dev eth1 dstport 4789 nolearning`,
    `link set vxlan.calico address ${self.mac} mtu 1450`,
    "addr add 192.168.0.0/32 dev vxlan.calico",
    "link set vxlan.calico up",
    "route replace blackhole 192.168.0.0/26 src 10.0.101.10",
    `neigh replace 192.168.0.64 lladdr ${other.mac} dev vxlan.calico nud permanent`,
    "route replace 192.168.0.64/26 via 192.168.0.64 dev vxlan.calico onlink src 10.0.101.10",
  ]);
  assert.deepEqual(vxlanFdbLines([other]), [`fdb replace ${other.mac} dev ${VXLAN.device} dst 10.0.101.101 self permanent`]);
});

test("the route to a pod on its node carries the node's fabric address as its source, as Felix's with deviceRouteSourceAddress (desk review item 7)", () => {
  const [node] = plan.nodes;
  assert.ok(node);
  assert.equal(workloadRouteLine(node.pod.address, node.pod.hostInterface, node.address), `route add 192.168.0.1/32 dev ${node.pod.hostInterface} scope link src 10.0.101.10`);
});
