/**
 * The embedded lab's build plan, derived from the topology: which namespaces, which veth pairs,
 * which addresses. Pure data, so it can be read and tested without a lab.
 */
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
}

export function planLab(t: Topology): NetnsPlan {
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
      if (sw.name < i.peer.node) {
        links.push(`link add ${i.name} netns ${namespaceOf(sw.name)} type veth peer ${i.peer.interface} netns ${namespaceOf(i.peer.node)}`);
      }
      // Unnumbered: no address; the kernel's IPv6 link-local (see ipv6Sysctls) carries the session.
      own.push(
        ...(i.unnumbered ? [] : [`addr add ${i.cidr} dev ${i.name}`]),
        ...(i.cidr6 !== undefined ? [`addr add ${i.cidr6} dev ${i.name} nodad`] : []),
        `link set ${i.name} up`,
      );
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
  return { namespaces, links, addressing };
}

/** The sysctls a switch needs before its interfaces come up (the provisioner's, shared). */
export { ipv6Sysctls } from "../../provision/sysctls.js";

/**
 * The kernel's ICMP rate limit lifted in every node's namespace (1 s a destination after a burst of
 * ~6, per namespace; a host forwards too, as a Calico node): a host that traceroutes to every other
 * rack gets its leaf's "time exceeded" for each, not for the first few only (at 16 racks the path
 * checks found "no answer").
 */
export const NO_ICMP_RATE_LIMIT = ["net.ipv4.icmp_ratelimit=0", "net.ipv6.icmp.ratelimit=0"];
