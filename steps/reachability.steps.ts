import { Then, When, type DataTable } from "@cucumber/cucumber";
import { LabError } from "../lab/errors.js";
import { crossRackPairs, gatewayPathFindings, onePerOtherRack, ttlFindings, unansweredFindings } from "../lab/fabric/reachability.js";
import { expectedPrefixes, type Host, type Switch } from "../lab/topology/model.js";
import { expectNoFindings } from "../support/findings.js";
import type { FabricWorld } from "../support/world.js";

/** One echo request, one second to answer: the lab has converged before scenarios run. */
const PING = { count: 1, timeoutS: 1 } as const;
/** The same for the matrices, which fping sends (one process per source, ../lab/probes/fping.ts). */
const MATRIX = { count: 1, timeoutMs: 1000 } as const;

When("{switch} pings every other switch loopback from {ip}", async function (this: FabricWorld, sw: Switch, source: string) {
  const others = this.topology.switches.filter((s) => s !== sw);
  await this.pingEach(others.map((o) => ({ from: sw.name, to: o.loopback, toName: o.name, options: { ...PING, source } })));
});

When("every switch pings every other switch loopback from its own loopback", async function (this: FabricWorld) {
  const switches = this.topology.switches;
  // Every loopback BGP carries to it: with all spines in one AS, a spine has no path to another's.
  const routed = (sw: Switch, o: Switch) => o !== sw && expectedPrefixes(this.topology, sw).includes(`${o.loopback}/32`);
  await this.pingMatrix(switches.flatMap((sw) => switches.filter((o) => routed(sw, o)).map((o) => ({ from: sw.name, to: o.loopback, toName: o.name, source: sw.loopback }))), MATRIX);
});

When("every switch pings every other switch IPv6 loopback from its own IPv6 loopback", async function (this: FabricWorld) {
  const switches = this.topology.switches;
  const loopback6 = (sw: Switch): string => {
    if (sw.loopback6 === undefined) throw new LabError(`${sw.name} has no IPv6 loopback in topology "${this.topology.name}" (give it loopback6)`);
    return sw.loopback6;
  };
  const routed = (sw: Switch, o: Switch) => o !== sw && expectedPrefixes(this.topology, sw).includes(`${loopback6(o)}/128`);
  await this.pingMatrix(switches.flatMap((sw) => switches.filter((o) => routed(sw, o)).map((o) => ({ from: sw.name, to: loopback6(o), toName: o.name, source: loopback6(sw) }))), MATRIX);
});

When("every host pings the IPv6 address of every host in the other racks", async function (this: FabricWorld) {
  const address6 = (h: Host): string => {
    if (h.address6 === undefined) throw new LabError(`${h.name} has no IPv6 address in topology "${this.topology.name}" (give it address6)`);
    return h.address6;
  };
  await this.pingMatrix(crossRackPairs(this.topology.hosts).map(({ from, to }) => ({ from: from.name, to: address6(to), toName: to.name })), MATRIX);
});

When("every host pings every host in the other racks", async function (this: FabricWorld) {
  await this.pingMatrix(crossRackPairs(this.topology.hosts).map(({ from, to }) => ({ from: from.name, to: to.address, toName: to.name })), MATRIX);
});

Then("every ping is answered", function (this: FabricWorld) {
  expectNoFindings(unansweredFindings(this.sentPings()));
});

Then("every loopback answers with this TTL:", function (this: FabricWorld, table: DataTable) {
  const stated = table.hashes().map((row) => ({ loopback: row.loopback ?? "", switch: row.switch ?? "", ttl: row.TTL ?? "" }));
  expectNoFindings(ttlFindings(stated, this.pings));
});

Then("every host's path to the other racks starts at its leaf's gateway", async function (this: FabricWorld) {
  const pairs = onePerOtherRack(this.topology.hosts);
  if (pairs.length === 0) throw new LabError(`topology "${this.topology.name}" has no hosts in two different racks: there is no path to check`);
  // The first hop only: that the path goes on to the target is what the pings say.
  const traces = await this.traceMatrix(pairs, ({ from, to }) => ({ from: from.name, to: to.address }), 1);
  expectNoFindings(traces.flatMap(([{ from, to }, trace]) => gatewayPathFindings(from, to, trace)));
});
