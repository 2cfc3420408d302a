/** Hooks: what each step looked at, and the fresh state of those nodes when a step fails. */
import { AfterStep, BeforeStep, Status } from "@cucumber/cucumber";
import { findSwitch } from "../lab/topology/model.js";
import type { FabricWorld } from "./world.js";

BeforeStep(function (this: FabricWorld) {
  this.involved.clear();
});

/** On failure, the BGP sessions and kernel routes of the switches the step looked at, as they are now. */
AfterStep(async function (this: FabricWorld, { result }) {
  if (result.status !== Status.FAILED) return;
  const switches = [...this.involved].filter((n) => findSwitch(this.topology, n));
  await Promise.all(
    switches.map(async (name) => {
      const runner = this.lab.runner(name);
      const results = await Promise.all([
        runner.run(["vtysh", "-c", "show bgp ipv4 unicast summary"], { timeoutMs: 10_000 }),
        runner.run(["ip", "route", "show"], { timeoutMs: 10_000 }),
      ]);
      for (const r of results) this.attachEvidence(`${name} (state after the failure)`, r);
    }),
  );
});
