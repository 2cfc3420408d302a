/**
 * What the provisioner did to each switch, once per run: when the lab's switches were provisioned
 * (FABRICSPEC_PROVISION=ssh, Vagrant, `provision: true` inventories), each switch's log
 * (lab/provision/evidence.ts: every check and command with its exit status and output, the files
 * written) as a text attachment `SWITCH: provisioning.log`, to the first scenario and as an Allure
 * global attachment, after the health page and the picture (./picture.ts).
 */
import { Before } from "@cucumber/cucumber";
import { attachToRun } from "./allure.js";
import type { FabricWorld } from "./world.js";

let attached = false;

Before({ name: "what the provisioner did to each switch, once per run" }, function (this: FabricWorld) {
  if (attached) return;
  attached = true;
  for (const log of this.lab.provisionLogs?.() ?? []) attachToRun(this, `${log.machine}: provisioning`, log.text, "text/plain", ".log");
});
