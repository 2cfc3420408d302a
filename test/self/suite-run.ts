/**
 * What the self-tests that break a lab on purpose share: injecting a fault through the driver,
 * running the features in a child cucumber, reading its verdicts, and judging them against the
 * scenarios that should fail.
 */
import type { LabDriver } from "../../lab/drivers/driver.js";
import { BLOG_TOPOLOGY } from "../../lab/topology/load.js";
import { startNode } from "./machine.js";

/** Runs argv on `node` through the driver, as `fabricspec lab exec NODE -- ARGV` does; must succeed. */
export async function inject(lab: LabDriver, node: string, argv: readonly string[]): Promise<void> {
  const result = await lab.runner(node).run(argv, { timeoutMs: 15_000 });
  const output = `${result.stdout}${result.stderr}`.trim();
  // vtysh prints a rejected command ("% Unknown command", "% Invalid input") and may still exit 0.
  if (result.exitCode !== 0 || /^%/m.test(output)) {
    throw new Error(`injecting the fault failed: ${node}$ ${argv.join(" ")}: exit ${result.exitCode}\n${output}`);
  }
}

/** The features, run by cucumber in a child process with a self-test profile of cucumber.mjs. */
export async function runSuite(profile: string, messages: string, topology: string = BLOG_TOPOLOGY): Promise<{ code: number | null; output: string }> {
  // The tables are about one topology's scenarios (the blog lab's unless said): pin it, and drop a
  // tag filter a developer may have set for the acceptance run.
  const env: NodeJS.ProcessEnv = { ...process.env, FABRICSPEC_TOPOLOGY: topology, FABRICSPEC_MESSAGES: messages };
  delete env.FABRICSPEC_TAGS;
  const child = await startNode(["node_modules/@cucumber/cucumber/bin/cucumber.js", "--profile", profile], env);
  const { code } = await child.exited;
  await child.closed;
  return { code, output: child.output() };
}

export interface Verdict {
  readonly name: string;
  /** The worst status of the scenario's steps and hooks. */
  readonly status: string;
  /** The failing step's message, and the type of what it threw. */
  readonly message: string | undefined;
  readonly exceptionType: string | undefined;
}

/** cucumber-messages' step statuses, best to worst. */
const STATUS_ORDER = ["UNKNOWN", "PASSED", "SKIPPED", "PENDING", "UNDEFINED", "AMBIGUOUS", "FAILED"];

interface StepResult {
  status: string;
  message?: string;
  exception?: { type: string };
}

/**
 * One verdict per scenario that ran: pickle (scenario) <- testCase <- testCaseStarted <- step results.
 * Pickles excluded by tags have no testCase; attempts that cucumber retries are left out.
 */
export function verdicts(ndjson: string): Verdict[] {
  const pickles = new Map<string, string>();
  const testCases = new Map<string, string>();
  const started = new Map<string, string>();
  const worst = new Map<string, StepResult>();
  const result: Verdict[] = [];
  for (const line of ndjson.split("\n")) {
    if (line.trim() === "") continue;
    const envelope = JSON.parse(line) as {
      pickle?: { id: string; name: string };
      testCase?: { id: string; pickleId: string };
      testCaseStarted?: { id: string; testCaseId: string };
      testStepFinished?: { testCaseStartedId: string; testStepResult: StepResult };
      testCaseFinished?: { testCaseStartedId: string; willBeRetried: boolean };
    };
    if (envelope.pickle) pickles.set(envelope.pickle.id, envelope.pickle.name);
    if (envelope.testCase) testCases.set(envelope.testCase.id, envelope.testCase.pickleId);
    if (envelope.testCaseStarted) started.set(envelope.testCaseStarted.id, envelope.testCaseStarted.testCaseId);
    const step = envelope.testStepFinished;
    if (step) {
      const previous = worst.get(step.testCaseStartedId);
      if (!previous || STATUS_ORDER.indexOf(step.testStepResult.status) > STATUS_ORDER.indexOf(previous.status)) {
        worst.set(step.testCaseStartedId, step.testStepResult);
      }
    }
    const finished = envelope.testCaseFinished;
    if (finished && !finished.willBeRetried) {
      const pickleId = testCases.get(started.get(finished.testCaseStartedId) ?? "") ?? "";
      const step = worst.get(finished.testCaseStartedId) ?? { status: "UNKNOWN" };
      result.push({ name: pickles.get(pickleId) ?? `(pickle ${pickleId})`, status: step.status, message: step.message, exceptionType: step.exception?.type });
    }
  }
  return result;
}

/** Scenario ids (B1, P3, ...) by scenario name. */
export function idsByName(scenarios: Readonly<Record<string, string>>): Map<string, string> {
  return new Map(Object.entries(scenarios).map(([id, name]) => [name, id]));
}

/**
 * What is wrong with a run's verdicts; empty when the suite judged the fault exactly right: every
 * scenario ran once, those in `fails` failed with an AssertionError (a wrong network, not a broken
 * lab) whose message has each fragment, all others passed, and cucumber's exit code agrees.
 */
export function judgeVerdicts(
  scenarios: Readonly<Record<string, string>>,
  fails: Readonly<Partial<Record<string, ReadonlyArray<string | RegExp>>>>,
  ran: readonly Verdict[],
  exitCode: number | null,
): string[] {
  const problems: string[] = [];
  const idOf = idsByName(scenarios);
  const expected = new Set<string>(Object.keys(fails));
  for (const name of Object.values(scenarios)) {
    const count = ran.filter((v) => v.name === name).length;
    if (count !== 1) problems.push(`scenario "${name}" ran ${count} times (expected once)`);
  }
  for (const v of ran) {
    const id = idOf.get(v.name) ?? v.name;
    const firstLine = (v.message ?? "").split("\n")[0];
    if (expected.has(id)) {
      if (v.status !== "FAILED") {
        problems.push(`${id} "${v.name}" is ${v.status} (expected FAILED)`);
        continue;
      }
      if (!v.message?.startsWith("AssertionError") || v.exceptionType !== "AssertionError") {
        problems.push(`${id} failed with ${v.exceptionType ?? "an error"}, not an AssertionError (a broken lab, not a wrong network): ${firstLine}`);
      }
      for (const fragment of fails[id] ?? []) {
        const found = typeof fragment === "string" ? v.message?.includes(fragment) : fragment.test(v.message ?? "");
        if (!found) problems.push(`${id}'s failure does not say ${String(fragment)}; it says: ${v.message}`);
      }
    } else if (v.status !== "PASSED") {
      problems.push(`${id} "${v.name}" is ${v.status} (expected PASSED): ${firstLine}`);
    }
  }
  if ((exitCode === 0) !== (expected.size === 0)) problems.push(`cucumber exited ${exitCode} (expected ${expected.size ? "1" : "0"})`);
  return problems;
}
