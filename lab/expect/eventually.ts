/** Polls a check until it passes or its budget runs out; never a fixed sleep. */
import type { Budget } from "./budgets.js";

export interface Settled<T> {
  readonly value: T;
  readonly attempts: number;
  readonly elapsedMs: number;
}

/**
 * Runs `check` every budget.intervalMs until it returns without throwing. On timeout, rethrows the
 * last error with the attempts and elapsed time appended, so the report shows the last state seen.
 * Errors that `isFatal` accepts (a broken lab, not a network still converging) end the wait at
 * once, and so does an aborted `signal` (an interrupted run).
 */
export async function eventually<T>(
  check: () => Promise<T>,
  budget: Budget,
  options: { readonly isFatal?: (error: unknown) => boolean; readonly signal?: AbortSignal | undefined } = {},
): Promise<Settled<T>> {
  const isFatal = options.isFatal ?? (() => false);
  const started = performance.now();
  let attempts = 0;
  for (;;) {
    options.signal?.throwIfAborted();
    attempts++;
    try {
      const value = await check();
      return { value, attempts, elapsedMs: Math.round(performance.now() - started) };
    } catch (error) {
      const elapsed = performance.now() - started;
      if (isFatal(error) || elapsed + budget.intervalMs > budget.ms) {
        if (error instanceof Error && !isFatal(error)) {
          error.message += `\n(still so after ${attempts} attempts in ${Math.round(elapsed)} ms; budget ${budget.name} ${budget.ms} ms: ${budget.reason})`;
        }
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, budget.intervalMs));
    }
  }
}
