/**
 * What a node's containerd leaves outside its processes when it is stopped with pods still on it:
 * the pods' own processes (in the kubelet's cgroups, in network namespaces the lab never named),
 * its mounts (each pod's rootfs overlay, shm and network-namespace bind mounts, all under the node's
 * directory: containerd makes them in the machine's mount namespace), and libcni's result cache in
 * /var/lib/cni/results, whose place containerd 1.6 does not let its configuration change. The lab
 * removes each of them at teardown, and only what is provably its own: a PID found in a cgroup the
 * lab made, a mount under the lab's run directory, a cache entry named after the lab's CNI network.
 */
import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { runLocal } from "../../transport/local.js";
import { cgroupHierarchies } from "./cgroups.js";

/** The PIDs in `paths` (cgroups such as /fabricspec/k8s-node-l1-1) and every cgroup below them, under every hierarchy. */
export function pidsInCgroups(paths: readonly string[], root?: string): number[] {
  const pids = new Set<number>();
  const visit = (dir: string) => {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return; // gone, or never made under this hierarchy
    }
    try {
      for (const line of readFileSync(join(dir, "cgroup.procs"), "utf8").split("\n")) if (/^\d+$/.test(line)) pids.add(Number(line));
    } catch {
      // An intermediate level of a fake tree, or removed while we looked.
    }
    for (const entry of entries) {
      const sub = join(dir, entry);
      try {
        if (statSync(sub).isDirectory()) visit(sub);
      } catch {
        // Removed while we looked.
      }
    }
  };
  for (const hierarchy of cgroupHierarchies(root, true)) for (const path of paths) visit(join(hierarchy, path));
  return [...pids];
}

/** Unescapes mountinfo's octal escapes (a space is \040). */
const unescape = (field: string) => field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));

/**
 * The mount points under `dir` in a /proc/self/mountinfo text, in the order to unmount them: the
 * last mounted first (a mount made on top of another comes after it in mountinfo).
 */
export function mountsUnder(mountinfo: string, dir: string): string[] {
  const prefix = dir.endsWith("/") ? dir : `${dir}/`;
  return mountinfo
    .split("\n")
    .map((line) => line.split(" ")[4])
    .filter((point): point is string => point !== undefined)
    .map(unescape)
    .filter((point) => point.startsWith(prefix))
    .reverse();
}

/** Unmounts every mount under `dir`, lazily (a pod's rootfs a dying process still holds): those unmounted, and those that stayed. */
export async function unmountUnder(dir: string): Promise<{ unmounted: number; left: string[] }> {
  const points = mountsUnder(readFileSync("/proc/self/mountinfo", "utf8"), dir);
  for (const point of points) await runLocal(["umount", "--lazy", point]);
  const left = new Set(mountsUnder(readFileSync("/proc/self/mountinfo", "utf8"), dir));
  return { unmounted: points.length - left.size, left: points.filter((p) => left.has(p)) };
}

const CNI_RESULTS = "/var/lib/cni/results";

/**
 * libcni's cache entries of the given CNI networks ("fabricspec-k8s-node-l1-1-<sandbox>-eth0"), with
 * the loopback entries of the same sandboxes ("cni-loopback-<sandbox>-lo", containerd's own network
 * name for a pod's lo): what a CNI DEL would have removed, had the pod been deleted.
 */
export function cniResultsOf(entries: readonly string[], networks: readonly string[]): string[] {
  const sandboxes = new Set<string>();
  const mine = entries.filter((entry) => {
    for (const network of networks) {
      const id = entry.startsWith(`${network}-`) ? /^([0-9a-f]{64})-[^-]+$/.exec(entry.slice(network.length + 1))?.[1] : undefined;
      if (id) {
        sandboxes.add(id);
        return true;
      }
    }
    return false;
  });
  const loopbacks = entries.filter((entry) => [...sandboxes].some((id) => entry === `cni-loopback-${id}-lo`));
  return [...mine, ...loopbacks];
}

/** Removes the cache entries of the given CNI networks; returns how many. */
export function removeCniResults(networks: readonly string[], dir: string = CNI_RESULTS): number {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return 0;
  }
  const mine = cniResultsOf(entries, networks);
  for (const entry of mine) rmSync(join(dir, entry), { force: true });
  return mine.length;
}
