import { test } from "node:test";
import assert from "node:assert/strict";
import { BGP_TABLE_COMMAND, bgpTable, type BgpPath, type BgpTable } from "../probes/bgp.js";
import { FakeRunner, fixture } from "../probes/fake-runner.js";
import { formatCommand } from "../transport/runner.js";
import { loadTopology } from "../topology/load.js";
import { findSwitch, type Switch } from "../topology/model.js";
import { learnedFindings } from "./bgp-table.js";

const blog = loadTopology();
const spine1 = findSwitch(blog, "spine1") as Switch;

const path = (asPath: string, extra: Partial<BgpPath> = {}): BgpPath => ({
  nextHops: [{ ip: "172.16.0.1", hostname: "leaf1" }],
  asPath,
  asNumbers: asPath ? asPath.split(" ").map(Number) : [],
  origin: "incomplete",
  valid: true,
  best: true,
  multipath: false,
  peerId: "172.16.0.1",
  ...extra,
});

/** spine1's table as the blog shows it: five prefixes learned, its loopback its own. */
function healthy(): Record<string, BgpPath[]> {
  return {
    "172.16.255.1/32": [path("", { peerId: undefined, nextHops: [{ ip: "0.0.0.0", hostname: "spine1" }] })],
    "172.16.255.2/32": [path("65101 65002"), path("65102 65002", { best: false, multipath: true, peerId: "172.16.0.3" })],
    "172.16.255.101/32": [path("65101")],
    "10.0.101.0/24": [path("65101")],
    "172.16.255.102/32": [path("65102", { peerId: "172.16.0.3" })],
    "10.0.102.0/24": [path("65102", { peerId: "172.16.0.3" })],
  };
}

const table = (routes: Record<string, BgpPath[]>): BgpTable => ({ routerId: "172.16.255.1", localAs: 65001, routes });

test("learnedFindings: nothing on the blog's spine1 table", () => {
  assert.deepEqual(learnedFindings(blog, spine1, table(healthy())), []);
});

test("learnedFindings: a prefix missing, one too many, a looped path, a wrong path and origin", () => {
  const routes = healthy();
  delete routes["10.0.102.0/24"];
  routes["172.16.0.2/31"] = [path("65102")];
  routes["10.0.101.0/24"] = [path("65101 65001 65102", { origin: "IGP" })];
  routes["172.16.255.101/32"] = [path("65102 65002 65101")];
  assert.deepEqual(learnedFindings(blog, spine1, table(routes)), [
    "spine1's best path to 172.16.255.101/32 has AS path 65102 65002 65101 (expected 65101)",
    "spine1's best path to 10.0.101.0/24 carries its own AS 65001: 65101 65001 65102 (expected AS-path loop prevention to drop it)",
    "spine1's best path to 10.0.101.0/24 has origin IGP (expected incomplete: the fabric originates by redistribute)",
    "spine1 has not learned 10.0.102.0/24 over BGP (expected it from leaf2, AS path 65102)",
    "spine1 has learned 172.16.0.2/31 over BGP, AS path 65102 (expected not: BGP carries no path to it over this fabric)",
  ]);
});

test("learnedFindings: with network statements the origin is IGP", () => {
  const networked = { ...blog, origination: "network" as const };
  const routes = healthy();
  assert.deepEqual(learnedFindings(networked, spine1, table(routes)).length, 5);
  for (const paths of Object.values(routes)) for (const [i, p] of paths.entries()) paths[i] = { ...p, origin: "IGP" };
  assert.deepEqual(learnedFindings(networked, spine1, table(routes)), []);
});

test("learnedFindings: nothing on the tables FRR 8.4 printed for the blog's spine1 and leaf1", async () => {
  for (const [name, file] of [["spine1", "frr-8.4-bgp-table-spine1.json"], ["leaf1", "frr-8.4-bgp-table-leaf1-ecmp.json"]] as const) {
    const runner = new FakeRunner(name, { [formatCommand(BGP_TABLE_COMMAND)]: { stdout: fixture(file) } });
    const sw = findSwitch(blog, name) as Switch;
    assert.deepEqual(learnedFindings(blog, sw, (await bgpTable(runner)).value), [], name);
  }
});
