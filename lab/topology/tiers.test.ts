import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";
import { readFileSync } from "node:fs";
import { TopologyError, type TopologyIssue } from "../errors.js";
import { expectedRoutes } from "../fabric/expected.js";
import { fullFormYaml } from "../cli/topology.js";
import { expandTopologyFile, loadTopology, parseTopology } from "./load.js";
import { findSwitch, withoutLink, withoutSession, type Switch, type Topology } from "./model.js";

// Three tiers (RFC 7938's 5-stage Clos) and the compact form that writes them.
const FILE = (name: string) => fileURLToPath(new URL(`../topologies/${name}.yaml`, import.meta.url));
const five = loadTopology(FILE("five-stage"));

function sw(t: Topology, name: string): Switch {
  const found = findSwitch(t, name);
  assert.ok(found, `no switch ${name}`);
  return found;
}
const routesOf = (t: Topology, name: string, prefix: string) => {
  const r = expectedRoutes(t, sw(t, name)).find((x) => x.prefix === prefix);
  return r ? [r.nextHops.map((h) => h.node).join(" "), r.hops] : undefined;
};

function issuesOf(text: string): TopologyIssue[] {
  try {
    parseTopology(text, "t.yaml");
  } catch (error) {
    assert.ok(error instanceof TopologyError, String(error));
    return [...error.issues];
  }
  return assert.fail("the topology loaded");
}

const compact = parse(readFileSync(FILE("five-stage"), "utf8")) as { fabric: Record<string, Record<string, unknown>> } & Record<string, unknown>;
const editedCompact = (edit: (d: typeof compact) => void) => {
  const d = structuredClone(compact);
  edit(d);
  return stringify(d);
};

test("five-stage expands to 2 super-spines, 4 spines in 2 pods, 4 leaves, 16 links, the RFC 7938 5.2.1 ASNs", () => {
  assert.deepEqual(five.switches.map((s) => [s.name, s.role, s.pod, s.asn]), [
    ["super-spine1", "super-spine", undefined, 65534],
    ["super-spine2", "super-spine", undefined, 65534],
    ["spine1", "spine", "pod1", 64601],
    ["spine2", "spine", "pod1", 64601],
    ["spine3", "spine", "pod2", 64602],
    ["spine4", "spine", "pod2", 64602],
    ["leaf1", "leaf", "pod1", 65001],
    ["leaf2", "leaf", "pod1", 65002],
    ["leaf3", "leaf", "pod2", 65003],
    ["leaf4", "leaf", "pod2", 65004],
  ]);
  assert.equal(five.switches.reduce((n, s) => n + s.interfaces.length, 0) / 2, 16);
  assert.ok(five.switches.every((s) => s.allowasIn === 0), "no design here reuses an AS where a path would carry it");
});

test("a leaf reaches a rack of its pod over both pod spines, a rack of the other pod over both too, four ASes away", () => {
  assert.deepEqual(routesOf(five, "leaf1", "10.2.1.0/24"), ["spine1 spine2", 2]);
  assert.deepEqual(routesOf(five, "leaf1", "10.2.2.0/24"), ["spine1 spine2", 4]);
  // A spine reaches the other pod's racks over both super-spines; a super-spine a rack over both of that pod's spines.
  assert.deepEqual(routesOf(five, "spine1", "10.2.2.0/24"), ["super-spine1 super-spine2", 3]);
  assert.deepEqual(routesOf(five, "super-spine1", "10.2.2.0/24"), ["spine3 spine4", 2]);
});

test("spines of a pod share an AS: a spine never learns its partner's loopback, super-spines never each other's", () => {
  assert.equal(routesOf(five, "spine1", "10.0.0.4/32"), undefined);
  assert.equal(routesOf(five, "super-spine1", "10.0.0.2/32"), undefined);
  assert.deepEqual(routesOf(five, "spine1", "10.0.0.5/32"), ["super-spine1 super-spine2", 2]);
});

