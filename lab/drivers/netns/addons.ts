/**
 * What else the embedded lab can run in its namespaces besides the fabric's FRR: an OpenSSH server
 * per node for the SSH transport, BIRD and pods for Calico's data plane. An addon works only
 * through this context, so everything it creates is recorded and torn down with the lab.
 */
import type { Progress } from "../driver.js";
import type { Topology } from "../../topology/model.js";
import type { CommandRunner } from "../../transport/runner.js";
import type { LabProcess } from "./state.js";

export interface DaemonSpec {
  /** The topology node (or addon-made namespace's node name) it runs on. */
  readonly node: string;
  /** Its name in the lab's records and status, e.g. "sshd", "bird". */
  readonly name: string;
  /** The command; it must daemonize and write `pidFile`. Its first word is checked before any kill. */
  readonly argv: readonly string[];
  readonly pidFile: string;
  /** What its command line starts with when it rewrites it (sshd: "sshd: "); default its first word. */
  readonly command?: string;
  /** Where it logs, named when it does not start. */
  readonly log?: string;
  /**
   * How it enters the node's namespace: `ip netns exec` (the default) also remounts /sys for the
   * namespace, which hides the machine's cgroup tree; `nsenter --net` enters the network namespace only.
   */
  readonly enter?: "ip-netns-exec" | "nsenter";
}

export interface NodeStart {
  readonly node: string;
  /** `sysctl -w` settings, `key=value`, in the node's namespace. */
  readonly sysctls: readonly string[];
  /** `ip -batch` lines that address and raise its interfaces. */
  readonly addressLines: readonly string[];
  /**
   * Batches after the addresses, before the daemons: `ip -batch` in another of the lab's
   * namespaces (a test pod's), or `bridge -batch` (forwarding entries) in the node's own.
   */
  readonly batches?: ReadonlyArray<NodeBatch>;
  /** In start order; a daemon with `readySocket` is waited for (that socket exists) before the next starts. */
  readonly daemons: ReadonlyArray<{ readonly spec: DaemonSpec; readonly readySocket?: string }>;
  /** The node's directory: where the script (start.sh) and what it printed (start.log) are kept. */
  readonly dir: string;
  /** The script's name, for a second start in the same node (e.g. "calico" for calico.sh and calico.log); default "start". */
  readonly script?: string;
}

export type NodeBatch =
  | { readonly program: "ip"; readonly namespace: string; readonly lines: readonly string[]; readonly what: string }
  | { readonly program: "bridge"; readonly lines: readonly string[]; readonly what: string };

export interface NetnsContext {
  readonly topology: Topology;
  readonly signal: AbortSignal | undefined;
  namespaceOf(node: string): string;
  /** The node's own directory under the lab's run directory, created on demand. */
  nodeDir(node: string): string;
  /** A directory of the whole lab under the run directory (e.g. its SSH keys): recorded, created, removed with the lab. */
  labDir(name: string): string;
  /** Records a cgroup (e.g. /fabricspec/k8s-node-l1-1), then makes it under every cgroup v1 hierarchy (./cgroups.ts). */
  makeCgroup(path: string): void;
  /** Makes a directory outside the run directory (a mount point for a sandbox's bind), each level it creates recorded first; removed at teardown while empty. */
  makeMountPoint(dir: string): void;
  /** Records the namespaces (so teardown removes them even after a crash), then creates them. */
  addNamespaces(nodes: readonly string[]): Promise<void>;
  /** `ip -batch` lines, in the root namespace (creating things only inside lab namespaces) or in `namespaceOf(node)`. */
  ipBatch(lines: readonly string[], what: string, node?: string): Promise<void>;
  /** Starts a daemon inside the node's namespace and records its PID. */
  spawnDaemon(spec: DaemonSpec): Promise<LabProcess>;
  /** Brings a node up with one process in its namespace (./node-start.ts): sysctls, batches, daemons; records what it started. */
  startNode(start: Omit<NodeStart, "dir">): Promise<readonly LabProcess[]>;
  /** Runs commands in the node's namespace, locally (never through a transport). */
  localRunner(node: string): CommandRunner;
  /** The namespaces and the live processes the lab has recorded. */
  recorded(): { readonly namespaces: readonly string[]; readonly processes: readonly LabProcess[] };
  /** Deletes namespaces (an addon's, made with addNamespaces) and removes them from the records. */
  removeNamespaces(nodes: readonly string[]): Promise<void>;
  /** Stops a recorded process by its PID (SIGTERM, then SIGKILL) and removes it from the records. */
  stopProcess(process: LabProcess): Promise<void>;
}

export interface NetnsAddon {
  readonly name: string;
  /** Runs once the fabric has converged, in every bring-up. */
  up(context: NetnsContext, progress: Progress): Promise<void>;
}
