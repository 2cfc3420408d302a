/**
 * BGP unnumbered across the model: the loader's checks, the peers, FRR's configuration, the
 * netns plan, and the probes and judges on output captured from FRR 8.4 in the embedded lab of
 * lab/topologies/cumulus-reference.yaml (lab/probes/fixtures/README.md).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { TopologyError, type TopologyIssue } from "../errors.js";
import { routeFindings, sessionFindings } from "../fabric/judge.js";
import { ipv6Sysctls, planLab } from "../drivers/netns/plan.js";
import { FakeRunner, fixture } from "../probes/fake-runner.js";
import { bgpSummary } from "../probes/bgp.js";
import { kernelRoutes } from "../probes/routes.js";
import { renderFrrConfig } from "../render/frr.js";
import { loadTopology, parseTopology } from "./load.js";
import { bgpPeers, findSwitch, linkSubnets, type Switch, type Topology } from "./model.js";

const CUMULUS = fileURLToPath(new URL("../topologies/cumulus-reference.yaml", import.meta.url));
const t = loadTopology(CUMULUS);
const sw = (name: string): Switch => findSwitch(t, name) ?? assert.fail(`no ${name}`);

const SMALL = (links: string, extra = "") => `
name: small
${extra}
switches:
  spine1: { role: spine, asn: 65199, loopback: 10.10.10.101/32 }
  leaf1: { role: leaf, asn: 65101, loopback: 10.10.10.1/32, rack: { subnet: 10.1.10.0/24, gateway: 10.1.10.1 } }
links:
${links}
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

test("an unnumbered link with an address is rejected at that address", () => {
  assert.deepEqual(issuesOf(SMALL("  - { unnumbered: true, a: { node: spine1, interface: swp1, address: 10.0.0.0/31 }, b: { node: leaf1, interface: swp51 } }")), [
    { path: "links[0].a.address", message: "10.0.0.0/31 on an unnumbered link: its session runs over IPv6 link-local, the ends have no addresses (remove it, or set unnumbered: false)" },
  ]);
});

test("a numbered link without addresses says how to make it unnumbered", () => {
  const issues = issuesOf(SMALL("  - { a: { node: spine1, interface: swp1 }, b: { node: leaf1, interface: swp51 } }"));
  assert.deepEqual(issues.map((i) => i.path), ["links[0].a", "links[0].b"]);
  assert.match(issues[0]?.message ?? "", /unnumbered: true/);
});

test("a link's own unnumbered: false overrides the topology's, and needs its addresses", () => {
  const text = SMALL("  - { unnumbered: false, a: { node: spine1, interface: swp1, address: 10.0.0.0/31 }, b: { node: leaf1, interface: swp51, address: 10.0.0.1/31 } }", "unnumbered: true");
  const small = parseTopology(text, "small.yaml");
  assert.deepEqual(bgpPeers(small, small.switches[1] as Switch), [{ address: "10.0.0.0", node: "spine1", remoteAs: 65199, localInterface: "swp51", families: ["ipv4"] }]);
});

test("unnumbered peers are keyed by the local interface, and the links have no subnets", () => {
  assert.deepEqual(bgpPeers(t, sw("leaf01")), [
    { address: "swp51", node: "spine01", remoteAs: 65199, localInterface: "swp51", unnumbered: true, families: ["ipv4"] },
    { address: "swp52", node: "spine02", remoteAs: 65199, localInterface: "swp52", unnumbered: true, families: ["ipv4"] },
  ]);
  assert.deepEqual(linkSubnets(t), []);
});

test("FRR's configuration puts the sessions on the interfaces", () => {
  const config = renderFrrConfig(t, sw("leaf01"));
  assert.match(config, /^ neighbor swp51 interface remote-as 65199$/m);
  assert.match(config, /^ neighbor swp52 interface remote-as 65199$/m);
});

test("the netns plan addresses no unnumbered interface and turns IPv6 on in the switch's namespace", () => {
  const lines = planLab(t).addressing.get("fs-leaf01") ?? [];
  assert.ok(lines.includes("link set swp51 up"));
  assert.ok(!lines.some((l) => l.startsWith("addr add") && l.endsWith("dev swp51")));
  assert.deepEqual(ipv6Sysctls(sw("leaf01")), [
    "net.ipv6.conf.all.disable_ipv6=0",
    "net.ipv6.conf.default.disable_ipv6=0",
    "net.ipv6.conf.swp51.disable_ipv6=0",
    "net.ipv6.conf.swp52.disable_ipv6=0",
  ]);
  const numbered: Topology = { ...t, switches: t.switches.map((s) => ({ ...s, interfaces: s.interfaces.map((i) => ({ ...i, unnumbered: false })) })) };
  assert.deepEqual(ipv6Sysctls(numbered.switches[0] as Switch), []);
});

test("FRR 8.4's summary of interface peers (keyed swp51, with hostnames) judges as the topology expects", async () => {
  const { value } = await bgpSummary(new FakeRunner("leaf01", { "vtysh -c 'show bgp ipv4 unicast summary json'": { stdout: fixture("frr-8.4-bgp-summary-leaf01-unnumbered.json") } }));
  assert.deepEqual(value.peers.map((p) => [p.address, p.hostname, p.state]), [["swp51", "spine01", "Established"], ["swp52", "spine02", "Established"]]);
  assert.deepEqual(sessionFindings(t, sw("leaf01"), value.peers), []);
  const down = value.peers.map((p) => (p.address === "swp51" ? { ...p, state: "Active" } : p));
  assert.deepEqual(sessionFindings(t, sw("leaf01"), down), ["leaf01: the neighbor swp51 (spine01) is in state Active (expected Established)"]);
});

test("IPv4 routes over link-local next hops (via 169.254.0.1 onlink) judge by interface, ECMP included", async () => {
  const { value } = await kernelRoutes(new FakeRunner("leaf01", { "ip -j route show": { stdout: fixture("iproute2-route-leaf01-unnumbered.json") } }));
  assert.deepEqual(routeFindings(t, sw("leaf01"), value), []);
  const oneLeg = value.map((r) => (r.dst === "10.1.20.0/24" ? { ...r, nexthops: r.nexthops.filter((h) => h.dev === "swp52") } : r));
  assert.deepEqual(routeFindings(t, sw("leaf01"), oneLeg), ["leaf01 routes 10.1.20.0/24 via spine02 swp52 (expected via spine01 swp51, spine02 swp52)"]);
  const v6 = [{ dst: "10.1.20.0/24", nexthops: [{ gateway: "fe80::1", dev: "swp51" }, { gateway: "fe80::2", dev: "swp52" }] }];
  assert.deepEqual(routeFindings(t, sw("leaf01"), v6, ["10.1.20.0/24"]), []);
});

test("the containerlab export of an unnumbered fabric: no link addresses, IPv6 on, valid against containerlab's schema", async () => {
  const { readFileSync } = await import("node:fs");
  const { containerlabExport, DEFAULTS } = await import("../export/containerlab.js");
  const { JsonSchema } = await import("../export/json-schema.js");
  const schema = new JsonSchema(JSON.parse(readFileSync(new URL("../export/fixtures/containerlab-clab.schema.json", import.meta.url), "utf8")));
  const ssh = { identityFile: "/keys/id_ed25519", knownHostsFile: "/keys/known_hosts", hostPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostKey fabricspec\n" };
  const result = containerlabExport(t, { ...DEFAULTS, dir: "lab", ssh });
  assert.deepEqual(schema.validate(result.clab), []);
  const text = JSON.stringify(result.clab);
  assert.ok(!/addr add [^"]* dev swp5/.test(text), "no address on an unnumbered uplink");
  assert.match(text, /sysctl -qw net\.ipv6\.conf\.swp51\.disable_ipv6=0/);
  assert.match(text, /"net\.ipv6\.conf\.all\.disable_ipv6":0/);
});

const COMPACT = (pools: string) => `
name: compact-unnumbered
unnumbered: true
fabric:
  spines: { perPod: 2, asn: 65199 }
  leaves: { perPod: 2, asn: 65101, hostsPerRack: 1 }
  pools: { ${pools} }
`;

test("the compact form expands an unnumbered fabric into links without addresses", () => {
  const small = parseTopology(COMPACT("loopbacks: 10.10.10.0/24, racks: 10.1.0.0/16"), "compact.yaml");
  assert.ok(small.switches.every((s) => s.interfaces.every((i) => i.unnumbered && i.cidr === "")));
  assert.deepEqual(bgpPeers(small, small.switches.find((s) => s.role === "leaf") as Switch).map((p) => p.address), ["swp51", "swp52"]);
});

test("the compact form: a links pool on an unnumbered fabric, and none on a numbered one, are errors with their paths", () => {
  assert.deepEqual(issuesOf(COMPACT("loopbacks: 10.10.10.0/24, links: 10.254.0.0/24, racks: 10.1.0.0/16")).map((i) => i.path), ["fabric.pools.links"]);
  assert.deepEqual(issuesOf(COMPACT("loopbacks: 10.10.10.0/24, racks: 10.1.0.0/16").replace("unnumbered: true", "")).map((i) => i.path), ["fabric.pools"]);
});

test("kernelRoutes reads an IPv4 route over an IPv6 next hop (iproute2's via inet6), plain and ECMP", async () => {
  const { value } = await kernelRoutes(new FakeRunner("ns", { "ip -j route show": { stdout: fixture("iproute2-route-ipv4-via-inet6.json") } }));
  assert.deepEqual(value.map((r) => [r.dst, r.nexthops]), [
    ["10.9.8.0/24", [{ gateway: "fe80::1", dev: "va" }]],
    ["10.9.9.0/24", [{ gateway: "fe80::1", dev: "va" }, { gateway: "fe80::2", dev: "vb" }]],
  ]);
});
