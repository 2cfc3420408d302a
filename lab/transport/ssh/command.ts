/**
 * One command on one SSH session: the collection of its output and exit status into a
 * CommandResult, the login shell's noise cut off (login-shell.ts), within its timeout (exit 124,
 * as local.ts).
 */
import { constants as osConstants } from "node:os";
import type { Client, ClientChannel } from "ssh2";
import { formatCommand, type CommandResult } from "../runner.js";
import { SshError, messageOf } from "./errors.js";
import { cutLoginNoise } from "./login-shell.js";

export interface Collecting {
  readonly node: string;
  readonly argv: readonly string[];
  readonly sudo: boolean | undefined;
  readonly timeoutMs: number;
  readonly input: string | undefined;
  /** performance.now() when the command was asked for: its duration counts the wait for a session. */
  readonly started: number;
  /** Called once, as the command's result (or failure) is settled. */
  readonly onSettled: () => void;
}

/** The command's result once its session closes; a timeout asks the remote side to kill it and gives exit 124. */
export function collect(client: Client, channel: ClientChannel, command: Collecting): Promise<CommandResult> {
  const { node, argv } = command;
  return new Promise<CommandResult>((resolve, reject) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let exit: { code: number | null; signal: string | undefined } | undefined;
    let settled = false;
    const result = (exitCode: number): CommandResult => {
      const output = cutLoginNoise(Buffer.concat(stdout), Buffer.concat(stderr));
      return {
        command: argv,
        // sudo says "command not found" with exit 1 where a shell says 127.
        exitCode: command.sudo && exitCode === 1 && /^sudo: .*: command not found/m.test(output.stderr) ? 127 : exitCode,
        stdout: output.stdout,
        stderr: output.stderr,
        durationMs: Math.round(performance.now() - command.started),
        ...(output.loginNoise ? { loginNoise: output.loginNoise } : {}),
      };
    };
    const finish = (value: CommandResult | Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.off("close", onClientClose);
      command.onSettled();
      if (value instanceof Error) reject(value);
      else resolve(value);
    };
    const timer = setTimeout(() => {
      // Ask the remote side to kill it (OpenSSH honours signal requests), and stop waiting for it.
      try {
        signalChannel(channel, "KILL");
        channel.close();
      } catch {
        // The channel is gone already.
      }
      finish(result(124));
    }, command.timeoutMs);
    const onClientClose = () =>
      finish(
        new SshError(node, "dropped", `the SSH connection dropped while \`${formatCommand(argv)}\` ran`, {
          hint: "the next command reconnects; if it keeps happening, check the node's sshd and the network to it",
        }),
      );
    client.once("close", onClientClose);
    channel.on("data", (chunk: Buffer) => stdout.push(chunk));
    channel.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    // ssh2 passes (code) for an exit status, (null, "SIGKILL", ...) for an exit signal.
    channel.on("exit", (code: number | null, signal?: string) => {
      exit = { code, signal };
    });
    channel.on("close", () => {
      if (exit === undefined) {
        // No exit status: the connection went away (handled above), or the server closed the session.
        setImmediate(() => finish(new SshError(node, "dropped", `the SSH session of \`${formatCommand(argv)}\` closed without an exit status`)));
        return;
      }
      const signal = exit.signal ? (osConstants.signals[exit.signal as NodeJS.Signals] ?? 0) : 0;
      finish(result(exit.code ?? 128 + signal));
    });
    channel.on("error", (error: Error) => finish(new SshError(node, "dropped", `the SSH session failed: ${messageOf(error)}`, { cause: error })));
    if (command.input !== undefined) channel.end(command.input);
    else channel.end();
  });
}

/**
 * Sends a signal request on a session. ssh2's Channel.signal() sends nothing once the channel's
 * stdin is ended (and every command's is, at once, as with a local command's stdin), though the
 * SSH protocol (RFC 4254, 6.9) allows it: so the request goes through the channel's protocol.
 */
function signalChannel(channel: ClientChannel, signal: string): void {
  const internal = channel as unknown as {
    outgoing?: { id?: number; state?: string };
    _client?: { _protocol?: { signal?: (id: number, signal: string) => void } };
  };
  const id = internal.outgoing?.id;
  const protocol = internal._client?._protocol;
  if (id !== undefined && internal.outgoing?.state === "open" && typeof protocol?.signal === "function") protocol.signal(id, signal);
  else channel.signal(signal);
}
