import { test } from "node:test";
import assert from "node:assert/strict";
import { loadTopology } from "../topology/load.js";
import { bgpPeers, findSwitch, linkSubnets, type Switch } from "../topology/model.js";
import { expectedRoutes } from "./expected.js";
import {
  ESTABLISHED,
  leakedLinkFindings,
  peerFindings,
  routeFindings,
  sessionFindings,
  type ObservedPeer,
  type ObservedRoute,
} from "./judge.js";

const blog = loadTopology();

function sw(name: string): Switch {
  const found = findSwitch(blog, name);
  assert.ok(found, `no switch ${name} in the blog topology`);
  return found;
}

const leaf1 = sw("leaf1");

/** leaf1's sessions as a healthy fabric shows them: both spines Established, announcing their names. */
const healthyPeers = (): ObservedPeer[] => [
  { address: "172.16.0.0", state: "Established", remoteAs: 65001, hostname: "spine1" },
  { address: "172.16.0.4", state: "Established", remoteAs: 65002, hostname: "spine2" },
];

/** leaf1's BGP routes in its kernel as a healthy fabric has them (plus its connected ones). */
const healthyRoutes = (): ObservedRoute[] => [
  { dst: "10.0.101.0/24", nexthops: [{ gateway: undefined }] },
  { dst: "10.0.102.0/24", nexthops: [{ gateway: "172.16.0.0" }, { gateway: "172.16.0.4" }] },
  { dst: "172.16.0.0/31", nexthops: [{}] },
  { dst: "172.16.0.4/31", nexthops: [{}] },
  { dst: "172.16.255.1/32", nexthops: [{ gateway: "172.16.0.0" }] },
  { dst: "172.16.255.2/32", nexthops: [{ gateway: "172.16.0.4" }] },
  // The kernel lists ECMP next hops in its own order.
  { dst: "172.16.255.102/32", nexthops: [{ gateway: "172.16.0.4" }, { gateway: "172.16.0.0" }] },
];

/** healthyPeers with one peer replaced (or removed, when `change` returns undefined). */
function peersWith(address: string, change: (peer: ObservedPeer) => ObservedPeer | undefined): ObservedPeer[] {
  return healthyPeers().flatMap((p) => (p.address === address ? (change(p) ?? []) : [p]));
}

function routesWith(dst: string, change: (route: ObservedRoute) => ObservedRoute | undefined): ObservedRoute[] {
  return healthyRoutes().flatMap((r) => (r.dst === dst ? (change(r) ?? []) : [r]));
}

test("sessionFindings: nothing when every session is as the topology says", () => {
  assert.equal(ESTABLISHED, "Established");
  assert.deepEqual(sessionFindings(blog, leaf1, healthyPeers()), []);
});

test("sessionFindings: a hostname that is not announced is not held against the neighbor", () => {
  assert.deepEqual(sessionFindings(blog, leaf1, peersWith("172.16.0.4", (p) => ({ ...p, hostname: undefined }))), []);
});

test("sessionFindings: a missing neighbor", () => {
  assert.deepEqual(sessionFindings(blog, leaf1, peersWith("172.16.0.4", () => undefined)), [
    "leaf1 has no BGP neighbor 172.16.0.4 (spine2) (expected one in AS 65002, Established)",
  ]);
});

test("sessionFindings: a neighbor configured with the wrong AS", () => {
  assert.deepEqual(sessionFindings(blog, leaf1, peersWith("172.16.0.4", (p) => ({ ...p, remoteAs: 65003, state: "Active" }))), [
    "leaf1: the neighbor 172.16.0.4 (spine2) has remote AS 65003 (expected 65002)",
  ]);
});

test("sessionFindings: a session that is not Established", () => {
  assert.deepEqual(sessionFindings(blog, leaf1, peersWith("172.16.0.4", (p) => ({ ...p, state: "Active", hostname: undefined }))), [
    "leaf1: the neighbor 172.16.0.4 (spine2) is in state Active (expected Established)",
  ]);
});

test("sessionFindings: the wrong switch answers at a neighbor address", () => {
  assert.deepEqual(sessionFindings(blog, leaf1, peersWith("172.16.0.4", (p) => ({ ...p, hostname: "spine1" }))), [
    "leaf1: the neighbor 172.16.0.4 announces hostname spine1 (expected spine2)",
  ]);
});

test("sessionFindings: a neighbor the topology does not have", () => {
  const extra = { address: "172.16.0.8", state: "Idle", remoteAs: 65003 };
  assert.deepEqual(sessionFindings(blog, leaf1, [...healthyPeers(), extra]), [
    "leaf1 has an unexpected BGP neighbor 172.16.0.8 (AS 65003, Idle; expected none)",
  ]);
});

test("sessionFindings: every problem of a switch at once", () => {
  const observed = [
    { address: "172.16.0.0", state: "Connect", remoteAs: 65001 },
    { address: "172.16.0.9", state: "Established", remoteAs: 65009, hostname: "rogue" },
  ];
  assert.deepEqual(sessionFindings(blog, leaf1, observed), [
    "leaf1: the neighbor 172.16.0.0 (spine1) is in state Connect (expected Established)",
    "leaf1 has no BGP neighbor 172.16.0.4 (spine2) (expected one in AS 65002, Established)",
    "leaf1 has an unexpected BGP neighbor 172.16.0.9 (AS 65009, Established; expected none)",
  ]);
});

