/** Turning judged findings into one failed assertion that lists them all. */
import { AssertionError } from "chai";

/**
 * Fails the step (an AssertionError: a *failed* scenario) with every finding, one per line. The
 * findings say all there is to say, so the stack trace is left out of what the console prints.
 */
export function expectNoFindings(findings: readonly string[]): void {
  if (findings.length === 0) return;
  const error = new AssertionError(findings.join("\n"));
  error.stack = `AssertionError: ${error.message}`;
  throw error;
}
