/** The CommandRunner port: run an argument vector on one node, get its result. */

/** What one command did. A non-zero exit is a result, not an exception: the caller judges it. */
export interface CommandResult {
  /** The argument vector as the node ran it. */
  readonly command: readonly string[];
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
  /**
   * What the node's login shell printed before the command ran (over SSH: its startup files), when
   * it printed anything; never part of stdout or stderr.
   */
  readonly loginNoise?: { readonly stdout: string; readonly stderr: string };
}

export interface RunOptions {
  /** Kill the command after this long; the result then has exit code 124 (as timeout(1)). */
  readonly timeoutMs?: number;
  readonly input?: string;
}

/** Runs commands on one node of the lab, wherever the driver put it. */
export interface CommandRunner {
  /** The topology node this runner reaches. */
  readonly node: string;
  run(argv: readonly string[], options?: RunOptions): Promise<CommandResult>;
}

/** Receives every command a probe runs, with its result (reports attach them as evidence). */
export type CommandObserver = (node: string, result: CommandResult) => void;

/** Quotes one argument for a POSIX shell, for display and for remote shells. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

export function formatCommand(argv: readonly string[]): string {
  return argv.map(shellQuote).join(" ");
}
