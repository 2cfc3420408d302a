/** Local execution with execa: argument arrays, never shell strings. */
import { execa } from "execa";
import type { CommandResult, RunOptions } from "./runner.js";

/** Runs argv on this machine; a missing binary or a timeout is a result too (127, 124). */
export async function runLocal(argv: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
  const [file, ...args] = argv;
  if (file === undefined) throw new Error("runLocal: empty command");
  const started = performance.now();
  const result = await execa(file, args, {
    reject: false,
    stripFinalNewline: false,
    timeout: options.timeoutMs,
    input: options.input,
    stdin: options.input === undefined ? "ignore" : undefined,
  });
  const durationMs = Math.round(performance.now() - started);
  const exitCode = result.timedOut ? 124 : result.code === "ENOENT" ? 127 : (result.exitCode ?? 1);
  const stderr = result.code === "ENOENT" ? `${file}: command not found` : String(result.stderr ?? "");
  return { command: argv, exitCode, stdout: String(result.stdout ?? ""), stderr, durationMs };
}
