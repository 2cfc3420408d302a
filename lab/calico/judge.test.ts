import { test } from "node:test";
import assert from "node:assert/strict";
import { parseBirdProtocols } from "../probes/bird.js";
import { fixture } from "../probes/fake-runner.js";
import { findNode, type Node } from "../topology/model.js";
import { loadTopology } from "../topology/load.js";
import { leafPeeringCommands, leafUnpeeringCommands } from "./fabric.js";
import { expectedLeafPeers, expectedPodRoutes, nodeSessionFindings, podPathFindings, podRouteFindings } from "./judge.js";
import { calicoPlan } from "./resources.js";

const t = loadTopology();
const plan = calicoPlan(t, "peering");
const node = (name: string): Node => {
  const found = findNode(t, name);
  assert.ok(found, name);
  return found;
};
const via = (at: string, block: string) =>
  expectedPodRoutes(t, plan, node(at))
    .find((r) => r.prefix === block)
    ?.nextHops.map((h) => `${h.node} ${h.address}`);

test("expectedPodRoutes: a block is routed like its leaf's rack, to its node by the leaf, blackholed by its owner", () => {
  assert.deepEqual(via("spine1", "192.168.0.192/26"), ["leaf2 172.16.0.3"]);
  assert.deepEqual(via("leaf1", "192.168.0.192/26"), ["spine1 172.16.0.0", "spine2 172.16.0.4"]);
  assert.deepEqual(via("leaf2", "192.168.0.192/26"), ["k8s-node-l2-1 10.0.102.101"]);
  assert.deepEqual(via("k8s-node-l1-1", "192.168.0.128/26"), ["k8s-node-l1-2 10.0.101.102"]);
  assert.deepEqual(via("k8s-node-l1-1", "192.168.0.192/26"), ["leaf1 10.0.101.1"]);
  assert.equal(expectedPodRoutes(t, plan, node("k8s-node-l1-1")).find((r) => r.prefix === "192.168.0.64/26")?.blackhole, true);
});

test("podRouteFindings: a missing block and a missing ECMP leg say what was expected", () => {
  const routes = [
    { dst: "192.168.0.0/26", nexthops: [{ gateway: "10.0.101.10" }] },
    { dst: "192.168.0.64/26", nexthops: [{ gateway: "10.0.101.101" }] },
    { dst: "192.168.0.128/26", nexthops: [{ gateway: "10.0.101.102" }] },
    { dst: "192.168.0.192/26", nexthops: [{ gateway: "172.16.0.0" }] },
  ];
  assert.deepEqual(podRouteFindings(t, plan, node("leaf1"), routes), [
    "leaf1 routes 192.168.0.192/26 (k8s-node-l2-1's pod block) via spine1 172.16.0.0 (expected via spine1 172.16.0.0, spine2 172.16.0.4)",
    "leaf1 has no route to 192.168.1.0/26 (k8s-node-l2-2's pod block) (expected via spine1 172.16.0.0, spine2 172.16.0.4)",
  ]);
});

test("nodeSessionFindings: BIRD's own words for a node in the wrong AS", () => {
  const result = (file: string) => parseBirdProtocols({ command: ["birdc"], exitCode: 0, stdout: fixture(file), stderr: "", durationMs: 1 });
  const l21 = node("k8s-node-l2-1");
  assert.ok(l21.kind === "host");
  assert.deepEqual(nodeSessionFindings(t, l21, result("bird-2.0.12-protocols-k8s-node-l2-1-wrong-local-as.txt")), [
    "k8s-node-l2-1 speaks BGP to leaf2 10.0.102.1 as AS 64512 (expected its leaf's AS 65102: one AS per rack)",
    'k8s-node-l2-1: the BGP session with leaf2 10.0.102.1 is Active, last error "Received: Bad peer AS" (expected Established)',
  ]);
  const l11 = node("k8s-node-l1-1");
  assert.ok(l11.kind === "host");
  assert.deepEqual(nodeSessionFindings(t, l11, result("bird-2.0.12-protocols-k8s-node-l1-1-established.txt")), []);
});

test("podPathFindings: node, leaf, spine, leaf, node, pod, as the lab's traceroute showed it", () => {
  const [from, to] = [plan.nodes[1], plan.nodes[3]];
  assert.ok(from && to);
  const hops = ["10.0.101.101", "10.0.101.1", "172.16.0.0", "172.16.0.3", "10.0.102.101", "192.168.0.193"];
  assert.deepEqual(podPathFindings(t, plan, from, to, hops, true), []);
  assert.deepEqual(podPathFindings(t, plan, from, to, ["10.0.101.101", "10.0.101.1", undefined], false), [
    "pod-k8s-node-l1-1's path to 192.168.0.193 (pod-k8s-node-l2-1) is 10.0.101.101 (k8s-node-l1-1) > 10.0.101.1 (leaf1) > *, not reaching it (expected k8s-node-l1-1 > leaf1 > a spine > leaf2 > k8s-node-l2-1 > pod-k8s-node-l2-1)",
  ]);
});

test("the leaves peer with their rack's nodes in their own AS, reflect them and undo it all", () => {
  const leaf1 = t.switches.find((s) => s.name === "leaf1");
  assert.ok(leaf1);
  assert.deepEqual(expectedLeafPeers(t, "leaf1").map((p) => `${p.node} ${p.address} ${p.remoteAs}`), [
    "spine1 172.16.0.0 65001",
    "spine2 172.16.0.4 65002",
    "k8s-master-l1-1 10.0.101.10 65101",
    "k8s-node-l1-1 10.0.101.101 65101",
    "k8s-node-l1-2 10.0.101.102 65101",
  ]);
  const apply = leafPeeringCommands(t, leaf1);
  assert.ok(apply.includes("neighbor 10.0.101.101 remote-as 65101"));
  assert.ok(apply.includes("neighbor 10.0.101.101 route-reflector-client"));
  assert.deepEqual(leafUnpeeringCommands(t, leaf1), ["configure terminal", "router bgp 65101", "no neighbor 10.0.101.10", "no neighbor 10.0.101.101", "no neighbor 10.0.101.102"]);
});
