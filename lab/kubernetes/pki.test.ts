import { test } from "node:test";
import assert from "node:assert/strict";
import { pkiPlan } from "./pki.js";

const home = "/run/fabricspec/k8s-master-l1-1/kubernetes";
const plan = pkiPlan(home, "k8s-master-l1-1", "10.0.101.10");
const value = (argv: readonly string[], flag: string) => argv[argv.indexOf(flag) + 1];

test("the CA signs itself; every other certificate is signed by it", () => {
  assert.equal(value(plan.ca, "-extensions"), "ca");
  assert.ok(!plan.ca.includes("-CA"));
  const signed = plan.leaves.filter((argv) => argv.includes("req"));
  assert.equal(signed.length, 5);
  for (const argv of signed) assert.equal(value(argv, "-CA"), `${home}/pki/ca.crt`);
});

test("the API server's certificate names the fabric address, the service address and the kubernetes names", () => {
  const san = /^subjectAltName = (.*)$/m.exec(plan.config)?.[1] ?? "";
  for (const name of ["IP:10.0.101.10", "IP:10.96.0.1", "IP:127.0.0.1", "DNS:kubernetes.default.svc.cluster.local", "DNS:k8s-master-l1-1"]) assert.ok(san.split(", ").includes(name), name);
  const apiServer = plan.leaves.find((argv) => value(argv, "-out") === `${home}/pki/apiserver.crt`) ?? [];
  assert.equal(value(apiServer, "-extensions"), "server");
});

test("each client certificate names the identity RBAC gives it", () => {
  const subjects = plan.leaves.filter((argv) => value(argv, "-extensions") === "client").map((argv) => value(argv, "-subj"));
  assert.deepEqual(subjects, [
    "/O=system:masters/CN=kube-apiserver-kubelet-client",
    "/O=system:masters/CN=kubernetes-admin",
    "/CN=system:kube-controller-manager",
    "/CN=system:kube-scheduler",
  ]);
});
