import { Given, Then, When } from "@cucumber/cucumber";
import { LabError } from "../lab/errors.js";
import { budgets, type Budget } from "../lab/expect/budgets.js";
import { convergenceFindings, oneSpineFewerFindings } from "../lab/fabric/failover.js";
import { leaves, rackSubnets, spines, withoutLink, withoutSwitch, type Switch, type Topology } from "../lab/topology/model.js";
import { expectNoFindings } from "../support/findings.js";
import type { FabricWorld } from "../support/world.js";

Given("the fabric is at its baseline", async function (this: FabricWorld) {
  expectNoFindings(await this.fabricFindings());
});

function firstSpine(world: FabricWorld): Switch {
  const spine = spines(world.topology)[0];
  if (!spine) throw new LabError(`topology "${world.topology.name}" has no spine`);
  return spine;
}

When("the first spine fails: its links go down", async function (this: FabricWorld) {
  const spine = firstSpine(this);
  const names = spine.interfaces.map((i) => i.name);
  this.disrupt(`${spine.name} failed (its links went down)`, withoutSwitch(this.topology, spine.name), () => this.setLinks(spine.name, names, "up"));
  await this.setLinks(spine.name, names, "down");
});

When("the first spine fails: its bgpd dies", async function (this: FabricWorld) {
  const spine = firstSpine(this);
  this.disrupt(`${spine.name} failed (its bgpd died)`, withoutSwitch(this.topology, spine.name), () => this.lab.startDaemon(spine.name, "bgpd"));
  await this.lab.stopDaemon(spine.name, "bgpd");
});

When("the first leaf loses its uplink to the first spine", async function (this: FabricWorld) {
  // The first leaf's uplink to the first spine it is linked to (in a 5-stage Clos, of its pod).
  const leaf = leaves(this.topology)[0];
  const spine = spines(this.topology).find((s) => leaf?.interfaces.some((i) => i.peer.node === s.name));
  const uplink = spine && leaf?.interfaces.find((i) => i.peer.node === spine.name);
  if (!leaf || !spine || !uplink) throw new LabError(`topology "${this.topology.name}" has no leaf linked to a spine`);
  this.disrupt(`${leaf.name} lost its uplink ${uplink.name} to ${spine.name}`, withoutLink(this.topology, leaf.name, uplink.name), () => this.setLinks(leaf.name, [uplink.name], "up"));
  await this.setLinks(leaf.name, [uplink.name], "down");
});

When(/^the failed (?:spine|link) returns$/, async function (this: FabricWorld) {
  const disruption = this.requireDisruption();
  disruption.since = performance.now();
  await disruption.repair();
  disruption.repaired = true;
});

Then("the fabric converges around the failure within its budget", async function (this: FabricWorld) {
  const { description, reduced } = this.requireDisruption();
  await converges(this, `after ${description}`, this.topology, reduced, budgets(this.topology.bgp).failover);
});

Then("the fabric returns to its baseline within its budget", async function (this: FabricWorld) {
  const { description, reduced } = this.requireDisruption();
  await converges(this, `after the repair of ${description}`, reduced, this.topology, budgets(this.topology.bgp).recovery);
});

async function converges(world: FabricWorld, what: string, from: Topology, to: Topology, budget: Budget): Promise<void> {
  expectNoFindings(convergenceFindings(what, budget, await world.measureConvergence(what, from, to, budget)));
}

Then("every leaf routes every other rack subnet over one spine fewer", async function (this: FabricWorld) {
  const { reduced } = this.requireDisruption();
  if (rackSubnets(reduced).length < 2) throw new LabError(`topology "${this.topology.name}" has fewer than two racks: no leaf routes another rack`);
  const routes = await this.onEach(leaves(reduced), (leaf) => this.kernelRoutes(leaf.name));
  expectNoFindings(routes.flatMap(([leaf, observed]) => oneSpineFewerFindings(this.topology, reduced, leaf, observed)));
});
