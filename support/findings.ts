/** Turning judged findings into one failed assertion that lists them all. */
import { assert } from "chai";

/** Fails the step (an AssertionError: a *failed* scenario) with every finding, one per line. */
export function expectNoFindings(findings: readonly string[]): void {
  if (findings.length > 0) assert.fail(findings.join("\n"));
}
