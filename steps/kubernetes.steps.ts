import { Then, When, type DataTable } from "@cucumber/cucumber";
import {
  apiEndpointFindings,
  calicoBirdFindings,
  calicoNodeFindings,
  internalIpFindings,
  leaseFindings,
  notReadyFindings,
  readinessFindings,
  readyFindings,
  registrationFindings,
} from "../lab/kubernetes/judge.js";
import { probeAddressFindings } from "../lab/kubernetes/probe-pods.js";
import { expectNoFindings } from "../support/findings.js";
import type { FabricWorld } from "../support/world.js";

Then("every Kubernetes node of the topology has joined the cluster with its fabric address", async function (this: FabricWorld) {
  expectNoFindings(registrationFindings(this.topology, await this.kubernetes.nodes()));
});

Then("the cluster's nodes have these INTERNAL-IPs:", async function (this: FabricWorld, table: DataTable) {
  const stated = Object.fromEntries(table.hashes().map((row) => [row.node ?? "", row["INTERNAL-IP"] ?? ""]));
  expectNoFindings(internalIpFindings(stated, await this.kubernetes.nodes()));
});

Then("every Kubernetes node is NotReady, waiting for a network plugin", async function (this: FabricWorld) {
  expectNoFindings(notReadyFindings(this.topology, await this.kubernetes.nodes()));
});

Then("every Kubernetes node is Ready", async function (this: FabricWorld) {
  expectNoFindings(readyFindings(this.topology, await this.kubernetes.nodes()));
});

Then("calico-node runs on every Kubernetes node, ready", async function (this: FabricWorld) {
  expectNoFindings(calicoNodeFindings(this.topology, await this.kubernetes.calicoNodePods()));
});

Then("Calico's BIRD on every Kubernetes node has one session, with its leaf, Established", async function (this: FabricWorld) {
  expectNoFindings(calicoBirdFindings(this.topology, await this.kubernetes.calicoNodeBirds()));
});

Then("the Kubernetes API server is ready, etcd included", async function (this: FabricWorld) {
  expectNoFindings(readinessFindings(await this.kubernetes.readinessChecks()));
});

Then("the API server advertises the control-plane host's fabric address", async function (this: FabricWorld) {
  expectNoFindings(apiEndpointFindings(this.topology, await this.kubernetes.apiEndpoints()));
});

Then("the controller manager and the scheduler each hold their leader lease", async function (this: FabricWorld) {
  const { leases, readAt } = await this.kubernetes.controlPlaneLeases();
  expectNoFindings(leaseFindings(leases, readAt));
});

// No step timeout of cucumber's: the waits are bounded by the budgets (test_pods_running: a
// cluster's nodes may pull the image first).
When("a probe pod runs on every Kubernetes node", { timeout: -1 }, async function (this: FabricWorld) {
  expectNoFindings(await this.kubernetes.runProbePods());
});

Then("every probe pod has an address of its own in the pod network", async function (this: FabricWorld) {
  expectNoFindings(probeAddressFindings(this.topology, await this.kubernetes.probePods()));
});

Then("every probe pod reaches every other probe pod", { timeout: -1 }, async function (this: FabricWorld) {
  expectNoFindings(await this.kubernetes.probePodReachability());
});
