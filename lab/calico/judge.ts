/**
 * What a fabric with Calico peering looks like, derived from the topology and Calico's resources,
 * and judging observed state against it: each function returns findings, one sentence each, saying
 * what was found and what was expected (empty when all is well).
 */
import { differences } from "../expect/partial.js";
import { expectedRoutes } from "../fabric/expected.js";
import { nextHopKey, peerFindings, type ExpectedPeer, type ObservedPeer, type ObservedRoute } from "../fabric/judge.js";
import type { BirdProtocol } from "../probes/bird.js";
import { contains, parseCidr } from "../topology/ip.js";
import { bgpPeers, findSwitch, type Host, type Node, type Topology } from "../topology/model.js";
import { rackNodes } from "./fabric.js";
import { VXLAN, vxlanTunnel } from "./felix.js";
import type { CalicoNodePlan, CalicoPlan } from "./resources.js";

/** A pod block a node should route, over which next hops; `blackhole` for the node's own block. */
export interface ExpectedPodRoute {
  readonly prefix: string;
  /** The Kubernetes node whose block it is. */
  readonly owner: string;
  readonly nextHops: ReadonlyArray<{ readonly address: string; readonly node: string }>;
  readonly blackhole: boolean;
}

/** A node's leaf and its gateway; the model guarantees both for a host. */
function leafOf(t: Topology, host: { leaf: string }) {
  const leaf = findSwitch(t, host.leaf);
  if (!leaf?.rack) throw new Error(`model invariant: ${host.leaf} is not a leaf with a rack`);
  return { leaf, gateway: leaf.rack.gateway, subnet: leaf.rack.subnet };
}

/**
 * The pod block routes of a switch or Kubernetes node in peering mode. A block lives behind its
 * node's leaf, so the fabric routes it exactly as it routes that leaf's rack subnet; the leaf
 * itself routes it to the node; a node routes its rack mates' blocks to them directly (the leaf
 * reflects them), the others' to its leaf, and blackholes its own.
 */
export function expectedPodRoutes(t: Topology, plan: CalicoPlan, at: Node): ExpectedPodRoute[] {
  return plan.nodes.map((owner) => {
    const { leaf, subnet } = leafOf(t, owner);
    const route = (nextHops: ExpectedPodRoute["nextHops"], blackhole = false) => ({ prefix: owner.block, owner: owner.node, nextHops, blackhole });
    if (at.kind === "host") {
      if (at.name === owner.node) return route([], true);
      if (at.leaf === owner.leaf) return route([{ address: owner.address, node: owner.node }]);
      return route([{ address: at.gateway, node: at.leaf }]);
    }
    if (at.name === leaf.name) return route([{ address: owner.address, node: owner.node }]);
    return route(expectedRoutes(t, at).find((r) => r.prefix === subnet)?.nextHops ?? []);
  });
}

/** Every expected pod block route must be in the kernel, over exactly its next hops. */
export function podRouteFindings(t: Topology, plan: CalicoPlan, at: Node, routes: readonly (ObservedRoute & { type?: string })[], only?: (r: ExpectedPodRoute) => boolean): string[] {
  const names = addressNames(t, plan);
  // An unnumbered next hop is named by the interface it leaves through (judge.ts nextHopKey).
  if (at.kind === "switch") for (const p of bgpPeers(t, at)) if (p.unnumbered) names.set(p.address, p.node);
  const findings: string[] = [];
  for (const want of expectedPodRoutes(t, plan, at).filter(only ?? (() => true))) {
    const what = `${want.prefix} (${want.owner}'s pod block)`;
    const found = routes.find((r) => r.dst === want.prefix);
    if (want.blackhole) {
      if (found?.type !== "blackhole") findings.push(`${at.name} has ${found ? `a ${found.type ?? "unicast"} route` : "no route"} for its own block ${want.prefix} (expected a blackhole, as Calico programs it)`);
      continue;
    }
    const wantText = want.nextHops.map((h) => `${h.node} ${h.address}`).join(", ");
    if (!found) {
      findings.push(`${at.name} has no route to ${what} (expected via ${wantText})`);
      continue;
    }
    const have = found.nexthops.map(nextHopKey).sort();
    if (have.join(",") !== want.nextHops.map((h) => h.address).sort().join(",")) {
      findings.push(`${at.name} routes ${what} via ${have.map((ip) => `${names.get(ip) ?? "?"} ${ip}`).join(", ")} (expected via ${wantText})`);
    }
  }
  return findings;
}

