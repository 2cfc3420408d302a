/** The lab of this run, from FABRICSPEC_TOPOLOGY and FABRICSPEC_DRIVER, made once per process; and what it can do. */
import type { KubernetesAccess, LabDriver, PodNetworkMode, Support } from "../lab/drivers/driver.js";
import { labFromEnvironment } from "../lab/drivers/registry.js";

let lab: LabDriver | undefined;

export function currentLab(): LabDriver {
  lab ??= labFromEnvironment();
  return lab;
}

/** The lab's Kubernetes API, or why it has none (a driver without the capability at all says so). */
export async function kubernetesAccess(lab: LabDriver): Promise<KubernetesAccess> {
  return lab.kubernetes ? lab.kubernetes() : { ok: false, reason: `the ${lab.name} driver gives no Kubernetes API` };
}

/** Why a driver cannot deploy a pod network at all. */
export const noPodNetworks = (lab: LabDriver): string => `the ${lab.name} driver cannot deploy a pod network`;

/** Whether the lab can be brought into a pod network mode, and if not, why. */
export async function podNetworkSupport(lab: LabDriver, mode: PodNetworkMode): Promise<Support> {
  return lab.podNetworkSupport ? lab.podNetworkSupport(mode) : { ok: false, reason: noPodNetworks(lab) };
}

let podNetworkDeployed = false;

/** Notes that a step brought the lab into a pod network mode: the run takes it out again at its end. */
export function notePodNetworkDeployed(): void {
  podNetworkDeployed = true;
}

export function podNetworkWasDeployed(): boolean {
  return podNetworkDeployed;
}