test("leaf1 loses its uplink to spine1: spine1 has no route to rack 1 (no super-spine transits between two spines of one AS)", () => {
  const cut = withoutLink(five, "leaf1", "swp51");
  assert.equal(routesOf(cut, "spine1", "10.2.0.0/24"), undefined);
  assert.deepEqual(routesOf(cut, "super-spine1", "10.2.0.0/24"), ["spine2", 2]);
  assert.deepEqual(routesOf(cut, "leaf3", "10.2.0.0/24"), ["spine3 spine4", 4]);
});

test("super-spine1's session with spine1 down: spine1 reaches the other pod over super-spine2 only; the other pod keeps both spines", () => {
  const down = withoutSession(five, "super-spine1", "spine1");
  assert.deepEqual(routesOf(down, "spine1", "10.2.2.0/24"), ["super-spine2", 3]);
  assert.deepEqual(routesOf(down, "super-spine1", "10.2.0.0/24"), ["spine2", 2]);
  assert.deepEqual(routesOf(down, "leaf3", "10.2.0.0/24"), ["spine3 spine4", 4]);
  assert.deepEqual(routesOf(down, "leaf1", "10.2.2.0/24"), ["spine1 spine2", 4]);
});

test("per-switch spines in a 5-stage Clos: spine1 reaches rack 1 around a lost uplink, through leaf2 or a super-spine, then spine2", () => {
  const perSwitch = parseTopology(editedCompact((d) => void (d.asPlan = { superSpine: "shared", spine: "per-switch", leaf: "per-switch" })), "t.yaml");
  assert.deepEqual(perSwitch.switches.filter((s) => s.role === "spine").map((s) => s.asn), [64601, 64602, 64603, 64604]);
  const cut = withoutLink(perSwitch, "leaf1", "swp51");
  assert.deepEqual(routesOf(cut, "spine1", "10.2.0.0/24"), ["leaf2 super-spine1 super-spine2", 3]);
});

test("reused leaf ASNs across pods: each pod's leaves have the same ASNs and accept their own once (allowas-in 1)", () => {
  const reused = parseTopology(editedCompact((d) => void (d.asPlan = { superSpine: "shared", spine: "per-pod", leaf: "reused" })), "t.yaml");
  assert.deepEqual(reused.switches.filter((s) => s.role === "leaf").map((s) => [s.name, s.asn, s.allowasIn]), [
    ["leaf1", 65001, 1],
    ["leaf2", 65002, 1],
    ["leaf3", 65001, 1],
    ["leaf4", 65002, 1],
  ]);
  assert.deepEqual(routesOf(reused, "leaf1", "10.2.2.0/24"), ["spine1 spine2", 4]);
});

test("expand prints the full form, which loads to the same model", () => {
  for (const name of ["five-stage", "two-tier-compact", "five-stage-208"]) {
    const text = fullFormYaml(expandTopologyFile(FILE(name)), name);
    const { source: _a, ...fromFull } = parseTopology(text, "full.yaml");
    const { source: _b, ...fromCompact } = loadTopology(FILE(name));
    assert.deepEqual(fromFull, fromCompact, name);
    assert.equal(fullFormYaml(expandTopologyFile(FILE(name)), name), text, `${name}: the expansion is deterministic`);
  }
  const big = loadTopology(FILE("five-stage-208"));
  assert.deepEqual([big.switches.length, big.hosts.length, big.switches.reduce((n, s) => n + s.interfaces.length, 0) / 2], [208, 192, 432]);
});

