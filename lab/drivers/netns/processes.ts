/** Finding and stopping the processes inside our namespaces, by PID, without touching any other. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { isAlive } from "../../lock.js";
import type { LabProcess } from "./state.js";

/** The inode of a named network namespace, or undefined when it does not exist. */
export function namespaceInode(name: string): number | undefined {
  try {
    return statSync(`/run/netns/${name}`).ino;
  } catch {
    return undefined;
  }
}

/**
 * PIDs of every process whose network namespace is one of `names` (what `ip netns pids` finds,
 * for all of them in one pass over /proc).
 */
export function pidsInNamespaces(names: readonly string[]): number[] {
  const inodes = new Set(names.map(namespaceInode).filter((i): i is number => i !== undefined));
  if (inodes.size === 0) return [];
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (inodes.has(statSync(`/proc/${entry}/ns/net`).ino)) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

/** The command line of a live process, or undefined. */
export function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim();
  } catch {
    return undefined;
  }
}

/** True while a recorded PID still runs what the lab started there (a PID can be reused by another process). */
export function isRecorded(p: LabProcess): boolean {
  return isAlive(p.pid) && (commandLine(p.pid)?.startsWith(p.command) ?? false);
}

/** How long a stop waits for processes to exit after SIGTERM before it falls back to SIGKILL. */
export interface StopTiming {
  /** How long to wait with no process exiting or working (default 2 s): a stage ends early as soon as all have exited. */
  readonly quietMs?: number;
  /** The most a stage waits in all, however steadily processes keep exiting (default 2 s + 100 ms a process). */
  readonly capMs?: number;
}

/** A process's state letter and CPU time so far (clock ticks), from /proc; undefined once it is gone. */
function schedulerView(pid: number): { state: string; ticks: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { state: fields[0] ?? "", ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}

/**
 * True when some of the processes did work since the last call: used CPU, or sat in the kernel
 * (state D). Such a process is exiting, not stuck: 208 bgpds stopped at once spent seconds in D,
 * in rmdir of their crash-log directories under the one /var/tmp/frr, where SIGKILL could not even
 * reach them, and the old rule (2 s without an exit) killed 344 of them.
 */
export function workSince(): (pids: readonly number[]) => boolean {
  const seen = new Map<number, number>();
  return (pids) => {
    let working = false;
    for (const pid of pids) {
      const view = schedulerView(pid);
      if (!view) continue;
      if (view.state === "D" || view.state === "R" || (seen.has(pid) && view.ticks > seen.get(pid)!)) working = true;
      seen.set(pid, view.ticks);
    }
    return working;
  };
}

/**
 * Waits until every PID has exited, for as long as some keep exiting or working (within the cap).
 * Returns those still alive.
 */
export async function waitForExit(
  pids: readonly number[],
  timing: StopTiming = {},
  alive: (pid: number) => boolean = isAlive,
  working: (pids: readonly number[]) => boolean = workSince(),
): Promise<number[]> {
  const quietMs = timing.quietMs ?? 2000;
  const capMs = timing.capMs ?? 2000 + 100 * pids.length;
  const started = performance.now();
  let lastProgress = started;
  let left = pids.filter(alive);
  let workCheckedAt = started;
  while (left.length > 0) {
    const now = performance.now();
    if (now - lastProgress >= quietMs || now - started >= capMs) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
    const still = left.filter(alive);
    // Exits are checked every poll; work (a read of /proc per process) every 200 ms.
    if (still.length < left.length) lastProgress = performance.now();
    else if (performance.now() - workCheckedAt >= 200) {
      workCheckedAt = performance.now();
      if (working(still)) lastProgress = workCheckedAt;
    }
    left = still;
  }
  return left;
}

/**
 * Stops processes stage by stage: every PID of a stage gets SIGTERM, and the next stage starts once
 * they have all exited (FRR: bgpd and staticd before zebra, so that zebra is still there to see its
 * clients close, and does not exit under them). What still runs after a stage's wait (see
 * StopTiming) gets SIGKILL, a last resort: returns those PIDs, for the caller to report.
 */
export async function stopProcesses(stages: readonly (readonly number[])[], timing: StopTiming = {}): Promise<number[]> {
  const signal = (pid: number, sig: NodeJS.Signals) => {
    try {
      process.kill(pid, sig);
    } catch {
      // Already gone.
    }
  };
  const killed: number[] = [];
  for (const pids of stages) {
    for (const pid of pids) signal(pid, "SIGTERM");
    const alive = await waitForExit(pids, timing);
    for (const pid of alive) signal(pid, "SIGKILL");
    killed.push(...alive);
  }
  return killed;
}
