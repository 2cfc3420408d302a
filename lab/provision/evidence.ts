/**
 * The provisioner's evidence of one machine as a person reads it: a first line saying what changed
 * (or where it failed, and the fix), then every step in order with each check and command it ran,
 * its exit status, duration and output, and the files it wrote with their content. Drivers keep it
 * per machine (`provision.log`); the run's report attaches it (support/provisioning.ts).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { formatCommand } from "../transport/runner.js";
import { describeReport, ProvisionError, type MachineReport, type Ran, type StepOutcome } from "./execute.js";
import type { MachinePlan } from "./plan.js";

/** One machine's provisioning log, as a driver keeps it. */
export interface ProvisionLog {
  readonly machine: string;
  readonly text: string;
}

const INDENT = "        | ";

function outputLines(text: string): string[] {
  const trimmed = text.trimEnd();
  return trimmed === "" ? [] : trimmed.split("\n").map((l) => `${INDENT}${l}`);
}

function ranLines(r: Ran): string[] {
  const { result } = r;
  const input = r.stdinBytes === undefined ? "" : ` < ${r.stdinBytes} bytes on stdin`;
  const verdict = r.as === "check" ? (r.inPlace ? ": in place" : ": not in place") : "";
  const label = r.as === "check" ? "check  " : r.as === "cleanup" ? "cleanup" : "run    ";
  return [
    `   ${label} $ ${formatCommand(result.command)}${input}  (exit ${result.exitCode}, ${result.durationMs} ms)${verdict}`,
    ...outputLines(result.stdout),
    ...outputLines(result.stderr),
  ];
}

function stepLines(plan: MachinePlan, n: number, outcome: StepOutcome | undefined): string[] {
  const step = plan.steps[n];
  if (step === undefined) return [];
  if (outcome === undefined) return [`${n + 1}. ${step.name}: not run`];
  const out = [`${n + 1}. ${step.name}: ${outcome.outcome}`, ...outcome.ran.flatMap(ranLines)];
  // What a changed step wrote; an unchanged one's files already held this (its check compared them).
  if (outcome.outcome !== "unchanged") for (const f of step.files ?? []) out.push(`   file ${f.path}:`, ...outputLines(f.content));
  return out;
}

/** The log of a machine the provisioner finished (`report`) or stopped on (`failure`). */
export function formatProvisionLog(plan: MachinePlan, outcome: MachineReport | ProvisionError): string {
  const failed = outcome instanceof ProvisionError;
  const steps = outcome.steps;
  const head = failed ? `${outcome.message}; fix: ${outcome.hint ?? ""}` : describeReport(outcome);
  const lines = [
    head,
    `(FRR ${plan.frr}${plan.release === undefined ? "" : `, release ${plan.release}`}; each check and command the provisioner ran, in order: exit status, duration, output)`,
    "",
    ...plan.steps.flatMap((_, n) => stepLines(plan, n, steps[n])),
  ];
  if (failed) lines.push("", `stopped at step "${steps.at(-1)?.step ?? "?"}": the steps after it were not run`);
  return `${lines.join("\n")}\n`;
}

/** Keeps a machine's log in `file` (its directory made), replacing the log of an earlier bring-up. */
export function keepProvisionLog(file: string, log: ProvisionLog): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, log.text);
}

/** The logs kept for `machines`, in their order; a machine without one (never provisioned) is left out. */
export function readProvisionLogs(machines: readonly string[], fileOf: (machine: string) => string): ProvisionLog[] {
  return machines.filter((m) => existsSync(fileOf(m))).map((machine) => ({ machine, text: readFileSync(fileOf(machine), "utf8") }));
}
