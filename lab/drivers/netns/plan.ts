/**
 * The embedded lab's build plan, derived from the topology: which namespaces, which veth pairs,
 * which addresses. Pure data, so it can be read and tested without a lab.
 */
import { readFileSync } from "node:fs";
import { leaves, type Topology } from "../../topology/model.js";

/** Every namespace of ours carries this prefix, so an operator can tell them apart. */
export const NAMESPACE_PREFIX = "fs-";

export const namespaceOf = (node: string): string => `${NAMESPACE_PREFIX}${node}`;

export interface NetnsPlan {
  readonly namespaces: readonly string[];
  /** `ip -batch` lines run once: veth pairs created directly inside their namespaces. */
  readonly links: readonly string[];
  /** Per namespace, the `ip -n NS -batch` lines that address and raise its interfaces. */
  readonly addressing: ReadonlyMap<string, readonly string[]>;
  /** The fabric links' neighbours are pinned (see pinLinkNeighbours). */
  readonly pinned: boolean;
}

export interface PlanOptions {
  /**
   * Give both ends of every switch-to-switch link a MAC of the lab's own and each end a permanent
   * neighbour entry for the other's addresses, instead of ARP and neighbour discovery.
   */
  readonly pinLinkNeighbours?: boolean;
}

export function planLab(t: Topology, options: PlanOptions = {}): NetnsPlan {
  const pin = options.pinLinkNeighbours === true;
  const macs = pin ? linkMacs(t) : new Map<string, string>();
  const links: string[] = [];
  const addressing = new Map<string, string[]>();
  const lines = (node: string): string[] => {
    const ns = namespaceOf(node);
    const list = addressing.get(ns) ?? [];
    addressing.set(ns, list);
    return list;
  };

  for (const sw of t.switches) {
    const own = lines(sw.name);
    own.push("link set lo up", `addr add ${sw.loopback}/32 dev lo`);
    // IPv6 addresses without duplicate address detection: a lab's addresses are unique by the
    // topology's checks, and DAD would hold each tentative (unusable by bgpd) for a second or more.
    if (sw.loopback6 !== undefined) own.push(`addr add ${sw.loopback6}/128 dev lo nodad`);
    for (const i of sw.interfaces) {
      // Each link once, from the end whose name sorts first; the veth never exists in the root namespace.
      const mac = macs.get(`${sw.name} ${i.name}`);
      const peerMac = macs.get(`${i.peer.node} ${i.peer.interface}`);
      if (sw.name < i.peer.node) {
        const address = (m: string | undefined) => (m === undefined ? "" : ` address ${m}`);
        links.push(`link add ${i.name} netns ${namespaceOf(sw.name)}${address(mac)} type veth peer ${i.peer.interface} netns ${namespaceOf(i.peer.node)}${address(peerMac)}`);
      }
      // Unnumbered: no address; the kernel's IPv6 link-local (see ipv6Sysctls) carries the session.
      own.push(
        ...(i.unnumbered ? [] : [`addr add ${i.cidr} dev ${i.name}`]),
        ...(i.cidr6 !== undefined ? [`addr add ${i.cidr6} dev ${i.name} nodad`] : []),
        `link set ${i.name} up`,
      );
      if (peerMac !== undefined) {
        const peers = [...(i.unnumbered || i.peer.ip === "" ? [] : [i.peer.ip]), ...(i.peer.ip6 === undefined ? [] : [i.peer.ip6])];
        own.push(...peers.map((ip) => `neigh replace ${ip} lladdr ${peerMac} dev ${i.name} nud permanent`));
      }
    }
  }
  for (const leaf of leaves(t)) {
    if (!leaf.rack) continue;
    const own = lines(leaf.name);
    own.push(`link add ${leaf.rack.bridge} type bridge`);
    for (const host of t.hosts.filter((h) => h.leaf === leaf.name)) {
      links.push(`link add ${host.leafPort} netns ${namespaceOf(leaf.name)} type veth peer ${host.interface} netns ${namespaceOf(host.name)}`);
      own.push(`link set ${host.leafPort} master ${leaf.rack.bridge}`, `link set ${host.leafPort} up`);
    }
    own.push(`addr add ${leaf.rack.gateway}/${leaf.rack.prefixLength} dev ${leaf.rack.bridge}`);
    if (leaf.rack.gateway6 !== undefined && leaf.rack.subnet6 !== undefined) {
      own.push(`addr add ${leaf.rack.gateway6}/${leaf.rack.subnet6.split("/")[1] ?? "64"} dev ${leaf.rack.bridge} nodad`);
    }
    own.push(`link set ${leaf.rack.bridge} up`);
  }
  for (const host of t.hosts) {
    lines(host.name).push(
      "link set lo up",
      `addr add ${host.address}/${host.prefixLength} dev ${host.interface}`,
      ...(host.address6 !== undefined ? [`addr add ${host.address6}/${host.prefixLength6 ?? 64} dev ${host.interface} nodad`] : []),
      `link set ${host.interface} up`,
      `route add default via ${host.gateway}`,
      // `::/0` names the family: a batch line takes no -6.
      ...(host.gateway6 !== undefined ? [`route add ::/0 via ${host.gateway6}`] : []),
    );
  }
  const namespaces = [...t.switches, ...t.hosts].map((n) => namespaceOf(n.name));
  return { namespaces, links, addressing, pinned: pin };
}