test("sessionFindings with `only`: just those neighbors, and others are not unexpected", () => {
  const observed = [...peersWith("172.16.0.4", (p) => ({ ...p, state: "Idle" })), { address: "172.16.0.8", state: "Idle", remoteAs: 65003 }];
  assert.deepEqual(sessionFindings(blog, leaf1, observed, ["spine1"]), []);
  assert.deepEqual(sessionFindings(blog, leaf1, observed, ["spine2"]), [
    "leaf1: the neighbor 172.16.0.4 (spine2) is in state Idle (expected Established)",
  ]);
});

test("peerFindings: the expected peers are the caller's; exact is off unless asked for", () => {
  const expected = bgpPeers(blog, sw("spine1"));
  const observed = [
    { address: "172.16.0.1", state: "Established", remoteAs: 65101, hostname: "leaf1" },
    { address: "172.16.0.3", state: "Established", remoteAs: 65102, hostname: "leaf2" },
    { address: "172.16.0.9", state: "Active", remoteAs: 65109 },
  ];
  assert.deepEqual(peerFindings("spine1", expected, observed), []);
  assert.deepEqual(peerFindings("spine1", expected, observed, { exact: true }), [
    "spine1 has an unexpected BGP neighbor 172.16.0.9 (AS 65109, Active; expected none)",
  ]);
});

test("routeFindings: nothing when every expected route is there over every next hop, in any order", () => {
  assert.deepEqual(routeFindings(blog, leaf1, healthyRoutes()), []);
});

test("routeFindings: a missing route says which next hops were expected", () => {
  assert.deepEqual(routeFindings(blog, leaf1, routesWith("10.0.102.0/24", () => undefined)), [
    "leaf1 has no route to 10.0.102.0/24 (expected via spine1 172.16.0.0, spine2 172.16.0.4)",
  ]);
});

test("routeFindings: one spine instead of both (ECMP lost)", () => {
  assert.deepEqual(routeFindings(blog, leaf1, routesWith("10.0.102.0/24", (r) => ({ ...r, nexthops: [{ gateway: "172.16.0.4" }] }))), [
    "leaf1 routes 10.0.102.0/24 via spine2 172.16.0.4 (expected via spine1 172.16.0.0, spine2 172.16.0.4)",
  ]);
});

test("routeFindings: the wrong next hop, and one that is not a neighbor", () => {
  const routes = routesWith("172.16.255.1/32", (r) => ({ ...r, nexthops: [{ gateway: "172.16.0.4" }] }));
  const stray = routes.map((r) => (r.dst === "172.16.255.2/32" ? { ...r, nexthops: [{ gateway: "10.9.9.9" }] } : r));
  assert.deepEqual(routeFindings(blog, leaf1, stray), [
    "leaf1 routes 172.16.255.1/32 via spine2 172.16.0.4 (expected via spine1 172.16.0.0)",
    "leaf1 routes 172.16.255.2/32 via ? 10.9.9.9 (expected via spine2 172.16.0.4)",
  ]);
});

test("routeFindings: a directly connected route where a BGP route was expected", () => {
  assert.deepEqual(routeFindings(blog, leaf1, routesWith("10.0.102.0/24", (r) => ({ ...r, nexthops: [{}] }))), [
    "leaf1 routes 10.0.102.0/24 via ? (direct) (expected via spine1 172.16.0.0, spine2 172.16.0.4)",
  ]);
});

test("routeFindings with `only`: just those prefixes", () => {
  const routes = routesWith("172.16.255.1/32", () => undefined);
  assert.deepEqual(routeFindings(blog, leaf1, routes, ["10.0.102.0/24"]), []);
  assert.deepEqual(routeFindings(blog, leaf1, routes, ["172.16.255.1/32", "10.0.102.0/24"]), [
    "leaf1 has no route to 172.16.255.1/32 (expected via spine1 172.16.0.0)",
  ]);
});

test("routeFindings: an empty table lists every expected route", () => {
  assert.deepEqual(
    routeFindings(blog, sw("spine1"), []),
    expectedRoutes(blog, sw("spine1")).map((r) => `spine1 has no route to ${r.prefix} (expected via ${r.nextHops.map((h) => `${h.node} ${h.address}`).join(", ")})`),
  );
  assert.equal(routeFindings(blog, sw("spine1"), []).length, 5);
});

test("leakedLinkFindings: a /31 in a BGP table, and nothing when only loopbacks and racks are there", () => {
  const links = linkSubnets(blog);
  const clean = ["10.0.102.0/24", "172.16.255.1/32", "172.16.255.2/32", "172.16.255.102/32"];
  assert.deepEqual(leakedLinkFindings("leaf1", clean, links), []);
  assert.deepEqual(leakedLinkFindings("leaf1", [...clean, "172.16.0.2/31", "172.16.0.6/31"], links), [
    "leaf1 has the point-to-point subnet 172.16.0.2/31 in its BGP table (expected the links not advertised)",
    "leaf1 has the point-to-point subnet 172.16.0.6/31 in its BGP table (expected the links not advertised)",
  ]);
});
