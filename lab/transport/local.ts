/** Local execution with execa: argument arrays, never shell strings. */
import { execa } from "execa";
import type { CommandResult, RunOptions } from "./runner.js";

/** A local command's result, with the PID it ran as. */
export interface LocalResult extends CommandResult {
  /** Undefined when it could not be started. */
  readonly pid: number | undefined;
}

/** Runs argv on this machine; a missing binary or a timeout is a result too (127, 124). */
export async function runLocal(argv: readonly string[], options: RunOptions = {}): Promise<LocalResult> {
  const [file, ...args] = argv;
  if (file === undefined) throw new Error("runLocal: empty command");
  const started = performance.now();
  const subprocess = execa(file, args, {
    reject: false,
    stripFinalNewline: false,
    timeout: options.timeoutMs,
    input: options.input,
    stdin: options.input === undefined ? "ignore" : undefined,
  });
  const { pid } = subprocess;
  const result = await subprocess;
  const durationMs = Math.round(performance.now() - started);
  const exitCode = result.timedOut ? 124 : result.code === "ENOENT" ? 127 : (result.exitCode ?? 1);
  const stderr = result.code === "ENOENT" ? `${file}: command not found` : String(result.stderr ?? "");
  return { command: argv, exitCode, stdout: String(result.stdout ?? ""), stderr, durationMs, pid };
}
