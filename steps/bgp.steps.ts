import { Then, type DataTable } from "@cucumber/cucumber";
import { assert } from "chai";
import { LabError } from "../lab/errors.js";
import { peerFindings, sessionFindings } from "../lab/fabric/judge.js";
import { leaves, spines, type Switch } from "../lab/topology/model.js";
import { expectNoFindings } from "../support/findings.js";
import type { FabricWorld } from "../support/world.js";

Then(
  "{switch} has exactly these established BGP sessions:",
  async function (this: FabricWorld, sw: Switch, table: DataTable) {
    const expected = table.hashes().map((row) => ({
      address: row.neighbor ?? "",
      node: row.hostname ?? "",
      remoteAs: Number(row["remote AS"]),
    }));
    const { peers } = await this.bgpSummary(sw.name);
    expectNoFindings(peerFindings(sw.name, expected, peers, { exact: true }));
  },
);

Then("{switch}'s BGP router-id is {ip} in AS {int}", async function (this: FabricWorld, sw: Switch, routerId: string, asn: number) {
  const summary = await this.bgpSummary(sw.name);
  assert.deepEqual(
    { routerId: summary.routerId, as: summary.localAs },
    { routerId, as: asn },
    `${sw.name}'s BGP router-id and AS are ${summary.routerId ?? "(none)"} and ${summary.localAs ?? "(none)"} (expected ${routerId} and ${asn})`,
  );
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
  const findings = await Promise.all(from.map(async (sw) => sessionFindings(world.topology, sw, (await world.bgpSummary(sw.name)).peers)));
  // A switch linked to none of `to` would pass vacuously: the scenario promises every pairing.
  for (const sw of from) {
    const linked = new Set(sw.interfaces.map((i) => i.peer.node));
    for (const other of to) if (!linked.has(other.name)) findings.push([`${sw.name} has no link to ${other.name} in the topology`]);
  }
  expectNoFindings(findings.flat());
}

Then("these switches run zebra and bgpd:", async function (this: FabricWorld, table: DataTable) {
  const findings = await Promise.all(
    table.hashes().map(async (row) => {
      const name = row.switch ?? "";
      const result = await this.runner(name).run(["vtysh", "-c", "show daemons"], { timeoutMs: 10_000 });
      if (result.exitCode !== 0) return [`${name}: vtysh reaches no routing daemon (${result.stderr.trim() || `exit ${result.exitCode}`})`];
      const running = result.stdout.trim().split(/\s+/);
      return ["zebra", "bgpd"].filter((d) => !running.includes(d)).map((d) => `${name}: ${d} is not running (running: ${running.join(", ") || "none"})`);
    }),
  );
  expectNoFindings(findings.flat());
});
