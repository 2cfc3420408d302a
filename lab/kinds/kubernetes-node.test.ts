import { test } from "node:test";
import assert from "node:assert/strict";
import { cgroupRoot, kubeletSandboxedArgv, kubernetesNodeFiles, renderContainerdConfig, renderKubeletConfig, KUBELET, KUBELET_SANDBOX } from "./kubernetes-node.js";

const nodeDir = "/run/fabricspec/k8s-node-l1-1";
const home = `${nodeDir}/kubernetes-node`;
const f = kubernetesNodeFiles(home);

test("each node's containerd keeps its root, state, sockets and CNI configuration in the node's directory", () => {
  const config = renderContainerdConfig(f);
  const paths = [...config.matchAll(/"(\/[^"]*)"/g)].map((m) => m[1] ?? "");
  assert.ok(paths.length >= 5);
  // The machine's binaries are shared; everything the node writes is its own.
  for (const p of paths.filter((p) => !p.startsWith("/usr/"))) assert.ok(p.startsWith(`${nodeDir}/`), p);
  assert.match(config, /^ {4}conf_dir = "\/run\/fabricspec\/k8s-node-l1-1\/cni\/net\.d"$/m);
  assert.match(config, /^ {2}address = "\/run\/fabricspec\/k8s-node-l1-1\/kubernetes-node\/containerd\/containerd\.sock"$/m);
});

test("each kubelet serves on its node's fabric address, under a cgroup root of its own, and fails rather than change the kernel's tunables", () => {
  const config = renderKubeletConfig(f, "k8s-node-l1-1", "10.0.101.101");
  assert.match(config, /^address: 10\.0\.101\.101$/m);
  assert.match(config, /^cgroupRoot: \/fabricspec\/k8s-node-l1-1$/m);
  assert.equal(cgroupRoot("k8s-node-l1-1"), "/fabricspec/k8s-node-l1-1");
  assert.match(config, /^protectKernelDefaults: true$/m);
  assert.match(config, /^containerRuntimeEndpoint: unix:\/\/\/run\/fabricspec\/k8s-node-l1-1\/kubernetes-node\/containerd\/containerd\.sock$/m);
});

test("kubelet joins with --node-ip, its fabric address, in a mount namespace of its own", () => {
  const argv = kubeletSandboxedArgv(f, "k8s-node-l1-1", "10.0.101.101");
  assert.deepEqual(argv.slice(0, 7), ["/usr/bin/unshare", "--mount", "--propagation", "private", KUBELET_SANDBOX, `${home}/kubelet-sandbox`, KUBELET]);
  assert.ok(argv.includes("--node-ip=10.0.101.101"));
  assert.ok(argv.includes("--hostname-override=k8s-node-l1-1"));
  assert.ok(argv.includes(`--root-dir=${home}/kubelet/root`));
});
