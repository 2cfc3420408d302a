/**
 * The IPv6 half of a dual-stack address plan, checked with paths as load.ts checks the IPv4 half:
 * each address unique, inside its subnet, both ends of a link on one /127, /126 or /64, rack subnets
 * a /64 or wider, no subnet overlapping another.
 */
import type { TopologyIssue } from "../errors.js";
import { contains6, networkOf6, parseCidr6 } from "./ip6.js";
import { overlapIssues } from "./overlaps.js";
import type { TopologyFile } from "./schema.js";

/** Link prefix lengths: RFC 6164's /127, a /126, or a whole /64 (RFC 7421). */
const LINK_LENGTHS = [64, 126, 127];

export function checkIpv6(file: TopologyFile, unnumbered: (link: TopologyFile["links"][number]) => boolean): TopologyIssue[] {
  const issues: TopologyIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });
  const owner = new Map<string, string>();
  const claim = (ip: string, who: string, path: string) => {
    const previous = owner.get(ip);
    if (previous) add(path, `address ${ip} is already used by ${previous}`);
    else owner.set(ip, who);
  };
  const subnets: Array<[string, string]> = [];

  for (const [name, sw] of Object.entries(file.switches)) {
    const path = `switches.${name}`;
    if (sw.loopback6 !== undefined) claim(sw.loopback6.split("/")[0] ?? "", `${name} loopback6`, `${path}.loopback6`);
    const rack = sw.rack;
    if (!rack || (rack.subnet6 === undefined && rack.gateway6 === undefined)) continue;
    if (rack.subnet6 === undefined || rack.gateway6 === undefined) {
      add(`${path}.rack`, "an IPv6 rack needs both subnet6 and gateway6");
      continue;
    }
    const subnet = parseCidr6(rack.subnet6);
    if (!subnet) continue;
    if (networkOf6(subnet) !== rack.subnet6) add(`${path}.rack.subnet6`, `${rack.subnet6} is not a network address (did you mean ${networkOf6(subnet)}?)`);
    if (subnet.prefixLength > 64) add(`${path}.rack.subnet6`, `${rack.subnet6} is narrower than a /64 (hosts' SLAAC and RFC 7421 want a /64 or wider)`);
    if (!contains6(subnet, rack.gateway6)) add(`${path}.rack.gateway6`, `${rack.gateway6} is outside the rack subnet ${rack.subnet6}`);
    claim(rack.gateway6, `${name} rack gateway6`, `${path}.rack.gateway6`);
    subnets.push([`${path}.rack.subnet6`, rack.subnet6]);
  }

  file.links.forEach((link, i) => {
    const path = `links[${i}]`;
    const ends = [["a", link.a], ["b", link.b]] as const;
    if (unnumbered(link)) {
      for (const [side, end] of ends) {
        if (end.address6 !== undefined) add(`${path}.${side}.address6`, `${end.address6} on an unnumbered link: its session runs over IPv6 link-local and carries both families (remove it)`);
      }
      return;
    }
    const given = ends.filter(([, end]) => end.address6 !== undefined);
    if (given.length === 0) return;
    if (given.length === 1) {
      add(path, "an IPv6 link needs address6 on both ends");
      return;
    }
    for (const [side, end] of ends) claim((end.address6 ?? "").split("/")[0] ?? "", `${end.node} ${end.interface}`, `${path}.${side}.address6`);
    const a = parseCidr6(link.a.address6 ?? "");
    const b = parseCidr6(link.b.address6 ?? "");
    if (!a || !b) return;
    if (a.prefixLength !== b.prefixLength || networkOf6(a) !== networkOf6(b)) {
      add(path, `the ends ${link.a.address6} and ${link.b.address6} are not on the same IPv6 subnet`);
    } else if (!LINK_LENGTHS.includes(a.prefixLength)) {
      add(path, `${networkOf6(a)} is not a point-to-point IPv6 subnet (use a /127, /126 or /64)`);
    } else {
      subnets.push([path, networkOf6(a)]);
    }
  });

  for (const [name, host] of Object.entries(file.hosts)) {
    if (host.address6 === undefined) continue;
    const path = `hosts.${name}.address6`;
    const rack = file.switches[host.leaf]?.rack;
    const subnet = rack?.subnet6 === undefined ? undefined : parseCidr6(rack.subnet6);
    if (!subnet) {
      add(path, `${host.leaf}'s rack has no IPv6 subnet (give it subnet6 and gateway6)`);
      continue;
    }
    if (!contains6(subnet, host.address6)) add(path, `${host.address6} is outside ${host.leaf}'s rack subnet ${rack?.subnet6}`);
    claim(host.address6, name, path);
  }

  issues.push(...overlapIssues(subnets, { parse: parseCidr6, contains: contains6, networkOf: networkOf6 }));
  for (const [name, sw] of Object.entries(file.switches)) {
    if (sw.loopback6 === undefined) continue;
    const ip = sw.loopback6.split("/")[0] ?? "";
    for (const [path, text] of subnets) {
      const cidr = parseCidr6(text);
      if (cidr && contains6(cidr, ip)) add(`switches.${name}.loopback6`, `${sw.loopback6} is inside ${text} (${path})`);
    }
  }
  return issues;
}