/**
 * A MAC of the lab's own for each end of each switch-to-switch link, keyed "node interface":
 * locally administered (02:), 66 for fabricspec, 24 bits of the link's number, the end (1 or 2).
 */
function linkMacs(t: Topology): Map<string, string> {
  const macs = new Map<string, string>();
  let link = 0;
  const hex = (n: number) => (n & 0xff).toString(16).padStart(2, "0");
  for (const sw of t.switches) {
    for (const i of sw.interfaces) {
      if (sw.name >= i.peer.node) continue;
      link += 1;
      const base = `02:66:${hex(link >> 16)}:${hex(link >> 8)}:${hex(link)}`;
      macs.set(`${sw.name} ${i.name}`, `${base}:01`);
      macs.set(`${i.peer.node} ${i.peer.interface}`, `${base}:02`);
    }
  }
  return macs;
}

/**
 * The kernel keeps one neighbour table per address family for the whole machine, every namespace
 * included: past `net.ipv4.neigh.default.gc_thresh3` (1024 by default) dynamic entries it refuses
 * new ones ("neighbour: arp_cache: neighbor table overflow!") and packets to unresolved next hops
 * are dropped. Permanent entries do not count (Linux 5.0 on). Only the root namespace can raise
 * the limit, and the lab never changes the machine's networking, so a fabric whose links alone
 * would take more than half of it (the rest is for its hosts, pods and the machine) pins them.
 */
export function pinLinkNeighbours(t: Topology, limits: NeighbourLimits = machineNeighbourLimits()): boolean {
  const needed = linkNeighbourEntries(t);
  return needed.ipv4 > limits.ipv4 / 2 || needed.ipv6 > limits.ipv6 / 2;
}

export interface NeighbourLimits {
  /** gc_thresh3 of each family: the most dynamic entries the machine keeps. */
  readonly ipv4: number;
  readonly ipv6: number;
}

/** The dynamic neighbour entries the switch-to-switch links need: one at each end, per family the link runs. */
export function linkNeighbourEntries(t: Topology): NeighbourLimits {
  let ipv4 = 0;
  let ipv6 = 0;
  for (const sw of t.switches) {
    for (const i of sw.interfaces) {
      if (!i.unnumbered && i.peer.ip !== "") ipv4 += 1;
      // Unnumbered sessions run over the peer's IPv6 link-local address.
      if (i.peer.ip6 !== undefined || i.unnumbered) ipv6 += 1;
    }
  }
  return { ipv4, ipv6 };
}

/** The machine's limits (read only; 1024 each when they cannot be read, the kernel's default). */
export function machineNeighbourLimits(): NeighbourLimits {
  const read = (family: "ipv4" | "ipv6") => {
    try {
      const value = Number(readFileSync(`/proc/sys/net/${family}/neigh/default/gc_thresh3`, "utf8").trim());
      return Number.isFinite(value) && value > 0 ? value : 1024;
    } catch {
      return 1024;
    }
  };
  return { ipv4: read("ipv4"), ipv6: read("ipv6") };
}

/** The sysctls a switch needs before its interfaces come up (the provisioner's, shared). */
export { ipv6Sysctls } from "../../provision/sysctls.js";

/**
 * The kernel's ICMP rate limit lifted in every node's namespace (1 s a destination after a burst of
 * ~6, per namespace; a host forwards too, as a Calico node): a host that traceroutes to every other
 * rack gets its leaf's "time exceeded" for each, not for the first few only (at 16 racks the path
 * checks found "no answer").
 */
export const NO_ICMP_RATE_LIMIT = [
  "net.ipv4.icmp_ratelimit=0",
  "net.ipv6.icmp.ratelimit=0",
  // And the namespace's own cap on all the ICMP errors it sends (1000 a second, bursts of 50; both
  // families count against it): tracing 191 racks at once from 32 pods, a spine that every path
  // crosses is asked for thousands of "time exceeded" a second, and left hops of the paths at "*".
  "net.ipv4.icmp_msgs_per_sec=1000000",
  "net.ipv4.icmp_msgs_burst=1000000",
];
