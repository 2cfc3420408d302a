import { Then, type DataTable } from "@cucumber/cucumber";
import { learnedFindings } from "../lab/fabric/bgp-table.js";
import { leakedLinkFindings, routeFindings } from "../lab/fabric/judge.js";
import { leaves, linkSubnets, rackSubnets, spines, type Switch } from "../lab/topology/model.js";
import { expectNoFindings } from "../support/findings.js";
import type { FabricWorld } from "../support/world.js";

Then("{switch}'s BGP table has these best paths:", async function (this: FabricWorld, sw: Switch, table: DataTable) {
  const { routes } = await this.bgpTable(sw.name);
  const findings = table.hashes().flatMap((row) => {
    const prefix = row.prefix ?? "";
    const want = { nextHop: row["next hop"], asPath: row["AS path"], origin: row.origin };
    const best = routes[prefix]?.find((p) => p.best);
    if (!best) return [`${sw.name} has no best path to ${prefix} in its BGP table (expected next hop ${want.nextHop}, path ${want.asPath})`];
    const found = { nextHop: best.nextHops.map((h) => h.ip).join(","), asPath: best.asPath, origin: best.origin };
    return (Object.keys(want) as Array<keyof typeof want>)
      .filter((key) => found[key] !== want[key])
      .map((key) => `${sw.name}'s best path to ${prefix} has ${describe(key)} ${found[key] || "(empty)"} (expected ${want[key]})`);
  });
  expectNoFindings(findings);
});

const describe = (key: "nextHop" | "asPath" | "origin") => ({ nextHop: "next hop", asPath: "AS path", origin: "origin" })[key];

Then("these switches have learned this many prefixes over BGP:", async function (this: FabricWorld, table: DataTable) {
  const findings = await Promise.all(
    table.hashes().map(async (row) => {
      const name = row.switch ?? "";
      const { routes } = await this.bgpTable(name);
      // Learned: the best path came from a neighbor (locally originated ones have no peer).
      const learned = Object.keys(routes).filter((prefix) => routes[prefix]?.some((p) => p.best && p.peerId !== undefined));
      const expected = Number(row.prefixes);
      return learned.length === expected ? [] : [`${name} has learned ${learned.length} prefixes over BGP: ${learned.join(", ") || "none"} (expected ${expected})`];
    }),
  );
  expectNoFindings(findings.flat());
});

Then("every spine has a route to every rack subnet and every other loopback", async function (this: FabricWorld) {
  const findings = await Promise.all(
    spines(this.topology).map(async (sw) => routeFindings(this.topology, sw, await this.kernelRoutes(sw.name))),
  );
  expectNoFindings(findings.flat());
});

Then("no switch has learned a point-to-point subnet over BGP", async function (this: FabricWorld) {
  const links = linkSubnets(this.topology);
  const findings = await Promise.all(
    this.topology.switches.map(async (sw) => leakedLinkFindings(sw.name, Object.keys((await this.bgpTable(sw.name)).routes), links)),
  );
  expectNoFindings(findings.flat());
});

Then("every leaf routes every other rack subnet over all spines", async function (this: FabricWorld) {
  const findings = await Promise.all(
    leaves(this.topology).map(async (leaf: Switch) => {
      const others = rackSubnets(this.topology).filter((subnet) => subnet !== leaf.rack?.subnet);
      return routeFindings(this.topology, leaf, await this.kernelRoutes(leaf.name), others);
    }),
  );
  expectNoFindings(findings.flat());
});

Then("every switch has learned exactly the prefixes BGP carries to it, with the fabric's origin", async function (this: FabricWorld) {
  const findings = await Promise.all(this.topology.switches.map(async (sw) => learnedFindings(this.topology, sw, await this.bgpTable(sw.name))));
  expectNoFindings(findings.flat());
});
