import { test } from "node:test";
import assert from "node:assert/strict";
import { parseBirdProtocols, type BirdProtocol } from "../probes/bird.js";
import { fixture } from "../probes/fake-runner.js";
import { findNode, type Node } from "../topology/model.js";
import { loadTopology } from "../topology/load.js";
import { leafPeeringCommands, leafUnpeeringCommands } from "./fabric.js";
import { calicoNodeReadinessFindings, ownedAddresses, expectedLeafPeers, expectedPodRoutes, meshSessionFindings, vxlanRouteFindings, nodeSessionFindings, overlayPathFindings, podPathFindings, podRouteFindings, statedNodeSessionFindings } from "./judge.js";
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
    'k8s-node-l2-1: the BGP session with leaf2 10.0.102.1 is Active, last error "Received: Bad peer AS" (expected Established): leaf2 refuses the AS k8s-node-l2-1 speaks (expected its leaf\'s AS 65102, one AS per rack)',
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

const host = (name: string) => {
  const found = t.hosts.find((h) => h.name === name);
  assert.ok(found, name);
  return found;
};
const birdOutput = (file: string) => parseBirdProtocols({ command: ["birdc"], exitCode: 0, stdout: fixture(file), stderr: "", durationMs: 1 });

test("statedNodeSessionFindings: the node's session as peering mode judges it, and a scenario that does not fit the topology", () => {
  const established = birdOutput("bird-2.0.12-protocols-k8s-node-l1-1-established.txt");
  assert.deepEqual(statedNodeSessionFindings(t, host("k8s-node-l1-1"), "10.0.101.1", 65101, established), []);
  assert.deepEqual(statedNodeSessionFindings(t, host("k8s-node-l1-1"), "10.0.102.1", 65102, established), [
    "the topology puts k8s-node-l1-1 behind leaf1, not behind 10.0.102.1 in AS 65102: the scenario does not fit the topology",
  ]);
});

/** A BGP protocol of a mesh node as BIRD reports it (only what the judge reads). */
const meshPeer = (address: string, state: string, neighborAs = 64512): BirdProtocol => ({
  name: `Mesh_${address.replaceAll(".", "_")}`,
  proto: "BGP",
  table: undefined,
  state: state === "Established" ? "up" : "start",
  info: state,
  description: undefined,
  bgp: { state, neighborAddress: address, neighborAs, localAs: 64512, neighborId: undefined, lastError: undefined, sourceAddress: undefined, session: undefined },
  channels: [],
  routes: {},
});

test("meshSessionFindings: every other node Established in the mesh's AS; a missing and a wrong session named", () => {
  const others = t.hosts.filter((h) => h.name !== "k8s-node-l1-1");
  assert.deepEqual(meshSessionFindings(t, host("k8s-node-l1-1"), others.map((o) => meshPeer(o.address, "Established")), 64512), []);
  const [first, second, ...rest] = others;
  assert.ok(first && second);
  assert.deepEqual(meshSessionFindings(t, host("k8s-node-l1-1"), [meshPeer(second.address, "Active", 65101), ...rest.map((o) => meshPeer(o.address, "Established"))], 64512), [
    "k8s-node-l1-1 has no BGP session with k8s-master-l1-1 10.0.101.10 (expected one in the node-to-node mesh, AS 64512)",
    "k8s-node-l1-1: the mesh session with k8s-node-l1-2 is Active, AS 65101 (expected Established, AS 64512)",
  ]);
});

test("overlayPathFindings: the overlay hides the fabric; a switch on the path, or a path that does not arrive, is a finding", () => {
  const overlay = calicoPlan(t, "overlay");
  const [from, to] = [overlay.nodes[1], overlay.nodes[3]];
  assert.ok(from && to);
  assert.deepEqual(overlayPathFindings(t, overlay, from, to, ["10.0.101.101", to.pod.address], true), []);
  assert.deepEqual(overlayPathFindings(t, overlay, from, to, ["10.0.101.101", "10.0.101.1", "172.16.0.0", undefined], false), [
    `${from.pod.name}'s path to ${to.pod.name} shows the switches leaf1, spine1 (expected none: the overlay hides the fabric)`,
    `${from.pod.name}'s path to ${to.pod.address} (${to.pod.name}) does not reach it`,
  ]);
});