test("a compact file's problems name their paths: counts, pools too small or overlapping, ASN ranges", () => {
  assert.deepEqual(issuesOf(editedCompact((d) => void ((d.fabric.spines ?? {}).perPod = 0))), [{ path: "fabric.spines.perPod", message: "at least 1 spine per pod" }]);
  assert.deepEqual(issuesOf(editedCompact((d) => void ((d.fabric.pools ?? {}).loopbacks = "10.0.0.0/29"))), [
    { path: "fabric.pools.loopbacks", message: "10.0.0.0/29 holds 7 loopbacks; the fabric has 10 switches" },
  ]);
  assert.deepEqual(issuesOf(editedCompact((d) => void ((d.fabric.pools ?? {}).links = "10.0.0.0/16"))), [
    { path: "fabric.pools.links", message: "10.0.0.0/16 overlaps 10.0.0.0/24 (fabric.pools.loopbacks)" },
  ]);
  assert.deepEqual(issuesOf(editedCompact((d) => void ((d.fabric.pools ?? {}).racks = "10.2.0.0/23"))), [
    { path: "fabric.pools.racks", message: "10.2.0.0/23 holds 2 racks of /24; the fabric has 4 leaves" },
  ]);
  assert.deepEqual(issuesOf(editedCompact((d) => void (d.podNetwork = "10.0.0.0/8"))), [
    { path: "podNetwork", message: "10.0.0.0/8 overlaps 10.0.0.0/24 (fabric.pools.loopbacks): the pods' addresses would collide with the fabric's" },
    { path: "podNetwork", message: "10.0.0.0/8 overlaps 10.1.0.0/24 (fabric.pools.links): the pods' addresses would collide with the fabric's" },
    { path: "podNetwork", message: "10.0.0.0/8 overlaps 10.2.0.0/16 (fabric.pools.racks): the pods' addresses would collide with the fabric's" },
  ]);
  assert.deepEqual(issuesOf(editedCompact((d) => void ((d.fabric.leaves ?? {}).asn = 64602))), [
    { path: "fabric.leaves.asn", message: "the leaves' ASNs 64602-64605 overlap the spines' 64601-64602 (fabric.spines.asn); tiers never share an AS" },
  ]);
  assert.deepEqual(issuesOf(editedCompact((d) => void delete d.fabric.superSpines)), [
    { path: "fabric.pods", message: "2 pods need super-spines to join them (write fabric.superSpines, or one pod)" },
  ]);
});

test("the full form's three-tier checks: pods, links across tiers and pods, the spines' AS plan", () => {
  const full = parse(fullFormYaml(expandTopologyFile(FILE("five-stage")), "five-stage")) as { switches: Record<string, Record<string, unknown>>; links: Array<Record<string, Record<string, unknown>>>; asPlan: Record<string, string> };
  const edited = (edit: (d: typeof full) => void) => {
    const d = structuredClone(full);
    edit(d);
    return stringify(d);
  };
  assert.deepEqual(issuesOf(edited((d) => void delete d.switches.leaf2?.pod)), [
    { path: "switches.leaf2", message: "a leaf of a fabric with super-spines is in a pod (write pod: NAME)" },
    { path: "links[1]", message: "links leaf2 (no pod) to spine1 (pod1); a leaf links to the spines of its own pod" },
    { path: "links[3]", message: "links leaf2 (no pod) to spine2 (pod1); a leaf links to the spines of its own pod" },
  ]);
  assert.deepEqual(issuesOf(edited((d) => void ((d.links[0]?.b ?? {}).node = "leaf3"))).slice(0, 1), [
    { path: "links[0]", message: "links spine1 (pod1) to leaf3 (pod2); a leaf links to the spines of its own pod".replace("spine1 (pod1) to leaf3 (pod2)", "leaf3 (pod2) to spine1 (pod1)") },
  ]);
  assert.deepEqual(issuesOf(edited((d) => void (d.asPlan.spine = "shared"))).slice(0, 1), [
    { path: "asPlan.spine", message: "shared puts every pod's spines in one AS: a pod's routes reach another pod through the super-spines carrying that AS, and the other pod's spines drop them (write per-pod, RFC 7938 5.2.1)" },
  ]);
  assert.deepEqual(issuesOf(edited((d) => void ((d.switches.spine3 ?? {}).asn = 64601))), [
    { path: "switches.spine3.asn", message: "AS 64601 is already used by spine1 of pod1; asPlan.spine is per-pod: each pod's spines have their own AS" },
    { path: "switches.spine4.asn", message: "AS 64602 differs from spine3's AS 64601; asPlan.spine is per-pod: the spines of a pod are in one AS (spine4 and spine3 are in pod2)" },
  ]);
});
