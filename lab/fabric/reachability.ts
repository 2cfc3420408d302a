/**
 * Reachability across racks: which pairs to try (nodes and pods alike, anything in a rack), and
 * judging the pings and traceroutes sent between them. Findings as in ./judge.ts.
 */
import type { PingResult } from "../probes/ping.js";
import type { TracerouteResult } from "../probes/traceroute.js";
import type { Host } from "../topology/model.js";

/** One ping sent, for a later step to judge. */
export interface PingOutcome {
  readonly from: string;
  readonly to: string;
  /** Who should answer, for messages. */
  readonly toName: string;
  readonly result: PingResult;
}

/** Anything that sits in a rack: a host, a Calico node's plan. */
interface InRack {
  readonly leaf: string;
}

/** Every pair of members of different racks. */
export function crossRackPairs<T extends InRack>(members: readonly T[]): Array<{ from: T; to: T }> {
  return members.flatMap((from) => members.filter((to) => to.leaf !== from.leaf).map((to) => ({ from, to })));
}

/** Each member with one member of every other rack: the path to a rack does not depend on who in it answers. */
export function onePerOtherRack<T extends InRack>(members: readonly T[]): Array<{ from: T; to: T }> {
  return members.flatMap((from) => {
    const racks = [...new Set(members.filter((o) => o.leaf !== from.leaf).map((o) => o.leaf))];
    return racks.flatMap((leaf) => {
      const to = members.find((o) => o.leaf === leaf);
      return to ? [{ from, to }] : [];
    });
  });
}

/** A ping that got no reply, said with why; undefined for an answered one. */
export function unanswered(p: PingOutcome): string | undefined {
  if (p.result.received > 0) return undefined;
  const why = p.result.sendError ?? p.result.errors[0]?.message ?? "no reply";
  return `${p.from} got no answer from ${p.to} (${p.toName}): ${p.result.received} of ${p.result.transmitted} replies, ${why} (expected a reply)`;
}

/** Every ping answered. */
export function unansweredFindings(pings: readonly PingOutcome[]): string[] {
  return pings.map(unanswered).filter((f): f is string => f !== undefined);
}

/** A row of a TTL table: a loopback, its switch, the TTL its replies carry. */
export interface StatedTtl {
  readonly loopback: string;
  readonly switch: string;
  readonly ttl: string;
}

/** Each stated loopback was pinged and answered with exactly its TTL; every loopback pinged is in the table. */
export function ttlFindings(stated: readonly StatedTtl[], pings: readonly PingOutcome[]): string[] {
  const findings = stated.map((row) => {
    const outcome = pings.find((p) => p.to === row.loopback);
    if (!outcome) return `no ping went to ${row.loopback} (${row.switch}); pinged: ${pings.map((p) => p.to).join(", ")}`;
    const silent = unanswered(outcome);
    if (silent) return `${silent}, TTL ${row.ttl}`;
    const ttls = [...new Set(outcome.result.replies.map((r) => r.ttl))];
    return ttls.length === 1 && String(ttls[0]) === row.ttl ? undefined : `${row.loopback} (${row.switch}) answered ${outcome.from} with TTL ${ttls.join(", ")} (expected ${row.ttl})`;
  });
  for (const p of pings.filter((p) => !stated.some((row) => row.loopback === p.to))) {
    findings.push(`${p.to} (${p.toName}) was pinged but the table does not say what TTL it answers with`);
  }
  return findings.filter((f): f is string => f !== undefined);
}

/**
 * The path from a host to another rack starts at the host's gateway: whoever answered the probe
 * that expired at the first hop (TTL 1). Whether the path reaches the target is a ping's to say.
 */
export function gatewayPathFindings(host: Host, target: Host, trace: TracerouteResult): string[] {
  const first = trace.hops[0]?.address;
  if (first === host.gateway) return [];
  return [`${host.name}'s path to ${target.address} (${target.name}) starts at ${first ?? trace.sendError ?? "no answer"} (expected its gateway ${host.gateway} on ${host.leaf})`];
}
