/**
 * The provisioner: every switch of a topology made from a bare machine with FRR installed, each
 * over its own CommandRunner (SSH), a few at a time; the machines that failed are all named.
 */
import { settleBounded } from "../bounded.js";
import { LabError } from "../errors.js";
import type { Topology } from "../topology/model.js";
import type { CommandResult, CommandRunner } from "../transport/runner.js";
import { describeReport, provisionMachine, ProvisionError, type MachineReport } from "./execute.js";
import { formatProvisionLog, type ProvisionLog } from "./evidence.js";
import { planSwitch, type MachinePlan } from "./plan.js";
import type { FrrTarget } from "./target.js";

export { ProvisionError, describeReport, type MachineReport, type ProvisionLog };

/** Every switch's plan, in topology order. */
export function planFabric(t: Topology, target: FrrTarget): MachinePlan[] {
  return t.switches.map((sw) => planSwitch(t, sw, target));
}

export interface ProvisionOptions {
  readonly progress?: (message: string) => void;
  /** Every check and command with its result, per machine and step (the run's evidence). */
  readonly observe?: (machine: string, step: string, result: CommandResult) => void;
  /** Each machine's log (./evidence.ts) once it is done or has failed: what a driver keeps for the report. */
  readonly log?: (log: ProvisionLog) => void;
}

/** Provisions every switch; a single failure is rethrown as it is, several are one LabError naming each. */
export async function provisionFabric(t: Topology, runnerOf: (node: string) => CommandRunner, target: FrrTarget, options: ProvisionOptions = {}): Promise<MachineReport[]> {
  const reports: MachineReport[] = [];
  const failures: unknown[] = [];
  await settleBounded(planFabric(t, target), async (plan) => {
    try {
      const report = await provisionMachine(runnerOf(plan.machine), plan, (step, r) => options.observe?.(plan.machine, step, r));
      reports.push(report);
      options.log?.({ machine: plan.machine, text: formatProvisionLog(plan, report) });
      options.progress?.(describeReport(report));
    } catch (error) {
      failures.push(error);
      // A transport that failed (no ProvisionError) leaves no steps to show, only what it said.
      const text = error instanceof ProvisionError ? formatProvisionLog(plan, error) : `${plan.machine}: provisioning failed: ${error instanceof Error ? error.message : String(error)}\n`;
      options.log?.({ machine: plan.machine, text });
    }
  });
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) {
    const lines = failures.map((e) => (e instanceof ProvisionError ? `  ${e.message}; fix: ${e.hint ?? ""}` : `  ${String(e)}`));
    throw new LabError(`provisioning failed on ${failures.length} switches:\n${lines.join("\n")}`);
  }
  return t.switches.map((sw) => reports.find((r) => r.machine === sw.name)).filter((r): r is MachineReport => r !== undefined);
}
