/**
 * What every command that changes the lab shares: the lab lock, progress on stderr, and cleanup
 * on SIGINT/SIGTERM, so an interrupted bring-up leaves nothing behind.
 */
import type { LabDriver, Progress } from "../drivers/driver.js";
import { RUN_DIR } from "../drivers/netns/state.js";
import { describeError, LabError, UsageError } from "../errors.js";
import { acquireLock } from "../lock.js";

export const progress: Progress = (message) => process.stderr.write(`fabricspec: ${message}\n`);

/** Exit codes: 0 ok, 1 scenarios failed, 2 bad input (topology, usage), 3 the lab is broken, 130/143 signals. */
export const EXIT = { ok: 0, failed: 1, usage: 2, broken: 3 } as const;

export interface LabSession {
  /** Set once the session built a lab it must remove if interrupted. */
  ownsLab: boolean;
}

/**
 * Runs `work` holding the lab lock. On SIGINT or SIGTERM: removes the lab if this session built
 * it, releases the lock and exits 130 or 143 (SIGKILL is handled by the next run, from the state).
 */
export async function withLab(driver: LabDriver, what: string, work: (session: LabSession) => Promise<number>): Promise<number> {
  const lock = await acquireLock(RUN_DIR, `${what}, pid ${process.pid}`, progress);
  const session: LabSession = { ownsLab: false };
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    progress(`${signal}: ${session.ownsLab ? "removing the lab" : "stopping"}`);
    const cleanup = session.ownsLab ? driver.down(progress) : Promise.resolve([]);
    cleanup
      .catch((error: unknown) => progress(`cleanup failed: ${describeError(error)}`))
      .finally(() => {
        lock.release();
        process.exit(signal === "SIGINT" ? 130 : 143);
      });
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    return await work(session);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    lock.release();
  }
}

/** Prints an error for a person (no stack trace) and returns the exit code it deserves. */
export function reportError(error: unknown): number {
  if (error instanceof UsageError) {
    process.stderr.write(`fabricspec: ${describeError(error)}\n`);
    return EXIT.usage;
  }
  if (error instanceof LabError) {
    process.stderr.write(`fabricspec: the lab is broken: ${describeError(error)}\n`);
    return EXIT.broken;
  }
  process.stderr.write(`fabricspec: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return EXIT.broken;
}
