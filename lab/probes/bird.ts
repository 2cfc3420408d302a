/**
 * BIRD's view of its protocols: `birdc show protocols all`. BIRD has no JSON output, so this
 * parses its text: a table line per protocol, then indented `Key: value` lines. Two layouts:
 * - BIRD 1.x (1.6.8 in Debian 12; calico-node's `birdcl -s /var/run/calico/bird.ctl` is a fork of
 *   it): a lower-case header, one `Routes:` line per protocol, no `Local AS:` line; an iBGP
 *   session says so on its `Session:` line ("internal multihop AS4"), which gives the local AS.
 * - BIRD 2.0: a capitalised header, one block per channel ("Channel ipv4"), a `Local AS:` line.
 * Fixtures: fixtures/bird-1.6.8-*, fixtures/bird-2.0.12-*, and Calico's own table
 * (fixtures/calico-birdcl-*).
 * The driver points `birdc` at the node's own BIRD (its control socket).
 */
import type { CommandResult, CommandRunner } from "../transport/runner.js";
import { commandFailed, firstLine, OutputRejected, runProbe, type Probed } from "./probe.js";

export const BIRD_PROTOCOLS_COMMAND = ["birdc", "show", "protocols", "all"] as const;

/** calico-node's BIRD control socket (calico-node mounts /var/run/calico from its host). */
export const CALICO_BIRD_SOCKET = "/var/run/calico/bird.ctl";

/** A `birdc ...` command as calico-node runs it: its own client, birdcl, on Calico's socket. */
export function calicoBirdcl(birdc: readonly string[]): string[] {
  return ["birdcl", "-s", CALICO_BIRD_SOCKET, ...birdc.slice(1)];
}

export interface BirdChannel {
  /** "ipv4", "ipv6". */
  readonly name: string;
  /** "UP", "DOWN", "START", ... */
  readonly state: string | undefined;
  readonly table: string | undefined;
  /** From the `Routes:` line: imported, exported, preferred (and filtered when BIRD keeps them). */
  readonly routes: Readonly<Record<string, number>>;
}

export interface BirdBgp {
  /** "Established", "Active", "Connect", "Idle", "OpenSent", "OpenConfirm". */
  readonly state: string;
  readonly neighborAddress: string | undefined;
  readonly neighborAs: number | undefined;
  readonly localAs: number | undefined;
  /** The peer's router id: only once a session has been Established. */
  readonly neighborId: string | undefined;
  /** Why the last session ended or failed, e.g. "Received: Bad peer AS". */
  readonly lastError: string | undefined;
  readonly sourceAddress: string | undefined;
  /** Once Established: e.g. "internal multihop AS4" (internal: iBGP, the local AS is the neighbor's). */
  readonly session: string | undefined;
}

export interface BirdProtocol {
  readonly name: string;
  /** "BGP", "Kernel", "Static", "Device", "Direct". */
  readonly proto: string;
  readonly table: string | undefined;
  /** BIRD's protocol state: "up", "start", "down", ... */
  readonly state: string;
  /** The table line's info column, e.g. "Established", "Active  Socket: Connection refused". */
  readonly info: string;
  readonly description: string | undefined;
  /** BGP protocols only. */
  readonly bgp: BirdBgp | undefined;
  /** BIRD 2's channels; none in BIRD 1.x, whose one table's counts are in `routes`. */
  readonly channels: readonly BirdChannel[];
  /** The `Routes:` counts: BIRD 1.x's own line, or BIRD 2's first channel's. */
  readonly routes: Readonly<Record<string, number>>;
}

