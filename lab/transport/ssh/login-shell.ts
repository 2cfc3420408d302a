/**
 * sshd runs every command through the user's login shell, and whatever its startup files print
 * (a motd script, `stdin: is not a tty`, an rc file that echoes) lands before the command's own
 * output. So the line sent prints a marker on stdout and on stderr right before it `exec`s the
 * command, and everything up to the first marker of each stream is the login's noise: kept aside on
 * the result, never part of the stdout or stderr that parsers read. A stream without its marker (a
 * shell that failed before it) is kept as it came.
 */
import { formatCommand, type CommandResult } from "../runner.js";

/** ASCII record separators around the name: nothing a startup file prints by chance. */
const MARKER = Buffer.from("\x1efabricspec\x1e", "latin1");
/** The same bytes, as printf(1)'s format writes them (octal escapes, quoted for the shell). */
const PRINT_MARKER = "printf '\\036fabricspec\\036'";

/**
 * The line the login shell runs for argv: both markers, then `exec` of argv quoted for a POSIX
 * shell (behind `sudo -n --` when the endpoint says sudo), so the shell is replaced by the
 * command and its exit status is the command's, as with a local command.
 */
export function remoteCommand(argv: readonly string[], sudo: boolean | undefined): string {
  return `${PRINT_MARKER}; ${PRINT_MARKER} >&2; exec ${formatCommand(sudo ? ["sudo", "-n", "--", ...argv] : argv)}`;
}

/** What the session's streams carried, cut at their markers. */
export type CutOutput = Pick<CommandResult, "stdout" | "stderr" | "loginNoise">;

/** The command's own stdout and stderr, and (only when the login printed anything) its noise. */
export function cutLoginNoise(stdout: Buffer, stderr: Buffer): CutOutput {
  const out = cut(stdout);
  const err = cut(stderr);
  const noisy = out.noise !== "" || err.noise !== "";
  return { stdout: out.text, stderr: err.text, ...(noisy ? { loginNoise: { stdout: out.noise, stderr: err.noise } } : {}) };
}

function cut(stream: Buffer): { text: string; noise: string } {
  const at = stream.indexOf(MARKER);
  if (at < 0) return { text: stream.toString("utf8"), noise: "" };
  return { text: stream.subarray(at + MARKER.length).toString("utf8"), noise: stream.subarray(0, at).toString("utf8") };
}
