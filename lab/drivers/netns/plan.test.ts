import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { loadTopology } from "../../topology/load.js";
import { nodeNames, type Topology } from "../../topology/model.js";
import { linkNeighbourEntries, namespaceOf, NAMESPACE_PREFIX, pinLinkNeighbours, planLab } from "./plan.js";

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

test("neighbours: the blog's 4 links need 8 ARP entries and are not pinned; the 208-switch fabric's 432 need 864, more than half of the kernel's 1024 (its 192 hosts and their leaves need 384 more), and are", () => {
  const defaults = { ipv4: 1024, ipv6: 1024 };
  assert.deepEqual(linkNeighbourEntries(blog), { ipv4: 8, ipv6: 0 });
  assert.equal(pinLinkNeighbours(blog, defaults), false);
  assert.equal(planLab(blog).pinned, false);
  const big = loadTopology(fileURLToPath(new URL("../../topologies/five-stage-208.yaml", import.meta.url)));
  assert.deepEqual(linkNeighbourEntries(big), { ipv4: 864, ipv6: 0 });
  assert.equal(pinLinkNeighbours(big, defaults), true);
  // A machine whose table was raised by its owner needs no pinning.
  assert.equal(pinLinkNeighbours(big, { ipv4: 16384, ipv6: 16384 }), false);
});

test("neighbours pinned: each link's ends get the lab's own MACs and a permanent entry for the other end", () => {
  const plan = planLab(blog, { pinLinkNeighbours: true });
  assert.equal(plan.pinned, true);
  assert.equal(plan.links[0], "link add swp51 netns fs-leaf1 address 02:66:00:00:01:01 type veth peer swp1 netns fs-spine1 address 02:66:00:00:01:02");
  // Host ports keep ARP: few entries, and the hosts' own view of their gateway stays the kernel's.
  assert.equal(plan.links[4], "link add swp1 netns fs-leaf1 type veth peer eth1 netns fs-k8s-master-l1-1");
  const leaf1 = plan.addressing.get("fs-leaf1") ?? [];
  assert.ok(leaf1.includes("neigh replace 172.16.0.0 lladdr 02:66:00:00:01:02 dev swp51 nud permanent"), leaf1.join("\n"));
  const spine1 = plan.addressing.get("fs-spine1") ?? [];
  assert.ok(spine1.includes("neigh replace 172.16.0.1 lladdr 02:66:00:00:01:01 dev swp1 nud permanent"), spine1.join("\n"));
  const up = spine1.indexOf("link set swp1 up");
  assert.ok(up >= 0 && up < spine1.indexOf("neigh replace 172.16.0.1 lladdr 02:66:00:00:01:01 dev swp1 nud permanent"));
});