/** No route inside a pod pool: the fabric with no pod network, or with an overlay. */
export function noPodRouteFindings(node: string, routes: readonly ObservedRoute[], pools: readonly string[]): string[] {
  const cidrs = pools.map(parseCidr).filter((c) => c !== undefined);
  return routes
    .filter((r) => cidrs.some((pool) => contains(pool, r.dst.split("/")[0] ?? "")))
    .map((r) => `${node} routes the pod prefix ${r.dst} (expected no pod routes in the fabric)`);
}

/** A leaf's sessions in peering mode: every spine it is linked to, and every node of its rack. */
export function expectedLeafPeers(t: Topology, leafName: string): ExpectedPeer[] {
  const leaf = findSwitch(t, leafName);
  if (!leaf) return [];
  return [...bgpPeers(t, leaf), ...rackNodes(t, leaf).map((n) => ({ address: n.address, node: n.name, remoteAs: leaf.asn }))];
}

/** The leaf has exactly its spines and its rack's nodes, every session Established. */
export function leafSessionFindings(t: Topology, leafName: string, observed: readonly ObservedPeer[]): string[] {
  return peerFindings(leafName, expectedLeafPeers(t, leafName), observed, { exact: true });
}

/**
 * A node in peering mode has exactly one BGP session, with its leaf's gateway, both sides in the
 * leaf's AS, Established.
 */
export function nodeSessionFindings(t: Topology, host: Host, protocols: readonly BirdProtocol[]): string[] {
  const { leaf, gateway } = leafOf(t, host);
  const expected = `its leaf ${leaf.name} ${gateway} in AS ${leaf.asn}`;
  const sessions = protocols.filter((p) => p.bgp);
  const findings: string[] = [];
  for (const extra of sessions.filter((p) => p.bgp?.neighborAddress !== gateway)) {
    findings.push(`${host.name} has an unexpected BGP session ${extra.name} with ${extra.bgp?.neighborAddress ?? "?"} (AS ${extra.bgp?.neighborAs ?? "?"}, ${extra.bgp?.state ?? extra.state}; expected only one, with ${expected})`);
  }
  const own = sessions.filter((p) => p.bgp?.neighborAddress === gateway);
  if (own.length === 0) findings.push(`${host.name} has no BGP session with ${expected} (BIRD's protocols: ${protocols.map((p) => p.name).join(", ") || "none"})`);
  for (const session of own) {
    const bgp = session.bgp;
    if (!bgp) continue;
    // BIRD 1.x (and calico-node's birdcl) print the local AS of an Established iBGP session only.
    if (bgp.localAs !== undefined && bgp.localAs !== leaf.asn) findings.push(`${host.name} speaks BGP to ${leaf.name} ${gateway} as AS ${bgp.localAs ?? "?"} (expected its leaf's AS ${leaf.asn}: one AS per rack)`);
    if (bgp.neighborAs !== leaf.asn) findings.push(`${host.name} expects AS ${bgp.neighborAs ?? "?"} of ${leaf.name} ${gateway} (expected ${leaf.asn})`);
    if (bgp.state !== "Established") {
      const why = bgp.lastError ? `, last error "${bgp.lastError}"` : session.info && session.info !== bgp.state ? ` (${session.info})` : "";
      const refused = /Bad peer AS/.test(bgp.lastError ?? session.info) ? `: ${leaf.name} refuses the AS ${host.name} speaks (expected its leaf's AS ${leaf.asn}, one AS per rack)` : "";
      findings.push(`${host.name}: the BGP session with ${leaf.name} ${gateway} is ${bgp.state}${why} (expected Established)${refused}`);
    }
  }
  return findings;
}

/** Who owns each address the lab uses: interfaces, loopbacks, gateways, nodes and pods. */
/**
 * Who owns each address: the topology's switches and hosts, the plan's pods, and what the nodes
 * report of their own interfaces (`owned`: on a VM a node answers a traceroute from its first
 * address, the NAT one, which no topology names), so a hop is judged by the node that answered.
 */
