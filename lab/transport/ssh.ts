/**
 * The CommandRunner port over SSH (ssh2): one connection per node, opened on first use and reused
 * for the whole run, with keepalives, a connect timeout covering proxy, jump host, handshake and
 * authentication, a per-command timeout (exit 124, as local.ts), at most `maxSessions` commands
 * at once per connection (OpenSSH allows 10 sessions per connection by default: MaxSessions), one
 * reconnect when a connection dropped, and an idempotent close().
 *
 * Commands are argument arrays, quoted for the remote POSIX shell; `sudo -n` when the endpoint
 * says so. Host keys are checked against known_hosts unless the endpoint explicitly opts out.
 * Every failure to reach a node is an SshError (a LabError: the lab is broken) whose message starts
 * with the node and says the cause in one line. No message, log or result carries a secret: keys
 * and passwords are read where the endpoint points, and only their paths and variable names are
 * ever printed.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { homedir, constants as osConstants } from "node:os";
import { Duplex } from "node:stream";
import ssh2, { type Client as SshClient, type ClientChannel, type ConnectConfig } from "ssh2";
import { LabError } from "../errors.js";
import { formatCommand, type CommandResult, type CommandRunner, type RunOptions } from "./runner.js";
import type { SshEndpoint } from "./ssh-endpoint.js";
import { fingerprint, keyTypeOf, knownKeyTypes, readKnownHosts, verifyHostKey, type HostKeyVerdict, type KnownHostEntry } from "./ssh-known-hosts.js";

// ssh2 is CommonJS: Node's ESM loader sees only its default export.
const { Client, utils } = ssh2;
type Client = SshClient;

/** Why a node could not be reached or kept: preflight turns each into a fix-it hint. */
export type SshFailure = "unreachable" | "timeout" | "auth" | "host-key" | "proxy" | "dropped" | "config";

/** A node could not be reached over SSH, or its connection broke: the lab is broken. */
export class SshError extends LabError {
  constructor(
    readonly node: string,
    readonly failure: SshFailure,
    /** The cause in one line, without the node name. */
    readonly detail: string,
    options: { cause?: unknown; hint?: string } = {},
  ) {
    super(`${node}: ${detail}`, options);
  }
}

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

/** ssh2's host key algorithms, in its default order (lib/protocol/constants.js). */
const HOST_KEY_ALGORITHMS = ["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"];

/** Nodes whose unverified host key was already reported: once per node and process. */
const warnedInsecure = new Set<string>();

/** Where an endpoint is, for messages: user@host:port, and how it is reached. */
export function describeEndpoint(endpoint: SshEndpoint): string {
  const via = endpoint.proxyCommand ? " through its proxy command" : endpoint.jump ? ` via ${endpoint.jump.user}@${endpoint.jump.host}:${endpoint.jump.port}` : "";
  return `${endpoint.user}@${endpoint.host}:${endpoint.port}${via}`;
}

/** The known_hosts files an endpoint is checked against: its own, or OpenSSH's user and global files. */
export function knownHostsFiles(endpoint: SshEndpoint): string[] {
  return endpoint.knownHostsFile ? [endpoint.knownHostsFile] : [`${homedir()}/.ssh/known_hosts`, "/etc/ssh/ssh_known_hosts"];
}

/** `%h` host, `%p` port, `%r` user, `%n` node, `%%` a percent sign (OpenSSH's ProxyCommand tokens, and the node). */
export function expandTokens(text: string, endpoint: Pick<SshEndpoint, "node" | "host" | "port" | "user">): string {
  return text.replace(/%([hprn%])/g, (_, token: string) =>
    token === "h" ? endpoint.host : token === "p" ? String(endpoint.port) : token === "r" ? endpoint.user : token === "n" ? endpoint.node : "%",
  );
}

