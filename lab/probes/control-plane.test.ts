import { test } from "node:test";
import assert from "node:assert/strict";
import { fixture } from "./fake-runner.js";
import { parseApiEndpoints, parseLeases, parseReadyz } from "./control-plane.js";

const result = (stdout: string, exitCode = 0, stderr = "") => ({ command: ["kubectl"], exitCode, stdout, stderr, durationMs: 1 });

test("parseReadyz: every check of a ready API server, etcd's among them", () => {
  const checks = parseReadyz(result(fixture("kubectl-1.34-readyz-verbose-ready.txt")));
  assert.equal(checks.length, 34);
  assert.ok(checks.every((c) => c.ok));
  assert.deepEqual(checks.slice(0, 4).map((c) => c.name), ["ping", "log", "etcd", "etcd-readiness"]);
});

test("parseReadyz: a not-ready API server's checks, from the body kubectl quotes on stderr", () => {
  const checks = parseReadyz(result(fixture("kubectl-1.34-readyz-verbose-etcd-stopped.txt"), 1, fixture("kubectl-1.34-readyz-verbose-etcd-stopped.stderr")));
  assert.deepEqual(checks.filter((c) => !c.ok).map((c) => c.name), ["etcd", "etcd-readiness"]);
  assert.equal(checks.length, 34);
});

test("parseReadyz: no check at all is an unreadable answer", () => {
  assert.throws(() => parseReadyz(result("", 1, "Unable to connect to the server: dial tcp 10.0.101.10:6443: connect: connection refused")), /connection refused/);
});

test("parseApiEndpoints: the kubernetes service's address and https port", () => {
  assert.deepEqual(parseApiEndpoints(result(fixture("kubectl-1.34-endpointslices-kubernetes.json"))), [{ address: "10.0.101.10", port: 6443 }]);
});

test("parseLeases: the leaders' leases with holder, renewal and duration", () => {
  const leases = parseLeases(result(fixture("kubectl-1.34-leases-kube-system.json")));
  const cm = leases.find((l) => l.name === "kube-controller-manager");
  assert.ok(cm?.holder?.includes("_"));
  assert.equal(cm?.durationSeconds, 15);
  assert.ok(cm?.renewed instanceof Date && !Number.isNaN(cm.renewed.getTime()));
  assert.deepEqual(leases.map((l) => l.name).filter((n) => !n.startsWith("apiserver-")), ["kube-controller-manager", "kube-scheduler"]);
});
