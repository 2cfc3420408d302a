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

/** SIGTERM, then SIGKILL what is still alive after `graceMs`. Returns the PIDs that needed SIGKILL. */
export async function stopProcesses(pids: readonly number[], graceMs = 2000): Promise<number[]> {
  const signal = (pid: number, sig: NodeJS.Signals) => {
    try {
      process.kill(pid, sig);
    } catch {
      // Already gone.
    }
  };
  for (const pid of pids) signal(pid, "SIGTERM");
  const deadline = performance.now() + graceMs;
  let alive = pids.filter(isAlive);
  while (alive.length > 0 && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    alive = alive.filter(isAlive);
  }
  for (const pid of alive) signal(pid, "SIGKILL");
  return alive;
}
