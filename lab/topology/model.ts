/** The derived model: everything the lab, the renderers and the generic scenarios need. */
import { networkOf, parseCidr } from "./ip.js";
import { networkOf6, parseCidr6 } from "./ip6.js";
import { converge, type BestRoute } from "./path-vector.js";

/** The tiers, top down: super-spines (a 5-stage Clos's Tier 1), spines (in pods below super-spines), leaves. */
export type Role = "super-spine" | "spine" | "leaf";

export interface Interface {
  readonly name: string;
  /** This end's address with its prefix length, e.g. 172.16.0.0/31; "" on an unnumbered link. */
  readonly cidr: string;
  /** "" on an unnumbered link. */
  readonly ip: string;
  /** The far end; its ip is "" on an unnumbered link. */
  readonly peer: { readonly node: string; readonly interface: string; readonly ip: string; readonly ip6?: string };
  /** Dual stack: this end's IPv6 address with its prefix length (a /127, /126 or /64); absent when the link has none. */
  readonly cidr6?: string;
  readonly ip6?: string;
  /** BGP unnumbered: the session runs on the interface over IPv6 link-local, no addresses (RFC 8950). */
  readonly unnumbered?: boolean;
}

export interface Rack {
  readonly subnet: string;
  readonly gateway: string;
  readonly prefixLength: number;
  /** Dual stack: the rack's IPv6 subnet and the leaf's address in it. */
  readonly subnet6?: string;
  readonly gateway6?: string;
  /** The leaf's bridge over its host ports; the gateway lives on it. */
  readonly bridge: string;
}

export interface Switch {
  readonly kind: "switch";
  readonly name: string;
  readonly role: Role;
  /** The pod (RFC 7938's cluster) of a spine or leaf; undefined for super-spines and in a fabric of one pod written without one. */
  readonly pod: string | undefined;
  readonly asn: number;
  /** How often it accepts its own AS in a received path (`allowas-in`): 1 where its AS is reused, else 0. */
  readonly allowasIn: number;
  /** The loopback address (no prefix length); also the router-id. */
  readonly loopback: string;
  /** Dual stack: the IPv6 loopback address (no prefix length). */
  readonly loopback6?: string;
  readonly interfaces: readonly Interface[];
  readonly rack: Rack | undefined;
}

export interface Host {
  readonly kind: "host";
  readonly name: string;
  readonly role: "control-plane" | "worker";
  readonly leaf: string;
  readonly address: string;
  readonly prefixLength: number;
  readonly gateway: string;
  /** Dual stack: the host's IPv6 address (its rack's subnet6) and default gateway. */
  readonly address6?: string;
  readonly prefixLength6?: number;
  readonly gateway6?: string;
  /** The host's interface towards its leaf (eth1, as the Vagrant lab names it). */
  readonly interface: string;
  /** The leaf's port the host is plugged into. */
  readonly leafPort: string;
}

export type Node = Switch | Host;

export interface BgpPeer {
  /**
   * The neighbor this switch configures, as FRR keys it: the far end's address, or on an
   * unnumbered link the local interface (`neighbor swp51 interface`).
   */
  readonly address: string;
  readonly node: string;
  readonly remoteAs: number;
  readonly localInterface: string;
  /** A session on the interface (BGP unnumbered), not to an address. */
  readonly unnumbered?: boolean;
  /**
   * The address families the session carries: on a numbered link an IPv4 session and, dual
   * stack, a second one over the IPv6 link addresses; an unnumbered session carries both.
   */
  readonly families: readonly Family[];
}

/** BGP's unicast address families (AFI 1 and 2, SAFI 1). */
export type Family = "ipv4" | "ipv6";
export const FAMILIES: readonly Family[] = ["ipv4", "ipv6"];

/** The family of an address or prefix. */
export const familyOf = (addressOrPrefix: string): Family => (addressOrPrefix.includes(":") ? "ipv6" : "ipv4");

/** The unicast families the fabric runs: IPv4, and IPv6 too when dual stack. */
export function familiesOf(t: Topology): readonly Family[] {
  return isDualStack(t) ? FAMILIES : ["ipv4"];
}

