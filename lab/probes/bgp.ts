/**
 * BGP probes over FRR's vtysh JSON. Schemas follow what FRR 8.4 prints (fixtures/frr-8.4-*):
 * lenient about keys we do not read, strict about those we do. Older FRR (7.x, as in Cumulus
 * Linux 4; 4.0, as in Cumulus Linux 3.7) differs in ways the parsers accept too, each with a
 * published output, or one constructed from that release's source, in fixtures/.
 */
import { z } from "zod";
import type { CommandResult, CommandRunner } from "../transport/runner.js";
import {
  OutputRejected,
  parseJson,
  requireSuccess,
  runProbe,
  validateOutput,
  type Probed,
} from "./probe.js";

/** `vtysh` reaches the node's own FRR (the driver points it at the right daemons). */
export const BGP_SUMMARY_COMMAND = ["vtysh", "-c", "show bgp ipv4 unicast summary json"] as const;
export const BGP_TABLE_COMMAND = ["vtysh", "-c", "show bgp ipv4 unicast json"] as const;

/** Dual stack: the same for IPv6 unicast. */
export const BGP6_SUMMARY_COMMAND = ["vtysh", "-c", "show bgp ipv6 unicast summary json"] as const;
export const BGP6_TABLE_COMMAND = ["vtysh", "-c", "show bgp ipv6 unicast json"] as const;

/** BGP's unicast address families the probes read. */
export type BgpFamily = "ipv4" | "ipv6";

const VTYSH_TIMEOUT_MS = 15_000;

// ---------------------------------------------------------------------------------------------
// show bgp ipv4 unicast summary json

/** One neighbor as `show bgp summary` reports it. */
export interface BgpPeerState {
  /** FRR's key for the neighbor: its address (or interface, for unnumbered peers). */
  readonly address: string;
  /** The peer's hostname from the BGP hostname capability, when it sent one. */
  readonly hostname: string | undefined;
  readonly remoteAs: number;
  /**
   * FRR's state text, verbatim: "Established", "Active", "Connect", "Idle", "OpenSent", ...
   * A `neighbor X shutdown` peer is "Idle (Admin)" in FRR 8.4.
   */
  readonly state: string;
  readonly established: boolean;
  /** Shut down by this router's configuration (`neighbor X shutdown`). */
  readonly adminShutdown: boolean;
  /**
   * Prefixes accepted from the peer; undefined unless Established (FRR 8.4 prints 0 for a peer
   * that is down, which would read as "up, sent nothing").
   */
  readonly prefixesReceived: number | undefined;
  /** Time in the current state (FRR's Up/Down column): up for so long, or down for so long. */
  readonly uptimeMs: number;
}

export interface BgpSummary {
  /** Undefined only when FRR prints `{}`: no neighbor configured (or no BGP instance at all). */
  readonly routerId: string | undefined;
  readonly localAs: number | undefined;
  readonly peers: readonly BgpPeerState[];
}

const asNumber = z.number().int().nonnegative();

const summaryPeerSchema = z.looseObject({
  hostname: z.string().optional(),
  remoteAs: asNumber,
  state: z.string().min(1),
  // FRR 7.5 and earlier print no peerState.
  peerState: z.string().optional(),
  pfxRcd: z.number().int().nonnegative().optional(),
  // FRR before 7.4 (#6143) printed this, and before 7.3 only this, where later ones print pfxRcd.
  prefixReceivedCount: z.number().int().nonnegative().optional(),
  peerUptimeMsec: z.number().int().nonnegative(),
});

const summarySchema = z.looseObject({
  routerId: z.ipv4(),
  as: asNumber,
  peers: z.record(z.string(), summaryPeerSchema),
});

// FRR 8.4 prints exactly `{}` when no neighbor is configured, and when there is no BGP instance.
const noNeighborsSchema = z.strictObject({});

/**
 * FRR 7.x wraps the summary in its address family even when the command names one
 * (fixtures/frr-7.5-bgp-summary-wrapped-idle-admin.json); FRR 8 prints it bare.
 */
const wrappedSummarySchema = z.looseObject({ ipv4Unicast: z.looseObject({}) });
const wrappedSummary6Schema = z.looseObject({ ipv6Unicast: z.looseObject({}) });