/** One SSH connection to one endpoint, reused by every command; reconnects once after a drop. */
export class SshConnection {
  private client: Client | undefined;
  private connecting: Promise<Client> | undefined;
  private closed = false;
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly options: Required<Omit<SshOptions, "warn">> & Pick<SshOptions, "warn">;
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
    await this.acquire();
    try {
      return await this.execOnce(argv, options, started, true);
    } finally {
      this.release();
    }
  }

  /** Closes the connection (and a jump host's, when it is ours alone). Idempotent; later runs fail. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const client = this.client ?? (await this.connecting?.catch(() => undefined));
    this.client = undefined;
    if (client) await endClient(client);
    for (const retired of this.retiring) await endClient(retired);
    this.retiring.clear();
    await this.ownJump?.close();
    for (const wake of this.waiting.splice(0)) wake();
  }

  private async acquire(): Promise<void> {
    while (this.active >= this.options.maxSessions) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
  }

  private release(): void {
    this.active--;
    this.waiting.shift()?.();
  }

  private async execOnce(argv: readonly string[], options: RunOptions, started: number, mayRetry: boolean): Promise<CommandResult> {
    const client = await this.ready();
    const remote = formatCommand(this.endpoint.sudo ? ["sudo", "-n", "--", ...argv] : argv);
    // Wrapped, so that awaiting the opening does not await the command.
    const opened = new Promise<{ collecting: Promise<CommandResult> }>((resolve, reject) => {
      try {
        client.exec(remote, (error, channel) => {
          if (error) return reject(error);
          this.sessions++;
          this.inFlight.set(client, (this.inFlight.get(client) ?? 0) + 1);
          // Now, synchronously: the exit status may be in the same packet batch as the reply.
          resolve({ collecting: this.collect(client, channel, argv, options, started) });
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
      const exhausted = /open failed|no more sessions/i.test(messageOf(error));
      if (gone || exhausted) this.dropped(client);
      // A connection out of sessions still carries commands: it goes once they have finished.
      if (exhausted) this.retire(client);
      if ((gone || exhausted) && mayRetry && !this.closed) return this.execOnce(argv, options, started, false);
      throw new SshError(this.node, "dropped", `could not open an SSH session: ${messageOf(error)}`, { cause: error });
    }
    return collecting;
  }

  private collect(client: Client, channel: ClientChannel, argv: readonly string[], options: RunOptions, started: number): Promise<CommandResult> {
    const timeoutMs = options.timeoutMs ?? this.options.defaultCommandTimeoutMs;
    return new Promise<CommandResult>((resolve, reject) => {
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let exit: { code: number | null; signal: string | undefined } | undefined;
      let settled = false;
      const result = (exitCode: number): CommandResult => {
        const err = Buffer.concat(stderr).toString("utf8");
        return {
          command: argv,
          // sudo says "command not found" with exit 1 where a shell says 127.
          exitCode: this.endpoint.sudo && exitCode === 1 && /^sudo: .*: command not found/m.test(err) ? 127 : exitCode,
          stdout: Buffer.concat(stdout).toString("utf8"),
          stderr: err,
          durationMs: Math.round(performance.now() - started),
        };
      };
      const finish = (value: CommandResult | Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        client.off("close", onClientClose);
        this.settled(client);
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
      }, timeoutMs);
      const onClientClose = () =>
        finish(
          new SshError(this.node, "dropped", `the SSH connection dropped while \`${formatCommand(argv)}\` ran`, {
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
          setImmediate(() => finish(new SshError(this.node, "dropped", `the SSH session of \`${formatCommand(argv)}\` closed without an exit status`)));
          return;
        }
        const signal = exit.signal ? (osConstants.signals[exit.signal as NodeJS.Signals] ?? 0) : 0;
        finish(result(exit.code ?? 128 + signal));
      });
      channel.on("error", (error: Error) => finish(new SshError(this.node, "dropped", `the SSH session failed: ${messageOf(error)}`, { cause: error })));
      if (options.input !== undefined) channel.end(options.input);
      else channel.end();
    });
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

  /** Commands running on each connection, and the connections to end when theirs have finished. */
  private readonly inFlight = new Map<Client, number>();
  private readonly retiring = new Set<Client>();

  private retire(client: Client): void {
    if ((this.inFlight.get(client) ?? 0) === 0) void endClient(client);
    else this.retiring.add(client);
  }

  private settled(client: Client): void {
    const left = (this.inFlight.get(client) ?? 1) - 1;
    if (left > 0) {
      this.inFlight.set(client, left);
      return;
    }
    this.inFlight.delete(client);
    if (this.retiring.delete(client)) void endClient(client);
  }

  /** Opens a connection: socket (direct, proxy command or jump host), handshake, host key, login. */
  private async open(): Promise<Client> {
    const endpoint = this.endpoint;
    const auth = this.authentication(); // config errors before anything is started
    const hostKeys = this.hostKeyCheck();
    const client = new Client();
    let proxy: ProxySocket | undefined;
    let verdict: HostKeyVerdict | undefined;
    const timeoutMs = this.options.connectTimeoutMs;
    const attempt = new Promise<Client>((resolve, reject) => {
      let settled = false;
      const fail = (error: SshError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        client.destroy();
        proxy?.kill();
        reject(error);
      };
      const timer = setTimeout(() => {
        fail(new SshError(endpoint.node, "timeout", `connection timed out after ${timeoutMs / 1000} s (${describeEndpoint(endpoint)})`, {
          hint: "is the node up and its sshd running? is the proxy command or jump host right?",
        }));
      }, timeoutMs);
      client.once("ready", () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(client);
      });
      // A proxy command's end is often seen after the connection's: its exit and stderr say more.
      const failLater = (error: Error & { level?: string }) => {
        const proxyEnd = proxy && proxy.exitCode() === undefined && !verdict && error.level !== "client-authentication" ? Promise.race([proxy.exited, delay(1000)]) : Promise.resolve();
        void proxyEnd.then(() => fail(this.classify(error, verdict, proxy)));
      };
      client.on("error", failLater);
      client.once("close", () => failLater(new Error("Connection lost before handshake")));
      const config: ConnectConfig = {
        host: endpoint.host,
        port: endpoint.port,
        username: endpoint.user,
        readyTimeout: 0, // the timer above covers the whole attempt
        keepaliveInterval: this.options.keepaliveIntervalMs,
        keepaliveCountMax: this.options.keepaliveCountMax,
        ...auth,
        hostVerifier: (key: Buffer) => {
          verdict = hostKeys.verify(key);
          return verdict.ok;
        },
        ...(hostKeys.algorithms ? { algorithms: { serverHostKey: hostKeys.algorithms as NonNullable<ConnectConfig["algorithms"]>["serverHostKey"] } } : {}),
      };
      this.socket()
        .then((sock) => {
          if (settled) {
            sock.proxy?.kill();
            sock.sock?.destroy();
            return;
          }
          proxy = sock.proxy;
          proxy?.exited.then(() => {
            // Before the handshake, the proxy's end is the cause; afterwards ssh2 reports the close.
            if (!settled) fail(this.classify(new Error("proxy exited"), verdict, proxy));
          });
          client.connect(sock.sock ? { ...config, sock: sock.sock } : config);
        })
        .catch((error: unknown) => fail(error instanceof SshError ? error : new SshError(endpoint.node, "unreachable", messageOf(error), { cause: error })));
    });
    const connected = await attempt;
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
      throw new SshError(endpoint.node, "dropped", "the SSH connection was closed");
    }
    this.client = connected;
    return connected;
  }

  /** The socket to run SSH over: a proxy command's stdio, a channel through the jump host, or ssh2's own TCP socket. */
  private async socket(): Promise<{ sock?: Duplex; proxy?: ProxySocket }> {
    const endpoint = this.endpoint;
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
      const jump = this.jumpConnection(endpoint.jump);
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

  /** The connected client (connecting when needed); for a connection used as a jump host. */
  async liveClient(): Promise<Client> {
    return this.ready();
  }

  /** Credentials by reference: a key file, the agent, a password variable. Names, never values, in messages. */
  private authentication(): Pick<ConnectConfig, "privateKey" | "agent" | "password" | "authHandler"> {
    const endpoint = this.endpoint;
    const methods: Array<"publickey" | "agent" | "password"> = [];
    const config: Pick<ConnectConfig, "privateKey" | "agent" | "password" | "authHandler"> = {};
    if (endpoint.identityFile) {
      const path = expandHome(endpoint.identityFile);
      let text: Buffer;
      try {
        text = readFileSync(path);
      } catch (error) {
        throw new SshError(endpoint.node, "config", `cannot read the identity file ${path} (${(error as NodeJS.ErrnoException).code ?? messageOf(error)})`, {
          hint: "point identityFile at a private key this user can read",
        });
      }
      const parsed = utils.parseKey(text);
      if (parsed instanceof Error) {
        const encrypted = /encrypted|passphrase/i.test(parsed.message);
        throw new SshError(endpoint.node, "config", encrypted ? `the identity file ${path} is encrypted` : `the identity file ${path} is not a private key ssh2 can read`, {
          hint: encrypted ? "load it into an agent (ssh-add) and set agent: true instead" : "use an OpenSSH or PEM private key (ssh-keygen -t ed25519)",
        });
      }
      config.privateKey = text;
      methods.push("publickey");
    }
    if (endpoint.agent) {
      const socket = process.env.SSH_AUTH_SOCK;
      if (!socket) {
        throw new SshError(endpoint.node, "config", "agent: true, but SSH_AUTH_SOCK is not set", { hint: "start an agent (eval $(ssh-agent); ssh-add) or use identityFile" });
      }
      config.agent = socket;
      methods.push("agent");
    }
    if (endpoint.passwordEnv) {
      const password = process.env[endpoint.passwordEnv];
      if (password === undefined || password === "") {
        throw new SshError(endpoint.node, "config", `the password variable ${endpoint.passwordEnv} is not set`, {
          hint: `export ${endpoint.passwordEnv} (from your CI's secrets), or use a key`,
        });
      }
      config.password = password;
      methods.push("password");
    }
    if (methods.length === 0) {
      throw new SshError(endpoint.node, "config", "no way to log in: the endpoint has no identityFile, agent or passwordEnv", {
        hint: "set identityFile (a key path), agent: true or passwordEnv (a variable name) in the inventory",
      });
    }
    config.authHandler = methods;
    return config;
  }

  /** How the host key is checked: known_hosts (the default), or not at all when the endpoint says so. */
  private hostKeyCheck(): { verify: (key: Buffer) => HostKeyVerdict; algorithms?: string[]; files: string[] } {
    const endpoint = this.endpoint;
    if (endpoint.insecureIgnoreHostKey) {
      return {
        files: [],
        verify: (key) => {
          if (!warnedInsecure.has(endpoint.node)) {
            warnedInsecure.add(endpoint.node);
            const warn = this.options.warn ?? ((m: string) => process.stderr.write(`fabricspec: warning: ${m}\n`));
            warn(`${endpoint.node}: host key NOT verified (insecureIgnoreHostKey): it presented ${keyTypeOf(key)} ${fingerprint(key)}; anyone on the way to ${endpoint.host}:${endpoint.port} could pose as it`);
          }
          return { ok: true };
        },
      };
    }
    const files = knownHostsFiles(endpoint).map(expandHome);
    const entries: KnownHostEntry[] = [];
    const readable = files.filter((file) => existsSync(file));
    for (const file of readable) {
      try {
        entries.push(...readKnownHosts(file));
      } catch (error) {
        throw new SshError(endpoint.node, "config", `cannot read the known_hosts file ${file} (${(error as NodeJS.ErrnoException).code ?? messageOf(error)})`);
      }
    }
    const known = knownKeyTypes(entries, endpoint.host, endpoint.port);
    const preferred = known.flatMap((type) => (type === "ssh-rsa" ? ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"] : [type])).filter((a) => HOST_KEY_ALGORITHMS.includes(a));
    return {
      files: readable.length ? readable : files,
      verify: (key) => verifyHostKey(entries, endpoint.host, endpoint.port, key),
      ...(preferred.length ? { algorithms: [...preferred, ...HOST_KEY_ALGORITHMS.filter((a) => !preferred.includes(a))] } : {}),
    };
  }

  /** One line for a failed connection attempt. */
  private classify(error: Error & { level?: string; code?: string }, verdict: HostKeyVerdict | undefined, proxy: ProxySocket | undefined): SshError {
    const endpoint = this.endpoint;
    const where = describeEndpoint(endpoint);
    if (verdict && !verdict.ok) {
      const files = knownHostsFiles(endpoint).map(expandHome).join(" or ");
      const name = endpoint.port === 22 ? endpoint.host : `[${endpoint.host}]:${endpoint.port}`;
      if (verdict.reason === "unknown") {
        return new SshError(endpoint.node, "host-key", `host key unknown: ${files} lists no key for ${name} (it presented ${verdict.presented})`, {
          hint: `check that fingerprint out of band, then add the key to ${files} (ssh-keyscan -p ${endpoint.port} ${endpoint.host})`,
        });
      }
      return new SshError(
        endpoint.node,
        "host-key",
        `host key ${verdict.reason === "revoked" ? "revoked" : "mismatch"}: it presented ${verdict.presented}, ${files} expects ${verdict.expected.join(" or ") || "(none)"} for ${name}`,
        { hint: `if the node was reinstalled on purpose, replace its key: ssh-keygen -R ${name} -f ${files.split(" or ")[0]}; otherwise treat it as an attack` },
      );
    }
    if (proxy && proxy.exitCode() !== undefined) {
      const said = proxy.stderrLine();
      const exit = proxy.exitCode();
      if (said) return new SshError(endpoint.node, /refused|unreachable|no route|timed out/i.test(said) ? "unreachable" : "proxy", `proxy command failed (exit ${exit}): ${said} (\`${proxy.display}\`)`, { hint: "run the proxy command by hand to see why it cannot connect" });
      return new SshError(endpoint.node, "unreachable", `unreachable: the proxy command exited (${exit}) before the SSH handshake (\`${proxy.display}\`)`, {
        hint: "is the node's sshd running and listening where the proxy command connects?",
      });
    }
    if (error.level === "client-authentication") {
      const methods = [this.endpoint.identityFile ? `key ${expandHome(this.endpoint.identityFile)}` : "", this.endpoint.agent ? "agent" : "", this.endpoint.passwordEnv ? `password from ${this.endpoint.passwordEnv}` : ""].filter(Boolean);
      return new SshError(endpoint.node, "auth", `authentication refused for ${endpoint.user} (tried ${methods.join(", ")}) at ${where}`, {
        hint: `authorize the key for ${endpoint.user} on the node (ssh-copy-id), or fix user/identityFile in the inventory`,
      });
    }
    if (error.level === "client-socket") {
      const code = error.code ?? "";
      if (code === "ETIMEDOUT") return new SshError(endpoint.node, "timeout", `connection timed out (${where})`, { cause: error });
      return new SshError(endpoint.node, "unreachable", `unreachable: ${code === "ECONNREFUSED" ? "connection refused" : code === "ENOTFOUND" || code === "EAI_AGAIN" ? "unknown host name" : messageOf(error)} (${where})`, {
        cause: error,
        hint: "is the node up, its sshd running, and host and port right in the inventory?",
      });
    }
    if (error.level === "client-timeout") return new SshError(endpoint.node, "timeout", `connection timed out: ${messageOf(error)} (${where})`, { cause: error });
    if (error.message === "Connection lost before handshake" || error.message === "proxy exited") {
      return new SshError(endpoint.node, "unreachable", `unreachable: the connection closed before the SSH handshake (${where})`, { cause: error });
    }
    return new SshError(endpoint.node, "unreachable", `SSH connection failed: ${messageOf(error)} (${where})`, { cause: error });
  }
}

/** A CommandRunner over one SSH connection. */
export class SshRunner implements CommandRunner {
  constructor(readonly connection: SshConnection) {}

  get node(): string {
    return this.connection.node;
  }

  run(argv: readonly string[], options?: RunOptions): Promise<CommandResult> {
    return this.connection.run(argv, options);
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}

/** The SSH connections of one run: one per node, one per jump host, all closed together. */
export class SshPool {
  private readonly connections = new Map<string, SshConnection>();
  private readonly jumps = new Map<string, SshConnection>();
  private closed = false;

  constructor(private readonly options: SshOptions = {}) {}

  /** The node's connection (made on first use, connected on first command). */
  connection(endpoint: SshEndpoint): SshConnection {
    if (this.closed) throw new SshError(endpoint.node, "dropped", "the SSH connections of this run were closed");
    let connection = this.connections.get(endpoint.node);
    if (!connection) {
      connection = new SshConnection(endpoint, this.options, (jump) => this.jump(jump));
      this.connections.set(endpoint.node, connection);
    }
    return connection;
  }

  runner(endpoint: SshEndpoint): SshRunner {
    return new SshRunner(this.connection(endpoint));
  }

  private jump(endpoint: SshEndpoint): SshConnection {
    const key = `${endpoint.user}@${endpoint.host}:${endpoint.port}`;
    let connection = this.jumps.get(key);
    if (!connection) {
      connection = new SshConnection(endpoint, this.options, (next) => this.jump(next));
      this.jumps.set(key, connection);
    }
    return connection;
  }

  /** Sessions and connections per node so far. */
  stats(): Array<{ node: string; connections: number; sessions: number }> {
    return [...this.connections.values()].map((c) => ({ node: c.node, connections: c.connections, sessions: c.sessions }));
  }

  /** Closes every connection; idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.connections.values()].map((c) => c.close()));
    await Promise.all([...this.jumps.values()].map((c) => c.close()));
  }
}

// ---------------------------------------------------------------------------------------------

interface ProxySocket {
  readonly sock: Duplex;
  readonly display: string;
  readonly spawned: Promise<void>;
  readonly exited: Promise<void>;
  exitCode(): number | undefined;
  stderrLine(): string | undefined;
  kill(): void;
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

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function isConnectionGone(error: unknown): boolean {
  return /Not connected|No response from server|socket|closed|ECONNRESET|EPIPE/i.test(messageOf(error));
}

function expandHome(path: string): string {
  return path === "~" || path.startsWith("~/") ? `${homedir()}${path.slice(1)}` : path;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
