/**
 * The tail of a switch's FRR log, found where FRR says it writes it (`show logging`), so that
 * every driver reads it through the node's runner: the embedded lab's daemons log to a file given
 * on their command line (`--log file:/run/fabricspec/SWITCH/frr.log`), a packaged FRR to the file
 * of `log file PATH` in frr.conf. A switch that logs only to syslog has no file to read: said so.
 */
import type { CommandRunner } from "../transport/runner.js";
import { firstLine } from "./probe.js";

export const SHOW_LOGGING_COMMAND = ["vtysh", "-c", "show logging"] as const;

/** Every log file `show logging` names (FRR 8.4: "File logging: level X, filename F" or the daemons' `--log file:F`). */
export function logFiles(showLogging: string): string[] {
  const files = new Set<string>();
  for (const [, file] of showLogging.matchAll(/filename (\S+)/g)) if (file) files.add(file);
  for (const [, file] of showLogging.matchAll(/--log file:([^\s"]+)/g)) if (file) files.add(file);
  return [...files];
}

/** The last `lines` lines of the switch's FRR log, or why there are none. */
export async function frrLogTail(runner: CommandRunner, lines = 40): Promise<{ file: string | undefined; text: string }> {
  const logging = await runner.run(SHOW_LOGGING_COMMAND, { timeoutMs: 10_000 });
  if (logging.exitCode !== 0) return { file: undefined, text: `no FRR log: \`vtysh -c "show logging"\` failed: ${firstLine(logging.stderr) ?? firstLine(logging.stdout) ?? `exit ${logging.exitCode}`}` };
  const [file] = logFiles(logging.stdout);
  if (file === undefined) return { file: undefined, text: "no FRR log file: FRR logs to syslog or stdout only (show logging)" };
  const tail = await runner.run(["tail", "-n", String(lines), file], { timeoutMs: 10_000 });
  if (tail.exitCode !== 0) return { file, text: `could not read ${file}: ${firstLine(tail.stderr) ?? `exit ${tail.exitCode}`}` };
  return { file, text: tail.stdout };
}
