import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cniResultsOf, mountsUnder, pidsInCgroups } from "./leftovers.js";

// Lines in the format of proc(5)'s /proc/PID/mountinfo, as this machine printed them with pods running.
const MOUNTINFO = [
  "27 1 0:24 / /run rw,nosuid,nodev - tmpfs tmpfs rw",
  "400 27 0:49 / /run/fabricspec/k8s-node-l1-1/kubernetes-node/containerd/state/io.containerd.grpc.v1.cri/sandboxes/85/shm rw - tmpfs shm rw,size=65536k",
  "421 27 0:4 net:[4026533133] /run/fabricspec/k8s-node-l1-1/kubernetes-node/containerd/state/io.containerd.grpc.v1.cri/netns/cni-b09f rw - nsfs nsfs rw",
  "474 27 0:52 / /run/fabricspec/k8s-node-l1-1/kubernetes-node/containerd/state/io.containerd.runtime.v2.task/k8s.io/85/rootfs rw - overlay overlay rw",
  "475 27 0:53 / /run/fabricspec-other/x rw - tmpfs tmpfs rw",
  "476 27 0:54 / /run/fabricspec/with\\040space rw - tmpfs tmpfs rw",
].join("\n");

test("mounts under the lab's run directory, last mounted first, escapes undone; a sibling directory's are not the lab's", () => {
  assert.deepEqual(mountsUnder(MOUNTINFO, "/run/fabricspec"), [
    "/run/fabricspec/with space",
    "/run/fabricspec/k8s-node-l1-1/kubernetes-node/containerd/state/io.containerd.runtime.v2.task/k8s.io/85/rootfs",
    "/run/fabricspec/k8s-node-l1-1/kubernetes-node/containerd/state/io.containerd.grpc.v1.cri/netns/cni-b09f",
    "/run/fabricspec/k8s-node-l1-1/kubernetes-node/containerd/state/io.containerd.grpc.v1.cri/sandboxes/85/shm",
  ]);
  assert.deepEqual(mountsUnder(MOUNTINFO, "/srv"), []);
});

test("libcni's cache: the lab's networks' entries and the loopback entries of the same sandboxes, nothing else", () => {
  const a = "a".repeat(64);
  const b = "b".repeat(64);
  const entries = [
    `fabricspec-k8s-node-l1-1-${a}-eth0`,
    `cni-loopback-${a}-lo`,
    `cni-loopback-${b}-lo`, // another runtime's pod
    `fabricspec-k8s-node-l1-10-${b}-eth0`, // a node the lab does not have
    `calico-${b}-eth0`,
  ];
  assert.deepEqual(cniResultsOf(entries, ["fabricspec-k8s-node-l1-1"]), [`fabricspec-k8s-node-l1-1-${a}-eth0`, `cni-loopback-${a}-lo`]);
  assert.deepEqual(cniResultsOf(entries, []), []);
});

test("the PIDs in a cgroup and below it, under every hierarchy, once each (a fake cgroup tree of plain files)", () => {
  const root = mkdtempSync(join(tmpdir(), "fabricspec-leftovers-"));
  try {
    for (const h of ["memory", "pids"]) {
      mkdirSync(join(root, h, "fabricspec/k8s-node-l1-1/kubepods/besteffort/pod1"), { recursive: true });
      writeFileSync(join(root, h, "tasks"), "");
      writeFileSync(join(root, h, "fabricspec/k8s-node-l1-1/cgroup.procs"), "10\n");
      writeFileSync(join(root, h, "fabricspec/k8s-node-l1-1/kubepods/besteffort/pod1/cgroup.procs"), "11\n12\n");
    }
    mkdirSync(join(root, "memory", "other"));
    writeFileSync(join(root, "memory", "other/cgroup.procs"), "99\n");
    assert.deepEqual(pidsInCgroups(["/fabricspec/k8s-node-l1-1"], root).sort(), [10, 11, 12]);
    assert.deepEqual(pidsInCgroups(["/fabricspec/absent"], root), []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