test("vxlanRouteFindings and calicoNodeReadinessFindings: Felix's routes through vxlan.calico, BIRD's sessions Established", () => {
  const overlay = calicoPlan(t, "overlay", "vxlan");
  const me = overlay.nodes[0];
  assert.ok(me);
  const others = overlay.nodes.slice(1);
  const routes = [
    { dst: me.block, type: "blackhole", nexthops: [] },
    { dst: `${me.pod.address}/32`, nexthops: [{ gateway: undefined, dev: me.pod.hostInterface }] },
    ...others.map((o) => ({ dst: o.block, nexthops: [{ gateway: o.block.split("/")[0], dev: "vxlan.calico" }] })),
  ];
  const established: BirdProtocol[] = others.map((o) => ({ name: `Mesh_${o.address.replaceAll(".", "_")}`, proto: "BGP", table: "master", state: "up", info: "Established", description: undefined, channels: [], routes: {}, bgp: { state: "Established", neighborAddress: o.address, neighborAs: 64512, localAs: 64512, lastError: undefined, session: "internal multihop AS4", neighborId: undefined, sourceAddress: me.address } }));
  assert.deepEqual(vxlanRouteFindings(overlay, me, routes), []);
  assert.deepEqual(calicoNodeReadinessFindings(overlay, me, established, routes), []);
  const [first, ...rest] = others;
  assert.ok(first);
  const wrong = [...routes.filter((r) => r.dst !== first.block), { dst: first.block, nexthops: [{ gateway: "10.0.101.1", dev: "eth1" }] }];
  assert.deepEqual(vxlanRouteFindings(overlay, me, wrong), [
    `${me.node} routes ${first.block} (${first.node}'s pod block) via 10.0.101.1 dev eth1 (expected via ${first.block.split("/")[0]} dev vxlan.calico, ${first.node}'s tunnel address)`,
  ]);
  const down: BirdProtocol[] = established.map((p, i) => (i === 0 && p.bgp ? { ...p, state: "start", info: "Active", bgp: { ...p.bgp, state: "Active" } } : p));
  assert.deepEqual(calicoNodeReadinessFindings(overlay, me, down, routes.filter((r) => r.dst !== `${me.pod.address}/32`)), [
    `${me.node}: calico-node -bird-ready fails: BGP not established with ${first.address} (Mesh_${first.address.replaceAll(".", "_")}: Active, Active)`,
    `${me.node}: calico-node -felix-ready fails: no route to its pod ${me.pod.name} ${me.pod.address} through a cali* interface (found none)`,
  ]);
  assert.equal(rest.length, others.length - 1);
});

test("podPathFindings: a node that answers from an address no topology names (a VM's NAT address) is judged by the node that owns it", () => {
  const [from, to] = [plan.nodes[1], plan.nodes[3]];
  assert.ok(from && to);
  const hops = ["10.0.2.15", "10.0.101.1", "172.16.0.0", "172.16.0.3", "10.0.2.15", "192.168.0.193"];
  const owned = ownedAddresses([[from.node, [{ interface: "eth0", address: "10.0.2.15" }, { interface: "lo", address: "127.0.0.1" }]]]);
  assert.deepEqual(podPathFindings(t, plan, from, to, hops, true, new Map([...owned, ["10.0.2.15#", "x"]])).length, 1, "the other node's hop is still the first node's address");
  const both = new Map([["10.0.2.15", from.node], ["10.0.2.16", to.node]]);
  assert.deepEqual(podPathFindings(t, plan, from, to, ["10.0.2.15", "10.0.101.1", "172.16.0.0", "172.16.0.3", "10.0.2.16", "192.168.0.193"], true, both), []);
  assert.match(podPathFindings(t, plan, from, to, hops.map((h) => (h === "10.0.2.15" ? "10.0.9.9" : h)), true)[0] ?? "", /10\.0\.9\.9 \(\?\)/);
});
