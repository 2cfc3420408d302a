/**
 * The fabric as a picture, once per run: drawn from the topology with the sessions and ECMP widths
 * observed before the first scenario, attached to that scenario and as one of Allure's global
 * attachments. Cucumber 12's BeforeAll cannot attach, hence the first scenario's Before hook.
 */
import { Before } from "@cucumber/cucumber";
import { LabError } from "../lab/errors.js";
import { fabricSvg } from "../lab/report/fabric-svg.js";
import { observeFabric } from "../lab/report/observe.js";
import type { FabricWorld } from "./world.js";

/** allure-js-commons' ALLURE_RUNTIME_MESSAGE_CONTENT_TYPE: a runtime message allure-cucumberjs applies. */
const ALLURE_MESSAGE = "application/vnd.allure.message+json";
const FILE_NAME = "fabric.svg";

let drawn = false;

Before({ name: "the fabric picture, once per run" }, async function (this: FabricWorld) {
  if (drawn) return;
  drawn = true;
  let svg: string;
  try {
    svg = fabricSvg(this.topology, await observeFabric(this.topology, (n) => this.lab.runner(n)));
  } catch (error) {
    // A lab that cannot be asked still gets its picture, without observed state; the scenarios
    // that need the lab say it is broken.
    if (!(error instanceof LabError)) throw error;
    svg = fabricSvg(this.topology);
    this.attach(`fabric picture without observed state: ${error.message}`, { mediaType: "text/plain", fileName: "fabric picture" });
  }
  this.attach(svg, { mediaType: "image/svg+xml", fileName: FILE_NAME });
  const message = {
    type: "global_attachment_content",
    data: { name: `fabric ${this.topology.name}`, content: Buffer.from(svg).toString("base64"), encoding: "base64", contentType: "image/svg+xml", fileExtension: ".svg" },
  };
  this.attach(JSON.stringify(message), ALLURE_MESSAGE);
});
