/** What `npm run bench` measures, as written to reports/bench.json, and the numbers behind its table. */
import type { Phase } from "../drivers/driver.js";

export interface Stats {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export function stats(values: readonly number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return { median, min: sorted[0] ?? 0, max: sorted[sorted.length - 1] ?? 0 };
}

/** Memory of one lab's switches, each switch the sum of its daemons (lab/bench/memory.ts). */
export interface SwitchMemory {
  /** PSS per switch in MiB (undefined where the kernel does not account PSS). */
  readonly pssMiB: Stats | undefined;
  readonly rssMiB: Stats;
  /** Mean PSS (or RSS without PSS) per daemon, MiB: where a switch's memory goes. */
  readonly perDaemonMiB: Readonly<Record<string, number>>;
  readonly daemonsPerSwitch: number;
}

/** One bring-up and teardown of one fabric. */
export interface FabricRun {
  /** Wall time of the bring-up inside this process: preflight to converged. */
  readonly upMs: number;
  readonly phases: readonly Phase[];
  readonly downMs: number;
  readonly downPhases: readonly Phase[];
  /** Daemons teardown had to SIGKILL (0: every one stopped on SIGTERM). */
  readonly killed: number;
}

/** One point of the scale curve: a fabric, its runs, and its memory while up. */
export interface FabricResult {
  readonly name: string;
  readonly spines: number;
  readonly leaves: number;
  readonly hosts: number;
  readonly switches: number;
  readonly runs: readonly FabricRun[];
  readonly memory: SwitchMemory | undefined;
}

/** `npx fabricspec lab up` against the plain shell bring-up, pair by pair. */
export interface ReferenceResult {
  readonly script: string;
  readonly pairs: readonly { readonly labUpMs: number; readonly labDownMs: number; readonly referenceMs: number; readonly referenceWallMs: number; readonly ratio: number }[];
  readonly ratio: Stats;
}

export interface BenchResult {
  readonly at: string;
  readonly machine: { readonly cores: number; readonly cpu: string; readonly memoryGiB: number; readonly loadAverage: { readonly start: readonly number[]; readonly end: readonly number[] } };
  readonly driver: string;
  readonly fabrics: readonly FabricResult[];
  readonly acceptance: { readonly topology: string; readonly ms: number; readonly exitCode: number } | undefined;
  readonly reference: ReferenceResult | { readonly skipped: string } | undefined;
}

/** A run's number for one phase (0 when it has no phase of that name). */
export const phaseMs = (run: FabricRun, name: string) => run.phases.find((p) => p.name === name)?.ms ?? 0;

/** Every phase name of a fabric's runs, in bring-up order. */
export function phaseNames(runs: readonly FabricRun[]): string[] {
  return [...new Set(runs.flatMap((r) => r.phases.map((p) => p.name)))];
}

/** The medians of a fabric's runs: bring-up, each phase, teardown. */
export function medians(result: FabricResult): { up: number; down: number; killed: number; phases: Record<string, number> } {
  const phases = Object.fromEntries(phaseNames(result.runs).map((name) => [name, stats(result.runs.map((r) => phaseMs(r, name))).median]));
  return {
    up: stats(result.runs.map((r) => r.upMs)).median,
    down: stats(result.runs.map((r) => r.downMs)).median,
    killed: Math.max(0, ...result.runs.map((r) => r.killed)),
    phases,
  };
}
