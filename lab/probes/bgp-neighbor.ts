/**
 * Why a BGP session is down, as FRR itself says: `show bgp neighbors X json` keeps the last reset
 * (lastResetDueTo) and the last NOTIFICATION sent or received (lastNotificationReason and its
 * code/subcode, e.g. "0202" OPEN Message Error / Bad Peer AS). Schema after FRR 8.4's output
 * (fixtures/frr-8.4-bgp-neighbor-*): an Established session still carries the reset from its
 * start-up ("No AFI/SAFI activated for peer"), which is history, not a cause.
 */
import { z } from "zod";
import type { CommandResult, CommandRunner } from "../transport/runner.js";
import { OutputRejected, parseJson, requireSuccess, runProbe, validateOutput, type Probed } from "./probe.js";

const VTYSH_TIMEOUT_MS = 15_000;

/** `show bgp neighbors ADDRESS json`: one neighbor in detail. */
export const bgpNeighborCommand = (address: string): readonly string[] => ["vtysh", "-c", `show bgp neighbors ${address} json`];

/** One neighbor's state and the last thing that reset it. */
export interface BgpNeighborDetail {
  readonly address: string;
  readonly state: string;
  readonly remoteAs: number;
  /** FRR's reason for the last reset ("BGP Notification send", "Admin. shutdown", ...), if any. */
  readonly lastResetDueTo: string | undefined;
  /** How long ago that reset was. */
  readonly lastResetAgoMs: number | undefined;
  /** The last NOTIFICATION: "OPEN Message Error/Bad Peer AS", with its code and subcode "0202". */
  readonly lastNotification: { readonly reason: string; readonly codeSubcode: string | undefined } | undefined;
  readonly notificationsSent: number | undefined;
  readonly notificationsReceived: number | undefined;
}

const neighborSchema = z.looseObject({
  remoteAs: z.number().int().nonnegative(),
  bgpState: z.string().min(1),
  lastResetDueTo: z.string().optional(),
  lastResetTimerMsecs: z.number().int().nonnegative().optional(),
  lastNotificationReason: z.string().optional(),
  lastErrorCodeSubcode: z.string().optional(),
  messageStats: z.looseObject({ notificationsSent: z.number().int().optional(), notificationsRecv: z.number().int().optional() }).optional(),
});

/** FRR's answer for an address that is no neighbor of this router. */
const noSuchNeighborSchema = z.looseObject({ bgpNoSuchNeighbor: z.literal(true) });

/** Parses `show bgp neighbors ADDRESS json`; undefined when the router has no such neighbor. */
export function parseBgpNeighbor(result: CommandResult, address: string): BgpNeighborDetail | undefined {
  requireSuccess(result);
  const json = parseJson(result.stdout);
  if (noSuchNeighborSchema.safeParse(json).success) return undefined;
  const data = validateOutput(json, z.record(z.string(), neighborSchema));
  const n = data[address];
  if (!n) throw new OutputRejected(`printed no neighbor ${address} (it printed ${Object.keys(data).join(", ") || "none"})`);
  return {
    address,
    state: n.bgpState,
    remoteAs: n.remoteAs,
    lastResetDueTo: n.lastResetDueTo,
    lastResetAgoMs: n.lastResetTimerMsecs,
    lastNotification: n.lastNotificationReason === undefined ? undefined : { reason: n.lastNotificationReason, codeSubcode: n.lastErrorCodeSubcode },
    notificationsSent: n.messageStats?.notificationsSent,
    notificationsReceived: n.messageStats?.notificationsRecv,
  };
}

/** One neighbor of the node in detail. */
export function bgpNeighbor(runner: CommandRunner, address: string): Promise<Probed<BgpNeighborDetail | undefined>> {
  return runProbe(runner, bgpNeighborCommand(address), (r) => parseBgpNeighbor(r, address), { timeoutMs: VTYSH_TIMEOUT_MS });
}

/**
 * The reason in one line, for a session that is not Established: "leaf2: neighbor 172.16.0.2 is
 * Idle, last reset 4 s ago: BGP Notification send; last notification 2/2 OPEN Message Error/Bad
 * Peer AS". An Established session has no reason (its last reset is start-up history).
 */
export function describeDownReason(node: string, n: BgpNeighborDetail | undefined, address: string): string {
  if (!n) return `${node}: has no BGP neighbor ${address}`;
  const head = `${node}: neighbor ${n.address} (AS ${n.remoteAs}) is ${n.state}`;
  if (n.state === "Established") return `${head}`;
  const parts = [head];
  if (n.lastResetDueTo) parts.push(`last reset${n.lastResetAgoMs === undefined ? "" : ` ${Math.round(n.lastResetAgoMs / 1000)} s ago`}: ${n.lastResetDueTo}`);
  if (n.lastNotification) {
    const code = n.lastNotification.codeSubcode;
    const numeric = code && /^[0-9a-f]{4}$/i.test(code) ? `${parseInt(code.slice(0, 2), 16)}/${parseInt(code.slice(2), 16)} ` : "";
    parts.push(`last notification ${numeric}${n.lastNotification.reason}`);
  }
  if (parts.length === 1) parts.push("no reset or notification recorded");
  return parts.join("; ");
}
