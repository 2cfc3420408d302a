import { test } from "node:test";
import assert from "node:assert/strict";
import { parseBgpSummary, parseBgpTable } from "../probes/bgp.js";
import { fixture } from "../probes/fake-runner.js";
import { bestPathFindings, daemonFindings, learnedPrefixFindings, routerIdFindings } from "./stated.js";

const result = (file: string) => ({ command: ["vtysh"], exitCode: 0, stdout: fixture(file), stderr: "", durationMs: 1 });
const spine1 = parseBgpTable(result("frr-8.4-bgp-table-spine1.json"));
const blogRows = {
  "10.0.101.0/24": { nextHop: "172.16.0.1", asPath: "65101", origin: "incomplete" },
  "10.0.102.0/24": { nextHop: "172.16.0.3", asPath: "65102", origin: "incomplete" },
};

test("bestPathFindings: the blog's spine1 table holds; each stated column that differs, and a missing prefix, in its words", () => {
  assert.deepEqual(bestPathFindings("spine1", blogRows, spine1), []);
  assert.deepEqual(
    bestPathFindings("spine1", { ...blogRows, "10.0.102.0/24": { nextHop: "172.16.0.3", asPath: "65101", origin: "IGP" }, "10.0.103.0/24": { nextHop: "172.16.0.5", asPath: "65103", origin: "incomplete" } }, spine1),
    [
      "spine1's best path to 10.0.102.0/24 has AS path 65102 (expected 65101)",
      "spine1's best path to 10.0.102.0/24 has origin incomplete (expected IGP)",
      "spine1 has no best path to 10.0.103.0/24 in its BGP table (expected next hop 172.16.0.5, path 65103)",
    ],
  );
  // The self-test's words, for a fault that sends rack 2 around through leaf1.
  const around = { ...spine1, routes: { ...spine1.routes, "10.0.102.0/24": (spine1.routes["10.0.101.0/24"] ?? []).map((p) => ({ ...p, asPath: "65101 65002 65102" })) } };
  assert.deepEqual(bestPathFindings("spine1", { "10.0.102.0/24": { nextHop: "172.16.0.3", asPath: "65101 65002 65102", origin: "incomplete" } }, around), [
    "spine1's best path to 10.0.102.0/24 has next hop 172.16.0.1 (expected 172.16.0.3)",
  ]);
  // A locally originated path has an empty AS path.
  assert.deepEqual(bestPathFindings("spine1", { "172.16.255.1/32": { nextHop: "0.0.0.0", asPath: "65001", origin: "incomplete" } }, spine1), ["spine1's best path to 172.16.255.1/32 has AS path (empty) (expected 65001)"]);
});

test("learnedPrefixFindings: learned means a best path from a neighbor, not one this switch originates", () => {
  assert.deepEqual(learnedPrefixFindings("spine1", spine1, 5), []);
  assert.deepEqual(learnedPrefixFindings("spine1", spine1, 4), ["spine1 has learned 5 prefixes over BGP: 10.0.101.0/24, 10.0.102.0/24, 172.16.255.2/32, 172.16.255.101/32, 172.16.255.102/32 (expected 4)"]);
});

test("routerIdFindings: the router-id and AS together, as the blog states them", () => {
  const leaf1 = parseBgpSummary(result("frr-8.4-bgp-summary-leaf1-established.json"));
  assert.deepEqual(routerIdFindings("leaf1", leaf1, { routerId: "172.16.255.101", localAs: 65101 }), []);
  assert.deepEqual(routerIdFindings("leaf1", leaf1, { routerId: "172.16.255.101", localAs: 65102 }), ["leaf1's BGP router-id and AS are 172.16.255.101 and 65101 (expected 172.16.255.101 and 65102)"]);
  const empty = parseBgpSummary(result("frr-8.4-bgp-summary-no-neighbors-or-no-instance.json"));
  assert.deepEqual(routerIdFindings("leaf1", empty, { routerId: "172.16.255.101", localAs: 65101 }), ["leaf1's BGP router-id and AS are (none) and (none) (expected 172.16.255.101 and 65101)"]);
});

test("daemonFindings: each stated daemon that is not running, with those that are; no daemon reachable at all", () => {
  assert.deepEqual(daemonFindings("spine2", { reachable: true, running: ["zebra", "bgpd", "staticd"] }, ["zebra", "bgpd"]), []);
  assert.deepEqual(daemonFindings("spine2", { reachable: true, running: ["zebra", "staticd"] }, ["zebra", "bgpd"]), ["spine2: bgpd is not running (running: zebra, staticd)"]);
  assert.deepEqual(daemonFindings("spine2", { reachable: false, reason: "Exiting: failed to connect to any daemons." }, ["zebra"]), ["spine2: vtysh reaches no routing daemon (Exiting: failed to connect to any daemons.)"]);
});
