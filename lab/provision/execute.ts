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

/** One check or command a step ran, with its result. */
export interface Ran {
  /** check: tells whether the step is in place; command: makes it so; cleanup: undoes a failed step. */
  readonly as: "check" | "command" | "cleanup";
  readonly result: CommandResult;
  /** A check: whether it found the step in place. */
  readonly inPlace?: boolean;
  /** How many bytes went to its standard input (a file's content), when any did. */
  readonly stdinBytes?: number;
}

export interface StepOutcome {
  readonly step: string;
  readonly outcome: "changed" | "unchanged" | "failed";
  /** The checks and commands run, in order, with their output. */
  readonly results: readonly CommandResult[];
  /** The same, each with what it was for. */
  readonly ran: readonly Ran[];
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
    /** What the failed step ran, the failing command last (cleanup is in `steps`). */
    readonly results: readonly CommandResult[],
    /** Every step run on the machine, the failed one last: the evidence of what was done. */
    readonly steps: readonly StepOutcome[] = [],
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

const stdin = (c: PlannedCheck | PlannedCommand): { stdinBytes?: number } => (c.input === undefined ? {} : { stdinBytes: Buffer.byteLength(c.input) });

/** Provisions one machine; `observe` receives every result as it comes (reports attach them). */
export async function provisionMachine(runner: CommandRunner, plan: MachinePlan, observe?: (step: string, result: CommandResult) => void): Promise<MachineReport> {
  const steps: StepOutcome[] = [];
  let changedSoFar = false;
  for (const step of plan.steps) {
    const outcome = await runStep(runner, plan.machine, step, changedSoFar, steps, observe);
    steps.push(outcome);
    changedSoFar ||= outcome.outcome === "changed";
  }
  return { machine: plan.machine, steps, changed: steps.filter((s) => s.outcome === "changed").length };
}

async function runStep(runner: CommandRunner, machine: string, step: ProvisionStep, changedSoFar: boolean, before: readonly StepOutcome[], observe?: (step: string, result: CommandResult) => void): Promise<StepOutcome> {
  const ran: Ran[] = [];
  const keep = (r: Ran): CommandResult => {
    ran.push(r);
    observe?.(step.name, r.result);
    return r.result;
  };
  const outcome = (o: StepOutcome["outcome"]): StepOutcome => ({ step: step.name, outcome: o, results: ran.map((r) => r.result), ran });
  let inPlace = true;
  for (const check of step.checks) {
    const result = await run(runner, check);
    const ok = passes(check, result);
    keep({ as: "check", result, inPlace: ok, ...stdin(check) });
    if (!ok) {
      inPlace = false;
      break;
    }
  }
  if (inPlace && step.checks.length > 0 && !(step.rerunAfterChange && changedSoFar)) return outcome("unchanged");
  for (const command of step.commands) {
    const result = keep({ as: "command", result: await run(runner, command), ...stdin(command) });
    if ((command.okExitCodes ?? [0]).includes(result.exitCode)) continue;
    const failing = ran.map((r) => r.result);
    for (const c of step.cleanup ?? []) keep({ as: "cleanup", result: await run(runner, c), ...stdin(c) });
    const said = (result.stderr.trim() || result.stdout.trim() || "no output").split("\n").slice(0, 5).join("; ");
    const how = result.exitCode === 124 ? "timed out" : `exited ${result.exitCode}`;
    throw new ProvisionError(machine, step.name, `\`${formatCommand(command.argv)}\` ${how}: ${said}`, command.fix ?? step.fix, failing, [...before, outcome("failed")]);
  }
  return outcome("changed");
}

/** One line per machine: what changed, or that nothing did. */
export function describeReport(report: MachineReport): string {
  if (report.changed === 0) return `${report.machine}: already provisioned, nothing changed (${report.steps.length} steps in place)`;
  const changed = report.steps.filter((s) => s.outcome === "changed").map((s) => s.step);
  return `${report.machine}: ${changed.length} of ${report.steps.length} steps changed (${changed.join(", ")})`;
}
