/**
 * The NetnsContext the addons and the pod networks build with: every namespace, directory and
 * process they create goes into the lab's record first, and is forgotten once they remove it.
 */
import { existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { Topology } from "../../topology/model.js";
import type { CommandRunner } from "../../transport/runner.js";
import type { NetnsContext } from "./addons.js";
import { budgets } from "../../expect/budgets.js";
import { makeCgroup } from "./cgroups.js";
import { spawnDaemon } from "./daemons.js";
import { startNode } from "./node-start.js";
import { addNamespaces, deleteNamespaces, ipBatch } from "./namespaces.js";
import { namespaceOf } from "./plan.js";
import { isRecorded, stopProcesses } from "./processes.js";
import { labDir, nodeDir, type LabRecord } from "./state.js";

export function netnsContext(
  topology: Topology,
  record: LabRecord,
  localRunner: (node: string) => CommandRunner,
  signal?: AbortSignal,
): NetnsContext {
  return {
    topology,
    signal,
    namespaceOf,
    nodeDir: (node) => {
      const dir = nodeDir(node);
      mkdirSync(dir, { recursive: true });
      return dir;
    },
    labDir: (name) => {
      record.record((s) => ({ ...s, directories: [...new Set([...(s.directories ?? []), name])] }));
      const dir = labDir(name);
      mkdirSync(dir, { recursive: true });
      return dir;
    },
    makeCgroup: (path) => {
      record.record((s) => ({ ...s, cgroups: [...new Set([...(s.cgroups ?? []), path])] }));
      makeCgroup(path);
    },
    makeMountPoint: (dir) => {
      const missing: string[] = [];
      for (let d = dir; !existsSync(d); d = dirname(d)) missing.unshift(d);
      if (missing.length === 0) return;
      record.record((s) => ({ ...s, mountPoints: [...new Set([...(s.mountPoints ?? []), ...missing])] }));
      for (const d of missing) mkdirSync(d);
    },
    addNamespaces: async (nodes) => {
      const names = nodes.map(namespaceOf);
      record.record((s) => ({ ...s, namespaces: [...new Set([...s.namespaces, ...names])] }));
      await addNamespaces(names, `create namespaces ${names.join(", ")}`);
    },
    ipBatch: (lines, what, node) => ipBatch(lines, what, node === undefined ? undefined : namespaceOf(node)),
    spawnDaemon: (spec) => spawnDaemon(spec, record, signal),
    startNode: (start) => {
      const dir = nodeDir(start.node);
      mkdirSync(dir, { recursive: true });
      return startNode({ ...start, dir }, record, budgets(topology.bgp).daemonStart.ms, signal);
    },
    localRunner,
    recorded: () => {
      const state = record.read();
      return { namespaces: state?.namespaces ?? [], processes: state?.processes.filter(isRecorded) ?? [] };
    },
    removeNamespaces: async (nodes) => {
      const names = nodes.map(namespaceOf);
      await deleteNamespaces(names, (present) => `delete namespaces ${present.join(", ")}`);
      record.forget((s) => ({ ...s, namespaces: s.namespaces.filter((ns) => !names.includes(ns)) }));
    },
    stopProcess: async (target) => {
      // Signalled only while the PID still runs what was recorded (a PID can be reused).
      if (isRecorded(target)) await stopProcesses([[target.pid]]);
      record.forget((s) => ({ ...s, processes: s.processes.filter((p) => p.pid !== target.pid) }));
    },
  };
}
