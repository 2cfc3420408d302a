/** Hooks: what each step looked at, and the fresh state of those nodes when a step fails. */
import { After, AfterAll, AfterStep, BeforeStep, setDefaultTimeout, Status } from "@cucumber/cucumber";
import { budgets } from "../lab/expect/budgets.js";
import { waitForFabric } from "../lab/fabric/converge.js";
import { findSwitch } from "../lab/topology/model.js";
import { attachDownSessions } from "./down-sessions.js";
import { attachFailurePicture } from "./failure-picture.js";
import { currentLab } from "./lab.js";
import type { FabricWorld } from "./world.js";
import type { Attach } from "./world/evidence.js";

// Steps that wait do so against the budgets of lab/expect/budgets.ts (the longest, recovery, is
// 14 s with datacenter timers, plus a settle window); cucumber's 5 s default would cut them short.
setDefaultTimeout(60_000);

BeforeStep(function (this: FabricWorld) {
  this.involved.clear();
});

/**
 * On failure, the BGP sessions and kernel routes of the switches the step looked at, as they are
 * now, why each of their sessions that is down is down (./down-sessions.ts), and the fabric
 * picture with what is wrong highlighted (./failure-picture.ts).
 */
AfterStep(async function (this: FabricWorld, { result }) {
  if (result.status !== Status.FAILED) return;
  const switches = [...this.involved].filter((n) => findSwitch(this.topology, n));
  await this.onEach(switches, async (name) => {
    const runner = this.lab.runner(name);
    const results = await Promise.all([
      runner.run(["vtysh", "-c", "show bgp ipv4 unicast summary"], { timeoutMs: 10_000 }),
      runner.run(["ip", "route", "show"], { timeoutMs: 10_000 }),
    ]);
    for (const r of results) this.attachEvidence(`${name} (state after the failure)`, r);
  });
  const attach: Attach = (text, options) => this.attach(text, options);
  await attachDownSessions(switches, (n) => this.lab.runner(n), attach);
  await attachFailurePicture(this.topology, (n) => this.lab.runner(n), attach, (data, mediaType) => this.attach(data, mediaType));
});

/**
 * A disruptive scenario restores what it broke, even when it failed half-way, and hands the next
 * scenario a converged fabric; if that cannot be done the lab is broken, and says so.
 */
After({ tags: "@disruptive" }, async function (this: FabricWorld) {
  const disruption = this.disruption;
  if (!disruption) return;
  if (!disruption.repaired) {
    await disruption.repair();
    disruption.repaired = true;
  }
  await waitForFabric(this.topology, (n) => this.lab.runner(n), budgets(this.topology.bgp).recovery);
});

/** The run's connections to the lab (SSH), closed once every scenario is done. */
AfterAll(async function () {
  await currentLab().close?.();
});
