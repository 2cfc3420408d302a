/**
 * Removing the embedded lab: its processes by PID (a recorded one only while it still runs what
 * was recorded, whatever runs in its namespaces or its cgroups), then the mounts under its run
 * directory (./leftovers.ts), its cgroups, its namespaces by name, libcni's cache of its pods, then
 * its files. Nothing the lab did not record is touched.
 */
import { rmdirSync, rmSync } from "node:fs";
import { nodeNames, type Topology } from "../../topology/model.js";
import type { Phase } from "../driver.js";
import { removeCgroup } from "./cgroups.js";
import { deleteNamespaces, preflightNamespace } from "./namespaces.js";
import { NAMESPACE_PREFIX } from "./plan.js";
import { isRecorded, pidsInNamespaces, stopProcesses, type StopTiming } from "./processes.js";
import { labDir, nodeDir, type LabState } from "./state.js";
import { frrCrashLogDirs } from "./switches.js";
import { pidsInCgroups, removeCniResults, unmountUnder } from "./leftovers.js";
import { cniNetworkName } from "../../calico/cni.js";
import { RUN_DIR } from "../../run-dir.js";

/** "2 killed (SIGKILL: leaf1 bgpd, leaf2 zebra)": which processes did not exit on SIGTERM in time. */
export function killedDetail(killed: readonly number[], state: LabState): string {
  const names = killed.map((pid) => {
    const p = state.processes.find((q) => q.pid === pid);
    return p ? `${p.node} ${p.daemon}` : `PID ${pid}`;
  });
  const shown = names.slice(0, 8).join(", ") + (names.length > 8 ? `, and ${names.length - 8} more` : "");
  return `${killed.length} killed (SIGKILL, did not exit on SIGTERM: ${shown})`;
}

/**
 * The order processes stop in, stage by stage, each once the one before has exited. Kubernetes
 * first, while the fabric still routes: a kubelet across the fabric that exits after its leaf's
 * routes are gone closes its connection to the API server with a FIN that never arrives, and the
 * API server's graceful shutdown then waits for that connection (up to its 60 s request timeout; a
 * goroutine dump showed net/http's Shutdown waiting on an open watch). The API server after its
 * clients (the kubelets, the controller manager, the scheduler), etcd after the API server (its gRPC
 * server waits for the API server's watches: stopped together, etcd, the API server and the
 * scheduler all sat out the wait and were killed). Then everything else, zebra last (bgpd and
 * staticd close their sessions to it first).
 */
const STOP_ORDER: readonly (readonly string[] | "rest")[] = [
  ["kubelet", "containerd", "kube-controller-manager", "kube-scheduler"],
  ["kube-apiserver"],
  ["etcd"],
  "rest",
  ["zebra"],
];

/** How long a stage may take to exit on SIGTERM before SIGKILL: the default (processes.ts); the API server's graceful termination sat idle 1.2 s on a quiet machine, so it gets 5 s. */
const stageTiming = (stage: readonly string[] | "rest"): StopTiming => (stage !== "rest" && stage.includes("kube-apiserver") ? { quietMs: 5_000, capMs: 5_000 } : {});

export async function teardown(state: LabState, topology: Topology): Promise<Phase[]> {
  const phases: Phase[] = [];
  let started = performance.now();
  const recorded = state.processes.filter(isRecorded).map((p) => p.pid);
  // A pod's processes are in the kubelet's cgroups, in network namespaces containerd made.
  const inside = [...pidsInNamespaces(state.namespaces), ...pidsInCgroups(state.cgroups ?? [])];
  const pids = [...new Set([...recorded, ...inside])].filter((pid) => pid !== process.pid);
  const daemonOf = new Map(state.processes.map((p) => [p.pid, p.daemon]));
  const named = new Set(STOP_ORDER.flatMap((stage) => (stage === "rest" ? [] : stage)));
  const killed: number[] = [];
  for (const stage of STOP_ORDER) {
    const members = pids.filter((pid) => {
      const daemon = daemonOf.get(pid);
      return stage === "rest" ? daemon === undefined || !named.has(daemon) : daemon !== undefined && stage.includes(daemon);
    });
    if (members.length > 0) killed.push(...(await stopProcesses([members], stageTiming(stage))));
  }
  phases.push({ name: "processes", ms: Math.round(performance.now() - started), detail: `${pids.length} stopped${killed.length ? `, ${killedDetail(killed, state)}` : ""}` });
  started = performance.now();
  const mounts = await unmountUnder(RUN_DIR);
  if (mounts.unmounted + mounts.left.length > 0) {
    const left = mounts.left.length > 0 ? `; still mounted: ${mounts.left.slice(0, 3).join(", ")}${mounts.left.length > 3 ? ", ..." : ""}` : "";
    phases.push({ name: "mounts", ms: Math.round(performance.now() - started), detail: `${mounts.unmounted} unmounted (pods' rootfs, shm, network namespaces)${left}` });
  }
  if ((state.cgroups ?? []).length > 0) {
    started = performance.now();
    const left = (state.cgroups ?? []).flatMap((path) => removeCgroup(path));
    phases.push({ name: "cgroups", ms: Math.round(performance.now() - started), detail: `${state.cgroups?.length} removed${left.length ? `; still there (a process in them): ${left.join(", ")}` : ""}` });
  }
  for (const dir of [...(state.mountPoints ?? [])].reverse()) {
    try {
      rmdirSync(dir); // only while empty: never what is not the lab's
    } catch {
      // Not empty, or gone.
    }
  }
  started = performance.now();
  // The preflight's throwaway namespace too, should its owner have been killed inside preflight.
  const deleted = await deleteNamespaces([...state.namespaces, preflightNamespace(state.ownerPid)], () => "delete the namespaces");
  phases.push({ name: "namespaces", ms: Math.round(performance.now() - started), detail: `${deleted.length} deleted` });
  const remove = (dir: string) => rmSync(dir, { recursive: true, force: true });
  // Every recorded node's directory, of whichever topology the lab was built from (`lab down` removes
  // any lab that is up: a 208-switch lab taken down under the blog topology left 192 hosts' behind).
  const recordedNodes = state.namespaces.filter((ns) => ns.startsWith(NAMESPACE_PREFIX)).map((ns) => ns.slice(NAMESPACE_PREFIX.length));
  for (const node of new Set([...nodeNames(topology), ...recordedNodes])) remove(nodeDir(node));
  for (const p of state.processes) {
    remove(nodeDir(p.node));
    // A daemon stopped by SIGTERM removes its crash-log directory itself; one killed (SIGKILL) does not.
    for (const dir of frrCrashLogDirs(p)) remove(dir);
  }
  for (const name of state.directories ?? []) remove(labDir(name));
  removeCniResults(nodeNames(topology).concat(recordedNodes).map(cniNetworkName));
  return phases;
}
