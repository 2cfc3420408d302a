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
  /** How long to wait with no process exiting (default 2 s): a stage ends early as soon as all have exited. */
  readonly quietMs?: number;
  /** The most a stage waits in all, however steadily processes keep exiting (default 2 s + 100 ms a process). */
  readonly capMs?: number;
}

/** Waits until every PID has exited, for as long as some keep exiting (within the cap). Returns those still alive. */
export async function waitForExit(pids: readonly number[], timing: StopTiming = {}, alive: (pid: number) => boolean = isAlive): Promise<number[]> {
  const quietMs = timing.quietMs ?? 2000;
  const capMs = timing.capMs ?? 2000 + 100 * pids.length;
  const started = performance.now();
  let lastExit = started;
  let left = pids.filter(alive);
  while (left.length > 0) {
    const now = performance.now();
    if (now - lastExit >= quietMs || now - started >= capMs) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
    const still = left.filter(alive);
    if (still.length < left.length) lastExit = performance.now();
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