export function addressNames(t: Topology, plan: CalicoPlan | undefined, owned: ReadonlyMap<string, string> = new Map()): Map<string, string> {
  const names = new Map<string, string>(owned);
  for (const sw of t.switches) {
    names.set(sw.loopback, sw.name);
    if (sw.rack) names.set(sw.rack.gateway, sw.name);
    for (const i of sw.interfaces) if (!i.unnumbered) names.set(i.ip, sw.name);
  }
  for (const h of t.hosts) names.set(h.address, h.name);
  for (const n of plan?.nodes ?? []) names.set(n.pod.address, n.pod.name);
  return names;
}

/** The addresses a node reported, as owners for addressNames: "k8s-node-l1-1 eth0" for 10.0.2.15. */
export function ownedAddresses(reports: ReadonlyArray<readonly [string, ReadonlyArray<{ interface: string; address: string }>]>): Map<string, string> {
  const owned = new Map<string, string>();
  for (const [node, addresses] of reports) {
    for (const a of addresses) if (!a.address.startsWith("127.")) owned.set(a.address, node);
  }
  return owned;
}

/**
 * A pod's path to a pod in another rack: its node, its leaf, the spines, the other leaf, the other
 * node, the pod; judged by who answered at each hop.
 */
export function podPathFindings(
  t: Topology,
  plan: CalicoPlan,
  from: CalicoNodePlan,
  to: CalicoNodePlan,
  hops: ReadonlyArray<string | undefined>,
  reached: boolean,
  owned: ReadonlyMap<string, string> = new Map(),
): string[] {
  const names = addressNames(t, plan, owned);
  const name = (ip: string | undefined) => (ip === undefined ? "*" : `${ip} (${names.get(ip) ?? "?"})`);
  const spineCount = Math.max(0, (expectedRoutes(t, leafOf(t, from).leaf).find((r) => r.prefix === leafOf(t, to).subnet)?.hops ?? 2) - 1);
  const expected = [from.node, from.leaf, ...Array<string>(spineCount).fill("a spine"), to.leaf, to.node, to.pod.name];
  const seen = hops.map((ip) => (ip === undefined ? undefined : names.get(ip)));
  // In a 5-stage Clos a path between pods also crosses a super-spine: any switch above the leaves counts.
  const isSpine = (n: string | undefined) => n !== undefined && (findSwitch(t, n)?.role ?? "leaf") !== "leaf";
  const fits =
    reached &&
    seen.length === expected.length &&
    expected.every((want, i) => (want === "a spine" ? isSpine(seen[i]) : seen[i] === want));
  if (fits) return [];
  return [
    `${from.pod.name}'s path to ${to.pod.address} (${to.pod.name}) is ${hops.map(name).join(" > ") || "empty"}${reached ? "" : ", not reaching it"} (expected ${expected.join(" > ")})`,
  ];
}

/**
 * The node's only session is with `gateway` in AS `asn`, as a scenario states it: judged as peering
 * mode, plus a finding when the topology does not put the node there.
 */
export function statedNodeSessionFindings(t: Topology, host: Host, gateway: string, asn: number, protocols: readonly BirdProtocol[]): string[] {
  const leaf = t.switches.find((s) => s.rack?.gateway === gateway);
  const findings = nodeSessionFindings(t, host, protocols);
  if (!leaf || leaf.name !== host.leaf || leaf.asn !== asn) {
    findings.push(`the topology puts ${host.name} behind ${host.leaf}, not behind ${gateway} in AS ${asn}: the scenario does not fit the topology`);
  }
  return findings;
}

/** The overlay's node-to-node mesh: a session with every other node, Established, in AS `asn`. */
export function meshSessionFindings(t: Topology, host: Host, protocols: readonly BirdProtocol[], asn: number): string[] {
  // By neighbor address; the first session with a neighbor is the one judged.
  const sessions = Object.fromEntries([...protocols].reverse().flatMap((p) => (p.bgp?.neighborAddress ? [[p.bgp.neighborAddress, p.bgp]] : [])));
  const others = t.hosts.filter((o) => o.name !== host.name);
  const expected = Object.fromEntries(others.map((o) => [o.address, { state: "Established", neighborAs: asn }]));
  const wrong = new Set(differences(sessions, expected).map((d) => d.path[0]));
  return others
    .filter((o) => wrong.has(o.address))
    .map((o) => {
      const s = sessions[o.address];
      if (!s) return `${host.name} has no BGP session with ${o.name} ${o.address} (expected one in the node-to-node mesh, AS ${asn})`;
      return `${host.name}: the mesh session with ${o.name} is ${s.state}, AS ${s.neighborAs ?? "?"} (expected Established, AS ${asn})`;
    });
}

