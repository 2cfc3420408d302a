import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeRunner, fixture } from "./fake-runner.js";
import { calicoNodePods, kubernetesNodes, kubernetesObjects, parseKubernetesObjects } from "./kubernetes.js";
import { ProbeError } from "./probe.js";

const NODES = "kubectl get nodes -o json";
const PODS = "kubectl get pods --namespace kube-system --selector k8s-app=calico-node -o json";
const kubectl = (answers: Record<string, { stdout?: string; stderr?: string; exitCode?: number }>) => new FakeRunner("kubectl", answers);

test("kubernetesNodes: the blog's five nodes before Calico, NotReady for want of a network plugin", async () => {
  const { value } = await kubernetesNodes(kubectl({ [NODES]: { stdout: fixture("kubectl-constructed-nodes-blog-no-pod-network.json") } }));
  assert.deepEqual(value.map((n) => [n.name, n.internalIp, n.ready, n.readyReason]), [
    ["k8s-master-l1-1", "10.0.101.10", "False", "KubeletNotReady"],
    ["k8s-node-l1-1", "10.0.101.101", "False", "KubeletNotReady"],
    ["k8s-node-l1-2", "10.0.101.102", "False", "KubeletNotReady"],
    ["k8s-node-l2-1", "10.0.102.101", "False", "KubeletNotReady"],
    ["k8s-node-l2-2", "10.0.102.102", "False", "KubeletNotReady"],
  ]);
  assert.match(value[0]?.readyMessage ?? "", /NetworkPluginNotReady/);
  assert.equal(value[0]?.labels["node-role.kubernetes.io/control-plane"], "");
});

test("kubernetesNodes: Ready after Calico; a node registered with the NAT address shows it", async () => {
  const ready = await kubernetesNodes(kubectl({ [NODES]: { stdout: fixture("kubectl-constructed-nodes-blog-calico-ready.json") } }));
  assert.ok(ready.value.every((n) => n.ready === "True" && n.readyReason === "KubeletReady"));
  const nat = await kubernetesNodes(kubectl({ [NODES]: { stdout: fixture("kubectl-constructed-nodes-blog-one-nat-address.json") } }));
  assert.equal(nat.value.find((n) => n.name === "k8s-node-l2-2")?.internalIp, "10.0.2.15");
});

test("calicoNodePods: one per node, the one on k8s-node-l2-1 not ready", async () => {
  const { value } = await calicoNodePods(kubectl({ [PODS]: { stdout: fixture("kubectl-constructed-pods-calico-node-one-not-ready.json") } }));
  assert.deepEqual(value.map((p) => [p.node, p.phase, p.ready]), [
    ["k8s-master-l1-1", "Running", true],
    ["k8s-node-l1-1", "Running", true],
    ["k8s-node-l1-2", "Running", true],
    ["k8s-node-l2-1", "Running", false],
    ["k8s-node-l2-2", "Running", true],
  ]);
});

test("calicoNodePods: a pod being deleted (metadata.deletionTimestamp) is terminating, the others are not", async () => {
  const { value } = await calicoNodePods(kubectl({ [PODS]: { stdout: fixture("kubectl-constructed-pods-calico-node-one-terminating.json") } }));
  assert.deepEqual(value.filter((p) => p.node === "k8s-node-l2-1").map((p) => [p.name, p.phase, p.ready, p.terminating]), [
    ["calico-node-dx8pw", "Running", true, true],
    ["calico-node-q7w4n", "Running", false, false],
  ]);
  assert.equal(value.filter((p) => p.terminating).length, 1);
});

test("kubernetesNodes: an unreachable API server is a ProbeError with kubectl's words", async () => {
  const stderr = "The connection to the server 10.0.101.10:6443 was refused - did you specify the right host or port?\n";
  await assert.rejects(kubernetesNodes(kubectl({ [NODES]: { stderr, exitCode: 1 } })), (error: unknown) => error instanceof ProbeError && /was refused/.test(error.message));
});

test("kubernetesObjects: kubectl get --ignore-not-found prints nothing, one object, or a List", async () => {
  const GET = "kubectl get daemonset/calico-node configmap/fabricspec-pod-network --namespace kube-system --ignore-not-found -o json";
  const list = JSON.stringify({
    apiVersion: "v1",
    kind: "List",
    items: [
      { apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name: "calico-node", namespace: "kube-system" }, spec: {} },
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "fabricspec-pod-network" }, data: { mode: "peering" } },
    ],
  });
  const { value } = await kubernetesObjects(kubectl({ [GET]: { stdout: list } }), ["daemonset/calico-node", "configmap/fabricspec-pod-network"], "kube-system");
  assert.deepEqual(value, [
    { kind: "DaemonSet", name: "calico-node", data: undefined },
    { kind: "ConfigMap", name: "fabricspec-pod-network", data: { mode: "peering" } },
  ]);
  const result = (stdout: string) => ({ command: ["kubectl"], exitCode: 0, stdout, stderr: "", durationMs: 1 });
  assert.deepEqual(parseKubernetesObjects(result("")), []);
  assert.deepEqual(parseKubernetesObjects(result(JSON.stringify({ kind: "ConfigMap", metadata: { name: "m" }, data: { mode: "changing" } }))), [{ kind: "ConfigMap", name: "m", data: { mode: "changing" } }]);
  assert.throws(() => parseKubernetesObjects(result("error: the server doesn't have a resource type")), /not JSON/);
});
