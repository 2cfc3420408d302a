/**
 * What the embedded lab created, recorded before it is created: teardown (even after a crash or
 * SIGKILL) removes exactly these namespaces and processes, by name and PID.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Where the lab keeps its state, configs, sockets and logs (tmpfs: gone at reboot, like the namespaces). */
export const RUN_DIR = process.env.FABRICSPEC_RUN_DIR ?? "/run/fabricspec";

export interface LabProcess {
  readonly node: string;
  readonly daemon: string;
  readonly pid: number;
  /** The binary it runs: a recorded PID is signalled only while its command line starts with this. */
  readonly command: string;
  /**
   * The PID it was started as, before it daemonized: FRR names its crash-log directory
   * (/var/tmp/frr/<daemon>.<pid>) after it, and leaves it behind when killed.
   */
  readonly startPid?: number;
}

export interface LabState {
  readonly topology: string;
  /** Identifies the topology's content: a lab is reused only for the same content. */
  readonly fingerprint: string;
  readonly namespaces: readonly string[];
  readonly processes: readonly LabProcess[];
  /** building until the fabric has converged. */
  readonly phase: "building" | "up";
  /** True when started by `fabricspec lab up`: a test run reuses it and leaves it running. */
  readonly keep: boolean;
  /** The process that built it. */
  readonly ownerPid: number;
  readonly createdAt: string;
  /** Lab-wide directories under the run directory that addons made (e.g. "ssh"); removed with the lab. */
  readonly directories?: readonly string[];
}

const stateFile = () => join(RUN_DIR, "state.json");

export function readState(): LabState | undefined {
  try {
    return JSON.parse(readFileSync(stateFile(), "utf8")) as LabState;
  } catch {
    return undefined;
  }
}

/** Atomic: a crash mid-write leaves the previous state, never half a file. */
export function writeState(state: LabState): void {
  mkdirSync(RUN_DIR, { recursive: true });
  const temp = `${stateFile()}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temp, stateFile());
}

export function clearState(): void {
  rmSync(stateFile(), { force: true });
}