/** A pod's path to a pod in another rack through the overlay: it reaches it, and no switch answers on the way. */
export function overlayPathFindings(t: Topology, plan: CalicoPlan, from: CalicoNodePlan, to: CalicoNodePlan, hops: ReadonlyArray<string | undefined>, reached: boolean, owned: ReadonlyMap<string, string> = new Map()): string[] {
  const names = addressNames(t, plan, owned);
  const switches = hops.map((ip) => (ip === undefined ? undefined : names.get(ip))).filter((n) => n !== undefined && t.switches.some((s) => s.name === n));
  const findings = switches.length ? [`${from.pod.name}'s path to ${to.pod.name} shows the switches ${switches.join(", ")} (expected none: the overlay hides the fabric)`] : [];
  if (!reached) findings.push(`${from.pod.name}'s path to ${to.pod.address} (${to.pod.name}) does not reach it`);
  return findings;
}

/**
 * A node's routes in the VXLAN overlay, as Felix programs them: a blackhole for its own block, and
 * every other node's block via that node's tunnel address through the VXLAN device.
 */
export function vxlanRouteFindings(plan: CalicoPlan, node: CalicoNodePlan, routes: readonly KernelRouteLike[]): string[] {
  const findings: string[] = [];
  for (const owner of plan.nodes) {
    const found = routes.find((r) => r.dst === owner.block);
    if (owner.node === node.node) {
      if (found?.type !== "blackhole") findings.push(`${node.node} has ${found ? `a ${found.type ?? "unicast"} route` : "no route"} for its own block ${owner.block} (expected a blackhole, as Felix programs it)`);
      continue;
    }
    const tunnel = vxlanTunnel(owner);
    const want = `via ${tunnel.address} dev ${VXLAN.device}`;
    const have = found?.nexthops.map((h) => `via ${h.gateway ?? "(direct)"} dev ${h.dev ?? "?"}`) ?? [];
    if (have.length !== 1 || have[0] !== want) {
      findings.push(`${node.node} routes ${owner.block} (${owner.node}'s pod block) ${have.length ? have.join(", ") : "nowhere"} (expected ${want}, ${owner.node}'s tunnel address)`);
    }
  }
  return findings;
}

/** A kernel route as the judges read it: the destination, its type and its next hops' gateway and device. */
export interface KernelRouteLike {
  readonly dst: string;
  readonly type?: string;
  readonly nexthops: ReadonlyArray<{ readonly gateway?: string | undefined; readonly dev?: string }>;
}

/**
 * Readiness as calico-node judges it (`calico-node -bird-ready -felix-ready`, calico's
 * node/pkg/health): BIRD answers and every BGP session it has is Established ("BGP not established
 * with <peer>"); Felix has programmed the node's routes: the route to each local pod through its
 * cali* interface, and in the VXLAN overlay the routes through vxlan.calico.
 */
export function calicoNodeReadinessFindings(plan: CalicoPlan, node: CalicoNodePlan, protocols: readonly BirdProtocol[], routes: readonly KernelRouteLike[]): string[] {
  const findings: string[] = [];
  const sessions = protocols.filter((p) => p.bgp);
  if (sessions.length === 0) findings.push(`${node.node}: calico-node -bird-ready fails: BIRD has no BGP session (protocols: ${protocols.map((p) => p.name).join(", ") || "none"})`);
  for (const p of sessions.filter((p) => p.bgp?.state !== "Established")) {
    findings.push(`${node.node}: calico-node -bird-ready fails: BGP not established with ${p.bgp?.neighborAddress ?? "?"} (${p.name}: ${p.bgp?.state ?? p.state}${p.info ? `, ${p.info}` : ""})`);
  }
  const pod = routes.find((r) => r.dst === `${node.pod.address}/32`);
  const dev = pod?.nexthops[0]?.dev;
  if (!dev?.startsWith("cali")) {
    findings.push(`${node.node}: calico-node -felix-ready fails: no route to its pod ${node.pod.name} ${node.pod.address} through a cali* interface (found ${pod ? `dev ${dev ?? "?"}` : "none"})`);
  }
  if (plan.encapsulation === "vxlan") findings.push(...vxlanRouteFindings(plan, node, routes).map((f) => `calico-node -felix-ready fails: ${f}`));
  return findings;
}
