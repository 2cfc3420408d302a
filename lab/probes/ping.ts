/** Reachability by ICMP echo, with iputils ping. */
import type { CommandResult, CommandRunner } from "../transport/runner.js";
import { commandFailed, OutputRejected, runProbe, type Probed } from "./probe.js";
import { sendError } from "./send-error.js";

export interface PingOptions {
  /** Source address (`-I`): e.g. the node's loopback. */
  readonly source?: string;
  /** Echo requests to send (`-c`); default 3. */
  readonly count?: number;
  /** Seconds to wait for each reply (`-W`); default 1. */
  readonly timeoutS?: number;
}

export interface PingReply {
  readonly from: string;
  readonly seq: number;
  /** The reply's TTL; undefined where the tool does not report it (fping, ./fping.ts). */
  readonly ttl: number | undefined;
  readonly timeMs: number;
}

/** An ICMP error reported instead of a reply, e.g. "Destination Host Unreachable". */
export interface PingError {
  readonly from: string;
  readonly seq: number;
  readonly message: string;
}

export interface PingResult {
  readonly target: string;
  readonly transmitted: number;
  readonly received: number;
  readonly lossPercent: number;
  readonly replies: readonly PingReply[];
  readonly errors: readonly PingError[];
  /** Why nothing was sent, e.g. "connect: Network is unreachable" (no route on the node). */
  readonly sendError: string | undefined;
}

const DEFAULT_COUNT = 3;
const DEFAULT_TIMEOUT_S = 1;

/** `ping -n -c N -W T [-I source] target`: numeric output, a bounded run. */
export function pingCommand(target: string, options: PingOptions = {}): string[] {
  const count = options.count ?? DEFAULT_COUNT;
  const timeoutS = options.timeoutS ?? DEFAULT_TIMEOUT_S;
  const source = options.source === undefined ? [] : ["-I", options.source];
  return ["ping", "-n", "-c", String(count), "-W", String(timeoutS), ...source, target];
}

// 64 bytes from 172.16.255.1: icmp_seq=1 ttl=64 time=0.083 ms (IPv6: "from 2001:db8::1: icmp_seq=...")
const REPLY = /^\d+ bytes from (\S+): icmp_seq=(\d+) ttl=(\d+) time=([\d.]+) ms/;
// From 10.0.101.101 icmp_seq=1 Destination Host Unreachable
const ERROR = /^From (\S+) icmp_seq=(\d+) (.+)$/;
// 4 packets transmitted, 0 received, +3 errors, 100% packet loss, time 3076ms
const STATISTICS = /^(\d+) packets transmitted, (\d+) received(?:, .*?)?, ([\d.]+)% packet loss/;

/**
 * Parses iputils ping output. Total loss (exit 1) and "no route" are values; output without the
 * statistics line (bad usage exits 1, a missing binary 127, a bad source address 2) is not.
 */
export function parsePing(target: string, result: CommandResult): PingResult {
  const lines = result.stdout.split("\n").map((line) => line.trim());
  const statistics = lines.map((line) => STATISTICS.exec(line)).find((match) => match !== null);
  if (statistics === undefined || (result.exitCode !== 0 && result.exitCode !== 1)) {
    const noRoute = statistics === undefined && result.exitCode === 2 ? sendError(result) : undefined;
    if (noRoute !== undefined) {
      return { target, transmitted: 0, received: 0, lossPercent: 100, replies: [], errors: [], sendError: noRoute };
    }
    if (result.exitCode !== 0) throw commandFailed(result);
    throw new OutputRejected("printed no ping statistics line");
  }
  const replies: PingReply[] = [];
  const errors: PingError[] = [];
  for (const line of lines) {
    const reply = REPLY.exec(line);
    if (reply) {
      replies.push({ from: reply[1]!, seq: Number(reply[2]), ttl: Number(reply[3]), timeMs: Number(reply[4]) });
      continue;
    }
    const error = ERROR.exec(line);
    if (error) errors.push({ from: error[1]!, seq: Number(error[2]), message: error[3]! });
  }
  return {
    target,
    transmitted: Number(statistics[1]),
    received: Number(statistics[2]),
    lossPercent: Number(statistics[3]),
    replies,
    errors,
    sendError: undefined,
  };
}

/** Pings target from the runner's node; packet loss is a value, a ping that cannot run is a ProbeError. */
export function ping(runner: CommandRunner, target: string, options: PingOptions = {}): Promise<Probed<PingResult>> {
  const count = options.count ?? DEFAULT_COUNT;
  const timeoutS = options.timeoutS ?? DEFAULT_TIMEOUT_S;
  // ping sends one request a second, then waits up to -W for the last reply.
  const timeoutMs = (count + timeoutS) * 1000 + 5_000;
  return runProbe(runner, pingCommand(target, options), (result) => parsePing(target, result), { timeoutMs });
}
