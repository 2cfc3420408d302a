/** A command the lab needs, not one whose result a test judges: its failure is the lab broken. */
import { CommandError } from "../errors.js";
import type { CommandResult, CommandRunner } from "./runner.js";

/** Runs argv (with `input` on its stdin) and returns its result; a non-zero exit is a CommandError with what the command said. */
export async function must(runner: CommandRunner, argv: readonly string[], input?: string, timeoutMs = 120_000): Promise<CommandResult> {
  const result = await runner.run(argv, { timeoutMs, ...(input === undefined ? {} : { input }) });
  if (result.exitCode !== 0) throw new CommandError(`${runner.node}: ${argv.join(" ")} failed: ${result.stderr.trim() || result.stdout.trim() || `exit ${result.exitCode}`}`);
  return result;
}
