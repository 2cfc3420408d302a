/** What Calico on the Vagrant lab needs of the driver: the machines, kubectl, the budgets of its waits. */
import { LabError } from "../../../errors.js";
import type { Budget } from "../../../expect/budgets.js";
import type { Topology } from "../../../topology/model.js";
import type { CommandRunner } from "../../../transport/runner.js";

export interface VagrantPodNetworkBudgets {
  readonly calicoNodeReady: Budget;
  readonly testPodsRunning: Budget;
  readonly podNetworkRemoved: Budget;
  readonly routeWithdrawn: Budget;
}

export interface VagrantCalicoLab {
  readonly topology: Topology;
  /** A machine's SSH runner (`sudo` on every command). */
  runner(node: string): CommandRunner;
  /** kubectl on the control plane, with the cluster's kubeconfig. */
  kubectl(): CommandRunner;
  /** The cluster's kubeconfig on the control plane (calicoctl reads it too). */
  readonly kubeconfig: string;
  readonly budgets: VagrantPodNetworkBudgets;
}

/** The control-plane host, where kubectl and calicoctl run. */
export function controlPlane(t: Topology): string {
  const cp = t.hosts.find((h) => h.role === "control-plane");
  if (!cp) throw new LabError(`topology "${t.name}" has no control-plane host`);
  return cp.name;
}
