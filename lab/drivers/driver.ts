/** The LabDriver port: how a lab is checked, built, inspected, reached and removed. */
import type { KernelRoutesOf } from "../fabric/routes-of.js";
import type { OverlayEncapsulation, PodNetworkMode } from "../calico/modes.js";
import type { ProbeImage } from "../kubernetes/probe-pods.js";
import { UnknownNodeError } from "../errors.js";
import { nodeNames, type Topology } from "../topology/model.js";
import type { ProvisionLog } from "../provision/evidence.js";
import type { LabPlan } from "../provision/plan.js";
import type { CommandRunner } from "../transport/runner.js";

export type { LabPlan, ProvisionLog };

/** One prerequisite, checked before anything is created. */
export interface PreflightCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
  /** What to do when it is not ok. */
  readonly fix?: string;
  /** What is ok enough to go on with but should be fixed (a noisy or slow login), each with its fix. */
  readonly warnings?: readonly PreflightWarning[];
}

/** Said in preflight, but no reason to stop: the run goes on. */
export interface PreflightWarning {
  readonly detail: string;
  readonly fix: string;
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
  /** What `up` would do, per machine and in order, computed without running anything (`fabricspec lab plan`). */
  plan(): LabPlan;
  /** Runs commands on a node, as its own shell would (`vtysh` reaches the switch's own FRR). */
  runner(node: string): CommandRunner;
  /** Every switch's kernel routes at once, where the driver can read them cheaper than one probe a switch. */
  readonly kernelRoutesOf?: KernelRoutesOf;
  /**
   * What the provisioner (lab/provision/) did to each switch in the bring-up that built this lab,
   * in topology order, as the driver kept it; none when its switches were not provisioned.
   */
  provisionLogs?(): ProvisionLog[];
  /** Releases what this process holds open to reach the lab (SSH connections); the lab stays as it is. Idempotent. */
  close?(): Promise<void>;
  // Capabilities some labs have: absent when a driver cannot provide them at all; scenarios that
  // need one are skipped, with the reason, instead of failing.
  /** Whether the lab can be brought into a pod network mode here, and if not, why. */
  podNetworkSupport?(mode: PodNetworkMode): Promise<Support>;
  /** Brings the lab into a pod network mode; cheap when it is in that mode already. */
  podNetwork?(mode: PodNetworkMode, progress?: Progress): Promise<PodNetwork>;
  /** The lab's Kubernetes API, or why it has none. */
  kubernetes?(): Promise<KubernetesAccess>;
}

/** A capability of a lab, or the reason it lacks it. */
export type Support = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export type { PodNetworkMode };

/** A pod the lab runs to test the pod network. */
export interface Pod {
  readonly name: string;
  /** The Kubernetes node it runs on. */
  readonly node: string;
  readonly address: string;
}

export interface PodNetwork {
  readonly mode: PodNetworkMode;
  /** How the overlay carries pod traffic (none: peering, or no pod network). */
  readonly encapsulation: "none" | OverlayEncapsulation;
  /** The test pods, one per Kubernetes node (none in mode "none"). */
  readonly pods: readonly Pod[];
  /**
   * What was still wrong when bringing the lab into this mode stopped waiting (empty: converged).
   * A pod network the fabric keeps from converging is the network's finding, judged by the
   * scenarios as failed; only a lab that cannot build the mode throws (broken).
   */
  readonly findings: readonly string[];
  /** Runs commands inside a pod, as `kubectl exec` does. */
  podRunner(pod: string): CommandRunner;
}

/** kubectl against the lab's cluster (runner node "kubectl"), or the reason there is none. */
export type KubernetesAccess =
  | {
      readonly ok: true;
      readonly kubectl: CommandRunner;
      /** Whether a kubelet runs on every node of the topology, and if not, why (absent: it does, as on any real cluster). */
      readonly kubelets?: Support;
      /** Whether Calico runs as pods on the cluster (calico-node, its CNI plugin), and if not, why (absent: it can). */
      readonly calicoPods?: Support;
      /** The image probe pods run (absent: BusyBox's public image, pulled by the nodes). */
      readonly probeImage?: ProbeImage;
    }
  | { readonly ok: false; readonly reason: string };

// What every driver says the same way.

/** Failed checks, one indented line each with its fix: why a lab cannot start. */
export function describeFailedChecks(checks: readonly PreflightCheck[]): string {
  return checks.map((c) => `  ${c.name}: ${c.detail}${c.fix ? `; fix: ${c.fix}` : ""}`).join("\n");
}

/**
 * Times the phases of a bring-up or teardown into `phases`, each said through `progress` as it
 * ends; a phase does not start once `signal` is aborted.
 */
export function phaseTimer(phases: Phase[], progress: Progress, signal?: AbortSignal) {
  return async <T>(name: string, work: () => Promise<T>, detail?: string): Promise<T> => {
    signal?.throwIfAborted();
    const started = performance.now();
    const value = await work();
    const ms = Math.round(performance.now() - started);
    phases.push({ name, ms, ...(detail === undefined ? {} : { detail }) });
    progress(detail === undefined ? `${name} (${ms} ms)` : `${name}: ${detail} (${ms} ms)`);
    return value;
  };
}

/** A name that is not a node of the topology, with those that are. */
export function unknownNode(t: Topology, node: string): UnknownNodeError {
  return new UnknownNodeError(`unknown node "${node}". Nodes in topology "${t.name}": ${nodeNames(t).join(", ")}`);
}

/** A name that is not a switch of the topology, with those that are. */
export function unknownSwitch(t: Topology, node: string): UnknownNodeError {
  return new UnknownNodeError(`unknown switch "${node}". Switches: ${t.switches.map((s) => s.name).join(", ")}`);
}
