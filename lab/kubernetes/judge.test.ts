import { test } from "node:test";
import assert from "node:assert/strict";
import { parseBirdProtocols } from "../probes/bird.js";
import { fixture } from "../probes/fake-runner.js";
import { parseKubernetesNodes, parseKubernetesPods } from "../probes/kubernetes.js";
import { loadTopology } from "../topology/load.js";
import { apiEndpointFindings, calicoBirdFindings, calicoNodeFindings, internalIpFindings, leaseFindings, nodesCatchingUp, notReadyFindings, readinessFindings, readyFindings, registrationFindings } from "./judge.js";

const t = loadTopology();
const stdout = (file: string) => ({ command: ["kubectl"], exitCode: 0, stdout: fixture(file), stderr: "", durationMs: 1 });
const nodes = (file: string) => parseKubernetesNodes(stdout(file));
const beforeCalico = nodes("kubectl-constructed-nodes-blog-no-pod-network.json");
const withCalico = nodes("kubectl-constructed-nodes-blog-calico-ready.json");
const natAddress = nodes("kubectl-constructed-nodes-blog-one-nat-address.json");

test("registrationFindings: every host with its fabric address; the NAT address and a missing node named", () => {
  assert.deepEqual(registrationFindings(t, beforeCalico), []);
  assert.deepEqual(registrationFindings(t, natAddress), ["k8s-node-l2-2 registered with INTERNAL-IP 10.0.2.15 (expected its fabric address 10.0.102.102, not Vagrant's NAT address)"]);
  assert.deepEqual(registrationFindings(t, beforeCalico.slice(1)), ["k8s-master-l1-1 is not registered with the cluster (registered: k8s-node-l1-1, k8s-node-l1-2, k8s-node-l2-1, k8s-node-l2-2)"]);
});

test("internalIpFindings: exactly the stated nodes and addresses, every difference named", () => {
  const stated = Object.fromEntries(t.hosts.map((h) => [h.name, h.address]));
  assert.deepEqual(internalIpFindings(stated, beforeCalico), []);
  const { "k8s-node-l1-1": _gone, ...fewer } = stated;
  assert.deepEqual(internalIpFindings({ ...fewer, "k8s-node-l3-1": "10.0.103.101" }, natAddress), [
    "k8s-node-l2-2 registered with INTERNAL-IP 10.0.2.15 (expected 10.0.102.102)",
    "k8s-node-l3-1 is not registered with the cluster",
    "an unexpected node k8s-node-l1-1 (10.0.101.101) is registered",
  ]);
});

test("notReadyFindings and readyFindings: part 2 (NotReady, no network plugin) and after Calico (Ready)", () => {
  assert.deepEqual(notReadyFindings(t, beforeCalico), []);
  assert.deepEqual(readyFindings(t, withCalico), []);
  assert.equal(notReadyFindings(t, withCalico)[0], "k8s-master-l1-1 is Ready (expected NotReady: no pod network is deployed)");
  assert.match(readyFindings(t, beforeCalico)[0] ?? "", /^k8s-master-l1-1 is NotReady: KubeletNotReady: container runtime network not ready: .* \(expected Ready\)$/);
});

test("calicoNodeFindings: a pod being deleted does not count, though Running and ready; its replacement does (desk review item 9)", () => {
  // k8s-node-l2-1: the old calico-node (deletionTimestamp set, Running, ready) listed before the new one (Running, not ready yet).
  const pods = parseKubernetesPods(stdout("kubectl-constructed-pods-calico-node-one-terminating.json"));
  assert.deepEqual(calicoNodeFindings(t, pods), ["calico-node-q7w4n on k8s-node-l2-1 is Running, not ready (expected Running and ready)"]);
  const replacementReady = pods.map((p) => (p.name === "calico-node-q7w4n" ? { ...p, ready: true } : p));
  assert.deepEqual(calicoNodeFindings(t, replacementReady), []);
  const onlyTheOld = pods.filter((p) => p.name !== "calico-node-q7w4n");
  assert.deepEqual(calicoNodeFindings(t, onlyTheOld), ["calico-node-dx8pw on k8s-node-l2-1 is Running, terminating (expected Running and ready)"]);
});

