import { Then, type DataTable } from "@cucumber/cucumber";
import { LabError } from "../lab/errors.js";
import { peerFindings, sessionFindings } from "../lab/fabric/judge.js";
import { daemonFindings, routerIdFindings } from "../lab/fabric/stated.js";
import { leaves, linkedSwitches, podSpines, spines, superSpines, type Switch } from "../lab/topology/model.js";
import { expectNoFindings } from "../support/findings.js";
import type { FabricWorld } from "../support/world.js";

Then("{switch} has exactly these established BGP sessions:", async function (this: FabricWorld, sw: Switch, table: DataTable) {
  const expected = table.hashes().map((row) => ({ address: row.neighbor ?? "", node: row.hostname ?? "", remoteAs: Number(row["remote AS"]) }));
  const { peers } = await this.bgpSummary(sw.name);
  expectNoFindings(peerFindings(sw.name, expected, peers, { exact: true }));
});

Then("{switch}'s BGP router-id is {ip} in AS {int}", async function (this: FabricWorld, sw: Switch, routerId: string, asn: number) {
  expectNoFindings(routerIdFindings(sw.name, await this.bgpSummary(sw.name), { routerId, localAs: asn }));
});

Then("every leaf has an established BGP session with every spine of its pod", async function (this: FabricWorld) {
  const ls = leaves(this.topology);
  if (ls.length === 0 || spines(this.topology).length === 0) throw new LabError(`topology "${this.topology.name}" has no leaf or no spine`);
  await expectSessions(this, ls.map((leaf) => [leaf, podSpines(this.topology, leaf)]));
});

Then("every spine and super-spine has an established BGP session with every switch it is linked to", async function (this: FabricWorld) {
  const above = [...superSpines(this.topology), ...spines(this.topology)];
  await expectSessions(this, above.map((sw) => [sw, linkedSwitches(this.topology, sw)]));
});

/**
 * Every switch of `pairs` has exactly its topology's sessions, all Established, and among them one
 * with each switch it is paired with; any other neighbor is a finding ("no other sessions").
 */
async function expectSessions(world: FabricWorld, pairs: ReadonlyArray<readonly [Switch, readonly Switch[]]>): Promise<void> {
  const summaries = await world.onEach(pairs.map(([sw]) => sw), (sw) => world.bgpSummary(sw.name));
  // A switch linked to none of those it should peer with would pass vacuously: the scenario promises every pairing.
  const unlinked = pairs.flatMap(([sw, to]) => to.filter((other) => !sw.interfaces.some((i) => i.peer.node === other.name)).map((other) => `${sw.name} has no link to ${other.name} in the topology`));
  expectNoFindings([...summaries.flatMap(([sw, summary]) => sessionFindings(world.topology, sw, summary.peers)), ...unlinked]);
}

Then("these switches run zebra and bgpd:", async function (this: FabricWorld, table: DataTable) {
  const daemons = await this.onEach(table.hashes(), (row) => this.frrDaemons(row.switch ?? ""));
  expectNoFindings(daemons.flatMap(([row, running]) => daemonFindings(row.switch ?? "", running, ["zebra", "bgpd"])));
});
