import { Given } from "@cucumber/cucumber";
import { LabError } from "../lab/errors.js";
import type { FabricWorld } from "../support/world.js";

Given("the lab is up", async function (this: FabricWorld) {
  const status = await this.lab.status();
  this.attach(JSON.stringify(status, null, 2), { mediaType: "application/json", fileName: "lab status" });
  if (status.state === "down") {
    throw new LabError(`no ${this.lab.name} lab is up`, { hint: "run npm test, or npx fabricspec lab up first" });
  }
  if (status.topology !== this.topology.name) {
    throw new LabError(`the lab that is up is of topology "${status.topology}", not "${this.topology.name}"`, {
      hint: "npx fabricspec lab down, then run again",
    });
  }
});
