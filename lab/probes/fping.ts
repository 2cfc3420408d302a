/**
 * Reachability from one source to many targets in one process, with fping: the matrices that grow
 * as n squared (every switch to every loopback, every host to every host) cost one process per
 * source instead of one per pair. Each target's timeout starts when its echo request is sent, so it
 * measures the network, not a queue. fping (5.1, Debian 12) does not report a reply's TTL: the
 * scenarios that judge TTLs ping with iputils ping (./ping.ts).
 */
import type { CommandResult, CommandRunner } from "../transport/runner.js";
import { commandFailed, OutputRejected, runProbe, type Probed } from "./probe.js";
import type { PingError, PingReply, PingResult } from "./ping.js";

export interface FpingOptions {
  /** Source address (`-S`): e.g. the node's loopback. */
  readonly source?: string;
  /** Echo requests to each target (`-C`); default 1. */
  readonly count?: number;
  /** Milliseconds to wait for each reply (`-t`); default 1000. */
  readonly timeoutMs?: number;
}

/** The gap between two requests (`-i`, ms): fping's floor for root; the replies are not rate-limited. */
const INTERVAL_MS = 1;
/** The gap between two requests to one target (`-p`, ms), when count > 1. */
const PERIOD_MS = 200;
const DEFAULT_COUNT = 1;
const DEFAULT_TIMEOUT_MS = 1000;

/** `fping -C N -t T -i 1 -p P [-S source] target...`: per-request lines on stdout, a summary per target on stderr. */
export function fpingCommand(targets: readonly string[], options: FpingOptions = {}): string[] {
  const count = options.count ?? DEFAULT_COUNT;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const source = options.source === undefined ? [] : ["-S", options.source];
  return ["fping", "-C", String(count), "-t", String(timeoutMs), "-i", String(INTERVAL_MS), "-p", String(PERIOD_MS), ...source, ...targets];
}

// stderr, one per target at the end: "10.0.0.7    : 0.046 0.050" ("-" for a request not answered)
const SUMMARY = /^(\S+)\s+: ((?:(?:[\d.]+|-)\s*)+)$/;
// stderr: "ICMP Network Unreachable from 10.128.107.1 for ICMP Echo sent to 10.255.255.1"
const ICMP_ERROR = /^ICMP (.+) from (\S+) for ICMP Echo sent to (\S+)/;
// stderr: "10.0.0.9: error while sending ping: No route to host"
const SEND_ERROR = /^(\S+): error while sending ping: (.+)$/;

/**
 * Parses fping's output into one PingResult per target, in the targets' order. Exit 0 (all
 * answered) and 1 (some did not) are values; any other exit (2: a name not resolved, 3: bad
 * usage, 4: a system call failed, e.g. a source address the node does not have) is not.
 */
export function parseFping(targets: readonly string[], result: CommandResult): PingResult[] {
  if (result.exitCode !== 0 && result.exitCode !== 1) throw commandFailed(result);
  const lines = result.stderr.split("\n").map((line) => line.trim());
  const times = new Map<string, ReadonlyArray<number | undefined>>();
  const errors = new Map<string, PingError[]>();
  const sendErrors = new Map<string, string>();
  for (const line of lines) {
    const summary = SUMMARY.exec(line);
    if (summary) {
      times.set(summary[1]!, summary[2]!.trim().split(/\s+/).map((t) => (t === "-" ? undefined : Number(t))));
      continue;
    }
    const icmp = ICMP_ERROR.exec(line);
    if (icmp) {
      const target = icmp[3]!;
      const seen = errors.get(target) ?? [];
      seen.push({ from: icmp[2]!, seq: seen.length + 1, message: icmp[1]! });
      errors.set(target, seen);
      continue;
    }
    const send = SEND_ERROR.exec(line);
    if (send) sendErrors.set(send[1]!, send[2]!);
  }
  return targets.map((target) => {
    const sent = times.get(target);
    if (sent === undefined) throw new OutputRejected(`printed no summary for ${target}`);
    const replies: PingReply[] = sent.flatMap((timeMs, index) => (timeMs === undefined ? [] : [{ from: target, seq: index + 1, ttl: undefined, timeMs }]));
    return {
      target,
      transmitted: sent.length,
      received: replies.length,
      lossPercent: sent.length === 0 ? 100 : Math.round((100 * (sent.length - replies.length)) / sent.length),
      replies,
      errors: errors.get(target) ?? [],
      sendError: sendErrors.get(target),
    };
  });
}

/** Pings every target from the runner's node in one fping run; a target not answering is a value. */
export function fping(runner: CommandRunner, targets: readonly string[], options: FpingOptions = {}): Promise<Probed<PingResult[]>> {
  const count = options.count ?? DEFAULT_COUNT;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // Requests go out INTERVAL_MS apart (a target's next one PERIOD_MS after its last); the last
  // reply is awaited up to timeoutMs.
  const runMs = targets.length * count * INTERVAL_MS + (count - 1) * PERIOD_MS + timeoutMs;
  return runProbe(runner, fpingCommand(targets, options), (result) => parseFping(targets, result), { timeoutMs: runMs + 10_000 });
}
