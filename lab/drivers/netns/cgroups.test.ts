import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cgroupHierarchies, makeCgroup, removeCgroup } from "./cgroups.js";

/** A stand-in for /sys/fs/cgroup made of plain directories (a fake: the real one needs root and a kernel): memory and cpuset v1, unified v2. */
function fakeCgroupFs(): string {
  const root = mkdtempSync(join(tmpdir(), "fabricspec-cgroups-"));
  for (const h of ["memory", "cpuset"]) {
    mkdirSync(join(root, h));
    writeFileSync(join(root, h, "tasks"), "");
  }
  writeFileSync(join(root, "cpuset", "cpuset.cpus"), "0-1\n");
  writeFileSync(join(root, "cpuset", "cpuset.mems"), "0\n");
  mkdirSync(join(root, "unified"));
  writeFileSync(join(root, "unified", "cgroup.procs"), "");
  return root;
}

test("a node's cgroup root is made under every v1 hierarchy, cpuset's levels with their parent's CPUs and memory nodes", () => {
  const root = fakeCgroupFs();
  try {
    assert.deepEqual(cgroupHierarchies(root).map((h) => h.slice(root.length)), ["/cpuset", "/memory"]);
    makeCgroup("/fabricspec/k8s-node-l1-1", root);
    assert.ok(existsSync(join(root, "memory/fabricspec/k8s-node-l1-1")));
    assert.equal(readFileSync(join(root, "cpuset/fabricspec/k8s-node-l1-1/cpuset.cpus"), "utf8"), "0-1\n");
    assert.ok(!existsSync(join(root, "unified/fabricspec")));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("removal takes what kubelet made below the root, in v2 too, and the shared parent once no node's is left", () => {
  const root = fakeCgroupFs();
  try {
    makeCgroup("/fabricspec/a", root);
    makeCgroup("/fabricspec/b", root);
    mkdirSync(join(root, "memory/fabricspec/a/kubepods/besteffort"), { recursive: true });
    mkdirSync(join(root, "unified/fabricspec/a/kubepods"), { recursive: true });
    // Plain directories: cpuset's keep the files makeCgroup wrote (a real cgroup fs drops them with the directory), so rmdir fails there.
    assert.deepEqual(removeCgroup("/fabricspec/a", root).filter((d) => !d.includes("cpuset")), []);
    assert.ok(!existsSync(join(root, "memory/fabricspec/a")));
    assert.ok(!existsSync(join(root, "unified/fabricspec")));
    assert.ok(existsSync(join(root, "memory/fabricspec/b")), "another node's stays");
    removeCgroup("/fabricspec/b", root);
    assert.ok(!existsSync(join(root, "memory/fabricspec")));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
