/**
 * The socket SSH runs over when it is not ssh2's own TCP socket: a proxy command's stdin and stdout
 * (OpenSSH's ProxyCommand), or a channel forwarded through a jump host's connection (ProxyJump).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { constants as osConstants } from "node:os";
import { Duplex } from "node:stream";
import type { Client, ClientChannel } from "ssh2";
import { LabError } from "../../errors.js";
import { formatCommand } from "../runner.js";
import { expandTokens, type SshEndpoint } from "./endpoint.js";
import { SshError, messageOf, type ProxyEnd } from "./errors.js";

/** A running proxy command: the socket over its stdio, and how it ended. */
export interface ProxySocket extends ProxyEnd {
  readonly sock: Duplex;
  readonly spawned: Promise<void>;
  readonly exited: Promise<void>;
  kill(): void;
}

/** What a connection needs of its jump host's: an authenticated client to forward a channel through. */
export interface JumpHost {
  connect(): Promise<void>;
  liveClient(): Promise<Client>;
}

/** The socket to run SSH over: a proxy command's stdio, a channel through the jump host, or none (ssh2's own TCP socket). */
export async function openSocket(endpoint: SshEndpoint, jumpHost: (jump: SshEndpoint) => JumpHost): Promise<{ sock?: Duplex; proxy?: ProxySocket }> {
  if (endpoint.proxyCommand) {
    const proxy = startProxy(endpoint.proxyCommand.map((arg) => expandTokens(arg, endpoint)));
    await proxy.spawned.catch((error: unknown) => {
      throw new SshError(endpoint.node, "proxy", `proxy command failed: ${messageOf(error)} (\`${proxy.display}\`)`, {
        cause: error,
        hint: "the proxy command's first word must be a program on this machine's PATH",
      });
    });
    return { sock: proxy.sock, proxy };
  }
  if (endpoint.jump) {
    const jump = jumpHost(endpoint.jump);
    let client: Client;
    try {
      await jump.connect();
      client = await jump.liveClient();
    } catch (error) {
      const detail = error instanceof SshError ? error.detail : messageOf(error);
      throw new SshError(endpoint.node, error instanceof SshError ? error.failure : "unreachable", `via jump host ${endpoint.jump.node}: ${detail}`, {
        cause: error,
        ...(error instanceof LabError && error.hint ? { hint: error.hint } : {}),
      });
    }
    const stream = await new Promise<ClientChannel>((resolve, reject) =>
      client.forwardOut("127.0.0.1", 0, endpoint.host, endpoint.port, (error, channel) => (error ? reject(error) : resolve(channel))),
    ).catch((error: unknown) => {
      throw new SshError(endpoint.node, "unreachable", `unreachable from jump host ${endpoint.jump?.node}: ${messageOf(error)} (${endpoint.host}:${endpoint.port})`, {
        cause: error,
        hint: "check the address and port in the inventory, and that the jump host may forward to it (AllowTcpForwarding)",
      });
    });
    return { sock: stream };
  }
  return {};
}

/** OpenSSH's ProxyCommand: SSH over a child process's stdin and stdout. */
function startProxy(argv: readonly string[]): ProxySocket {
  const [file, ...args] = argv;
  const display = formatCommand(argv);
  const child: ChildProcess = spawn(file ?? "", args, { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  let code: number | undefined;
  child.stderr?.on("data", (chunk: Buffer) => {
    if (stderr.length < 4096) stderr += chunk.toString("utf8");
  });
  const spawned = new Promise<void>((resolve, reject) => {
    child.once("spawn", () => resolve());
    child.once("error", reject);
  });
  const exited = new Promise<void>((resolve) => {
    // close, not exit: by then its stderr has been read to the end.
    child.once("close", (exit, signal) => {
      code = exit ?? 128 + (signal ? (osConstants.signals[signal] ?? 0) : 0);
      resolve();
    });
    child.once("error", () => resolve());
  });
  const sock = Duplex.from({ readable: child.stdout ?? undefined, writable: child.stdin ?? undefined });
  sock.on("error", () => {
    // A broken pipe after the proxy exited: its exit says more.
  });
  // When the server's side closes, a proxy may keep running (OpenBSD nc waits for its stdin to
  // end): the next keepalive then fails and ends it. When the proxy ends, so does the socket.
  child.stdout?.once("end", () => child.stdin?.end());
  child.once("close", () => sock.destroy());
  return {
    sock,
    display,
    spawned,
    exited,
    exitCode: () => code,
    stderrLine: () => stderr.split("\n").map((l) => l.trim()).find((l) => l !== ""),
    kill: () => {
      if (code === undefined && child.pid !== undefined) {
        try {
          child.kill("SIGTERM"); // our own child, by its PID
        } catch {
          // Gone already.
        }
      }
    },
  };
}
