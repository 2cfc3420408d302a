import { test } from "node:test";
import assert from "node:assert/strict";
import { loadTopology } from "./load.js";
import {
  advertisedPrefixes,
  bgpPeers,
  expectedPrefixes,
  findNode,
  findSwitch,
  leaves,
  linkSubnets,
  nodeNames,
  rackSubnets,
  spines,
  type Switch,
} from "./model.js";

// The facts of DESIGN.md section 1, derived from lab/topologies/blog.yaml.
const blog = loadTopology();

function sw(name: string): Switch {
  const found = findSwitch(blog, name);
  assert.ok(found, `no switch ${name} in the blog topology`);
  return found;
}

test("blog: two spines, two leaves, five hosts, timers 3/9", () => {
  assert.equal(blog.name, "blog");
  assert.deepEqual(spines(blog).map((s) => s.name), ["spine1", "spine2"]);
  assert.deepEqual(leaves(blog).map((s) => s.name), ["leaf1", "leaf2"]);
  assert.deepEqual(nodeNames(blog), [
    "spine1", "spine2", "leaf1", "leaf2",
    "k8s-master-l1-1", "k8s-node-l1-1", "k8s-node-l1-2", "k8s-node-l2-1", "k8s-node-l2-2",
  ]);
  assert.deepEqual(blog.bgp, { keepalive: 3, hold: 9 });
});

test("blog: AS and loopback (= router-id) of every switch", () => {
  assert.deepEqual(
    blog.switches.map((s) => [s.name, s.asn, s.loopback]),
    [
      ["spine1", 65001, "172.16.255.1"],
      ["spine2", 65002, "172.16.255.2"],
      ["leaf1", 65101, "172.16.255.101"],
      ["leaf2", 65102, "172.16.255.102"],
    ],
  );
});

test("blog: the BGP peers of every switch, with addresses and ASNs", () => {
  const peers = (name: string) => bgpPeers(blog, sw(name));
  assert.deepEqual(peers("leaf1"), [
    { address: "172.16.0.0", node: "spine1", remoteAs: 65001, localInterface: "swp51", families: ["ipv4"] },
    { address: "172.16.0.4", node: "spine2", remoteAs: 65002, localInterface: "swp52", families: ["ipv4"] },
  ]);
  assert.deepEqual(peers("leaf2"), [
    { address: "172.16.0.2", node: "spine1", remoteAs: 65001, localInterface: "swp51", families: ["ipv4"] },
    { address: "172.16.0.6", node: "spine2", remoteAs: 65002, localInterface: "swp52", families: ["ipv4"] },
  ]);
  assert.deepEqual(peers("spine1"), [
    { address: "172.16.0.1", node: "leaf1", remoteAs: 65101, localInterface: "swp1", families: ["ipv4"] },
    { address: "172.16.0.3", node: "leaf2", remoteAs: 65102, localInterface: "swp2", families: ["ipv4"] },
  ]);
  assert.deepEqual(peers("spine2"), [
    { address: "172.16.0.5", node: "leaf1", remoteAs: 65101, localInterface: "swp1", families: ["ipv4"] },
    { address: "172.16.0.7", node: "leaf2", remoteAs: 65102, localInterface: "swp2", families: ["ipv4"] },
  ]);
});

test("blog: each side of a link knows the other's interface and address", () => {
  assert.deepEqual(sw("spine1").interfaces, [
    { name: "swp1", cidr: "172.16.0.0/31", ip: "172.16.0.0", peer: { node: "leaf1", interface: "swp51", ip: "172.16.0.1" } },
    { name: "swp2", cidr: "172.16.0.2/31", ip: "172.16.0.2", peer: { node: "leaf2", interface: "swp51", ip: "172.16.0.3" } },
  ]);
  assert.deepEqual(sw("leaf2").interfaces, [
    { name: "swp51", cidr: "172.16.0.3/31", ip: "172.16.0.3", peer: { node: "spine1", interface: "swp2", ip: "172.16.0.2" } },
    { name: "swp52", cidr: "172.16.0.7/31", ip: "172.16.0.7", peer: { node: "spine2", interface: "swp2", ip: "172.16.0.6" } },
  ]);
});

test("blog: what each switch advertises: its loopback, a leaf also its rack", () => {
  assert.deepEqual(advertisedPrefixes(sw("spine1")), ["172.16.255.1/32"]);
  assert.deepEqual(advertisedPrefixes(sw("leaf1")), ["172.16.255.101/32", "10.0.101.0/24"]);
});

test("blog: each spine expects 5 prefixes, each leaf 4, never its own", () => {
  assert.deepEqual(expectedPrefixes(blog, sw("spine1")), [
    "172.16.255.2/32", "172.16.255.101/32", "10.0.101.0/24", "172.16.255.102/32", "10.0.102.0/24",
  ]);
  assert.deepEqual(expectedPrefixes(blog, sw("spine2")), [
    "172.16.255.1/32", "172.16.255.101/32", "10.0.101.0/24", "172.16.255.102/32", "10.0.102.0/24",
  ]);
  assert.deepEqual(expectedPrefixes(blog, sw("leaf1")), ["172.16.255.1/32", "172.16.255.2/32", "172.16.255.102/32", "10.0.102.0/24"]);
  assert.deepEqual(expectedPrefixes(blog, sw("leaf2")), ["172.16.255.1/32", "172.16.255.2/32", "172.16.255.101/32", "10.0.101.0/24"]);
});

test("blog: racks, gateways and the hosts' leaf ports swp1, swp2, ... in file order", () => {
  assert.deepEqual(sw("leaf1").rack, { subnet: "10.0.101.0/24", gateway: "10.0.101.1", prefixLength: 24, bridge: "bridge" });
  assert.deepEqual(sw("leaf2").rack, { subnet: "10.0.102.0/24", gateway: "10.0.102.1", prefixLength: 24, bridge: "bridge" });
  assert.equal(sw("spine1").rack, undefined);
  assert.deepEqual(
    blog.hosts.map((h) => [h.name, h.role, h.leaf, h.leafPort, h.interface, `${h.address}/${h.prefixLength}`, h.gateway]),
    [
      ["k8s-master-l1-1", "control-plane", "leaf1", "swp1", "eth1", "10.0.101.10/24", "10.0.101.1"],
      ["k8s-node-l1-1", "worker", "leaf1", "swp2", "eth1", "10.0.101.101/24", "10.0.101.1"],
      ["k8s-node-l1-2", "worker", "leaf1", "swp3", "eth1", "10.0.101.102/24", "10.0.101.1"],
      ["k8s-node-l2-1", "worker", "leaf2", "swp1", "eth1", "10.0.102.101/24", "10.0.102.1"],
      ["k8s-node-l2-2", "worker", "leaf2", "swp2", "eth1", "10.0.102.102/24", "10.0.102.1"],
    ],
  );
});

test("blog: the link subnets (never advertised) and the rack subnets", () => {
  assert.deepEqual(linkSubnets(blog), ["172.16.0.0/31", "172.16.0.2/31", "172.16.0.4/31", "172.16.0.6/31"]);
  assert.deepEqual(rackSubnets(blog), ["10.0.101.0/24", "10.0.102.0/24"]);
});

test("findNode and findSwitch: switches and hosts by name, undefined otherwise", () => {
  assert.equal(findNode(blog, "k8s-node-l2-1")?.kind, "host");
  assert.equal(findNode(blog, "leaf2")?.kind, "switch");
  assert.equal(findNode(blog, "leaf9"), undefined);
  assert.equal(findSwitch(blog, "k8s-node-l2-1"), undefined);
});
