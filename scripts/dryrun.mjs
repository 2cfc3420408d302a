#!/usr/bin/env node
/**
 * `npm run dryrun`: cucumber's dry run (profile `dryrun` in cucumber.mjs) with a verdict.
 * cucumber-js 12 never fails a dry run (undefined steps exit 0 even with strict), so this
 * counts the steps that are not exactly matched and exits 1 when there are any.
 */
import { loadConfiguration, runCucumber } from "@cucumber/cucumber/api";

const counts = { UNDEFINED: 0, AMBIGUOUS: 0, PENDING: 0 };
const { runConfiguration } = await loadConfiguration({ profiles: ["dryrun"] });
const { success } = await runCucumber(runConfiguration, undefined, (envelope) => {
  const status = envelope.testStepFinished?.testStepResult.status;
  if (status !== undefined && status in counts) counts[status] += 1;
});
const problems = Object.entries(counts).filter(([, n]) => n > 0);
if (problems.length > 0 || !success) {
  const list = problems.map(([status, n]) => `${n} ${status.toLowerCase()}`).join(", ");
  console.error(`dryrun: ${list || "the run failed"}: every step needs exactly one definition`);
  process.exit(1);
}
