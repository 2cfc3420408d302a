/**
 * One SSH connection to one endpoint (ssh2), opened on first use and reused for the whole run, with
 * keepalives, a connect timeout covering proxy, jump host, handshake and authentication, a
 * per-command timeout, at most `maxSessions` commands at once, one reconnect when a connection
 * dropped, and an idempotent close(). Every failure to reach the node is an SshError (errors.ts).
 */
import type { Client } from "ssh2";
import type { CommandResult, RunOptions } from "../runner.js";
import { collect } from "./command.js";
import { dial } from "./dial.js";
import type { SshEndpoint } from "./endpoint.js";
import { SshError, isConnectionGone, isSessionsExhausted, messageOf } from "./errors.js";
import { remoteCommand } from "./login-shell.js";
import type { JumpHost } from "./proxy.js";
import { ClientSessions, SessionBound } from "./sessions.js";

export interface SshOptions {
  /** From the start of a connection to an authenticated session: proxy, jump host, handshake, login. */
  readonly connectTimeoutMs?: number;
  /** A keepalive every so often; the connection counts as dropped after `keepaliveCountMax` unanswered. */
  readonly keepaliveIntervalMs?: number;
  readonly keepaliveCountMax?: number;
  /** Commands at once per connection; more wait their turn. */
  readonly maxSessions?: number;
  /** For a command run without its own timeoutMs. */
  readonly defaultCommandTimeoutMs?: number;
  /** Where warnings go (insecureIgnoreHostKey); default: stderr. */
  readonly warn?: (message: string) => void;
}

const DEFAULTS = {
  connectTimeoutMs: 15_000,
  keepaliveIntervalMs: 5_000,
  keepaliveCountMax: 3,
  maxSessions: 8,
  defaultCommandTimeoutMs: 300_000,
} as const;

/** One SSH connection to one endpoint, reused by every command; reconnects once after a drop. */
export class SshConnection implements JumpHost {
  private client: Client | undefined;
  private connecting: Promise<Client> | undefined;
  private closed = false;
  private readonly options: Required<Omit<SshOptions, "warn">> & Pick<SshOptions, "warn">;
  private readonly bound: SessionBound;
  private readonly clientSessions = new ClientSessions((client) => void endClient(client));
  /** A jump host connection this connection made itself (not a pool's): closed with it. */
  private ownJump: SshConnection | undefined;
  private readonly jumpConnection: (jump: SshEndpoint) => SshConnection;
  /** Sessions opened so far (for evidence that commands really went over SSH). */
  sessions = 0;
  /** Connections made so far (1 + reconnects). */
  connections = 0;

  constructor(
    readonly endpoint: SshEndpoint,
    options: SshOptions = {},
    /** How to reach the jump host, when there is one: the pool shares one connection per jump host. */
    jumpConnection?: (jump: SshEndpoint) => SshConnection,
  ) {
    this.options = { ...DEFAULTS, ...options };
    this.bound = new SessionBound(this.options.maxSessions);
    this.jumpConnection = jumpConnection ?? ((jump) => (this.ownJump ??= new SshConnection(jump, options)));
  }

  get node(): string {
    return this.endpoint.node;
  }

  /** Connects now (what preflight does); resolves when authenticated. */
  async connect(): Promise<void> {
    await this.ready();
  }

  /** Runs argv on the node; a timeout is exit 124, a command the remote shell cannot find 127. */
  async run(argv: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    if (argv.length === 0) throw new Error("SshConnection.run: empty command");
    const started = performance.now();
    await this.bound.acquire();
    try {
      return await this.execOnce(argv, options, started, true);
    } finally {
      this.bound.release();
    }
  }

  /** Closes the connection (and a jump host's, when it is ours alone). Idempotent; later runs fail. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const client = this.client ?? (await this.connecting?.catch(() => undefined));
    this.client = undefined;
    if (client) await endClient(client);
    for (const retired of this.clientSessions.takeRetiring()) await endClient(retired);
    await this.ownJump?.close();
    this.bound.wakeAll();
  }

  /** The connected client (connecting when needed); for a connection used as a jump host. */
  async liveClient(): Promise<Client> {
    return this.ready();
  }

  private async execOnce(argv: readonly string[], options: RunOptions, started: number, mayRetry: boolean): Promise<CommandResult> {
    const client = await this.ready();
    const remote = remoteCommand(argv, this.endpoint.sudo);
    const timeoutMs = options.timeoutMs ?? this.options.defaultCommandTimeoutMs;
    // Wrapped, so that awaiting the opening does not await the command.
    const opened = new Promise<{ collecting: Promise<CommandResult> }>((resolve, reject) => {
      try {
        client.exec(remote, (error, channel) => {
          if (error) return reject(error);
          this.sessions++;
          this.clientSessions.opened(client);
          // Now, synchronously: the exit status may be in the same packet batch as the reply.
          const onSettled = () => this.clientSessions.settled(client);
          resolve({ collecting: collect(client, channel, { node: this.node, argv, sudo: this.endpoint.sudo, timeoutMs, input: options.input, started, onSettled }) });
        });
      } catch (error) {
        reject(error as Error); // "Not connected": the socket closed under us
      }
    });
    let collecting: Promise<CommandResult>;
    try {
      ({ collecting } = await opened);
    } catch (error) {
      // The command never started: when the connection is gone, it is safe to try once more on a
      // new one. So when the server refuses more sessions: sshd keeps a session's slot while its
      // command runs, even after a timeout closed it (it refuses to signal root's sessions), and
      // only a new connection has free slots.
      const gone = isConnectionGone(error);
      const exhausted = isSessionsExhausted(error);
      if (gone || exhausted) this.dropped(client);
      // A connection out of sessions still carries commands: it goes once they have finished.
      if (exhausted) this.clientSessions.retire(client);
      if ((gone || exhausted) && mayRetry && !this.closed) return this.execOnce(argv, options, started, false);
      throw new SshError(this.node, "dropped", `could not open an SSH session: ${messageOf(error)}`, { cause: error });
    }
    return collecting;
  }

  /** The live client, connecting (once) when there is none. */
  private ready(): Promise<Client> {
    if (this.closed) return Promise.reject(new SshError(this.node, "dropped", "the SSH connection was closed"));
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.open().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private dropped(client: Client): void {
    if (this.client === client) this.client = undefined;
  }

  /** Opens a connection (dial.ts) and keeps it until it closes. */
  private async open(): Promise<Client> {
    const { client: connected, proxy } = await dial(this.endpoint, this.options, this.jumpConnection);
    this.connections++;
    connected.on("error", () => {
      // After login, errors (a keepalive timeout, a reset) end in "close", handled below and by running commands.
    });
    connected.once("close", () => {
      this.dropped(connected);
      proxy?.kill();
    });
    if (this.closed) {
      await endClient(connected);
      throw new SshError(this.node, "dropped", "the SSH connection was closed");
    }
    this.client = connected;
    return connected;
  }
}

/** Ends a client politely; destroys it when it does not close in time. */
function endClient(client: Client): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      client.destroy();
      resolve();
    }, 1000);
    client.once("close", () => {
      clearTimeout(timer);
      resolve();
    });
    try {
      client.end();
    } catch {
      clearTimeout(timer);
      resolve();
    }
  });
}
