/** Which FRR daemons run on a switch: `vtysh -c "show daemons"` (one line, the names space-separated). */
import type { CommandResult, CommandRunner } from "../transport/runner.js";
import { runProbe, type Probed } from "./probe.js";

export const FRR_DAEMONS_COMMAND = ["vtysh", "-c", "show daemons"] as const;

/** The running daemons; or, when vtysh reaches none (it exits non-zero), why: a switch in a wrong state, not a broken lab. */
export type FrrDaemons = { readonly reachable: true; readonly running: readonly string[] } | { readonly reachable: false; readonly reason: string };

/** Parses `vtysh -c "show daemons"`, e.g. " zebra bgpd staticd". */
export function parseFrrDaemons(result: CommandResult): FrrDaemons {
  if (result.exitCode !== 0) return { reachable: false, reason: result.stderr.trim() || `exit ${result.exitCode}` };
  return { reachable: true, running: result.stdout.split(/\s+/).filter((name) => name !== "") };
}

export function frrDaemons(runner: CommandRunner): Promise<Probed<FrrDaemons>> {
  return runProbe(runner, FRR_DAEMONS_COMMAND, parseFrrDaemons, { timeoutMs: 10_000 });
}
