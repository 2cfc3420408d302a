/**
 * Dual stack across the model: IPv6 arithmetic, the loader's IPv6 checks, the compact form's IPv6
 * pools, sessions and expected routes per family, FRR's address families, the netns plan.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { TopologyError, type TopologyIssue } from "../errors.js";
import { ipv6Sysctls, planLab } from "../drivers/netns/plan.js";
import { expectedRoutes } from "../fabric/expected.js";
import { routeFindings } from "../fabric/judge.js";
import { parseKernelRoutes } from "../probes/routes.js";
import { renderFrrConfig } from "../render/frr.js";
import { canonical6, contains6, networkOf6, parseCidr6 } from "./ip6.js";
import { loadTopology, parseTopology } from "./load.js";
import { advertisedPrefixes, bgpPeers, findSwitch, isDualStack, linkSubnets, type Switch } from "./model.js";

const DUAL = fileURLToPath(new URL("../topologies/dual-stack.yaml", import.meta.url));
const t = loadTopology(DUAL);
const sw = (name: string): Switch => findSwitch(t, name) ?? assert.fail(`no ${name}`);

const SMALL = (link6: string, rack6 = "subnet6: 2001:db8:1::/64, gateway6: 2001:db8:1::1") => `
name: small
switches:
  spine1: { role: spine, asn: 65001, loopback: 10.255.0.1/32, loopback6: 2001:db8:ff::1/128 }
  leaf1: { role: leaf, asn: 65101, loopback: 10.255.0.2/32, rack: { subnet: 10.1.0.0/24, gateway: 10.1.0.1, ${rack6} } }
links:
  - { a: { node: spine1, interface: swp1, address: 10.0.0.0/31${link6 ? `, address6: ${link6.split(" ")[0]}` : ""} }, b: { node: leaf1, interface: swp51, address: 10.0.0.1/31${link6 ? `, address6: ${link6.split(" ")[1]}` : ""} } }
`;

function issuesOf(text: string): TopologyIssue[] {
  try {
    parseTopology(text, "small.yaml");
  } catch (error) {
    assert.ok(error instanceof TopologyError);
    return [...error.issues];
  }
  return assert.fail("expected a TopologyError");
}

test("IPv6 arithmetic: RFC 5952 compression, networks, containment", () => {
  assert.equal(canonical6("2001:0db8:0000:0000:0000:0000:0000:0001"), "2001:db8::1");
  assert.equal(canonical6("2001:db8:0:1:0:0:0:1"), "2001:db8:0:1::1");
  const cidr = parseCidr6("2001:db8:fffe::9/127") ?? assert.fail("unparsed");
  assert.equal(networkOf6(cidr), "2001:db8:fffe::8/127");
  assert.ok(contains6(cidr, "2001:db8:fffe::8"));
  assert.ok(!contains6(cidr, "2001:db8:fffe::a"));
});

test("every existing topology file still loads, and none of them is dual stack", () => {
  for (const name of ["blog", "wide", "cumulus-reference", "five-stage", "leaf-pair-as", "shared-spine-as", "two-tier-compact"]) {
    assert.ok(!isDualStack(loadTopology(fileURLToPath(new URL(`../topologies/${name}.yaml`, import.meta.url)))), name);
  }
});

test("the IPv6 address plan is checked with paths", () => {
  assert.deepEqual(issuesOf(SMALL("2001:db8:fe::/127 2001:db8:fe::2/127")), [
    { path: "links[0]", message: "the ends 2001:db8:fe::/127 and 2001:db8:fe::2/127 are not on the same IPv6 subnet" },
  ]);
  assert.deepEqual(issuesOf(SMALL("2001:db8:fe::1/120 2001:db8:fe::2/120")), [
    { path: "links[0]", message: "2001:db8:fe::/120 is not a point-to-point IPv6 subnet (use a /127, /126 or /64)" },
  ]);
  assert.deepEqual(issuesOf(SMALL("", "subnet6: 2001:db8:1::/80, gateway6: 2001:db8:1::1")), [
    { path: "switches.leaf1.rack.subnet6", message: "2001:db8:1::/80 is narrower than a /64 (hosts' SLAAC and RFC 7421 want a /64 or wider)" },
  ]);
  assert.deepEqual(issuesOf(SMALL("", "subnet6: 2001:db8:1::/64, gateway6: 2001:db8:2::1")), [
    { path: "switches.leaf1.rack.gateway6", message: "2001:db8:2::1 is outside the rack subnet 2001:db8:1::/64" },
  ]);
  assert.deepEqual(issuesOf(SMALL("2001:db8:1::8/127 2001:db8:1::9/127")), [
    { path: "links[0]", message: "subnet 2001:db8:1::8/127 overlaps 2001:db8:1::/64 (switches.leaf1.rack.subnet6)" },
  ]);
  assert.deepEqual(
    issuesOf(SMALL("2001:db8:0:0::1/127 2001:db8::/127")).map((i) => i.path),
    ["links[0].a.address6"],
    "addresses not written as FRR prints them are rejected",
  );
});

test("a numbered dual-stack link has a session per family; the routes of each family converge over their own sessions", () => {
  assert.deepEqual(bgpPeers(t, sw("leaf1")), [
    { address: "10.252.0.0", node: "spine1", remoteAs: 65401, localInterface: "swp51", families: ["ipv4"] },
    { address: "2001:db8:fffe::", node: "spine1", remoteAs: 65401, localInterface: "swp51", families: ["ipv6"] },
    { address: "10.252.0.8", node: "spine2", remoteAs: 65402, localInterface: "swp52", families: ["ipv4"] },
    { address: "2001:db8:fffe::8", node: "spine2", remoteAs: 65402, localInterface: "swp52", families: ["ipv6"] },
  ]);
  assert.deepEqual(advertisedPrefixes(sw("leaf1")), ["10.253.0.3/32", "10.2.0.0/24", "2001:db8:ffff::3/128", "2001:db8:100::/64"]);
  const rack2 = expectedRoutes(t, sw("leaf1")).find((r) => r.prefix === "2001:db8:100:1::/64") ?? assert.fail("no route to leaf2's IPv6 rack");
  assert.deepEqual(rack2.nextHops, [{ address: "swp51", node: "spine1" }, { address: "swp52", node: "spine2" }]);
  assert.ok(linkSubnets(t).includes("2001:db8:fffe::/127"));
});

test("FRR: IPv6 unicast activated on the IPv6 sessions only, IPv4 unicast off for them", () => {
  const config = renderFrrConfig(t, sw("leaf1"));
  assert.match(config, /ipv6 forwarding/);
  assert.match(config, / address-family ipv4 unicast\n {2}redistribute connected route-map FABRIC-CONNECTED\n {2}no neighbor 2001:db8:fffe:: activate\n {2}no neighbor 2001:db8:fffe::8 activate\n/);
  assert.match(config, / address-family ipv6 unicast\n {2}redistribute connected route-map FABRIC-CONNECTED\n {2}neighbor 2001:db8:fffe:: activate\n {2}neighbor 2001:db8:fffe::8 activate\n exit-address-family/);
  assert.doesNotMatch(renderFrrConfig(loadTopology(), loadTopology().switches[0] as Switch), /ipv6/);
});

test("the netns plan: IPv6 on, addresses without DAD, the hosts' IPv6 default route", () => {
  const plan = planLab(t);
  const leaf = plan.addressing.get("fs-leaf1") ?? [];
  assert.ok(leaf.includes("addr add 2001:db8:ffff::3/128 dev lo nodad"));
  assert.ok(leaf.includes("addr add 2001:db8:fffe::1/127 dev swp51 nodad"));
  assert.ok(leaf.includes("addr add 2001:db8:100::1/64 dev bridge nodad"));
  const host = plan.addressing.get("fs-host-l1-1") ?? [];
  assert.ok(host.includes("addr add 2001:db8:100::b/64 dev eth1 nodad"));
  assert.ok(host.includes("route add ::/0 via 2001:db8:100::1"));
  assert.ok(ipv6Sysctls(sw("leaf1")).includes("net.ipv6.conf.swp51.disable_ipv6=0"));
  assert.ok(ipv6Sysctls(t.hosts[0] ?? assert.fail("no host")).includes("net.ipv6.conf.eth1.disable_ipv6=0"));
});

test("an IPv6 kernel route over the neighbor's link-local next hop is judged by its interface", () => {
  const stdout = JSON.stringify([
    { dst: "2001:db8:100:1::/64", protocol: "bgp", metric: 20, pref: "medium", nexthops: [{ gateway: "fe80::1", dev: "swp51", weight: 1 }, { gateway: "fe80::2", dev: "swp52", weight: 1 }] },
    { dst: "2001:db8:ffff::1", protocol: "bgp", metric: 20, gateway: "fe80::1", dev: "swp51" },
  ]);
  const routes = parseKernelRoutes({ command: ["ip", "-6", "-j", "route", "show"], exitCode: 0, stdout, stderr: "", durationMs: 1 }, "ipv6");
  assert.deepEqual(routes.map((r) => r.dst), ["2001:db8:100:1::/64", "2001:db8:ffff::1/128"]);
  assert.deepEqual(routeFindings(t, sw("leaf1"), routes, ["2001:db8:100:1::/64", "2001:db8:ffff::1/128"]), []);
});
