/**
 * cgroups of the embedded lab (the kubelets' roots, lab/kinds/kubernetes-node.ts), under every
 * cgroup v1 hierarchy of /sys/fs/cgroup: made before the kubelet starts, recorded first, and removed
 * at teardown with whatever kubelet made inside them (kubepods, its QoS classes), deepest first.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const CGROUP_FS = "/sys/fs/cgroup";

/** The cgroup v1 hierarchies (cpu, memory, ..., name=systemd's "systemd"); with `v2`, the v2 one of a hybrid machine ("unified") too. */
export function cgroupHierarchies(root: string = CGROUP_FS, v2 = false): string[] {
  const wanted = (dir: string) => existsSync(join(root, dir, "tasks")) || (v2 && existsSync(join(root, dir, "cgroup.procs"))); // v2 has no tasks file
  try {
    return readdirSync(root).filter((d) => statSync(join(root, d)).isDirectory() && wanted(d)).map((d) => join(root, d));
  } catch {
    return [];
  }
}

/** Whether this machine's cgroups are v1 (what the lab's kubelets are configured for). */
export const hasCgroupV1 = (): boolean => cgroupHierarchies().length > 0;

/** Makes `path` (e.g. /fabricspec/k8s-node-l1-1) under every v1 hierarchy; cpuset's levels get their parent's CPUs and memory nodes. */
export function makeCgroup(path: string, root: string = CGROUP_FS): void {
  for (const hierarchy of cgroupHierarchies(root)) {
    const parts = path.split("/").filter((p) => p !== "");
    let dir = hierarchy;
    for (const part of parts) {
      const parent = dir;
      dir = join(dir, part);
      if (existsSync(dir)) continue;
      mkdirSync(dir);
      if (hierarchy.endsWith("/cpuset")) {
        for (const file of ["cpuset.cpus", "cpuset.mems"]) writeFileSync(join(dir, file), readFileSync(join(parent, file), "utf8"));
      }
    }
  }
}

/**
 * Removes `path` and every cgroup below it, under every hierarchy (v1, and the hybrid machine's v2
 * one, where runc's cgroupfs manager makes the same path), then its parents while empty
 * (the shared /fabricspec once no node's is left). Returns those it could not remove (a process
 * still in one). Processes must be gone first.
 */
export function removeCgroup(path: string, root: string = CGROUP_FS): string[] {
  const left: string[] = [];
  const remove = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const sub = join(dir, entry);
      if (statSync(sub).isDirectory()) remove(sub);
    }
    try {
      rmdirSync(dir);
    } catch {
      left.push(dir);
    }
  };
  for (const hierarchy of cgroupHierarchies(root, true)) {
    const dir = join(hierarchy, path);
    if (!existsSync(dir)) continue;
    remove(dir);
    const parts = path.split("/").filter((p) => p !== "");
    for (let i = parts.length - 1; i > 0; i--) {
      const parent = join(hierarchy, ...parts.slice(0, i));
      try {
        rmdirSync(parent); // fails while another node's cgroup is in it
      } catch {
        break;
      }
    }
  }
  return left;
}
