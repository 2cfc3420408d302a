import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { loadTopology } from "../../topology/load.js";
import { nodeNames, type Topology } from "../../topology/model.js";
import { namespaceOf, NAMESPACE_PREFIX, planLab } from "./plan.js";

const blog = loadTopology();
const wide = loadTopology(fileURLToPath(new URL("../../topologies/wide.yaml", import.meta.url)));

const VETH = /^link add (\S+) netns (\S+) type veth peer (\S+) netns (\S+)$/;

/** Each veth line as its two ends, "namespace:interface", in the order written. */
function vethEnds(lines: readonly string[]): Array<[string, string]> {
  return lines.map((line) => {
    const m = VETH.exec(line);
    assert.ok(m, `not a veth pair created inside namespaces: ${line}`);
    return [`${m[2]}:${m[1]}`, `${m[4]}:${m[3]}`];
  });
}

/** Every link and host port the topology describes, as unordered pairs of "namespace:interface". */
function wiredPairs(t: Topology): string[] {
  const pairs = new Set<string>();
  for (const sw of t.switches) {
    for (const i of sw.interfaces) {
      pairs.add([`${namespaceOf(sw.name)}:${i.name}`, `${namespaceOf(i.peer.node)}:${i.peer.interface}`].sort().join(" "));
    }
  }
  for (const h of t.hosts) pairs.add([`${namespaceOf(h.leaf)}:${h.leafPort}`, `${namespaceOf(h.name)}:${h.interface}`].sort().join(" "));
  return [...pairs].sort();
}

test("blog: a namespace per switch and per host, all with the fs- prefix", () => {
  const plan = planLab(blog);
  assert.equal(NAMESPACE_PREFIX, "fs-");
  assert.deepEqual(plan.namespaces, [
    "fs-spine1", "fs-spine2", "fs-leaf1", "fs-leaf2",
    "fs-k8s-master-l1-1", "fs-k8s-node-l1-1", "fs-k8s-node-l1-2", "fs-k8s-node-l2-1", "fs-k8s-node-l2-2",
  ]);
  assert.deepEqual([...plan.addressing.keys()].sort(), [...plan.namespaces].sort());
});

test("blog: every link once, each veth created directly inside its two namespaces", () => {
  assert.deepEqual(planLab(blog).links, [
    "link add swp51 netns fs-leaf1 type veth peer swp1 netns fs-spine1",
    "link add swp52 netns fs-leaf1 type veth peer swp1 netns fs-spine2",
    "link add swp51 netns fs-leaf2 type veth peer swp2 netns fs-spine1",
    "link add swp52 netns fs-leaf2 type veth peer swp2 netns fs-spine2",
    "link add swp1 netns fs-leaf1 type veth peer eth1 netns fs-k8s-master-l1-1",
    "link add swp2 netns fs-leaf1 type veth peer eth1 netns fs-k8s-node-l1-1",
    "link add swp3 netns fs-leaf1 type veth peer eth1 netns fs-k8s-node-l1-2",
    "link add swp1 netns fs-leaf2 type veth peer eth1 netns fs-k8s-node-l2-1",
    "link add swp2 netns fs-leaf2 type veth peer eth1 netns fs-k8s-node-l2-2",
  ]);
});

test("blog: a switch gets its loopback and its link addresses, each interface raised", () => {
  assert.deepEqual(planLab(blog).addressing.get("fs-spine1"), [
    "link set lo up",
    "addr add 172.16.255.1/32 dev lo",
    "addr add 172.16.0.0/31 dev swp1",
    "link set swp1 up",
    "addr add 172.16.0.2/31 dev swp2",
    "link set swp2 up",
  ]);
});

test("blog: a leaf bridges its host ports and holds the rack gateway on the bridge", () => {
  assert.deepEqual(planLab(blog).addressing.get("fs-leaf2"), [
    "link set lo up",
    "addr add 172.16.255.102/32 dev lo",
    "addr add 172.16.0.3/31 dev swp51",
    "link set swp51 up",
    "addr add 172.16.0.7/31 dev swp52",
    "link set swp52 up",
    "link add bridge type bridge",
    "link set swp1 master bridge",
    "link set swp1 up",
    "link set swp2 master bridge",
    "link set swp2 up",
    "addr add 10.0.102.1/24 dev bridge",
    "link set bridge up",
  ]);
});

test("blog: a host has its rack address on eth1 and a default route to its leaf's gateway", () => {
  const plan = planLab(blog);
  assert.deepEqual(plan.addressing.get("fs-k8s-master-l1-1"), [
    "link set lo up",
    "addr add 10.0.101.10/24 dev eth1",
    "link set eth1 up",
    "route add default via 10.0.101.1",
  ]);
  for (const h of blog.hosts) {
    assert.deepEqual(
      plan.addressing.get(namespaceOf(h.name))?.filter((l) => l.startsWith("route ")),
      [`route add default via ${h.gateway}`],
      h.name,
    );
  }
});

for (const [name, t] of [["blog", blog], ["wide", wide]] as const) {
  test(`${name}: the veth pairs are exactly the topology's links and host ports, none twice, none in the root namespace`, () => {
    const plan = planLab(t);
    const ends = vethEnds(plan.links);
    const pairs = ends.map((pair) => [...pair].sort().join(" ")).sort();
    assert.deepEqual(pairs, wiredPairs(t));
    assert.equal(new Set(pairs).size, pairs.length, "a pair created twice");
    const namespaces = new Set(plan.namespaces);
    for (const end of ends.flat()) assert.ok(namespaces.has(end.split(":")[0] ?? ""), `${end}: not a lab namespace`);
    assert.deepEqual(plan.namespaces, nodeNames(t).map(namespaceOf));
  });

  test(`${name}: every interface a veth creates is raised in its namespace`, () => {
    const plan = planLab(t);
    for (const [ns, ifname] of vethEnds(plan.links).flat().map((end) => end.split(":"))) {
      assert.ok(plan.addressing.get(ns ?? "")?.includes(`link set ${ifname} up`), `${ns}: ${ifname} never raised`);
    }
  });
}

test("wide: three leaves, each with a bridge over its two host ports", () => {
  const plan = planLab(wide);
  for (const leaf of ["leaf1", "leaf2", "leaf3"]) {
    const lines = plan.addressing.get(namespaceOf(leaf)) ?? [];
    assert.deepEqual(
      lines.filter((l) => l.includes("bridge")),
      [
        "link add bridge type bridge",
        "link set swp1 master bridge",
        "link set swp2 master bridge",
        `addr add 10.1.${leaf.slice(-1)}.1/24 dev bridge`,
        "link set bridge up",
      ],
      leaf,
    );
  }
});
