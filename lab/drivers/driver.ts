/** The LabDriver port: how a lab is checked, built, inspected, reached and removed. */
import type { Topology } from "../topology/model.js";
import type { CommandRunner } from "../transport/runner.js";

/** One prerequisite, checked before anything is created. */
export interface PreflightCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
  /** What to do when it is not ok. */
  readonly fix?: string;
}

/** A timed phase of bring-up or teardown. */
export interface Phase {
  readonly name: string;
  readonly ms: number;
  readonly detail?: string;
}

export type Progress = (message: string) => void;

export interface UpOptions {
  readonly progress?: Progress;
  /** Leave the lab running after the run (what `fabricspec lab up` asks for). */
  readonly keep?: boolean;
  /**
   * Aborted (on SIGINT or SIGTERM): bring-up stops at its next step, waits for what is in flight,
   * removes everything it created, and rejects with the signal's reason.
   */
  readonly signal?: AbortSignal;
}

export interface UpResult {
  /** True when an existing lab was reused: the caller must leave it running. */
  readonly reused: boolean;
  readonly phases: readonly Phase[];
}

export interface NodeStatus {
  readonly name: string;
  readonly kind: "switch" | "host";
  readonly up: boolean;
  readonly detail: string;
}

export interface LabStatus {
  readonly driver: string;
  /** up: built and running; down: nothing of ours exists; degraded: something is missing. */
  readonly state: "up" | "down" | "degraded";
  /** The topology of the lab that exists, when one does (it may differ from the one asked for). */
  readonly topology: string | undefined;
  readonly nodes: readonly NodeStatus[];
}

export interface LabDriver {
  readonly name: string;
  readonly topology: Topology;
  /** Every prerequisite, each with a fix-it hint when missing. Creates nothing that outlives it. */
  preflight(): Promise<PreflightCheck[]>;
  /**
   * Makes the lab ready and returns when the fabric has converged. A lab of the same topology that
   * `fabricspec lab up` left running is reused; leftovers of a crashed run are removed first.
   * `keep` marks a lab built now as one to leave running (what `fabricspec lab up` asks for).
   */
  up(options?: UpOptions): Promise<UpResult>;
  /** Removes everything the lab created (also after a crash). Idempotent. */
  down(progress?: Progress): Promise<Phase[]>;
  status(): Promise<LabStatus>;
  /** Stops a routing daemon on a switch as a crash would (SIGKILL, or the driver's equivalent). */
  stopDaemon(node: string, daemon: string): Promise<void>;
  /** Starts a stopped routing daemon again, with the lab's configuration. */
  startDaemon(node: string, daemon: string): Promise<void>;
  /** Runs commands on a node, as its own shell would (`vtysh` reaches the switch's own FRR). */
  runner(node: string): CommandRunner;
}
