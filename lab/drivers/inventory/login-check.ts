/**
 * How a node's login shell treats the commands the probes send. sshd runs each one through it, so
 * a startup file that waits is paid by every command, and one that prints adds noise (which the
 * transport cuts off: lab/transport/ssh/login-shell.ts). Preflight times a no-op command per node
 * and says either, with its cause and fix in one line; neither stops the run. A login that does not
 * finish the no-op at all stalls every probe: that one is a problem.
 */
import type { CommandResult, RunOptions } from "../../transport/runner.js";
import type { PreflightWarning } from "../driver.js";

/** A no-op slower than this is reported: every command of every probe pays it again. */
export const SLOW_LOGIN_MS = 1000;

/** How many characters of the login's first line a warning quotes. */
const QUOTE_CHARS = 60;

/** What `mesg n` and other terminal commands in ~/.profile say without a terminal. */
const TTY_NOISE = /not a tty|ttyname failed|inappropriate ioctl/i;

export interface LoginCheck {
  /** The no-op's result (what preflight's sudo check reads). */
  readonly result: CommandResult;
  readonly warnings: readonly PreflightWarning[];
  /** Set when the no-op did not finish in time: every command would time out. */
  readonly stalled?: PreflightWarning;
}

/** Runs a no-op (`true`) on the node and says what its login did. */
export async function checkLogin(connection: { run(argv: readonly string[], options?: RunOptions): Promise<CommandResult> }, options: { readonly sudo?: boolean; readonly timeoutMs: number }): Promise<LoginCheck> {
  const result = await connection.run(["true"], { timeoutMs: options.timeoutMs });
  const sudo = options.sudo ?? false;
  if (result.exitCode === 124) {
    return { result, warnings: noiseWarnings(result), stalled: { detail: `a no-op command did not finish in ${seconds(options.timeoutMs)} s: the login stalls`, fix: slowFix(sudo) } };
  }
  return { result, warnings: loginWarnings(result, sudo) };
}

/** What a no-op's result says about the login: it printed, it was slow, both, or neither. */
export function loginWarnings(result: CommandResult, sudo = false): PreflightWarning[] {
  const warnings = noiseWarnings(result);
  if (result.durationMs > SLOW_LOGIN_MS) {
    warnings.push({ detail: `the login takes ${seconds(result.durationMs)} s for a no-op command${sudo ? " (sudo -n -- true)" : ""}`, fix: slowFix(sudo) });
  }
  return warnings;
}

function noiseWarnings(result: CommandResult): PreflightWarning[] {
  const lines = (text: string) => text.split("\n").map((l) => l.trim()).filter((l) => l !== "");
  const stdout = lines(result.loginNoise?.stdout ?? "");
  const stderr = lines(result.loginNoise?.stderr ?? "");
  const first = stdout[0] ?? stderr[0];
  if (first === undefined) return [];
  const on = (count: number, stream: string) => (count === 0 ? "" : `${count} ${count === 1 ? "line" : "lines"} on ${stream}`);
  const counts = [on(stdout.length, "stdout"), on(stderr.length, "stderr")];
  const quoted = first.length > QUOTE_CHARS ? `${first.slice(0, QUOTE_CHARS)}...` : first;
  const tty = [...stdout, ...stderr].some((l) => TTY_NOISE.test(l));
  const other = [...stdout, ...stderr].some((l) => !TTY_NOISE.test(l));
  const fixes = [
    other ? `make ~/.bashrc return early when not interactive: [ -z "$PS1" ] && return` : "",
    tty ? "run terminal commands on a terminal only (in ~/.profile: tty -s && mesg n)" : "",
  ];
  return [{ detail: `the login prints on a non-interactive command (${JSON.stringify(quoted)}, ${counts.filter(Boolean).join(", ")})`, fix: fixes.filter(Boolean).join("; ") }];
}

function slowFix(sudo: boolean): string {
  return `find what the shell's startup files wait for (time ssh USER@HOST true; pyenv, nvm and conda init are usual) and skip it when not interactive${sudo ? "; with sudo, check that the node resolves its own host name" : ""}`;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1).replace(/\.0$/, "");
}
