/**
 * The embedded lab's run directory: its one record of what it created, `state.json` (teardown,
 * even after a crash or SIGKILL, removes exactly those namespaces and processes, by name and PID),
 * and each node's own directory (its daemons' configurations, PID files, sockets and logs).
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { LabError } from "../../errors.js";
import { RUN_DIR } from "../../run-dir.js";

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
  /** cgroups the lab made (e.g. "/fabricspec/k8s-node-l1-1"), under every cgroup v1 hierarchy: removed, with what kubelet made in them, once the processes are gone. */
  readonly cgroups?: readonly string[];
  /** Empty directories the lab made outside the run directory (mount points for a sandbox's binds), deepest last: removed when still empty. */
  readonly mountPoints?: readonly string[];
}

const STATE_FILE = join(RUN_DIR, "state.json");

/** A node's own directory: its daemons' files. */
export function nodeDir(node: string): string {
  return join(RUN_DIR, node);
}

/** A directory of the whole lab (e.g. its SSH keys), recorded in `directories`. */
export function labDir(name: string): string {
  return join(RUN_DIR, name);
}

/** The lab recorded in `file`, if any. */
export function readState(file: string = STATE_FILE): LabState | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as LabState;
  } catch {
    return undefined;
  }
}

/**
 * The record, read and written in one place. What the lab creates is recorded before it exists (a
 * namespace) or as soon as it does (a process, by its PID), and forgotten once it is gone. While
 * the lab is being removed nothing is recorded (it would outlive the lab) and nothing is forgotten
 * (teardown removes it all, then the record).
 */
export class LabRecord {
  private removing = false;

  constructor(readonly file: string = STATE_FILE) {}

  read(): LabState | undefined {
    return readState(this.file);
  }

  /** Starts the record of a new lab, before anything of it exists. */
  begin(state: LabState): void {
    this.write(state);
  }

  /** Adds to the record; refuses while the lab is being removed, and when no lab is recorded. */
  record(change: (state: LabState) => LabState): void {
    this.refuseWhileRemoving("record a change");
    const current = this.read();
    if (!current) throw new LabError("no lab is recorded: bring it up first");
    this.write(change(current));
  }

  /** Takes out of the record what is gone; nothing to do while the lab is being removed or once it is. */
  forget(change: (state: LabState) => LabState): void {
    const current = this.read();
    if (current && !this.removing) this.write(change(current));
  }

  /** Refuses to start anything while the lab is being removed (it would outlive the lab). */
  refuseWhileRemoving(what: string): void {
    if (this.removing) throw new LabError(`cannot ${what}: the lab is being removed`);
  }

  /**
   * Runs the teardown of the recorded lab (none: undefined), recording nothing meanwhile; the
   * record goes last, with the lab.
   */
  async remove<T>(teardown: (state: LabState) => Promise<T>): Promise<T | undefined> {
    this.removing = true;
    try {
      const state = this.read();
      if (!state) return undefined;
      const done = await teardown(state);
      rmSync(this.file, { force: true });
      return done;
    } finally {
      this.removing = false;
    }
  }

  /** Atomic: a crash mid-write leaves the previous state, never half a file. */
  private write(state: LabState): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(state, null, 2)}\n`);
    renameSync(temp, this.file);
  }
}
