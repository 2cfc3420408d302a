import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";
import { loadTopology, parseTopology } from "../topology/load.js";
import { findSwitch, withoutLink, withoutSession, withoutSwitch, type Switch, type Topology } from "../topology/model.js";
import { expectedRoutes, expectedState } from "./expected.js";
import { routeFindings } from "./judge.js";

// The expected state follows BGP's rules over the AS plan, not hop counts.
const SHARED_FILE = fileURLToPath(new URL("../topologies/shared-spine-as.yaml", import.meta.url));
const shared = loadTopology(SHARED_FILE);
const blog = loadTopology();

function sw(t: Topology, name: string): Switch {
  const found = findSwitch(t, name);
  assert.ok(found, `no switch ${name} in topology ${t.name}`);
  return found;
}

/** Each prefix a switch routes, with the names of its next hops. */
const routesOf = (t: Topology, name: string): Array<[string, string, number]> =>
  expectedRoutes(t, sw(t, name)).map((r) => [r.prefix, r.nextHops.map((h) => h.node).join(" "), r.hops]);

test("shared spine AS: a spine learns every leaf's prefixes, never the other spine's loopback", () => {
  assert.deepEqual(routesOf(shared, "spine1"), [
    ["10.10.10.101/32", "leaf1", 1],
    ["10.1.1.0/24", "leaf1", 1],
    ["10.10.10.102/32", "leaf2", 1],
    ["10.1.2.0/24", "leaf2", 1],
    ["10.10.10.103/32", "leaf3", 1],
    ["10.1.3.0/24", "leaf3", 1],
  ]);
  assert.equal(expectedState(shared, sw(shared, "spine2")).prefixes.length, 6);
});

test("shared spine AS: a leaf reaches both spines' loopbacks directly and every other rack over both spines", () => {
  assert.deepEqual(routesOf(shared, "leaf1"), [
    ["10.10.10.1/32", "spine1", 1],
    ["10.10.10.2/32", "spine2", 1],
    ["10.10.10.102/32", "spine1 spine2", 2],
    ["10.1.2.0/24", "spine1 spine2", 2],
    ["10.10.10.103/32", "spine1 spine2", 2],
    ["10.1.3.0/24", "spine1 spine2", 2],
  ]);
});

test("shared spine AS, leaf1 loses its uplink to spine1: spine1 has NO route to leaf1 (the path via spine2 carries its own AS)", () => {
  const cut = withoutLink(shared, "leaf1", "swp51");
  assert.deepEqual(routesOf(cut, "spine1"), [
    ["10.10.10.102/32", "leaf2", 1],
    ["10.1.2.0/24", "leaf2", 1],
    ["10.10.10.103/32", "leaf3", 1],
    ["10.1.3.0/24", "leaf3", 1],
  ]);
  // leaf1 no longer reaches spine1's loopback either; the other leaves reach leaf1 over spine2 only.
  assert.deepEqual(routesOf(cut, "leaf1").map(([prefix]) => prefix), ["10.10.10.2/32", "10.10.10.102/32", "10.1.2.0/24", "10.10.10.103/32", "10.1.3.0/24"]);
  assert.deepEqual(routesOf(cut, "leaf2").filter(([prefix]) => prefix === "10.1.1.0/24"), [["10.1.1.0/24", "spine2", 2]]);
  // A route hop counts would expect is a finding now, saying why.
  assert.deepEqual(routeFindings(cut, sw(cut, "spine1"), [
    { dst: "10.10.10.102/32", nexthops: [{ gateway: "10.0.0.3" }] },
    { dst: "10.1.2.0/24", nexthops: [{ gateway: "10.0.0.3" }] },
    { dst: "10.10.10.103/32", nexthops: [{ gateway: "10.0.0.5" }] },
    { dst: "10.1.3.0/24", nexthops: [{ gateway: "10.0.0.5" }] },
    { dst: "10.1.1.0/24", nexthops: [{ gateway: "10.0.0.3" }] },
  ]), ["spine1 routes 10.1.1.0/24 via leaf2 10.0.0.3 (expected no route: every BGP path from leaf1 is dropped by AS-path loop prevention on the way)"]);
});

