/**
 * The FRR switch kind on the embedded lab: each switch's FRR started in its namespace, daemon by
 * daemon in FRR's start order (by node-start.ts), with the per-daemon configuration rendered from the topology, every
 * file in the switch's own directory.
 */
import { chownSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { LabError } from "../../errors.js";
import { crashLogDirs, daemonArgv, FRR_DAEMONS, FRR_INSTALL, frrFiles, frrUser, isFrrProgram, readyWhen, type FrrDaemon } from "../../kinds/frr.js";
import { renderDaemonConfigs } from "../../render/frr.js";
import type { Switch, Topology } from "../../topology/model.js";
import type { DaemonSpec, NodeStart } from "./addons.js";
import { nodeDir, type LabProcess } from "./state.js";

/** How a daemon of a switch is started and recorded; `config`: the integrated frr.conf a provisioned switch runs from. */
export function frrDaemonSpec(sw: string, daemon: FrrDaemon, config?: string): DaemonSpec {
  const files = frrFiles(nodeDir(sw));
  return { node: sw, name: daemon, argv: daemonArgv(daemon, files, config ?? files.config(daemon)), pidFile: files.pidFile(daemon), log: files.log };
}

/**
 * Writes a switch's configuration into its fresh directory; returns how it is started (node-start.ts):
 * its sysctls and addresses, then its daemons in FRR's order, each once the one before is ready.
 */
export function prepareSwitch(t: Topology, sw: Switch, sysctls: readonly string[], addressLines: readonly string[]): NodeStart {
  const frr = frrUser();
  if (!frr) throw new LabError("no user frr", { hint: FRR_INSTALL });
  const files = frrFiles(nodeDir(sw.name));
  rmSync(files.dir, { recursive: true, force: true });
  mkdirSync(files.dir, { recursive: true });
  const configs = renderDaemonConfigs(t, sw);
  for (const daemon of FRR_DAEMONS) writeFileSync(files.config(daemon), configs[daemon]);
  for (const file of [files.dir, ...FRR_DAEMONS.map(files.config)]) chownSync(file, frr.uid, frr.gid);
  return {
    node: sw.name,
    dir: files.dir,
    sysctls,
    addressLines,
    daemons: FRR_DAEMONS.map((daemon) => {
      const ready = readyWhen(daemon, files);
      return { spec: frrDaemonSpec(sw.name, daemon), ...(ready === undefined ? {} : { readySocket: ready }) };
    }),
  };
}

/** A recorded FRR daemon's crash-log directories (none for any other process). */
export function frrCrashLogDirs(p: LabProcess): string[] {
  if (!isFrrProgram(p.command ?? "")) return [];
  return crashLogDirs(p.daemon, [p.pid, ...(p.startPid ? [p.startPid] : [])]);
}
