/**
 * Judging observed state against the expected: each function returns what is wrong, one sentence
 * per finding, saying what was found and what was expected (empty when all is well). The steps
 * turn findings into failed assertions; the convergence wait polls until there are none.
 */
import { advertisedPrefixes, bgpPeers, fabricPrefixes, findSwitch, type Switch, type Topology } from "../topology/model.js";
import { expectedRoutes } from "./expected.js";

/** The subset of a BGP peer's observed state that judging needs. */
export interface ObservedPeer {
  readonly address: string;
  readonly state: string;
  readonly remoteAs: number;
  readonly hostname?: string | undefined;
}

/** The subset of a kernel route that judging needs. */
export interface ObservedRoute {
  readonly dst: string;
  readonly nexthops: ReadonlyArray<ObservedNextHop>;
}

export interface ObservedNextHop {
  readonly gateway?: string | undefined;
  readonly dev?: string | undefined;
}

/**
 * How a kernel next hop is compared with the expected neighbor: by its gateway, but a link-local
 * gateway (BGP unnumbered) by its interface, which is how the topology names that neighbor. FRR 8.4's
 * zebra installs an IPv4 route learned over an IPv6 next hop as `nexthop via 169.254.0.1 dev swp51
 * onlink` (with a permanent neighbor entry for the peer's MAC), or with kernel nexthop objects as
 * `nexthop via inet6 fe80::... dev swp51`; either way the address says nothing of the neighbor.
 */
export function nextHopKey(hop: ObservedNextHop): string {
  if (hop.gateway === undefined) return "(direct)";
  return isLinkLocal(hop.gateway) && hop.dev !== undefined ? hop.dev : hop.gateway;
}

function isLinkLocal(ip: string): boolean {
  return ip.toLowerCase().startsWith("fe80:") || ip.startsWith("169.254.");
}

/** A session a switch should have: the neighbor address, who answers there, with which AS. */
export interface ExpectedPeer {
  readonly address: string;
  /** The neighbor's name, which is also the hostname it announces in BGP. */
  readonly node: string;
  readonly remoteAs: number;
}

export const ESTABLISHED = "Established";

/**
 * Each expected neighbor must be configured with the right AS and be Established, announcing the
 * expected hostname; with `exact`, no other neighbor may be configured.
 */
export function peerFindings(
  switchName: string,
  expected: readonly ExpectedPeer[],
  observed: readonly ObservedPeer[],
  options: { exact?: boolean } = {},
): string[] {
  const findings: string[] = [];
  for (const want of expected) {
    const peer = observed.find((p) => p.address === want.address);
    const who = `${want.address} (${want.node})`;
    if (!peer) {
      findings.push(`${switchName} has no BGP neighbor ${who} (expected one in AS ${want.remoteAs}, Established)`);
    } else if (peer.remoteAs !== want.remoteAs) {
      findings.push(`${switchName}: the neighbor ${who} has remote AS ${peer.remoteAs} (expected ${want.remoteAs})`);
    } else if (peer.state !== ESTABLISHED) {
      findings.push(`${switchName}: the neighbor ${who} is in state ${peer.state} (expected ${ESTABLISHED})`);
    } else if (peer.hostname !== undefined && peer.hostname !== want.node) {
      findings.push(`${switchName}: the neighbor ${want.address} announces hostname ${peer.hostname} (expected ${want.node})`);
    }
  }
  if (options.exact) {
    for (const extra of observed.filter((p) => !expected.some((w) => w.address === p.address))) {
      findings.push(`${switchName} has an unexpected BGP neighbor ${extra.address} (AS ${extra.remoteAs}, ${extra.state}; expected none)`);
    }
  }
  return findings;
}

/** The switch's sessions as the topology describes them; with `only`, just those neighbors. */
export function sessionFindings(t: Topology, sw: Switch, observed: readonly ObservedPeer[], only?: readonly string[]): string[] {
  const expected = bgpPeers(t, sw).filter((p) => !only || only.includes(p.node));
  return peerFindings(sw.name, expected, observed, { exact: !only });
}

/**
 * Every prefix BGP carries to the switch must be in the kernel, over every equal-cost next hop;
 * every other prefix the fabric originates must not be (BGP gives the switch no path to it). With
 * `only`, just those prefixes.
 */
export function routeFindings(t: Topology, sw: Switch, routes: readonly ObservedRoute[], only?: readonly string[]): string[] {
  const findings: string[] = [];
  const peers = bgpPeers(t, sw);
  const names = new Map([...peers.map((p) => [p.address, p.node] as const), ...peers.map((p) => [p.localInterface, p.node] as const)]);
  // An IPv6 route is expected by interface (path-vector over model.ts: FRR installs the link-local
  // next hop); should the kernel show the neighbor's global IPv6 address instead, it names the same link.
  const viaInterface = new Map(peers.filter((p) => p.families.includes("ipv6") && !p.unnumbered).map((p) => [p.address, p.localInterface]));
  const key = (hop: ObservedNextHop) => {
    const k = nextHopKey(hop);
    return viaInterface.get(k) ?? k;
  };
  const via = (route: ObservedRoute) =>
    route.nexthops
      .map(key)
      .sort()
      .map((key) => `${names.get(key) ?? "?"} ${key}`)
      .join(", ");
  const expected = expectedRoutes(t, sw);
  for (const want of expected) {
    if (only && !only.includes(want.prefix)) continue;
    const wantText = want.nextHops.map((h) => `${h.node} ${h.address}`).join(", ");
    const route = routes.find((r) => r.dst === want.prefix);
    if (!route) {
      findings.push(`${sw.name} has no route to ${want.prefix} (expected via ${wantText})`);
      continue;
    }
    const have = route.nexthops.map(key).sort();
    if (have.join(",") !== want.nextHops.map((h) => h.address).sort().join(",")) {
      findings.push(`${sw.name} routes ${want.prefix} via ${via(route)} (expected via ${wantText})`);
    }
  }
  const own = advertisedPrefixes(sw);
  for (const prefix of fabricPrefixes(t)) {
    if (own.includes(prefix) || expected.some((r) => r.prefix === prefix) || (only && !only.includes(prefix))) continue;
    const route = routes.find((r) => r.dst === prefix);
    if (route) findings.push(`${sw.name} routes ${prefix} via ${via(route)} (expected no route: ${whyNoRoute(t, sw, prefix)})`);
  }
  return findings;
}

/** Why BGP gives a switch no path to a prefix of the fabric: no sessions lead there, or loop prevention. */
function whyNoRoute(t: Topology, sw: Switch, prefix: string): string {
  const origin = t.switches.find((s) => advertisedPrefixes(s).includes(prefix));
  const seen = new Set([sw.name]);
  let frontier = [sw];
  while (frontier.length > 0) {
    frontier = frontier.flatMap((s) => bgpPeers(t, s).flatMap((p) => (seen.has(p.node) ? [] : (seen.add(p.node), findSwitch(t, p.node) ?? []))));
  }
  return origin && seen.has(origin.name)
    ? `every BGP path from ${origin.name} is dropped by AS-path loop prevention on the way`
    : `no BGP session leads to ${origin?.name ?? "its origin"}`;
}

/** No point-to-point subnet may be in a BGP table: the links are connected routes only. */
export function leakedLinkFindings(switchName: string, bgpPrefixes: readonly string[], linkSubnets: readonly string[]): string[] {
  return bgpPrefixes
    .filter((prefix) => linkSubnets.includes(prefix))
    .map((prefix) => `${switchName} has the point-to-point subnet ${prefix} in its BGP table (expected the links not advertised)`);
}
