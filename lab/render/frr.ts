/**
 * FRR configuration rendered from the topology: the same text on every driver (the netns lab,
 * Vagrant switches, a real Cumulus or FRR switch).
 */
import { FRR_CURRENT, type FrrRelease } from "./frr-release.js";
import { advertisedPrefixes, bgpPeers, familyOf, isDualStack, type BgpPeer, type Family, type Switch, type Topology } from "../topology/model.js";

/** The route-map that picks what `redistribute connected` may advertise. */
export const CONNECTED_ROUTE_MAP = "FABRIC-CONNECTED";

/** The integrated frr.conf of one switch, for the FRR release it runs (./frr-release.ts). */
export function renderFrrConfig(t: Topology, sw: Switch, release: FrrRelease = FRR_CURRENT): string {
  return text([...header(t, sw), "service integrated-vtysh-config", "!", ...zebra(t, release), ...bgpd(t, sw), "line vty", "!"]);
}

/** The FRR daemons a switch runs, each with its own part of the configuration. */
export type FrrDaemon = "zebra" | "bgpd" | "staticd";
export const FRR_DAEMONS: readonly FrrDaemon[] = ["zebra", "bgpd", "staticd"];

/**
 * The same configuration split per daemon, for daemons started with `-f` (the embedded lab):
 * each daemon reads only the commands it knows.
 */
export function renderDaemonConfigs(t: Topology, sw: Switch): Record<FrrDaemon, string> {
  return {
    zebra: text([...header(t, sw), ...zebra(t)]),
    bgpd: text([...header(t, sw), ...bgpd(t, sw)]),
    staticd: text(header(t, sw)),
  };
}

function text(lines: string[]): string {
  return `${lines.join("\n")}\n`;
}

function header(t: Topology, sw: Switch): string[] {
  return [
    `! ${sw.name}: rendered by fabricspec from topology "${t.name}"; advertises ${advertisedPrefixes(sw).join(", ")}`,
    "frr defaults datacenter",
    `hostname ${sw.name}`,
    "!",
  ];
}

/**
 * zebra's part: a switch forwards. Routes carry their next hops inline instead of as kernel
 * nexthop objects: FRR 8.4's zebra loses an ECMP leg for good when a link flaps with kernel
 * nexthop groups on (the kernel drops the leg, zebra never re-adds it; FRRouting/frr#12239),
 * which the resilience scenarios catch. A release without the command (before 7.4) has no kernel
 * nexthop objects to turn off, and would reject the line.
 */
function zebra(t: Topology, release: FrrRelease = FRR_CURRENT): string[] {
  // Dual stack, the switch routes IPv6 too: a namespace starts with IPv6 forwarding off.
  return ["ip forwarding", ...(isDualStack(t) ? ["ipv6 forwarding"] : []), ...(release.kernelNexthopCommand ? ["no zebra nexthop kernel enable"] : []), "!"];
}

function bgpd(t: Topology, sw: Switch): string[] {
  // The route-map comes before `router bgp`: defined afterwards, bgpd applies it to the
  // redistributed routes only when its route-map delay timer fires (5 s).
  return [...(t.origination === "redistribute" ? renderRouteMap(sw) : []), ...renderBgp(t, sw)];
}

function renderRouteMap(sw: Switch): string[] {
  // Only the loopback and the rack are advertised: the /31 links stay out of BGP.
  const interfaces = ["lo", ...(sw.rack ? [sw.rack.bridge] : [])];
  return interfaces.flatMap((name, i) => [
    `route-map ${CONNECTED_ROUTE_MAP} permit ${(i + 1) * 10}`,
    ` match interface ${name}`,
    "!",
  ]);
}

function renderBgp(t: Topology, sw: Switch): string[] {
  const peers = bgpPeers(t, sw);
  return [
    `router bgp ${sw.asn}`,
    ` bgp router-id ${sw.loopback}`,
    " bgp bestpath as-path multipath-relax",
    ` timers bgp ${t.bgp.keepalive} ${t.bgp.hold}`,
    // Announce the initial table at once instead of batching it for ~1 s: a fabric this size
    // gains nothing from the batching, and bring-up time is what engineers wait for.
    " coalesce-time 0",
    // On an unnumbered link the session is on the interface: IPv6 link-local, the peer found by
    // router advertisements, IPv4 over IPv6 next hops (FRR enables extended-nexthop for these).
    ...peers.map((p) => ` neighbor ${p.address}${p.unnumbered ? " interface" : ""} remote-as ${p.remoteAs}`),
    " !",
    ...addressFamily(t, sw, "ipv4", peers),
    ...(isDualStack(t) ? addressFamily(t, sw, "ipv6", peers) : []),
    "!",
  ];
}

/**
 * One address family's block: what it originates and which sessions carry it. A session over the
 * IPv6 link addresses carries IPv6 unicast only, so IPv4 unicast, on by default for every
 * neighbor (`bgp default ipv4-unicast`), is turned off for it; IPv6 unicast is off by default,
 * so each session that carries it (including an unnumbered one, which carries both) is activated.
 */
function addressFamily(t: Topology, sw: Switch, family: Family, peers: readonly BgpPeer[]): string[] {
  const carrying = peers.filter((p) => p.families.includes(family));
  const activation =
    family === "ipv4"
      ? peers.filter((p) => !p.families.includes("ipv4")).map((p) => `  no neighbor ${p.address} activate`)
      : carrying.map((p) => `  neighbor ${p.address} activate`);
  return [
    ` address-family ${family} unicast`,
    // Redistributed, the prefixes carry origin incomplete ("?", the blog's); from network statements, IGP.
    ...(t.origination === "redistribute"
      ? [`  redistribute connected route-map ${CONNECTED_ROUTE_MAP}`]
      : advertisedPrefixes(sw)
          .filter((prefix) => familyOf(prefix) === family)
          .map((prefix) => `  network ${prefix}`)),
    ...activation,
    // A leaf whose AS another leaf reuses accepts paths carrying it (asPlan.leaf: reused).
    ...(sw.allowasIn > 0 ? carrying.map((p) => `  neighbor ${p.address} allowas-in ${sw.allowasIn}`) : []),
    " exit-address-family",
  ];
}
