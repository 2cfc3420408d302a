/**
 * The blog's order, made explicit: part 2 (no pod network) before parts 3 and 4 (Calico). Every
 * scenario runs in the pod network mode it states: a Calico scenario brings the lab into its mode
 * in its Background, and every other scenario gets the lab with no pod network, whatever ran
 * before it. Scenarios that need something this lab lacks (a Kubernetes API, the kernel's ipip
 * module) are skipped with the reason, in the console, the messages and the Allure report.
 */
import { After, AfterAll, Before, Status, type ITestCaseHookParameter } from "@cucumber/cucumber";
import type { PodNetworkMode } from "../lab/drivers/driver.js";
import { ALLURE_MESSAGE } from "./allure.js";
import { currentLab, kubernetesAccess, podNetworkSupport, podNetworkWasDeployed } from "./lab.js";
import type { FabricWorld } from "./world.js";

/** Why scenarios were skipped, with how many: said once each at the end of the run. */
const skipped = new Map<string, number>();

/** Skips the scenario and says why: a text attachment, and in Allure the set-up step's name and the test's description. */
function skip(world: FabricWorld, reason: string): "skipped" {
  world.attach(`Skipped: ${reason}`, "text/plain");
  world.attach(JSON.stringify([{ type: "metadata", data: { displayName: `Skipped: ${reason}`, description: `Skipped: ${reason}` } }]), ALLURE_MESSAGE);
  skipped.set(reason, (skipped.get(reason) ?? 0) + 1);
  return "skipped";
}

// The first asks may start the lab's control plane (the netns lab's: up to its budgets, api_server_ready and control_plane_leases).
Before({ tags: "@kubernetes", name: "the lab has a Kubernetes API", timeout: 240_000 }, async function (this: FabricWorld) {
  const access = await kubernetesAccess(this.lab);
  if (!access.ok) return skip(this, access.reason);
  return undefined;
});

Before({ tags: "@kubelet", name: "the lab runs a kubelet on every node" }, async function (this: FabricWorld) {
  const access = await kubernetesAccess(this.lab);
  if (access.ok && access.kubelets && !access.kubelets.ok) return skip(this, access.kubelets.reason);
  return undefined;
});

Before({ tags: "@calico-pods", name: "Calico runs as pods on the cluster" }, async function (this: FabricWorld) {
  const access = await kubernetesAccess(this.lab);
  if (access.ok && access.calicoPods && !access.calicoPods.ok) return skip(this, access.calicoPods.reason);
  return undefined;
});

Before({ tags: "@calico", name: "the lab can run this Calico mode" }, async function (this: FabricWorld, { pickle }: ITestCaseHookParameter) {
  const mode: PodNetworkMode = pickle.tags.some((t) => t.name === "@overlay") ? "overlay" : "peering";
  const support = await podNetworkSupport(this.lab, mode);
  if (!support.ok) return skip(this, support.reason);
  return undefined;
});

/**
 * Part 2's state: no pod network. Cheap when the lab is in it already (most scenarios); no step
 * timeout of cucumber's, as for deploying one (steps/calico.steps.ts): 192 nodes take a minute.
 */
Before({ tags: "not @calico", name: "no pod network", timeout: -1 }, async function (this: FabricWorld) {
  if (this.lab.podNetwork) await this.lab.podNetwork("none");
});

/** The probe pods go while the pod network that wired them is still there (features/kubernetes/pods.feature). */
After({ tags: "@pods", name: "the probe pods are deleted", timeout: -1 }, async function (this: FabricWorld, { result }: ITestCaseHookParameter) {
  if (result?.status !== Status.SKIPPED) await this.kubernetes.deleteProbePods();
});

/** A lab left running by `fabricspec lab up` is left as it was found: with no pod network. */
AfterAll({ timeout: -1 }, async function () {
  for (const [reason, count] of skipped) process.stderr.write(`fabricspec: ${count} scenario${count === 1 ? "" : "s"} skipped: ${reason}\n`);
  const lab = currentLab();
  if (podNetworkWasDeployed() && lab.podNetwork) await lab.podNetwork("none");
});
