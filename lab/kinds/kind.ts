/**
 * Node kinds: what runs on a node, kept apart from how the node exists (containerlab's node kinds,
 * nodes/node_registry.go, apart from its runtimes, runtime/runtime.go). A driver creates machines
 * and reaches them; a node's kind says which daemons run there, where their files and sockets are,
 * how its tools reach them and which programs the probes need on it. Every driver uses the same
 * kinds: ./frr.ts (a switch), ./host.ts, ./calico-node.ts.
 */
import type { CommandRunner } from "../transport/runner.js";

export interface NodeKind {
  readonly name: string;
  /** The programs the probes run on such a node, in the order a preflight names them. */
  readonly probeTools: readonly string[];
  /**
   * A command as it must run where the daemons of many nodes share one file system (the embedded
   * lab): each node's daemons keep their sockets in the node's own directory, `home`, and the tools
   * that talk to them (`vtysh`, `birdc`) are pointed there. Any other command runs as it is.
   */
  ownCommand(argv: readonly string[], home: string): readonly string[];
}

/** A runner that runs each command as `rewrite` makes it; the evidence keeps the command as asked. */
export function rewriting(runner: CommandRunner, rewrite: (argv: readonly string[]) => readonly string[]): CommandRunner {
  return {
    node: runner.node,
    async run(argv, options) {
      const result = await runner.run(rewrite(argv), options);
      return { ...result, command: argv };
    },
  };
}
