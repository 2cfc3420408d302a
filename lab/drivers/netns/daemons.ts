/** The one way the embedded lab starts a process: a daemon in a node's namespace, recorded by its PID. */
import { readFileSync, rmSync } from "node:fs";
import { CommandError } from "../../errors.js";
import { runLocal } from "../../transport/local.js";
import type { DaemonSpec } from "./addons.js";
import { namespaceOf } from "./plan.js";
import type { LabProcess, LabRecord } from "./state.js";

/** How long a daemon that has exited 0 may take to write its PID file. */
const PID_FILE_WAIT_MS = 15_000;

/** Starts a daemon in its node's namespace and records it; never while the lab is being removed. */
export async function spawnDaemon(spec: DaemonSpec, record: LabRecord, signal?: AbortSignal): Promise<LabProcess> {
  signal?.throwIfAborted();
  record.refuseWhileRemoving(`start ${spec.name} on ${spec.node}`);
  rmSync(spec.pidFile, { force: true }); // a stale one would name a dead daemon
  const ns = namespaceOf(spec.node);
  const enter = spec.enter === "nsenter" ? ["nsenter", `--net=/run/netns/${ns}`] : ["ip", "netns", "exec", ns];
  const result = await runLocal([...enter, ...spec.argv], { timeoutMs: 10_000 });
  const pid = result.exitCode === 0 ? await waitForPid(spec.pidFile) : undefined;
  if (pid === undefined) {
    const why = result.stderr.trim().split("\n")[0] || (result.exitCode === 0 ? `no PID in ${spec.pidFile}` : `exit ${result.exitCode}`);
    throw new CommandError(`${spec.name} on ${spec.node} did not start: ${why}`, spec.log ? { hint: `see ${spec.log}` } : {});
  }
  const started: LabProcess = {
    node: spec.node,
    daemon: spec.name,
    pid,
    command: spec.command ?? spec.argv[0] ?? "",
    ...(result.pid ? { startPid: result.pid } : {}),
  };
  record.record((s) => ({ ...s, processes: [...s.processes, started] }));
  return started;
}

/**
 * The PID a daemon that exited 0 wrote to its PID file, waited for: some daemons (sshd) write it
 * after the parent has exited, and BIRD 1.6 creates it before it forks and writes the PID in the
 * child (on a loaded two-core machine, nine sshds starting at once took over 5 s). Undefined if
 * none came within PID_FILE_WAIT_MS.
 */
export async function waitForPid(file: string): Promise<number | undefined> {
  const deadline = performance.now() + PID_FILE_WAIT_MS;
  for (;;) {
    const pid = Number(readPidFile(file));
    if (Number.isInteger(pid) && pid > 0) return pid;
    if (performance.now() >= deadline) return undefined;
    await new Promise((r) => setTimeout(r, 20));
  }
}

function readPidFile(file: string): string {
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    return "";
  }
}