// Node_10_0_101_1 BGP        ---        up     13:52:31.474  Established
const PROTOCOL_LINE = /^(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*(.*)$/;
// BIRD 2: "Name Proto Table State Since Info"; BIRD 1.x and Calico's birdcl: the same, lower-case.
const HEADER = /^name\s+proto\s+table\s+state\s+since\s+info\s*$/i;
// "BIRD 1.6.8 ready.", "BIRD 2.0.12 ready.", calico-node's "BIRD v0.3.3+birdv1.6.8 ready."
const READY = /^BIRD [\w.+-]+ ready\.$/;
const KEY_VALUE = /^\s+([A-Za-z][\w -]*?):\s*(.*)$/;
const CHANNEL = /^\s+Channel (\S+)\s*$/;

/** Parses `birdc show protocols [all]` (BIRD 1.6.8, 2.0.12, Calico's birdcl). */
export function parseBirdProtocols(result: CommandResult): BirdProtocol[] {
  // birdc exits 0 even when it could not reach BIRD; what it printed says so.
  const unreachable = /^Unable to connect to server control socket.*$/m.exec(`${result.stdout}\n${result.stderr}`);
  if (unreachable) throw new OutputRejected(`could not reach BIRD: ${unreachable[0]}`, { hint: "is BIRD running on this node?" });
  if (result.exitCode !== 0) throw commandFailed(result);
  const lines = result.stdout.split("\n");
  const start = lines.findIndex((line) => HEADER.test(line));
  if (start < 0) {
    throw new OutputRejected(`printed no protocol table: ${firstLine(result.stdout) ?? "(empty)"}`);
  }
  const protocols: Array<{ head: RegExpExecArray; body: string[] }> = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === "" || READY.test(line)) continue;
    if (/^\S/.test(line)) {
      const head = PROTOCOL_LINE.exec(line);
      if (!head) throw new OutputRejected(`printed a protocol line we cannot read: ${line}`);
      protocols.push({ head, body: [] });
    } else {
      const current = protocols.at(-1);
      if (!current) throw new OutputRejected(`printed details before any protocol: ${line.trim()}`);
      current.body.push(line);
    }
  }
  return protocols.map(({ head, body }) => toProtocol(head, body));
}

function toProtocol(head: RegExpExecArray, body: readonly string[]): BirdProtocol {
  const [, name = "", proto = "", table = "", state = "", , info = ""] = head;
  const own = new Map<string, string>();
  const channels: BirdChannel[] = [];
  let channel: { name: string; values: Map<string, string> } | undefined;
  const closeChannel = () => {
    if (!channel) return;
    channels.push({
      name: channel.name,
      state: channel.values.get("State"),
      table: channel.values.get("Table"),
      routes: routeCounts(channel.values.get("Routes") ?? ""),
    });
    channel = undefined;
  };
  for (const line of body) {
    const opened = CHANNEL.exec(line);
    if (opened) {
      closeChannel();
      channel = { name: opened[1] ?? "", values: new Map() };
      continue;
    }
    const pair = KEY_VALUE.exec(line);
    if (!pair) continue; // capability lists and route statistics: not read
    const [, key = "", value = ""] = pair;
    const target = channel ? channel.values : own;
    if (!target.has(key)) target.set(key, value.trim());
  }
  closeChannel();
  const number = (key: string) => {
    const value = own.get(key);
    return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
  };
  const session = own.get("Session");
  const neighborAs = number("Neighbor AS");
  const bgp: BirdBgp | undefined =
    proto === "BGP"
      ? {
          state: own.get("BGP state") ?? (info.split(/\s+/)[0] || state),
          neighborAddress: own.get("Neighbor address"),
          neighborAs,
          // BIRD 1.x prints no local AS; an internal (iBGP) session means it is the neighbor's.
          localAs: number("Local AS") ?? (session !== undefined && /^internal\b/.test(session) ? neighborAs : undefined),
          neighborId: own.get("Neighbor ID"),
          lastError: own.get("Last error"),
          sourceAddress: own.get("Source address"),
          session,
        }
      : undefined;
  return {
    name,
    proto,
    table: table === "---" ? undefined : table,
    state,
    info: info.trim(),
    description: own.get("Description"),
    bgp,
    channels,
    routes: own.has("Routes") ? routeCounts(own.get("Routes") ?? "") : (channels[0]?.routes ?? {}),
  };
}

/** "1 imported, 6 filtered, 1 exported, 0 preferred" -> { imported: 1, filtered: 6, ... }. */
function routeCounts(text: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [, n, what] of text.matchAll(/(\d+) (\w+)/g)) if (what) counts[what] = Number(n);
  return counts;
}

/** The node's BIRD protocols: `birdc show protocols all`. */
export function birdProtocols(runner: CommandRunner): Promise<Probed<BirdProtocol[]>> {
  return runProbe(runner, BIRD_PROTOCOLS_COMMAND, parseBirdProtocols, { timeoutMs: 10_000 });
}

/** calico-node's BIRD protocols through the Kubernetes API: `kubectl exec` into the node's calico-node pod. */
export function calicoNodeBirdProtocols(kubectl: CommandRunner, pod: string): Promise<Probed<BirdProtocol[]>> {
  const command = ["kubectl", "exec", "--namespace", "kube-system", pod, "--container", "calico-node", "--", ...calicoBirdcl(BIRD_PROTOCOLS_COMMAND)];
  return runProbe(kubectl, command, parseBirdProtocols, { timeoutMs: 30_000 });
}