/** Parses `show bgp ipv4 unicast summary json` (FRR 8.4; FRR 7.x's wrapped form too). */
export function parseBgpSummary(result: CommandResult): BgpSummary {
  requireSuccess(result);
  const printed = parseJson(result.stdout);
  const wrapped = wrappedSummarySchema.safeParse(printed);
  const wrapped6 = wrappedSummary6Schema.safeParse(printed);
  const json =
    wrapped.success && !("peers" in wrapped.data) ? wrapped.data.ipv4Unicast : wrapped6.success && !("peers" in wrapped6.data) ? wrapped6.data.ipv6Unicast : printed;
  if (noNeighborsSchema.safeParse(json).success) return { routerId: undefined, localAs: undefined, peers: [] };
  const data = validateOutput(json, summarySchema);
  const peers = Object.entries(data.peers).map(([address, peer]): BgpPeerState => {
    const established = peer.state === "Established";
    return {
      address,
      hostname: peer.hostname,
      remoteAs: peer.remoteAs,
      state: peer.state,
      established,
      adminShutdown: peer.peerState === "Admin" || peer.state.startsWith("Idle (Admin"),
      prefixesReceived: established ? (peer.pfxRcd ?? peer.prefixReceivedCount) : undefined,
      uptimeMs: peer.peerUptimeMsec,
    };
  });
  return { routerId: data.routerId, localAs: data.as, peers };
}

/** The node's BGP sessions of one family (IPv4 unicast unless told): `show bgp ipv4 unicast summary json`. */
export function bgpSummary(runner: CommandRunner, family: BgpFamily = "ipv4"): Promise<Probed<BgpSummary>> {
  return runProbe(runner, family === "ipv6" ? BGP6_SUMMARY_COMMAND : BGP_SUMMARY_COMMAND, parseBgpSummary, { timeoutMs: VTYSH_TIMEOUT_MS });
}

/**
 * The sessions of every family given, as one summary: each neighbor once, as the first family
 * that has it reports it (an unnumbered session carries both families and is listed in both).
 * A neighbor is Established for as long as its session is, whichever family shows it.
 */
export async function bgpSummaryOf(runner: CommandRunner, families: readonly BgpFamily[]): Promise<BgpSummary> {
  const summaries = await Promise.all(families.map(async (f) => (await bgpSummary(runner, f)).value));
  return mergeSummaries(summaries);
}

export function mergeSummaries(summaries: readonly BgpSummary[]): BgpSummary {
  const peers = new Map<string, BgpPeerState>();
  for (const s of summaries) for (const p of s.peers) if (!peers.has(p.address)) peers.set(p.address, p);
  const first = summaries.find((s) => s.routerId !== undefined);
  return { routerId: first?.routerId, localAs: first?.localAs, peers: [...peers.values()] };
}

// ---------------------------------------------------------------------------------------------
// show bgp ipv4 unicast json

export type BgpOrigin = "IGP" | "EGP" | "incomplete";

export interface BgpNextHop {
  /** "0.0.0.0" for a route this router originates. */
  readonly ip: string;
  /** The hostname FRR associates with the next hop (the peer's, or this router's own). */
  readonly hostname: string | undefined;
}

/** One path to a prefix in the BGP table. */
export interface BgpPath {
  readonly nextHops: readonly BgpNextHop[];
  /** As FRR prints it: "65001 65102"; "" for a locally originated route. */
  readonly asPath: string;
  /** The AS numbers of the path in order (set and confederation brackets dropped). */
  readonly asNumbers: readonly number[];
  readonly origin: BgpOrigin;
  readonly valid: boolean;
  readonly best: boolean;
  /** Installed with the best path for ECMP (FRR marks the best path itself only as best). */
  readonly multipath: boolean;
  /** The neighbor the path came from; undefined for a locally originated route. */
  readonly peerId: string | undefined;
}

export interface BgpTable {
  readonly routerId: string;
  /** Undefined from FRR before 7.0 (Cumulus Linux 3.7's 4.0), whose table header has no localAS. */
  readonly localAs: number | undefined;
  /** Prefix in CIDR form ("10.0.101.0/24") to its paths, in FRR's order. */
  readonly routes: Readonly<Record<string, readonly BgpPath[]>>;
}

