import { test } from "node:test";
import assert from "node:assert/strict";
import { ConvergenceError } from "../../../errors.js";
import { FakeRunner, fixture } from "../../../probes/fake-runner.js";
import { loadTopology } from "../../../topology/load.js";
import type { VagrantCalicoLab } from "./lab.js";
import { calicoNodeReady } from "./waits.js";

const PODS = "kubectl get pods --namespace kube-system --selector k8s-app=calico-node -o json";
const tiny = { name: "test", ms: 10, reason: "a test's", intervalMs: 1 };

/** A fake lab whose kubectl prints `pods` (a PodList). */
function labPrinting(pods: string): VagrantCalicoLab {
  return {
    topology: loadTopology(),
    runner: () => {
      throw new Error("no machine in this test");
    },
    kubectl: () => new FakeRunner("kubectl", { [PODS]: { stdout: pods } }),
    kubeconfig: "/etc/kubernetes/admin.conf",
    budgets: { calicoNodeReady: tiny, testPodsRunning: tiny, podNetworkRemoved: tiny, routeWithdrawn: tiny },
  };
}

test("calico-node Ready waits on the replacement, not on the Running and ready pod being deleted beside it (desk review item 9)", async () => {
  const terminating = fixture("kubectl-constructed-pods-calico-node-one-terminating.json");
  await assert.rejects(calicoNodeReady(labPrinting(terminating)), (e: unknown) => e instanceof ConvergenceError && e.message === "calico-node is not Ready on k8s-node-l2-1 (calico-node-q7w4n Running, not ready)");
  const list = JSON.parse(terminating) as { items: Array<{ metadata: { name: string }; status: { containerStatuses: Array<{ ready: boolean }> } }> };
  for (const item of list.items) if (item.metadata.name === "calico-node-q7w4n") for (const c of item.status.containerStatuses) c.ready = true;
  await calicoNodeReady(labPrinting(JSON.stringify(list)));
  const onlyTheOld = { ...list, items: list.items.filter((i) => i.metadata.name !== "calico-node-q7w4n") };
  await assert.rejects(calicoNodeReady(labPrinting(JSON.stringify(onlyTheOld))), /calico-node is not Ready on k8s-node-l2-1 \(calico-node-dx8pw Running, terminating\)/);
});
