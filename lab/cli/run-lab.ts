/**
 * What every command that changes the lab shares: the lab lock, progress on stderr, and cleanup
 * on SIGINT/SIGTERM, so an interrupted bring-up leaves nothing behind.
 */
import type { LabDriver, Phase, Progress, UpOptions, UpResult } from "../drivers/driver.js";
import { describeError, LabError, UsageError } from "../errors.js";
import { acquireLock } from "../lock.js";
import { RUN_DIR } from "../run-dir.js";

export const progress: Progress = (message) => process.stderr.write(`fabricspec: ${message}\n`);

/** Exit codes: 0 ok, 1 scenarios failed, 2 bad input (topology, usage), 3 the lab is broken, 130/143 signals. */
export const EXIT = { ok: 0, failed: 1, usage: 2, broken: 3 } as const;

/** One command's hold on the lab: bring-up through here, so an interruption knows what to undo. */
export interface LabSession {
  /** Brings the lab up (or reuses one), interruptibly; afterwards the session owns what it built. */
  up(options?: Omit<UpOptions, "signal" | "progress">): Promise<UpResult>;
  /** True once this session built a lab (not reused one): it removes it if interrupted. */
  readonly ownsLab: boolean;
  /** Removes the lab; an interruption meanwhile waits for this removal instead of starting another. */
  down(): Promise<Phase[]>;
}

class InterruptedError extends LabError {}

/**
 * Runs `work` holding the lab lock. On SIGINT or SIGTERM: a bring-up in progress stops at its next
 * step and removes what it built; a lab this session built is removed; then the lock is released
 * and the process exits 130 or 143. (SIGKILL leaves it to the next run, which reads the state.)
 */
export async function withLab(driver: LabDriver, what: string, work: (session: LabSession) => Promise<number>): Promise<number> {
  const lock = await acquireLock(RUN_DIR, `${what}, pid ${process.pid}`, progress);
  const controller = new AbortController();
  let ownsLab = false;
  let building = false;
  let removal: Promise<Phase[]> | undefined;
  let exitCode: number | undefined;
  const finish = (code: number) => {
    lock.release();
    process.exit(code);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (exitCode !== undefined) return;
    exitCode = signal === "SIGINT" ? 130 : 143;
    progress(`${signal}: ${building ? "stopping bring-up" : ownsLab ? "removing the lab" : "stopping"}`);
    controller.abort(new InterruptedError(`interrupted by ${signal}`));
    // A bring-up in progress cleans up after itself and rejects; the work's catch below exits.
    if (building) return;
    const cleanup = ownsLab ? (removal ??= driver.down(progress)) : (removal ?? Promise.resolve([]));
    cleanup.catch((error: unknown) => progress(`cleanup failed: ${describeError(error)}`)).finally(() => finish(exitCode ?? 130));
  };
  const session: LabSession = {
    async up(options = {}) {
      building = true;
      try {
        const result = await driver.up({ ...options, progress, signal: controller.signal });
        ownsLab = !result.reused;
        return result;
      } finally {
        building = false;
      }
    },
    get ownsLab() {
      return ownsLab;
    },
    async down() {
      // One removal at a time: an interruption during this one waits for it instead of starting another.
      removal ??= driver.down(progress);
      try {
        return await removal;
      } finally {
        removal = undefined;
        ownsLab = false;
      }
    },
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    return await work(session);
  } catch (error) {
    if (exitCode !== undefined) finish(exitCode);
    throw error;
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