/** Whether any switch has an IPv6 loopback, rack or link: the fabric runs IPv6 unicast. */
export function isDualStack(t: Topology): boolean {
  return t.switches.some((s) => s.loopback6 !== undefined || s.rack?.subnet6 !== undefined || s.interfaces.some((i) => i.ip6 !== undefined));
}

export interface Topology {
  readonly name: string;
  /** The file it was read from. */
  readonly source: string;
  readonly bgp: { readonly keepalive: number; readonly hold: number };
  /** Which roles share an AS (RFC 7938 5.2): per-switch, spines shared, leaf ASNs reused. */
  readonly asPlan: {
    readonly superSpine: "per-switch" | "shared";
    readonly spine: "per-switch" | "shared" | "per-pod";
    readonly leaf: "per-switch" | "reused";
  };
  /** How prefixes enter BGP: `redistribute connected` through a route-map, or `network` statements. */
  readonly origination: "redistribute" | "network";
  /** The pod network's CIDR (kubeadm's --pod-network-cidr, Calico's IPPool). */
  readonly podNetwork: string;
  readonly switches: readonly Switch[];
  readonly hosts: readonly Host[];
  /** Sessions that are down while their links are up (a failure scenario's), as pairs of switch names. */
  readonly failedSessions?: ReadonlyArray<readonly [string, string]>;
}

export const spines = (t: Topology): Switch[] => t.switches.filter((s) => s.role === "spine");
export const leaves = (t: Topology): Switch[] => t.switches.filter((s) => s.role === "leaf");
export const superSpines = (t: Topology): Switch[] => t.switches.filter((s) => s.role === "super-spine");

/** The switches a switch is linked to (its links' far ends), in interface order. */
export function linkedSwitches(t: Topology, sw: Switch): Switch[] {
  return sw.interfaces.flatMap((i) => findSwitch(t, i.peer.node) ?? []);
}

/** The spines above a leaf's pod: every spine of its pod (all spines in a fabric without pods). */
export function podSpines(t: Topology, leaf: Switch): Switch[] {
  return spines(t).filter((s) => s.pod === leaf.pod);
}
export const nodes = (t: Topology): Node[] => [...t.switches, ...t.hosts];
export const nodeNames = (t: Topology): string[] => nodes(t).map((n) => n.name);

export function findNode(t: Topology, name: string): Node | undefined {
  return nodes(t).find((n) => n.name === name);
}

export function findSwitch(t: Topology, name: string): Switch | undefined {
  return t.switches.find((s) => s.name === name);
}

/**
 * The switch's eBGP sessions: one per link, but for sessions that failed. A numbered link with IPv6
 * addresses has a second session over them for IPv6 unicast (each family over its own transport);
 * an unnumbered session carries IPv4 and, where the fabric runs IPv6, IPv6 unicast too.
 */
export function bgpPeers(t: Topology, sw: Switch): BgpPeer[] {
  const failed = (far: string) => (t.failedSessions ?? []).some(([a, b]) => (a === sw.name && b === far) || (b === sw.name && a === far));
  const dual = isDualStack(t);
  return sw.interfaces
    .filter((i) => !failed(i.peer.node))
    .flatMap((i): BgpPeer[] => {
      const far = findSwitch(t, i.peer.node);
      if (!far) throw new Error(`model invariant: ${sw.name}.${i.name} points at unknown ${i.peer.node}`);
      const base = { node: far.name, remoteAs: far.asn, localInterface: i.name };
      if (i.unnumbered) return [{ ...base, address: i.name, unnumbered: true, families: dual ? FAMILIES : ["ipv4"] }];
      const v6: BgpPeer[] = i.peer.ip6 !== undefined ? [{ ...base, address: i.peer.ip6, families: ["ipv6"] }] : [];
      return [{ ...base, address: i.peer.ip, families: ["ipv4"] }, ...v6];
    });
}

/** What a switch originates into BGP: its loopback and, on a leaf, its rack subnet; dual stack, their IPv6 ones too. */
export function advertisedPrefixes(sw: Switch): string[] {
  return [
    `${sw.loopback}/32`,
    ...(sw.rack ? [sw.rack.subnet] : []),
    ...(sw.loopback6 !== undefined ? [`${sw.loopback6}/128`] : []),
    ...(sw.rack?.subnet6 !== undefined ? [sw.rack.subnet6] : []),
  ];
}

