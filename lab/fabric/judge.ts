/**
 * Judging observed state against the expected: each function returns what is wrong, one sentence
 * per finding, saying what was found and what was expected (empty when all is well). The steps
 * turn findings into failed assertions; the convergence wait polls until there are none.
 */
import { bgpPeers, type Switch, type Topology } from "../topology/model.js";
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
  readonly nexthops: ReadonlyArray<{ readonly gateway?: string | undefined }>;
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
 * Every prefix the other switches originate must be in the kernel, over every equal-cost next hop;
 * with `only`, just those prefixes.
 */
export function routeFindings(t: Topology, sw: Switch, routes: readonly ObservedRoute[], only?: readonly string[]): string[] {
  const findings: string[] = [];
  const names = new Map(bgpPeers(t, sw).map((p) => [p.address, p.node]));
  for (const expected of expectedRoutes(t, sw)) {
    if (only && !only.includes(expected.prefix)) continue;
    const want = expected.nextHops.map((h) => h.address).sort();
    const wantText = expected.nextHops.map((h) => `${h.node} ${h.address}`).join(", ");
    const route = routes.find((r) => r.dst === expected.prefix);
    if (!route) {
      findings.push(`${sw.name} has no route to ${expected.prefix} (expected via ${wantText})`);
      continue;
    }
    const have = route.nexthops.map((h) => h.gateway ?? "(direct)").sort();
    if (have.join(",") !== want.join(",")) {
      const haveText = have.map((ip) => `${names.get(ip) ?? "?"} ${ip}`).join(", ");
      findings.push(`${sw.name} routes ${expected.prefix} via ${haveText} (expected via ${wantText})`);
    }
  }
  return findings;
}

/** No point-to-point subnet may be in a BGP table: the links are connected routes only. */
export function leakedLinkFindings(switchName: string, bgpPrefixes: readonly string[], linkSubnets: readonly string[]): string[] {
  return bgpPrefixes
    .filter((prefix) => linkSubnets.includes(prefix))
    .map((prefix) => `${switchName} has the point-to-point subnet ${prefix} in its BGP table (expected the links not advertised)`);
}
