/** One lab per machine: runs that would change it take this lock, and a second one waits. */
import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LabBusyError } from "./errors.js";

interface Holder {
  readonly pid: number;
  readonly what: string;
}

export interface Lock {
  release(): void;
}

/** True when a process with this PID runs (a zombie, ended but not yet reaped, does not). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return false;
  }
}

/**
 * Takes the lock in `dir`, waiting (with a message) while a live process holds it; a lock left by
 * a dead process is taken over. Gives up after `waitMs` with the holder named.
 */
export async function acquireLock(dir: string, what: string, progress: (message: string) => void, waitMs = 15 * 60_000): Promise<Lock> {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "lock");
  const started = Date.now();
  let told = false;
  for (;;) {
    try {
      writeFileSync(file, JSON.stringify({ pid: process.pid, what } satisfies Holder), { flag: "wx" });
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          const holder = readHolder(file);
          if (holder?.pid === process.pid) rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = readHolder(file);
    // An unreadable lock younger than a second is being written by its new holder.
    if (!holder && Date.now() - mtimeOf(file) < 1000) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      continue;
    }
    if (!holder || !isAlive(holder.pid)) {
      takeOverStale(file, holder?.pid);
      continue;
    }
    if (holder.pid === process.pid) throw new LabBusyError(`this process already holds the lab lock (${holder.what})`);
    if (Date.now() - started > waitMs) {
      throw new LabBusyError(`the lab is still held by pid ${holder.pid} (${holder.what}) after ${Math.round(waitMs / 1000)} s`);
    }
    if (!told) {
      progress(`waiting for the lab: pid ${holder.pid} is using it (${holder.what})`);
      told = true;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function readHolder(file: string): Holder | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Holder;
  } catch {
    return undefined;
  }
}

function mtimeOf(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * Removes a dead holder's lock. Two waiters may both see it dead: each renames the file away
 * (atomic, so only one gets it) and deletes it only if it is still the dead holder's; a live
 * lock that the other waiter had just written in its place is put back.
 */
function takeOverStale(file: string, deadPid: number | undefined): void {
  const aside = `${file}.stale.${process.pid}`;
  try {
    renameSync(file, aside);
  } catch {
    return; // another waiter moved it first
  }
  const moved = readHolder(aside);
  if (moved && moved.pid !== deadPid && isAlive(moved.pid)) {
    try {
      linkSync(aside, file);
    } catch {
      // A third lock appeared meanwhile; the one we moved has lost its file, and its holder will
      // find that out when it releases (it removes only a lock with its own PID).
    }
  }
  rmSync(aside, { force: true });
}
