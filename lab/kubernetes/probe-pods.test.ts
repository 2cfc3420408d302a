import { test } from "node:test";
import assert from "node:assert/strict";
import { fixture } from "../probes/fake-runner.js";
import { parseKubernetesPods, type KubernetesNode, type KubernetesPod } from "../probes/kubernetes.js";
import { loadTopology } from "../topology/load.js";
import {
  addressedProbePods,
  parsePingEach,
  pingEachCommand,
  podReachabilityFindings,
  probeAddressFindings,
  probePodFindings,
  probePodName,
  probePodsManifest,
  probePodsStarting,
  PUBLIC_PROBE_IMAGE,
} from "./probe-pods.js";

const t = loadTopology();
const node = (name: string, ready = "True"): KubernetesNode => ({ name, internalIp: undefined, labels: {}, ready, readyReason: ready === "Unknown" ? "NodeStatusUnknown" : undefined, readyMessage: undefined, kubeletVersion: "v1.34.4" });
const running = (host: string, address: string): KubernetesPod => ({ name: probePodName(host), namespace: "default", node: host, phase: "Running", ready: true, address, terminating: false });
const nodes = t.hosts.map((h) => node(h.name));
// Addresses as the embedded lab's host-local hands them out: the third of each node's block.
const pods = t.hosts.map((h, i) => running(h.name, `192.168.${Math.floor(i / 2)}.${(i % 2) * 64 + 2}`));

test("probePodsManifest: a pod bound to every host, tolerating every taint, with no token and the image's pull policy", () => {
  const list = JSON.parse(probePodsManifest(t, { name: "registry.fabricspec.invalid/busybox:1.35.0", pullPolicy: "Never" })) as { items: Array<{ metadata: { name: string }; spec: Record<string, unknown> & { containers: Array<Record<string, unknown>> } }> };
  assert.deepEqual(list.items.map((p) => p.metadata.name), t.hosts.map((h) => `fabricspec-probe-${h.name}`));
  const first = list.items[0];
  assert.equal(first?.spec.nodeName, "k8s-master-l1-1");
  assert.deepEqual(first?.spec.tolerations, [{ operator: "Exists" }]);
  assert.equal(first?.spec.automountServiceAccountToken, false);
  assert.equal(first?.spec.containers[0]?.imagePullPolicy, "Never");
  assert.equal(JSON.parse(probePodsManifest(t, PUBLIC_PROBE_IMAGE)).items[0].spec.containers[0].image, "docker.io/library/busybox:1.36");
});

test("probePodsStarting: waits for pods on Ready nodes only; probePodFindings names each pod not running, with its node's state", () => {
  assert.deepEqual(probePodsStarting(t, pods, nodes), []);
  assert.deepEqual(probePodFindings(t, pods, nodes), []);
  const creating: KubernetesPod = { ...running("k8s-node-l1-2", ""), phase: "Pending", ready: false, address: undefined, waiting: "ContainerCreating" };
  const withCreating = pods.map((p) => (p.node === "k8s-node-l1-2" ? creating : p));
  assert.deepEqual(probePodsStarting(t, withCreating, nodes), ["fabricspec-probe-k8s-node-l1-2 (Pending, not ready (ContainerCreating))"]);
  const stopped = nodes.map((n) => (n.name === "k8s-node-l2-2" ? node(n.name, "Unknown") : n));
  const noneOnL22 = pods.filter((p) => p.node !== "k8s-node-l2-2");
  assert.deepEqual(probePodsStarting(t, noneOnL22, stopped), []);
  assert.deepEqual(probePodFindings(t, noneOnL22, stopped), ["fabricspec-probe-k8s-node-l2-2 on k8s-node-l2-2 is missing (expected Running and ready); node k8s-node-l2-2 is Ready=Unknown (NodeStatusUnknown)"]);
  const terminating = pods.map((p) => (p.node === "k8s-node-l1-1" ? { ...p, terminating: true } : p));
  assert.deepEqual(probePodFindings(t, terminating, nodes), ["fabricspec-probe-k8s-node-l1-1 on k8s-node-l1-1 is missing (expected Running and ready)"]);
});

