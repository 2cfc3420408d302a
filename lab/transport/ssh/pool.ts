/**
 * The CommandRunner port over SSH: one connection per node, one per jump host (shared by the
 * nodes behind it), all made on first use and closed together at the end of the run.
 */
import type { CommandResult, CommandRunner, RunOptions } from "../runner.js";
import { SshConnection, type SshOptions } from "./connection.js";
import type { SshEndpoint } from "./endpoint.js";
import { SshError } from "./errors.js";

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
