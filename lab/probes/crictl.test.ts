import { test } from "node:test";
import assert from "node:assert/strict";
import { parseIds, parseSandboxNetns, readyPodSandbox, runningContainerCommand, sandboxNetns } from "./crictl.js";
import { FakeRunner } from "./fake-runner.js";
import { ProbeError } from "./probe.js";
import { formatCommand } from "../transport/runner.js";

const CRICTL = "crictl --runtime-endpoint unix:///run/containerd/containerd.sock";
const result = (stdout: string, exitCode = 0, stderr = "") => ({ command: ["crictl"], exitCode, stdout, stderr, durationMs: 1 });

// containerd's `crictl inspectp -o json`, trimmed to what the parser reads and a little around it
// (constructed from containerd's documented shape: no cluster runs on the machine this was written on).
const inspected = (namespaces: object[], pid?: number) => JSON.stringify({ status: { id: "5f1e", state: "SANDBOX_READY" }, info: { pid, runtimeSpec: { linux: { namespaces } } } });

test("parseSandboxNetns: the network namespace's path; without one, the sandbox pid's", () => {
  assert.equal(parseSandboxNetns(result(inspected([{ type: "pid" }, { type: "network", path: "/var/run/netns/cni-1234" }], 4242))), "/var/run/netns/cni-1234");
  assert.equal(parseSandboxNetns(result(inspected([{ type: "network" }], 4242))), "/proc/4242/ns/net");
  assert.equal(parseSandboxNetns(result(inspected([{ type: "pid" }]))), undefined);
});

test("sandboxNetns: crictl failing or printing what is not JSON is a ProbeError naming the node and command", async () => {
  const runner = new FakeRunner("k8s-node-l1-1", {
    [`${CRICTL} inspectp --output json gone`]: { stderr: 'getting the pod sandbox status for "gone": not found\n', exitCode: 1 },
    [`${CRICTL} inspectp --output json garbled`]: { stdout: "no JSON here\n" },
  });
  await assert.rejects(sandboxNetns(runner, "gone"), (e: unknown) => e instanceof ProbeError && /^k8s-node-l1-1: `crictl .* inspectp --output json gone` failed with exit code 1: getting the pod/.test(e.message));
  await assert.rejects(sandboxNetns(runner, "garbled"), (e: unknown) => e instanceof ProbeError && /not JSON: no JSON here/.test(e.message));
});

test("readyPodSandbox: the first sandbox crictl lists, none when it lists none", async () => {
  const command = `${CRICTL} pods --namespace fabricspec --name '^pod-k8s-node-l1-1$' --state ready --quiet`;
  const listed = await readyPodSandbox(new FakeRunner("k8s-node-l1-1", { [command]: { stdout: "5f1e\n77aa\n" } }), "fabricspec", "pod-k8s-node-l1-1");
  assert.equal(listed.value, "5f1e");
  const none = await readyPodSandbox(new FakeRunner("k8s-node-l1-1", { [command]: { stdout: "\n" } }), "fabricspec", "pod-k8s-node-l1-1");
  assert.equal(none.value, undefined);
});

test("runningContainerCommand and parseIds: the running containers of a name, one id a line", () => {
  assert.equal(formatCommand(runningContainerCommand("calico-node")), `${CRICTL} ps --name '^calico-node$' --state running --quiet`);
  assert.deepEqual(parseIds("c0ffee\n  \nbeef\n"), ["c0ffee", "beef"]);
  assert.deepEqual(parseIds(""), []);
});
