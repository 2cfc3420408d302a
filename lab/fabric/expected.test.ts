import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { loadTopology } from "../topology/load.js";
import { expectedPrefixes, findSwitch, leaves, spines, type Switch, type Topology } from "../topology/model.js";
import { expectedRoutes } from "./expected.js";

const blog = loadTopology();
const wide = loadTopology(fileURLToPath(new URL("../topologies/wide.yaml", import.meta.url)));

function sw(t: Topology, name: string): Switch {
  const found = findSwitch(t, name);
  assert.ok(found, `no switch ${name} in topology ${t.name}`);
  return found;
}

test("blog, spine1: spine2's loopback over both leaves (two AS hops), each leaf's prefixes straight from it", () => {
  const viaBothLeaves = [
    { address: "172.16.0.1", node: "leaf1" },
    { address: "172.16.0.3", node: "leaf2" },
  ];
  assert.deepEqual(expectedRoutes(blog, sw(blog, "spine1")), [
    { prefix: "172.16.255.2/32", origin: "spine2", nextHops: viaBothLeaves, hops: 2 },
    { prefix: "172.16.255.101/32", origin: "leaf1", nextHops: [{ address: "172.16.0.1", node: "leaf1" }], hops: 1 },
    { prefix: "10.0.101.0/24", origin: "leaf1", nextHops: [{ address: "172.16.0.1", node: "leaf1" }], hops: 1 },
    { prefix: "172.16.255.102/32", origin: "leaf2", nextHops: [{ address: "172.16.0.3", node: "leaf2" }], hops: 1 },
    { prefix: "10.0.102.0/24", origin: "leaf2", nextHops: [{ address: "172.16.0.3", node: "leaf2" }], hops: 1 },
  ]);
});

test("blog, leaf1: the other rack and leaf2's loopback over both spines (ECMP)", () => {
  const viaBothSpines = [
    { address: "172.16.0.0", node: "spine1" },
    { address: "172.16.0.4", node: "spine2" },
  ];
  assert.deepEqual(expectedRoutes(blog, sw(blog, "leaf1")), [
    { prefix: "172.16.255.1/32", origin: "spine1", nextHops: [{ address: "172.16.0.0", node: "spine1" }], hops: 1 },
    { prefix: "172.16.255.2/32", origin: "spine2", nextHops: [{ address: "172.16.0.4", node: "spine2" }], hops: 1 },
    { prefix: "172.16.255.102/32", origin: "leaf2", nextHops: viaBothSpines, hops: 2 },
    { prefix: "10.0.102.0/24", origin: "leaf2", nextHops: viaBothSpines, hops: 2 },
  ]);
});

for (const t of [blog, wide]) {
  test(`${t.name}: a route for exactly the expected prefixes, never the switch's own`, () => {
    for (const s of t.switches) {
      assert.deepEqual(expectedRoutes(t, s).map((r) => r.prefix), expectedPrefixes(t, s), s.name);
    }
  });
}

test("wide: every leaf reaches every other rack over all three spines; every spine the others over all three leaves", () => {
  for (const leaf of leaves(wide)) {
    for (const route of expectedRoutes(wide, leaf).filter((r) => r.origin.startsWith("leaf"))) {
      assert.deepEqual(route.nextHops.map((h) => h.node), ["spine1", "spine2", "spine3"], `${leaf.name} to ${route.prefix}`);
      assert.equal(route.hops, 2);
    }
  }
  for (const spine of spines(wide)) {
    for (const route of expectedRoutes(wide, spine).filter((r) => r.origin.startsWith("spine"))) {
      assert.deepEqual(route.nextHops.map((h) => h.node), ["leaf1", "leaf2", "leaf3"], `${spine.name} to ${route.prefix}`);
    }
  }
  assert.deepEqual(
    expectedRoutes(wide, sw(wide, "leaf3")).find((r) => r.prefix === "10.1.1.0/24")?.nextHops,
    [
      { address: "10.254.0.4", node: "spine1" },
      { address: "10.254.0.10", node: "spine2" },
      { address: "10.254.0.16", node: "spine3" },
    ],
  );
});

test("a leaf cut off from the fabric: no routes are expected to or from it", () => {
  // leaf2 linked to nothing is invalid as a file, so cut it out of the derived model instead.
  const cut: Topology = {
    ...blog,
    switches: blog.switches.map((s) =>
      s.name === "leaf2"
        ? { ...s, interfaces: [] }
        : { ...s, interfaces: s.interfaces.filter((i) => i.peer.node !== "leaf2") },
    ),
  };
  assert.deepEqual(expectedRoutes(cut, sw(cut, "leaf2")), []);
  assert.deepEqual(
    expectedRoutes(cut, sw(cut, "leaf1")).map((r) => r.prefix),
    ["172.16.255.1/32", "172.16.255.2/32"],
  );
});
