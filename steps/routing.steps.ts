import { Then, type DataTable } from "@cucumber/cucumber";
import { learnedFindings } from "../lab/fabric/bgp-table.js";
import { leakedLinkFindings, routeFindings } from "../lab/fabric/judge.js";
import { bestPathFindings, learnedPrefixFindings } from "../lab/fabric/stated.js";
import { leaves, linkSubnets, rackSubnets, spines, type Switch } from "../lab/topology/model.js";
import { expectNoFindings } from "../support/findings.js";
import type { FabricWorld } from "../support/world.js";

Then("{switch}'s BGP table has these best paths:", async function (this: FabricWorld, sw: Switch, table: DataTable) {
  const stated = Object.fromEntries(table.hashes().map((row) => [row.prefix ?? "", { nextHop: row["next hop"], asPath: row["AS path"], origin: row.origin }]));
  expectNoFindings(bestPathFindings(sw.name, stated, await this.bgpTable(sw.name)));
});

Then("these switches have learned this many prefixes over BGP:", async function (this: FabricWorld, table: DataTable) {
  const tables = await this.onEach(table.hashes(), (row) => this.bgpTable(row.switch ?? ""));
  expectNoFindings(tables.flatMap(([row, bgp]) => learnedPrefixFindings(row.switch ?? "", bgp, Number(row.prefixes))));
});

Then("every spine has a route to every rack subnet and every other loopback", async function (this: FabricWorld) {
  const routes = await this.onEach(spines(this.topology), (sw) => this.kernelRoutes(sw.name));
  expectNoFindings(routes.flatMap(([sw, observed]) => routeFindings(this.topology, sw, observed)));
});

Then("no switch has learned a point-to-point subnet over BGP", async function (this: FabricWorld) {
  const tables = await this.onEach(this.topology.switches, (sw) => this.bgpTable(sw.name));
  expectNoFindings(tables.flatMap(([sw, bgp]) => leakedLinkFindings(sw.name, Object.keys(bgp.routes), linkSubnets(this.topology))));
});

Then("every leaf routes every other rack subnet over all spines", async function (this: FabricWorld) {
  const routes = await this.onEach(leaves(this.topology), (leaf) => this.kernelRoutes(leaf.name));
  const otherRacks = (leaf: Switch) => rackSubnets(this.topology).filter((subnet) => subnet !== leaf.rack?.subnet && subnet !== leaf.rack?.subnet6);
  expectNoFindings(routes.flatMap(([leaf, observed]) => routeFindings(this.topology, leaf, observed, otherRacks(leaf))));
});

Then("every switch has learned exactly the prefixes BGP carries to it, with the fabric's origin", async function (this: FabricWorld) {
  const tables = await this.onEach(this.topology.switches, (sw) => this.bgpTable(sw.name));
  expectNoFindings(tables.flatMap(([sw, table]) => learnedFindings(this.topology, sw, table)));
});
