/**
 * On a failed step, the fabric as it is now: its picture with what is wrong highlighted (the down
 * sessions' links, the switches missing a route or short of ECMP width: lab/report/health.ts
 * highlightOf), attached to that step, and the fault behind it (causeOf) as the scenario's
 * `cause` label, which the report's categories (allurerc.mjs) group on: one fault, one headline,
 * however many scenarios it fails. Every switch is observed, since a fault's effect is rarely on
 * the switch the step looked at alone; a lab that cannot be asked is left to the step's own evidence.
 */
import { LabError } from "../lab/errors.js";
import { fabricSvg } from "../lab/report/fabric-svg.js";
import { causeOf, fabricHealth, healthVerdict, highlightOf } from "../lab/report/health.js";
import { observeLab, pictureState } from "../lab/report/observe.js";
import type { Topology } from "../lab/topology/model.js";
import type { CommandRunner } from "../lab/transport/runner.js";
import { ALLURE_MESSAGE } from "./allure.js";
import type { Attach } from "./world/evidence.js";


/** The label the categories match a fault on. */
export const CAUSE_LABEL = "cause";

export async function attachFailurePicture(t: Topology, runnerOf: (node: string) => CommandRunner, attach: Attach, attachRaw: (data: string, mediaType: string) => void): Promise<void> {
  try {
    const observed = await observeLab(t, runnerOf);
    const health = fabricHealth(t, observed);
    const svg = fabricSvg(t, { ...pictureState(t, observed), highlight: highlightOf(health) });
    attach(svg, { mediaType: "image/svg+xml", fileName: `fabric after the failure (${healthVerdict(health).replace(/^fabric: /, "")}).svg` });
    const cause = causeOf(health);
    if (cause !== undefined) attachRaw(JSON.stringify({ type: "metadata", data: { labels: [{ name: CAUSE_LABEL, value: cause }] } }), ALLURE_MESSAGE);
  } catch (error) {
    if (!(error instanceof LabError)) throw error;
  }
}
