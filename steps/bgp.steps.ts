import { Then, type DataTable } from "@cucumber/cucumber";
import { LabError } from "../lab/errors.js";
import { peerFindings, sessionFindings } from "../lab/fabric/judge.js";
import { daemonFindings, routerIdFindings } from "../lab/fabric/stated.js";
import { leaves, spines, type Switch } from "../lab/topology/model.js";
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

Then("every leaf has an established BGP session with every spine", async function (this: FabricWorld) {
  await expectSessions(this, leaves(this.topology), spines(this.topology));
});

Then("every spine has an established BGP session with every leaf", async function (this: FabricWorld) {
  await expectSessions(this, spines(this.topology), leaves(this.topology));
});

/**
 * Every switch of `from` has exactly its topology's sessions, all Established: in a leaf-spine
 * fabric those are its sessions with `to`, and any other neighbor is a finding ("no other sessions").
 */
async function expectSessions(world: FabricWorld, from: readonly Switch[], to: readonly Switch[]): Promise<void> {
  if (from.length === 0 || to.length === 0) throw new LabError(`topology "${world.topology.name}" has no leaf or no spine`);
  const summaries = await world.onEach(from, (sw) => world.bgpSummary(sw.name));
  // A switch linked to none of `to` would pass vacuously: the scenario promises every pairing.
  const unlinked = from.flatMap((sw) => to.filter((other) => !sw.interfaces.some((i) => i.peer.node === other.name)).map((other) => `${sw.name} has no link to ${other.name} in the topology`));
  expectNoFindings([...summaries.flatMap(([sw, summary]) => sessionFindings(world.topology, sw, summary.peers)), ...unlinked]);
}

Then("these switches run zebra and bgpd:", async function (this: FabricWorld, table: DataTable) {
  const daemons = await this.onEach(table.hashes(), (row) => this.frrDaemons(row.switch ?? ""));
  expectNoFindings(daemons.flatMap(([row, running]) => daemonFindings(row.switch ?? "", running, ["zebra", "bgpd"])));
});
