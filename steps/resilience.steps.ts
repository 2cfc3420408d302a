import { Given, Then, When } from "@cucumber/cucumber";
import { LabError } from "../lab/errors.js";
import { budgets, SETTLE_MS, type Budget } from "../lab/expect/budgets.js";
import { expectedRoutes } from "../lab/fabric/expected.js";
import { fabricFindings } from "../lab/fabric/converge.js";
import { measureConvergence, type ConvergenceFigures } from "../lab/fabric/measure.js";
import { findSwitch, leaves, rackSubnets, spines, withoutLink, withoutSwitch, type Switch, type Topology } from "../lab/topology/model.js";
import { expectNoFindings } from "../support/findings.js";
import type { Disruption, FabricWorld } from "../support/world.js";

Given("the fabric is at its baseline", async function (this: FabricWorld) {
  expectNoFindings(await fabricFindings(this.topology, (n) => this.runner(n)));
});

function firstSpine(world: FabricWorld): Switch {
  const spine = spines(world.topology)[0];
  if (!spine) throw new LabError(`topology "${world.topology.name}" has no spine`);
  return spine;
}

/** Sets interfaces of a node up or down through its runner (the same on every driver). */
async function setLinks(world: FabricWorld, node: string, interfaces: readonly string[], state: "up" | "down"): Promise<void> {
  const runner = world.runner(node);
  for (const name of interfaces) {
    const result = await runner.run(["ip", "link", "set", name, state]);
    if (result.exitCode !== 0) throw new LabError(`${node}: could not set ${name} ${state}: ${result.stderr.trim()}`);
  }
}

function disrupt(world: FabricWorld, description: string, reduced: Topology, repair: () => Promise<void>): Disruption {
  world.disruption = { description, reduced, since: performance.now(), repair, repaired: false };
  return world.disruption;
}

When("the first spine fails: its links go down", async function (this: FabricWorld) {
  const spine = firstSpine(this);
  const names = spine.interfaces.map((i) => i.name);
  disrupt(this, `${spine.name} failed (its links went down)`, withoutSwitch(this.topology, spine.name), () => setLinks(this, spine.name, names, "up"));
  await setLinks(this, spine.name, names, "down");
});

When("the first spine fails: its bgpd dies", async function (this: FabricWorld) {
  const spine = firstSpine(this);
  disrupt(this, `${spine.name} failed (its bgpd died)`, withoutSwitch(this.topology, spine.name), () => this.lab.startDaemon(spine.name, "bgpd"));
  await this.lab.stopDaemon(spine.name, "bgpd");
});

When("the first leaf loses its uplink to the first spine", async function (this: FabricWorld) {
  const leaf = leaves(this.topology)[0];
  const spine = firstSpine(this);
  const uplink = leaf?.interfaces.find((i) => i.peer.node === spine.name);
  if (!leaf || !uplink) throw new LabError(`topology "${this.topology.name}" has no leaf linked to ${spine.name}`);
  disrupt(this, `${leaf.name} lost its uplink ${uplink.name} to ${spine.name}`, withoutLink(this.topology, leaf.name, uplink.name), () =>
    setLinks(this, leaf.name, [uplink.name], "up"),
  );
  await setLinks(this, leaf.name, [uplink.name], "down");
});

When(/^the failed (?:spine|link) returns$/, async function (this: FabricWorld) {
  const disruption = requireDisruption(this);
  disruption.since = performance.now();
  await disruption.repair();
  disruption.repaired = true;
});

Then("the fabric converges around the failure within its budget", async function (this: FabricWorld) {
  const disruption = requireDisruption(this);
  await converge(this, `after ${disruption.description}`, this.topology, disruption.reduced, budgets(this.topology.bgp).failover);
});

Then("the fabric returns to its baseline within its budget", async function (this: FabricWorld) {
  const disruption = requireDisruption(this);
  await converge(this, `after the repair of ${disruption.description}`, disruption.reduced, this.topology, budgets(this.topology.bgp).recovery);
});

Then("every leaf routes every other rack subnet over one spine fewer", async function (this: FabricWorld) {
  const { reduced } = requireDisruption(this);
  if (rackSubnets(reduced).length < 2) throw new LabError(`topology "${this.topology.name}" has fewer than two racks: no leaf routes another rack`);
  const findings = await Promise.all(
    leaves(reduced).map(async (leaf) => {
      const baseline = findSwitch(this.topology, leaf.name);
      const routes = await this.kernelRoutes(leaf.name);
      const otherRacks = rackSubnets(reduced).filter((subnet) => subnet !== leaf.rack?.subnet);
      return otherRacks.flatMap((subnet) => {
        const before = baseline ? (expectedRoutes(this.topology, baseline).find((r) => r.prefix === subnet)?.nextHops.length ?? 0) : 0;
        const now = routes.find((r) => r.dst === subnet)?.nexthops.length ?? 0;
        return now === before - 1
          ? []
          : [`${leaf.name} routes ${subnet} over ${now} next hops (expected ${before - 1}: one spine fewer than the ${before} of the baseline)`];
      });
    }),
  );
  expectNoFindings(findings.flat());
});

function requireDisruption(world: FabricWorld): Disruption {
  if (!world.disruption) throw new LabError("no failure was injected: a When step that breaks something must come first");
  return world.disruption;
}

/** Measures convergence, attaches the figures to the step, and fails with the last findings if it did not converge. */
async function converge(world: FabricWorld, what: string, from: Topology, to: Topology, budget: Budget): Promise<void> {
  const disruption = requireDisruption(world);
  const figures = await measureConvergence({ since: disruption.since, from, to, runnerOf: (n) => world.lab.runner(n), budget, settleMs: SETTLE_MS });
  world.attach(describeFigures(what, figures, world.topology.bgp.hold), { mediaType: "text/plain", fileName: `convergence ${what}` });
  world.attach(JSON.stringify({ what, ...figures }, null, 2), { mediaType: "application/json", fileName: `convergence ${what} (JSON)` });
  if (!figures.converged) {
    expectNoFindings([`the fabric did not converge within ${budget.ms} ms (${budget.reason}) ${what}:`, ...figures.findings]);
  }
}

function describeFigures(what: string, f: ConvergenceFigures, holdS: number): string {
  const ms = (v: number | undefined) => (v === undefined ? "never" : `${v} ms`);
  const bound =
    f.detectMs !== undefined && f.detectMs < holdS * 1000
      ? `seen at once (an interface down, a session's connection closed, a peer's OPEN), not by the hold timer (${holdS} s)`
      : `the hold timer (${holdS} s)`;
  return [
    `Convergence ${what}`,
    `  time to detect:     ${ms(f.detectMs)}`,
    `  time to first pass: ${ms(f.firstPassMs)}`,
    `  time to stable:     ${ms(f.stableMs)} (held for ${f.settleMs} ms)`,
    `  budget:             ${f.budget.ms} ms, ${f.budget.name}: ${f.budget.reason}`,
    `  bounded by:         ${bound}`,
    `  looks:              ${f.attempts}`,
  ].join("\n");
}
