/**
 * The embedded lab provisioned like real machines (FABRICSPEC_PROVISION=ssh): its switches come up
 * bare (named veth links, an sshd, FRR installed but neither configured nor running) and the
 * provisioner (lab/provision/) builds the fabric over SSH. Only FRR's last step is this driver's:
 * FRR runs here daemon by daemon, not under systemd, so "load FRR" starts each daemon of the
 * daemons file with the installed frr.conf, in FRR's start order, zebra's socket waited for. The
 * daemons started over SSH are then recorded by their PID files, like every process of the lab.
 */
import { chownSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { LabError } from "../../errors.js";
import { daemonArgv, FRR_DAEMONS, FRR_INSTALL, frrFiles, frrUser, readyWhen, VTYSH } from "../../kinds/frr.js";
import type { FrrTarget } from "../../provision/target.js";
import { FRR_CURRENT } from "../../render/frr-release.js";
import { waitForPid } from "./daemons.js";
import { isRecorded } from "./processes.js";
import { nodeDir, type LabProcess, type LabRecord } from "./state.js";

/** How long zebra may take to open its API socket before bgpd starts (bgpd connects to it). */
const ZSERV_WAIT_S = 10;

const configOf = (sw: string): string => join(nodeDir(sw), "frr.conf");

/** FRR of the embedded lab: every file in the switch's directory, vtysh pointed at its sockets. */
export const EMBEDDED_TARGET: FrrTarget = {
  name: "embedded",
  install: FRR_INSTALL,
  release: FRR_CURRENT, // Debian 12's FRR 8.4
  daemonsFile: (sw) => join(nodeDir(sw), "daemons"),
  configFile: configOf,
  // The full path: a runner's own rewrite of `vtysh` (NetnsDriver.nodeCommand) does not apply again.
  vtysh: (sw) => [VTYSH, "--vty_socket", nodeDir(sw)],
  load: (sw) => {
    const files = frrFiles(nodeDir(sw));
    return [
      {
        name: "load FRR",
        checks: FRR_DAEMONS.map((d) => ({ argv: ["pgrep", "-F", files.pidFile(d)] })),
        commands: FRR_DAEMONS.flatMap((daemon) => {
          const ready = readyWhen(daemon, files);
          return [
            { argv: daemonArgv(daemon, files, configOf(sw)), fix: `see ${files.log}` },
            // A fixed script, the socket its argument: wait until zebra listens before bgpd starts.
            ...(ready === undefined
              ? []
              : [{ argv: ["timeout", String(ZSERV_WAIT_S), "sh", "-c", 'while [ ! -S "$1" ]; do sleep 0.02; done', "sh", ready], fix: `${daemon} did not open ${ready}: see ${files.log}` }]),
          ];
        }),
        fix: `see ${files.log}`,
      },
    ];
  },
};

/** A switch as it is before provisioning: its directory, fresh and FRR's, and nothing in it. */
export function prepareBareSwitch(sw: string): string {
  const frr = frrUser();
  if (!frr) throw new LabError("no user frr", { hint: FRR_INSTALL });
  const dir = nodeDir(sw);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  chownSync(dir, frr.uid, frr.gid);
  return dir;
}

/**
 * Records the FRR daemons the provisioner started on a switch, by their PID files (only those that
 * run what a daemon of ours runs: a stale file names nobody). `wait`: each PID file is waited for.
 */
export async function recordProvisionedDaemons(sw: string, record: LabRecord, wait = true): Promise<LabProcess[]> {
  const files = frrFiles(nodeDir(sw));
  const started: LabProcess[] = [];
  for (const daemon of FRR_DAEMONS) {
    const pid = wait ? await waitForPid(files.pidFile(daemon)) : readPid(files.pidFile(daemon));
    if (pid === undefined) continue;
    const p: LabProcess = { node: sw, daemon, pid, command: daemonArgv(daemon, files)[0] ?? "" };
    if (isRecorded(p)) started.push(p);
  }
  record.record((s) => ({ ...s, processes: [...s.processes, ...started] }));
  return started;
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