const tablePathSchema = z.looseObject({
  // FRR adds these flags only when true.
  valid: z.boolean().optional(),
  bestpath: z.boolean().optional(),
  multipath: z.boolean().optional(),
  peerId: z.string().min(1),
  // The AS path: `path` from FRR 7.0 on, `aspath` before (and both in 7.0-7.3); bgpd/bgp_route.c
  // route_vty_out at frr-4.0, frr-7.0 ("aspath" will be deprecated) and frr-7.4.
  path: z.string().optional(),
  aspath: z.string().optional(),
  origin: z.enum(["IGP", "EGP", "incomplete"]),
  nexthops: z
    .array(z.looseObject({ ip: z.string().min(1), hostname: z.string().optional() }))
    .min(1),
}).refine((p) => p.path !== undefined || p.aspath !== undefined, { message: 'no AS path: neither "path" (FRR 7.0 on) nor "aspath" (before 7.4)', path: ["path"] });

const tableSchema = z.looseObject({
  routerId: z.ipv4(),
  // Sic: the table says localAS where the summary says as. FRR 4.0-6.0 print none
  // (bgp_show_table's header at frr-4.0: vrfId, vrfName, tableVersion, routerId, routes).
  localAS: asNumber.optional(),
  routes: z.record(z.string(), z.array(tablePathSchema)),
});

/** FRR's answer instead of a table, e.g. {"warning":"Default BGP instance not found"}. */
const warningSchema = z.looseObject({ warning: z.string() });

/** FRR's peerId for a route that no neighbor sent. */
const LOCAL_PEER_ID = "(unspec)";

/**
 * Parses `show bgp ipv4 unicast json` (FRR 8.4; FRR 7.5 prints the same shape: fixtures/frr-7.5-bgp-table-*;
 * FRR 4.0 its own: fixtures/frr-4.0-constructed-bgp-table-*).
 */
export function parseBgpTable(result: CommandResult): BgpTable {
  requireSuccess(result);
  const json = parseJson(result.stdout);
  const warning = warningSchema.safeParse(json);
  // bgpd runs, but without the BGP instance the lab configured: the lab is broken.
  if (warning.success) throw new OutputRejected(`printed a warning instead of a table: ${warning.data.warning}`);
  const data = validateOutput(json, tableSchema);
  const routes: Record<string, readonly BgpPath[]> = {};
  for (const [prefix, paths] of Object.entries(data.routes)) {
    routes[prefix] = paths.map((path): BgpPath => {
      const asPath = path.path ?? path.aspath ?? ""; // one of them is there: the schema's refine
      return {
        nextHops: path.nexthops.map((hop) => ({ ip: hop.ip, hostname: hop.hostname })),
        asPath,
        asNumbers: (asPath.match(/\d+/g) ?? []).map(Number),
        origin: path.origin,
        valid: path.valid ?? false,
        best: path.bestpath ?? false,
        multipath: path.multipath ?? false,
        peerId: path.peerId === LOCAL_PEER_ID ? undefined : path.peerId,
      };
    });
  }
  return { routerId: data.routerId, localAs: data.localAS, routes };
}

/** The node's unicast BGP table of one family (IPv4 unless told): `show bgp ipv4 unicast json`. */
export function bgpTable(runner: CommandRunner, family: BgpFamily = "ipv4"): Promise<Probed<BgpTable>> {
  return runProbe(runner, family === "ipv6" ? BGP6_TABLE_COMMAND : BGP_TABLE_COMMAND, parseBgpTable, { timeoutMs: VTYSH_TIMEOUT_MS });
}

/** The tables of every family given as one: their prefixes do not collide. */
export async function bgpTableOf(runner: CommandRunner, families: readonly BgpFamily[]): Promise<BgpTable> {
  const tables = await Promise.all(families.map(async (f) => (await bgpTable(runner, f)).value));
  const [first] = tables;
  if (!first) throw new Error("bgpTableOf: no family given");
  return { ...first, routes: Object.assign({}, ...tables.map((t) => t.routes)) as BgpTable["routes"] };
}