test("probeAddressFindings: an address outside the pod network, a shared one and none at all are each named", () => {
  assert.deepEqual(probeAddressFindings(t, pods), []);
  const [a, b, c, ...rest] = pods;
  assert.ok(a && b && c);
  assert.deepEqual(probeAddressFindings(t, [{ ...a, address: "10.0.101.10" }, { ...b, address: "192.168.1.66" }, { ...c, address: undefined }, ...rest]), [
    "fabricspec-probe-k8s-master-l1-1 on k8s-master-l1-1 has 10.0.101.10, outside the pod network 192.168.0.0/16",
    "fabricspec-probe-k8s-node-l1-1 on k8s-node-l1-1 has 192.168.1.66, as fabricspec-probe-k8s-node-l2-1 has (expected an address of its own)",
    "fabricspec-probe-k8s-node-l1-2 on k8s-node-l1-2 has no address (expected one in the pod network 192.168.0.0/16)",
    "fabricspec-probe-k8s-node-l2-1 on k8s-node-l2-1 has 192.168.1.66, as fabricspec-probe-k8s-node-l1-1 has (expected an address of its own)",
  ]);
});

test("pingEachCommand and parsePingEach: a line per target; a target lost or never printed did not answer", () => {
  const argv = pingEachCommand(["192.168.0.66", "192.168.1.2"]);
  assert.deepEqual(argv.slice(0, 2), ["sh", "-c"]);
  assert.match(argv[2] ?? "", /^for a in 192\.168\.0\.66 192\.168\.1\.2; do if ping -c 1 -W 2 "\$a"/);
  assert.throws(() => pingEachCommand(["192.168.0.2; reboot"]), /not an address/);
  assert.deepEqual([...parsePingEach("192.168.0.66 ok\n192.168.1.2 lost\n")], ["192.168.0.66"]);
  const from = { name: "p1", host: "k8s-node-l1-1", address: "192.168.0.2" };
  const others = [from, { name: "p2", host: "k8s-node-l1-2", address: "192.168.0.66" }, { name: "p3", host: "k8s-node-l2-1", address: "192.168.1.2" }];
  assert.deepEqual(podReachabilityFindings(from, others, parsePingEach("192.168.0.66 ok\n")), ["p1 (192.168.0.2, on k8s-node-l1-1) got no reply from p3 (192.168.1.2, on k8s-node-l2-1)"]);
  assert.deepEqual(podReachabilityFindings(from, others, parsePingEach("192.168.0.66 ok\n192.168.1.2 ok\n")), []);
});

test("the embedded lab's probe pods as kubectl printed them: one image never pulled is named, with kubelet's reason, and not waited for", () => {
  const captured = parseKubernetesPods({ command: ["kubectl"], exitCode: 0, stdout: fixture("kubectl-embedded-lab-probe-pods-one-image-never-pulled.json"), stderr: "", durationMs: 1 });
  assert.deepEqual(captured.map((p) => `${p.name} ${p.node ?? "?"} ${p.phase} ${p.address ?? "-"} ${p.waiting ?? "-"}`), [
    "fabricspec-probe-k8s-master-l1-1 k8s-master-l1-1 Running 192.168.0.2 -",
    "fabricspec-probe-k8s-node-l1-1 k8s-node-l1-1 Running 192.168.0.66 -",
    "fabricspec-probe-k8s-node-l1-2 k8s-node-l1-2 Running 192.168.0.130 -",
    "fabricspec-probe-k8s-node-l2-1 k8s-node-l2-1 Running 192.168.0.194 -",
    "fabricspec-probe-k8s-node-l2-2 k8s-node-l2-2 Pending 192.168.1.2 ErrImageNeverPull",
  ]);
  assert.deepEqual(probePodsStarting(t, captured, nodes), []);
  assert.deepEqual(probePodFindings(t, captured, nodes), ["fabricspec-probe-k8s-node-l2-2 on k8s-node-l2-2 is Pending, not ready (ErrImageNeverPull) (expected Running and ready)"]);
  assert.deepEqual(probeAddressFindings(t, captured), []);
});

test("addressedProbePods: each host's probe pod with its address; none yet, or being deleted, leaves the host out", () => {
  assert.deepEqual(addressedProbePods(t, pods).map((p) => `${p.host} ${p.address}`), t.hosts.map((h, i) => `${h.name} ${pods[i]?.address ?? ""}`));
  const [a, b, ...rest] = pods;
  assert.ok(a && b);
  assert.deepEqual(addressedProbePods(t, [{ ...a, address: undefined }, { ...b, terminating: true }, ...rest]).map((p) => p.host), ["k8s-node-l1-2", "k8s-node-l2-1", "k8s-node-l2-2"]);
});
