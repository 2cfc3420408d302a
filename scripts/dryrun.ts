/**
 * `npm run dryrun`, and the first thing `npm test` does: cucumber's dry run with a verdict, before
 * any lab exists.
 * - cucumber-js 12 never fails a dry run (undefined steps exit 0 even with strict), so this counts
 *   the steps that are not exactly matched and fails when there are any;
 * - a dry run does not run parameter transformers, so every {switch} a step names is checked
 *   against the topology here: an unknown node fails before anything is created.
 */
import { PassThrough } from "node:stream";
import { loadConfiguration, loadSupport, runCucumber, type IRunConfiguration } from "@cucumber/cucumber/api";
import type { Envelope } from "@cucumber/messages";
import { describeError } from "../lab/errors.js";
import { BLOG_TOPOLOGY, loadTopology } from "../lab/topology/load.js";
import type { Topology } from "../lab/topology/model.js";

/** Parameter types whose values must name a switch of the topology. */
const SWITCH_PARAMETERS = new Set(["switch"]);

type Support = Awaited<ReturnType<typeof loadSupport>>;

/** Dry-runs the features of `configuration` with `support`; returns every problem found (none: all good). */
export async function checkFeatures(configuration: IRunConfiguration, support: Support, topology: Topology): Promise<string[]> {
  const switches = topology.switches.map((s) => s.name);
  const nodes = [...switches, ...topology.hosts.map((h) => h.name)];
  const counts: Record<string, number> = { UNDEFINED: 0, AMBIGUOUS: 0, PENDING: 0 };
  const pickles = new Map<string, { uri: string; steps: Map<string, string> }>();
  const problems: string[] = [];
  const dryRun: IRunConfiguration = {
    ...configuration,
    runtime: { ...configuration.runtime, dryRun: true },
    formats: { stdout: "summary", files: {}, publish: false, options: {} },
  };
  // The console output says nothing a dry run needs: the verdict below does.
  const { success } = await runCucumber({ ...dryRun, support }, { stdout: new PassThrough() }, (envelope: Envelope) => {
    if (envelope.pickle) {
      pickles.set(envelope.pickle.id, { uri: envelope.pickle.uri, steps: new Map(envelope.pickle.steps.map((s) => [s.id, s.text])) });
    }
    for (const step of envelope.testCase?.testSteps ?? []) {
      const pickle = pickles.get(envelope.testCase?.pickleId ?? "");
      for (const list of step.stepMatchArgumentsLists ?? []) {
        for (const argument of list.stepMatchArguments) {
          const value = argument.group.value ?? "";
          if (argument.parameterTypeName && SWITCH_PARAMETERS.has(argument.parameterTypeName) && !switches.includes(value)) {
            const text = pickle?.steps.get(step.pickleStepId ?? "") ?? "";
            problems.push(`${pickle?.uri ?? "?"}: "${text}": Unknown switch "${value}". Nodes in topology "${topology.name}": ${nodes.join(", ")}`);
          }
        }
      }
    }
    const status = envelope.testStepFinished?.testStepResult.status;
    if (status !== undefined && status in counts) counts[status] = (counts[status] ?? 0) + 1;
  });
  const unmatched = Object.entries(counts).filter(([, n]) => n > 0);
  if (unmatched.length > 0) {
    problems.push(`${unmatched.map(([status, n]) => `${n} ${status.toLowerCase()}`).join(", ")} steps: every step needs exactly one definition`);
  }
  if (!success && problems.length === 0) problems.push("the dry run failed");
  return [...new Set(problems)];
}

async function main(): Promise<number> {
  const topology = loadTopology(process.env.FABRICSPEC_TOPOLOGY || BLOG_TOPOLOGY);
  const { runConfiguration } = await loadConfiguration({ profiles: ["default"], provided: process.argv.slice(2) });
  const problems = await checkFeatures(runConfiguration, await loadSupport(runConfiguration), topology);
  if (problems.length > 0) {
    console.error(`dryrun: the features do not fit the steps or the topology:\n  ${problems.join("\n  ")}`);
    return 1;
  }
  console.log(`dryrun: every step is defined and every switch a step names is in topology "${topology.name}"`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`dryrun: ${describeError(error)}`);
      process.exit(2);
    },
  );
}
