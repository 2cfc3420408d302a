/**
 * A node of the embedded lab brought up by one process in its namespace: its sysctls, its
 * addresses (`ip -batch`), then its daemons in order, each started once the one before it is ready.
 * One process a node, not one a step: on two cores, every process the lab's own Node process
 * spawns blocks its event loop for the fork, and under a 208-switch bring-up's load that took
 * ~27 ms a spawn (a CPU profile: 37 of 65 s in ChildProcess.spawn), so the steps' waits run in the
 * node's own shell instead. The script is kept in the node's directory (`start.sh`), with what it
 * printed (`start.log`), as the evidence of what bring-up did there.
 */
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CommandError } from "../../errors.js";
import { SYSCTL } from "../../kinds/calico-node.js";
import { runLocal } from "../../transport/local.js";
import { shellQuote } from "../../transport/runner.js";
import type { NodeStart } from "./addons.js";
import { waitForPid } from "./daemons.js";
import { IP } from "./namespaces.js";

/** iproute2's bridge tool (forwarding database entries). */
const BRIDGE = "bridge";
import { namespaceOf } from "./plan.js";
import type { LabProcess, LabRecord } from "./state.js";

/** What the script prints for each daemon it started: `started NAME PID` (the PID it started as, before it daemonized). */
const STARTED = /^started (\S+) (\d+)$/;

/**
 * The POSIX shell script that brings the node up; it stops at the first step that fails, naming
 * the step on standard error. A socket that does not appear within `readyMs` fails its daemon.
 */
export function nodeStartScript(start: NodeStart, readyMs: number): string {
  const q = shellQuote;
  const tries = Math.max(1, Math.ceil(readyMs / 20));
  const out = [
    `# fabricspec: bring-up of ${start.node}, run as \`ip netns exec ${namespaceOf(start.node)} sh ${start.script ?? "start"}.sh\``,
    `fail() { echo "$*" >&2; exit 1; }`,
  ];
  if (start.sysctls.length > 0) out.push(`${SYSCTL} -qw ${start.sysctls.map(q).join(" ")} || fail "could not set ${start.sysctls.join(" ")}"`);
  if (start.addressLines.length > 0) {
    out.push(`${IP} -batch - <<'FABRICSPEC_IP' || fail "could not address its interfaces"`, ...start.addressLines, "FABRICSPEC_IP");
  }
  for (const batch of start.batches ?? []) {
    const program = batch.program === "ip" ? `${IP} -n ${q(batch.namespace)}` : BRIDGE;
    out.push(`${program} -batch - <<'FABRICSPEC_BATCH' || fail ${q(`could not ${batch.what}`)}`, ...batch.lines, "FABRICSPEC_BATCH");
  }
  for (const { spec, readySocket } of start.daemons) {
    // In the background and waited for, so that $! is the PID it started as (its crash-log directory's name).
    out.push(`${spec.argv.map(q).join(" ")} </dev/null & pid=$!`, `wait "$pid" || fail "${spec.name} did not start: exit $?"`, `echo "started ${spec.name} $pid"`);
    if (readySocket !== undefined) {
      out.push(
        `n=0; while [ ! -S ${q(readySocket)} ]; do`,
        `  n=$((n + 1)); [ "$n" -gt ${tries} ] && fail "${spec.name} did not open its socket ${readySocket} within ${readyMs} ms"`,
        `  sleep 0.02`,
        `done`,
      );
    }
  }
  return `${out.join("\n")}\n`;
}

/**
 * Runs the node's start script in its namespace, then records every daemon it started (those that
 * did start, also when a later step failed: teardown stops them by PID).
 */
export async function startNode(start: NodeStart, record: LabRecord, readyMs: number, signal?: AbortSignal): Promise<LabProcess[]> {
  signal?.throwIfAborted();
  record.refuseWhileRemoving(`bring ${start.node} up`);
  for (const { spec } of start.daemons) rmSync(spec.pidFile, { force: true }); // a stale one would name a dead daemon
  const name = start.script ?? "start";
  const script = join(start.dir, `${name}.sh`);
  writeFileSync(script, nodeStartScript(start, readyMs));
  const timeoutMs = 30_000 + readyMs * start.daemons.length;
  const result = await runLocal(["ip", "netns", "exec", namespaceOf(start.node), "sh", script], { timeoutMs });
  writeFileSync(join(start.dir, `${name}.log`), `exit ${result.exitCode} after ${result.durationMs} ms\n${result.stdout}${result.stderr}`);
  const startPids = new Map<string, number>();
  for (const line of result.stdout.split("\n")) {
    const m = STARTED.exec(line.trim());
    if (m) startPids.set(m[1]!, Number(m[2]));
  }
  const started: LabProcess[] = [];
  for (const { spec } of start.daemons) {
    const startPid = startPids.get(spec.name);
    if (startPid === undefined) continue;
    const pid = await waitForPid(spec.pidFile);
    if (pid === undefined) {
      if (started.length > 0) record.record((s) => ({ ...s, processes: [...s.processes, ...started] }));
      throw new CommandError(`${spec.name} on ${start.node} did not write its PID file ${spec.pidFile}`, spec.log ? { hint: `see ${spec.log}` } : {});
    }
    started.push({ node: start.node, daemon: spec.name, pid, command: spec.command ?? spec.argv[0] ?? "", startPid });
  }
  if (started.length > 0) record.record((s) => ({ ...s, processes: [...s.processes, ...started] }));
  if (result.exitCode !== 0) {
    const why = result.exitCode === 124 ? `timed out after ${timeoutMs} ms` : result.stderr.trim().split("\n").at(-1) || `exit ${result.exitCode}`;
    const log = start.daemons.find((d) => !startPids.has(d.spec.name))?.spec.log;
    throw new CommandError(`bring-up of ${start.node} failed: ${why}`, { hint: `see ${join(start.dir, `${name}.log`)}${log ? ` and ${log}` : ""}` });
  }
  return started;
}