test("blog (one AS per switch), the same cut: spine1 reaches leaf1 the long way, over leaf2 and spine2", () => {
  const cut = withoutLink(blog, "leaf1", "swp51");
  assert.deepEqual(routesOf(cut, "spine1").filter(([prefix]) => prefix === "10.0.101.0/24"), [["10.0.101.0/24", "leaf2", 3]]);
  assert.deepEqual(routesOf(cut, "leaf2").filter(([prefix]) => prefix === "10.0.101.0/24"), [["10.0.101.0/24", "spine2", 2]]);
});

test("a failed spine: the leaves route every other rack over the remaining one", () => {
  const failed = withoutSwitch(shared, "spine1");
  assert.deepEqual(routesOf(failed, "leaf3").filter(([prefix]) => prefix.startsWith("10.1.")), [
    ["10.1.1.0/24", "spine2", 2],
    ["10.1.2.0/24", "spine2", 2],
  ]);
});

test("a failed session, its link still up: no session expected, routes as if the link were gone", () => {
  const down = withoutSession(shared, "leaf1", "spine1");
  assert.deepEqual(expectedState(down, sw(down, "leaf1")).sessions.map((p) => p.node), ["spine2"]);
  assert.deepEqual(expectedState(down, sw(down, "spine1")).sessions.map((p) => p.node), ["leaf2", "leaf3"]);
  assert.deepEqual(routesOf(down, "spine1"), routesOf(withoutLink(shared, "leaf1", "swp51"), "spine1"));
});

/** The blog with a third leaf reusing leaf1's AS: the leaves that share it accept it once. */
function reusedLeafAs(): Topology {
  const draft = parse(readFileSync(fileURLToPath(new URL("../topologies/blog.yaml", import.meta.url)), "utf8")) as Record<string, unknown> & {
    switches: Record<string, unknown>;
    links: unknown[];
  };
  draft.name = "reused";
  draft.asPlan = { leaf: "reused" };
  draft.switches.leaf3 = { role: "leaf", asn: 65101, loopback: "172.16.255.103/32", rack: { subnet: "10.0.103.0/24", gateway: "10.0.103.1" } };
  draft.links.push(
    { a: { node: "spine1", interface: "swp3", address: "172.16.0.8/31" }, b: { node: "leaf3", interface: "swp51", address: "172.16.0.9/31" } },
    { a: { node: "spine2", interface: "swp3", address: "172.16.0.10/31" }, b: { node: "leaf3", interface: "swp52", address: "172.16.0.11/31" } },
  );
  return parseTopology(stringify(draft), "reused.yaml");
}

test("reused leaf AS with allowas-in: leaf1 and leaf3 (both AS 65101) reach each other's racks over both spines", () => {
  const t = reusedLeafAs();
  assert.deepEqual(routesOf(t, "leaf1").filter(([prefix]) => prefix === "10.0.103.0/24"), [["10.0.103.0/24", "spine1 spine2", 2]]);
  assert.deepEqual(routesOf(t, "leaf3").filter(([prefix]) => prefix === "10.0.101.0/24"), [["10.0.101.0/24", "spine1 spine2", 2]]);
});

test("reused leaf AS without allowas-in (a leaf that lacks it): the other rack of its AS is unreachable", () => {
  const t = reusedLeafAs();
  const strict: Topology = { ...t, switches: t.switches.map((s) => (s.name === "leaf1" ? { ...s, allowasIn: 0 } : s)) };
  assert.deepEqual(routesOf(strict, "leaf1").map(([prefix]) => prefix), ["172.16.255.1/32", "172.16.255.2/32", "172.16.255.102/32", "10.0.102.0/24"]);
  assert.equal(routesOf(strict, "leaf3").length, 6);
});

test("blog: the counts of the blog's table, spines learn five prefixes and leaves four", () => {
  assert.deepEqual(
    blog.switches.map((s) => [s.name, expectedState(blog, s).prefixes.length, expectedState(blog, s).sessions.length]),
    [
      ["spine1", 5, 2],
      ["spine2", 5, 2],
      ["leaf1", 4, 2],
      ["leaf2", 4, 2],
    ],
  );
});