test("calicoNodeFindings: a calico-node pod not ready, and a host without one", () => {
  const pods = parseKubernetesPods(stdout("kubectl-constructed-pods-calico-node-one-not-ready.json"));
  assert.deepEqual(calicoNodeFindings(t, pods), ["calico-node-dx8pw on k8s-node-l2-1 is Running, not ready (expected Running and ready)"]);
  assert.deepEqual(calicoNodeFindings(t, pods.filter((p) => p.node !== "k8s-node-l1-2")).slice(0, 1), [
    "no calico-node pod runs on k8s-node-l1-2 (calico-node pods: calico-node-4kq2x on k8s-master-l1-1, calico-node-7hzvm on k8s-node-l1-1, calico-node-dx8pw on k8s-node-l2-1, calico-node-m2r6t on k8s-node-l2-2)",
  ]);
});

test("calicoBirdFindings: each host's BIRD judged as peering mode; a host without calico-node says so", () => {
  const bird = parseBirdProtocols({ command: ["birdc"], exitCode: 0, stdout: fixture("bird-2.0.12-protocols-k8s-node-l1-1-established.txt"), stderr: "", durationMs: 1 });
  const birds = new Map([["k8s-node-l1-1", bird]]);
  const findings = calicoBirdFindings(t, birds);
  assert.equal(findings.length, 4);
  assert.deepEqual(findings[0], "no calico-node pod runs on k8s-master-l1-1");
  assert.ok(!findings.some((f) => f.includes("k8s-node-l1-1")), findings.join("\n"));
});

test("readinessFindings: every check passed, etcd's among them; a failed one named", () => {
  assert.deepEqual(readinessFindings([{ name: "ping", ok: true }, { name: "etcd", ok: true }]), []);
  assert.deepEqual(readinessFindings([{ name: "etcd", ok: false }, { name: "informer-sync", ok: true }]), ["the API server's readiness check etcd failed"]);
  assert.deepEqual(readinessFindings([{ name: "ping", ok: true }]), ["the API server reports no etcd readiness check (its checks: ping)"]);
});

test("apiEndpointFindings: the control-plane host's fabric address and no other", () => {
  assert.deepEqual(apiEndpointFindings(t, [{ address: "10.0.101.10", port: 6443 }]), []);
  assert.deepEqual(apiEndpointFindings(t, [{ address: "10.0.2.15", port: 6443 }]), [
    "the API server does not advertise 10.0.101.10 (k8s-master-l1-1's fabric address); it advertises 10.0.2.15:6443",
    "the API server advertises 10.0.2.15:6443, which is no control-plane host's fabric address (expected 10.0.101.10)",
  ]);
  assert.deepEqual(apiEndpointFindings(t, []), ["the API server does not advertise 10.0.101.10 (k8s-master-l1-1's fabric address); it advertises nothing"]);
});

test("leaseFindings: both leaders' leases held and renewed within their duration", () => {
  const now = new Date("2026-12-04T03:00:00Z");
  const lease = (name: string, secondsAgo: number, holder = "m_1") => ({ name, holder, renewed: new Date(now.getTime() - secondsAgo * 1000), durationSeconds: 15 });
  assert.deepEqual(leaseFindings([lease("kube-controller-manager", 2), lease("kube-scheduler", 1)], now), []);
  assert.deepEqual(leaseFindings([lease("kube-controller-manager", 40)], now), [
    "m_1 last renewed the lease kube-controller-manager 40 s ago (expected within its 15 s)",
    "no lease kube-scheduler in kube-system: kube-scheduler has never led (leases: kube-controller-manager)",
  ]);
});

test("nodesCatchingUp: the nodes whose Ready has yet to follow the pod network; an Unknown or unregistered one is not waited for", () => {
  assert.deepEqual(nodesCatchingUp(t, withCalico, true), []);
  assert.deepEqual(nodesCatchingUp(t, beforeCalico, false), []);
  assert.equal(nodesCatchingUp(t, beforeCalico, true).length, t.hosts.length);
  assert.deepEqual(nodesCatchingUp(t, withCalico, false)[0], "k8s-master-l1-1 (Ready=True, waiting for Ready=False)");
  const unknown = withCalico.map((n) => (n.name === "k8s-node-l2-2" ? { ...n, ready: "Unknown" } : n));
  assert.deepEqual(nodesCatchingUp(t, unknown.slice(1), false), ["k8s-node-l1-1 (Ready=True, waiting for Ready=False)", "k8s-node-l1-2 (Ready=True, waiting for Ready=False)", "k8s-node-l2-1 (Ready=True, waiting for Ready=False)"]);
});
