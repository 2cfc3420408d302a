/**
 * Health at a glance and the fabric as a picture, once per run, from one observation of the lab
 * before the first scenario: the health matrices (lab/report/health.ts) as the run's first
 * attachment, the verdict in one line on the console, then the picture; both attached to that
 * scenario and as Allure global attachments. Cucumber 12's BeforeAll cannot attach, hence the
 * first scenario's Before hook.
 */
import { Before } from "@cucumber/cucumber";
import { progress } from "../lab/cli/run-lab.js";
import { LabError } from "../lab/errors.js";
import { fabricSvg } from "../lab/report/fabric-svg.js";
import { fabricHealth, healthHtml, healthVerdict } from "../lab/report/health.js";
import { observeLab, pictureState } from "../lab/report/observe.js";
import { attachToRun } from "./allure.js";
import type { FabricWorld } from "./world.js";

let drawn = false;

Before({ name: "health at a glance and the fabric picture, once per run" }, async function (this: FabricWorld) {
  if (drawn) return;
  drawn = true;
  let svg: string;
  try {
    const observed = await observeLab(this.topology, (n) => this.lab.runner(n));
    const health = fabricHealth(this.topology, observed);
    const verdict = healthVerdict(health);
    progress(verdict);
    attachToRun(this, `health ${this.topology.name}`, healthHtml(this.topology, health), "text/html", ".html");
    svg = fabricSvg(this.topology, pictureState(this.topology, observed));
  } catch (error) {
    // A lab that cannot be asked still gets its picture, without observed state; the scenarios
    // that need the lab say it is broken.
    if (!(error instanceof LabError)) throw error;
    svg = fabricSvg(this.topology);
    progress(`fabric: not observed (${error.message})`);
    this.attach(`fabric picture and health without observed state: ${error.message}`, { mediaType: "text/plain", fileName: "fabric picture" });
  }
  attachToRun(this, `fabric ${this.topology.name}`, svg, "image/svg+xml", ".svg");
});