const converged = new WeakMap<Topology, Map<string, BestRoute[]>>();

/**
 * The switch's best routes once BGP has converged over this topology (path-vector.ts): one per
 * prefix it learns, with every equal-cost next hop, in the order of the switches that originate them.
 */
export function bestRoutes(t: Topology, sw: Switch): BestRoute[] {
  let all = converged.get(t);
  if (!all) {
    // Each family converges on its own: over the sessions that carry it, with the prefixes of it.
    // An IPv6 route's next hop is named by the local interface, as the kernel shows it: FRR
    // installs the neighbor's link-local next hop (`via fe80::... dev swp51`).
    const perFamily = FAMILIES.map((family) =>
      converge(
        t.switches.map((s) => ({
          name: s.name,
          asn: s.asn,
          allowasIn: s.allowasIn,
          originates: advertisedPrefixes(s).filter((p) => familyOf(p) === family),
          sessions: bgpPeers(t, s)
            .filter((p) => p.families.includes(family))
            .map((p) => ({ address: family === "ipv6" ? p.localInterface : p.address, node: p.node })),
        })),
      ),
    );
    all = new Map(t.switches.map((s) => [s.name, perFamily.flatMap((m) => m.get(s.name) ?? [])]));
    converged.set(t, all);
  }
  return all.get(sw.name) ?? [];
}

/** Every prefix a switch should learn over BGP: what the others originate and BGP carries to it. */
export function expectedPrefixes(t: Topology, sw: Switch): string[] {
  return bestRoutes(t, sw).map((r) => r.prefix);
}

/** The BGP origin attribute the fabric's prefixes carry: redistributed ones are incomplete ("?"). */
export function originCode(t: Topology): "incomplete" | "IGP" {
  return t.origination === "network" ? "IGP" : "incomplete";
}

/** Every prefix the fabric's switches originate. */
export function fabricPrefixes(t: Topology): string[] {
  return t.switches.flatMap(advertisedPrefixes);
}

/** The point-to-point subnets, which the fabric must not advertise. */
export function linkSubnets(t: Topology): string[] {
  const seen = new Set<string>();
  for (const sw of t.switches) for (const i of sw.interfaces) {
    const cidr = i.unnumbered ? undefined : parseCidr(i.cidr);
    if (cidr) seen.add(networkOf(cidr));
    const cidr6 = i.cidr6 === undefined ? undefined : parseCidr6(i.cidr6);
    if (cidr6) seen.add(networkOf6(cidr6));
  }
  return [...seen];
}

/** The rack subnets, one per leaf. */
export function rackSubnets(t: Topology): string[] {
  return leaves(t).flatMap((l) => (l.rack ? [l.rack.subnet, ...(l.rack.subnet6 !== undefined ? [l.rack.subnet6] : [])] : []));
}


/**
 * The fabric as it is with a switch gone (failed): its links removed from its neighbors. Judging
 * the survivors against it says what a fabric that routes around the failure looks like.
 */
export function withoutSwitch(t: Topology, name: string): Topology {
  return {
    ...t,
    switches: t.switches
      .filter((s) => s.name !== name)
      .map((s) => ({ ...s, interfaces: s.interfaces.filter((i) => i.peer.node !== name) })),
    hosts: t.hosts.filter((h) => h.leaf !== name),
  };
}

/** The fabric as it is with one link gone (both ends down). */
export function withoutLink(t: Topology, node: string, interfaceName: string): Topology {
  const cut = findSwitch(t, node)?.interfaces.find((i) => i.name === interfaceName);
  if (!cut) return t;
  const isCut = (owner: string, i: Interface) =>
    (owner === node && i.name === interfaceName) || (owner === cut.peer.node && i.name === cut.peer.interface);
  return { ...t, switches: t.switches.map((s) => ({ ...s, interfaces: s.interfaces.filter((i) => !isCut(s.name, i)) })) };
}

/** The fabric as it is with the session between two switches down, their link still up. */
export function withoutSession(t: Topology, a: string, b: string): Topology {
  return { ...t, failedSessions: [...(t.failedSessions ?? []), [a, b]] };
}
