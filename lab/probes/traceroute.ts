/** The forwarding path, hop by hop, with Debian's traceroute (UDP probes). */
import type { CommandResult, CommandRunner } from "../transport/runner.js";
import { commandFailed, firstLine, OutputRejected, runProbe, type Probed } from "./probe.js";
import { sendError } from "./send-error.js";

export interface TracerouteOptions {
  /** Source address (`-s`): e.g. the node's loopback. */
  readonly source?: string;
}

export interface TracerouteHop {
  /** TTL of the probe, from 1. */
  readonly hop: number;
  /** Who answered; undefined when nobody did (`*`). */
  readonly address: string | undefined;
  readonly rttMs: number | undefined;
  /** traceroute's flag for an ICMP error, e.g. "!H", "!N", "!X". */
  readonly annotation: string | undefined;
}

export interface TracerouteResult {
  readonly target: string;
  readonly hops: readonly TracerouteHop[];
  /** The last hop that answered is the target itself. */
  readonly reached: boolean;
  /** Why nothing was sent, e.g. "connect: Network is unreachable" (no route on the node). */
  readonly sendError: string | undefined;
}

/** `traceroute -n -q 1 -w 1 [-s source] target`: numeric, one probe per hop, 1 s wait. */
export function tracerouteCommand(target: string, options: TracerouteOptions = {}): string[] {
  const source = options.source === undefined ? [] : ["-s", options.source];
  return ["traceroute", "-n", "-q", "1", "-w", "1", ...source, target];
}

// traceroute to 10.0.102.101 (10.0.102.101), 30 hops max, 60 byte packets
const HEADER = /^traceroute to \S+ \(([^)]+)\)/;
//  1  10.0.101.1  0.052 ms      or      4  *
const HOP = /^\s*(\d+)\s+(.*)$/;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/** Parses Debian traceroute output; an unanswered hop and "no route" are values. */
export function parseTraceroute(target: string, result: CommandResult): TracerouteResult {
  const lines = result.stdout.split("\n");
  const hasHeader = lines.some((line) => HEADER.test(line));
  if (result.exitCode !== 0) {
    const noRoute = hasHeader ? sendError(result) : undefined;
    if (noRoute !== undefined) return { target, hops: [], reached: false, sendError: noRoute };
    throw commandFailed(result);
  }
  if (!hasHeader) throw new OutputRejected(`printed no "traceroute to" line: ${firstLine(result.stdout) ?? "(empty)"}`);
  const hops: TracerouteHop[] = [];
  for (const line of lines) {
    const match = HOP.exec(line);
    if (!match) continue;
    const [first, second, third, ...rest] = match[2]!.trim().split(/\s+/);
    const answered = first !== undefined && first !== "*";
    if (answered && !IPV4.test(first)) throw new OutputRejected(`printed a hop we cannot read: ${line.trim()}`);
    hops.push({
      hop: Number(match[1]),
      address: answered ? first : undefined,
      rttMs: answered && third === "ms" ? Number(second) : undefined,
      annotation: answered ? rest.find((token) => token.startsWith("!")) : undefined,
    });
  }
  const answered = hops.filter((hop) => hop.address !== undefined);
  return { target, hops, reached: answered.at(-1)?.address === target, sendError: undefined };
}

/** Traces the path from the runner's node to target. */
export function traceroute(
  runner: CommandRunner,
  target: string,
  options: TracerouteOptions = {},
): Promise<Probed<TracerouteResult>> {
  // 30 hops of 1 s at worst, usually far less: traceroute sends probes in parallel.
  return runProbe(runner, tracerouteCommand(target, options), (result) => parseTraceroute(target, result), {
    timeoutMs: 60_000,
  });
}

