/**
 * Runs a provisioning plan (./plan.ts) on one machine through its CommandRunner: each step's
 * checks first (all pass: the step is unchanged and nothing runs), else its commands in order.
 * Every check and command is kept, with its output, as the evidence of what provisioning did; a
 * failure stops the machine at that step, runs the step's cleanup, and names machine, step and fix.
 */
import { CommandError } from "../errors.js";
import type { CommandResult, CommandRunner } from "../transport/runner.js";
import { formatCommand } from "../transport/runner.js";
import type { MachinePlan, PlannedCheck, PlannedCommand, ProvisionStep } from "./plan.js";

export interface StepOutcome {
  readonly step: string;
  readonly outcome: "changed" | "unchanged";
  /** The checks and commands run, in order, with their output. */
  readonly results: readonly CommandResult[];
}

export interface MachineReport {
  readonly machine: string;
  readonly steps: readonly StepOutcome[];
  /** How many steps changed something (0: the machine was already provisioned). */
  readonly changed: number;
}

/** A provisioning step failed on a machine: the message names both, the hint is the step's fix. */
export class ProvisionError extends CommandError {
  constructor(
    readonly machine: string,
    readonly step: string,
    message: string,
    fix: string,
    /** What ran on the machine up to the failure, the failing command last. */
    readonly results: readonly CommandResult[],
  ) {
    super(`${machine}: provisioning step "${step}" failed: ${message}`, { hint: fix });
  }
}

const TIMEOUT_MS = 120_000;

function passes(check: PlannedCheck, result: CommandResult): boolean {
  return result.exitCode === 0 && (check.stdoutIncludes ?? []).every((s) => result.stdout.includes(s));
}

function run(runner: CommandRunner, c: PlannedCheck | PlannedCommand): Promise<CommandResult> {
  return runner.run(c.argv, { timeoutMs: TIMEOUT_MS, ...(c.input === undefined ? {} : { input: c.input }) });
}

/** Provisions one machine; `observe` receives every result as it comes (reports attach them). */
export async function provisionMachine(runner: CommandRunner, plan: MachinePlan, observe?: (step: string, result: CommandResult) => void): Promise<MachineReport> {
  const steps: StepOutcome[] = [];
  let changedSoFar = false;
  for (const step of plan.steps) {
    const outcome = await runStep(runner, plan.machine, step, changedSoFar, observe);
    steps.push(outcome);
    changedSoFar ||= outcome.outcome === "changed";
  }
  return { machine: plan.machine, steps, changed: steps.filter((s) => s.outcome === "changed").length };
}

async function runStep(runner: CommandRunner, machine: string, step: ProvisionStep, changedSoFar: boolean, observe?: (step: string, result: CommandResult) => void): Promise<StepOutcome> {
  const results: CommandResult[] = [];
  const keep = (r: CommandResult): CommandResult => {
    results.push(r);
    observe?.(step.name, r);
    return r;
  };
  let inPlace = true;
  for (const check of step.checks) {
    if (!passes(check, keep(await run(runner, check)))) {
      inPlace = false;
      break;
    }
  }
  if (inPlace && step.checks.length > 0 && !(step.rerunAfterChange && changedSoFar)) return { step: step.name, outcome: "unchanged", results };
  for (const command of step.commands) {
    const result = keep(await run(runner, command));
    if ((command.okExitCodes ?? [0]).includes(result.exitCode)) continue;
    for (const c of step.cleanup ?? []) keep(await run(runner, c));
    const said = (result.stderr.trim() || result.stdout.trim() || "no output").split("\n").slice(0, 5).join("; ");
    const how = result.exitCode === 124 ? "timed out" : `exited ${result.exitCode}`;
    throw new ProvisionError(machine, step.name, `\`${formatCommand(command.argv)}\` ${how}: ${said}`, command.fix ?? step.fix, results);
  }
  return { step: step.name, outcome: "changed", results };
}

/** One line per machine: what changed, or that nothing did. */
export function describeReport(report: MachineReport): string {
  if (report.changed === 0) return `${report.machine}: already provisioned, nothing changed (${report.steps.length} steps in place)`;
  const changed = report.steps.filter((s) => s.outcome === "changed").map((s) => s.step);
  return `${report.machine}: ${changed.length} of ${report.steps.length} steps changed (${changed.join(", ")})`;
}
