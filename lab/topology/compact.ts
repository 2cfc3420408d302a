/**
 * The compact form of a topology: tiers and counts, ASN bases, address pools, hosts per rack,
 * instead of every switch and link written out. It expands deterministically into the full form
 * (`fabricspec topology expand FILE` prints it), which the loader then validates like any
 * hand-written file: a 200-switch fabric is a dozen lines.
 *
 * The expansion, in order (so that a pool's addresses follow the file's reading order):
 * - switches: super-spine1..S, then spine1..P*N (pod by pod), then leaf1..P*M (pod by pod);
 *   pods pod1..P (none written for a fabric of one pod without super-spines).
 * - ASNs from each tier's base by the AS plan: shared, the base; per-pod, base + pod index;
 *   per-switch, base + index in the tier; reused leaves, base + index in the pod (the same ASNs in
 *   every pod, RFC 7938 5.2.2's reuse, with allowas-in).
 * - loopbacks: the /32s of the loopback pool from its second address, in switch order.
 * - links: /31s of the link pool in order, the upper end on the even address: first every spine to
 *   every leaf of its pod (spine by spine), then every super-spine to every spine.
 * - interfaces: a leaf's uplink to its pod's spine j is swp(51+j); a spine's downlink to its pod's
 *   leaf k is swp(1+k), its uplink to super-spine i swp(U+i), U = 51 or the first port after its
 *   downlinks; a super-spine's downlink to spine g is swp(1+g).
 * - racks: the rack pool cut into subnets of rackPrefixLength, one per leaf in order; gateway the
 *   first address, hosts host-lL-H from the 11th (the first host of the first rack is the control plane).
 */
import { z } from "zod";
import type { TopologyIssue } from "../errors.js";
import { contains, ipToNumber, networkOf, numberToIp, parseCidr, type Cidr } from "./ip.js";
import { contains6, networkOf6, nthAddress6, parseCidr6 } from "./ip6.js";
import { topologySchema } from "./schema.js";

const count = (what: string) => z.number().int().min(1, `at least 1 ${what}`).max(4096, `at most 4096 ${what}`);
const asn = z.number().int().min(1).max(4294967294).describe("the tier's first AS; the others follow from asPlan");
const pool = z.string().refine((s) => parseCidr(s) !== undefined, "must be an IPv4 prefix like 10.0.0.0/16");
const pool6 = z.string().refine((s) => parseCidr6(s) !== undefined, "must be an IPv6 prefix like 2001:db8:ff::/64");

export const fabricSchema = z.strictObject({
  pods: count("pod").default(1).describe("how many pods (RFC 7938's clusters); more than one needs super-spines"),
  superSpines: z
    .strictObject({ count: count("super-spine"), asn })
    .optional()
    .describe("the top tier of a 5-stage Clos, each linked to every spine; leave out for two tiers"),
  spines: z.strictObject({ perPod: count("spine per pod"), asn }).describe("each linked to every leaf of its pod"),
  leaves: z
    .strictObject({ perPod: count("leaf per pod"), asn, hostsPerRack: z.number().int().min(0).max(4096).default(1).describe("hosts in each leaf's rack") })
    .describe("the racks' switches"),
  pools: z
    .strictObject({
      loopbacks: pool.describe("the switches' /32 loopbacks, from its second address"),
      links: pool.optional().describe("the point-to-point /31s; none when the fabric is unnumbered"),
      racks: pool.describe("the rack subnets, cut into rackPrefixLength"),
      rackPrefixLength: z.number().int().min(8).max(29).default(24).describe("each rack subnet's length"),
      ipv6: z
        .strictObject({
          loopbacks: pool6.describe("the switches' /128 loopbacks, from its second address"),
          links: pool6.optional().describe("the links' /127s (RFC 6164); none when the fabric is unnumbered (its sessions carry IPv6 too)"),
          racks: pool6.describe("the racks' /64s, one per leaf in order; gateway the first address, hosts from the 11th (::b)"),
        })
        .optional()
        .describe("dual stack: IPv6 pools beside the IPv4 ones"),
    })
    .describe("the address pools; they must not overlap each other or the pod network"),
});

/** The compact topology file: the full form's settings, and `fabric` instead of switches, links and hosts. */
export const compactTopologySchema = topologySchema.omit({ switches: true, links: true, hosts: true }).extend({ fabric: fabricSchema });

export type CompactFile = z.infer<typeof compactTopologySchema>;

/** The compact form's JSON schema, for editors (scripts/schema.ts puts it beside the full form's). */
export function compactJsonSchema(): unknown {
  return z.toJSONSchema(compactTopologySchema, { io: "input" });
}

/** True when a parsed YAML value is in the compact form (it has `fabric`). */
export function isCompact(value: unknown): boolean {
  return typeof value === "object" && value !== null && "fabric" in value;
}

const UPLINK = 51;
const FIRST_HOST = 11;
const RESERVED_ASNS = [23456, 65535];

interface Planned {
  name: string;
  role: "super-spine" | "spine" | "leaf";
  pod: number | undefined;
  asn: number;
}

/** The full form (YAML object) of a compact file, or every problem with its path. */
export function expandCompact(file: CompactFile): { value: Record<string, unknown> } | { issues: TopologyIssue[] } {
  const issues = checkCompact(file);
  if (issues.length > 0) return { issues };
  const f = file.fabric;
  const switches = plan(file);
  const podName = (p: number | undefined) => (p === undefined || (f.pods === 1 && !f.superSpines) ? undefined : `pod${p + 1}`);
  const loopbacks = cidrOf(f.pools.loopbacks);
  const racks = cidrOf(f.pools.racks);
  const rackSize = 2 ** (32 - f.pools.rackPrefixLength);
  const v6 = f.pools.ipv6;
  const out: Record<string, Record<string, unknown>> = {};
  const hosts: Record<string, Record<string, unknown>> = {};
  let leafIndex = 0;
  switches.forEach((sw, i) => {
    const entry: Record<string, unknown> = { role: sw.role, asn: sw.asn, loopback: `${numberToIp(base(loopbacks) + 1 + i)}/32` };
    if (v6) entry.loopback6 = `${nthAddress6(cidr6Of(v6.loopbacks), BigInt(1 + i))}/128`;
    const pod = podName(sw.pod);
    if (pod) entry.pod = pod;
    if (sw.role === "leaf") {
      const subnet = base(racks) + leafIndex * rackSize;
      const rack6 = v6 ? nthAddress6(cidr6Of(v6.racks), BigInt(leafIndex) << 64n) : undefined;
      const rack6Of = (offset: number) => (rack6 === undefined ? {} : nthAddress6({ address: rack6, prefixLength: 64 }, BigInt(offset)));
      entry.rack = {
        subnet: `${numberToIp(subnet)}/${f.pools.rackPrefixLength}`,
        gateway: numberToIp(subnet + 1),
        ...(rack6 === undefined ? {} : { subnet6: `${rack6}/64`, gateway6: rack6Of(1) }),
      };
      for (let h = 0; h < f.leaves.hostsPerRack; h++) {
        hosts[`host-l${leafIndex + 1}-${h + 1}`] = {
          leaf: sw.name,
          address: numberToIp(subnet + FIRST_HOST + h),
          ...(rack6 === undefined ? {} : { address6: rack6Of(FIRST_HOST + h) }),
          role: leafIndex === 0 && h === 0 ? "control-plane" : "worker",
        };
      }
      leafIndex++;
    }
    out[sw.name] = entry;
  });
  const { $schema: _schema, fabric: _fabric, ...settings } = file;
  return { value: { ...settings, switches: out, links: links(file, switches), hosts } };
}

/** The switches in expansion order, with their pods and ASNs. */
function plan(file: CompactFile): Planned[] {
  const f = file.fabric;
  const list: Planned[] = [];
  for (let i = 0; i < (f.superSpines?.count ?? 0); i++) {
    list.push({ name: `super-spine${i + 1}`, role: "super-spine", pod: undefined, asn: (f.superSpines?.asn ?? 0) + (file.asPlan.superSpine === "shared" ? 0 : i) });
  }
  for (let p = 0; p < f.pods; p++) for (let j = 0; j < f.spines.perPod; j++) {
    const g = p * f.spines.perPod + j;
    const offset = { shared: 0, "per-pod": p, "per-switch": g }[file.asPlan.spine];
    list.push({ name: `spine${g + 1}`, role: "spine", pod: p, asn: f.spines.asn + offset });
  }
  for (let p = 0; p < f.pods; p++) for (let k = 0; k < f.leaves.perPod; k++) {
    const g = p * f.leaves.perPod + k;
    list.push({ name: `leaf${g + 1}`, role: "leaf", pod: p, asn: f.leaves.asn + (file.asPlan.leaf === "reused" ? k : g) });
  }
  return list;
}

function links(file: CompactFile, switches: readonly Planned[]): Array<Record<string, unknown>> {
  const f = file.fabric;
  const pool = base(cidrOf(f.pools.links ?? ""));
  const result: Array<Record<string, unknown>> = [];
  const link = (a: string, aPort: number, b: string, bPort: number) => {
    const n = pool + 2 * result.length;
    // Unnumbered (docs/unnumbered.md): the sessions run on the interfaces, the ends have no addresses.
    if (file.unnumbered) return void result.push({ a: { node: a, interface: `swp${aPort}` }, b: { node: b, interface: `swp${bPort}` } });
    const v6 = f.pools.ipv6?.links === undefined ? undefined : cidr6Of(f.pools.ipv6.links);
    const six = (end: number) => (v6 ? { address6: `${nthAddress6(v6, BigInt(2 * result.length + end))}/127` } : {});
    result.push({
      a: { node: a, interface: `swp${aPort}`, address: `${numberToIp(n)}/31`, ...six(0) },
      b: { node: b, interface: `swp${bPort}`, address: `${numberToIp(n + 1)}/31`, ...six(1) },
    });
  };
  const spines = switches.filter((s) => s.role === "spine");
  const leaves = switches.filter((s) => s.role === "leaf");
  for (const spine of spines) {
    const j = spines.filter((s) => s.pod === spine.pod).indexOf(spine);
    leaves.filter((l) => l.pod === spine.pod).forEach((leaf, k) => link(spine.name, 1 + k, leaf.name, UPLINK + j));
  }
  const spineUplink = Math.max(UPLINK, f.leaves.perPod + 1);
  switches.filter((s) => s.role === "super-spine").forEach((superSpine, i) => {
    spines.forEach((spine, g) => link(superSpine.name, 1 + g, spine.name, spineUplink + i));
  });
  return result;
}

const cidrOf = (text: string): Cidr => parseCidr(text) ?? { address: "0.0.0.0", prefixLength: 32 };
const base = (cidr: Cidr): number => ipToNumber(networkOf(cidr).split("/")[0] ?? "");
const size = (cidr: Cidr): number => 2 ** (32 - cidr.prefixLength);
const cidr6Of = (text: string): Cidr => parseCidr6(text) ?? { address: "::", prefixLength: 128 };
const size6 = (cidr: Cidr): bigint => 1n << BigInt(128 - cidr.prefixLength);

/** What the schema cannot say about a compact file: pools large enough and apart, ASN ranges valid and apart. */
export function checkCompact(file: CompactFile): TopologyIssue[] {
  const issues: TopologyIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });
  const f = file.fabric;
  if (f.pods > 1 && !f.superSpines) add("fabric.pods", `${f.pods} pods need super-spines to join them (write fabric.superSpines, or one pod)`);
  if (file.asPlan.leaf === "reused" && f.leaves.perPod > 0 && f.pods === 1) {
    add("asPlan.leaf", "reused, but with one pod no two leaves share an AS (reused ASNs repeat per pod)");
  }
  const spineCount = f.pods * f.spines.perPod;
  const leafCount = f.pods * f.leaves.perPod;
  const superCount = f.superSpines?.count ?? 0;
  const linkCount = spineCount * f.leaves.perPod + superCount * spineCount;
  const pools: Array<[string, string]> = [
    ["fabric.pools.loopbacks", f.pools.loopbacks],
    ...(f.pools.links === undefined ? [] : [["fabric.pools.links", f.pools.links] as [string, string]]),
    ["fabric.pools.racks", f.pools.racks],
  ];
  if (file.unnumbered && f.pools.links !== undefined) add("fabric.pools.links", `${f.pools.links}, but the fabric is unnumbered: its links have no addresses (remove the pool)`);
  if (!file.unnumbered && f.pools.links === undefined) add("fabric.pools", "a numbered fabric needs a links pool for its /31s (or unnumbered: true)");
  for (const [path, text] of pools) {
    const cidr = parseCidr(text);
    if (cidr && networkOf(cidr) !== text) add(path, `${text} is not a network address (did you mean ${networkOf(cidr)}?)`);
  }
  const loopbacks = cidrOf(f.pools.loopbacks);
  const racks = cidrOf(f.pools.racks);
  const linkPool = cidrOf(f.pools.links ?? "");
  const switches = superCount + spineCount + leafCount;
  if (switches > size(loopbacks) - 1) add("fabric.pools.loopbacks", `${f.pools.loopbacks} holds ${Math.max(0, size(loopbacks) - 1)} loopbacks; the fabric has ${switches} switches`);
  if (f.pools.links !== undefined && 2 * linkCount > size(linkPool)) add("fabric.pools.links", `${f.pools.links} holds ${size(linkPool) / 2} /31 links; the fabric has ${linkCount}`);
  if (f.pools.rackPrefixLength < racks.prefixLength) {
    add("fabric.pools.rackPrefixLength", `a /${f.pools.rackPrefixLength} rack is wider than its pool ${f.pools.racks}`);
  } else if (leafCount > 2 ** (f.pools.rackPrefixLength - racks.prefixLength)) {
    add("fabric.pools.racks", `${f.pools.racks} holds ${2 ** (f.pools.rackPrefixLength - racks.prefixLength)} racks of /${f.pools.rackPrefixLength}; the fabric has ${leafCount} leaves`);
  }
  const lastHost = FIRST_HOST + f.leaves.hostsPerRack - 1;
  if (f.leaves.hostsPerRack > 0 && lastHost >= 2 ** (32 - f.pools.rackPrefixLength) - 1) {
    add("fabric.leaves.hostsPerRack", `${f.leaves.hostsPerRack} hosts from the rack's ${FIRST_HOST}th address do not fit a /${f.pools.rackPrefixLength}`);
  }
  for (let i = 0; i < pools.length; i++) for (let j = 0; j < i; j++) {
    const [pathI, textI] = pools[i] ?? ["", ""];
    const [pathJ, textJ] = pools[j] ?? ["", ""];
    if (overlap(cidrOf(textI), cidrOf(textJ))) add(pathI, `${textI} overlaps ${textJ} (${pathJ})`);
  }
  const pods = parseCidr(file.podNetwork);
  for (const [path, text] of pools) {
    if (pods && overlap(pods, cidrOf(text))) add("podNetwork", `${file.podNetwork} overlaps ${text} (${path}): the pods' addresses would collide with the fabric's`);
  }
  checkAsnRanges(file, add);
  checkPools6(file, switches, linkCount, leafCount, add);
  return issues;
}

/** The IPv6 pools: network addresses, large enough for the counts, apart from each other. */
function checkPools6(file: CompactFile, switches: number, linkCount: number, leafCount: number, add: (path: string, message: string) => void): void {
  const v6 = file.fabric.pools.ipv6;
  if (!v6) return;
  if (file.unnumbered && v6.links !== undefined) add("fabric.pools.ipv6.links", `${v6.links}, but the fabric is unnumbered: its sessions carry IPv6 over link-local (remove the pool)`);
  if (!file.unnumbered && v6.links === undefined) add("fabric.pools.ipv6", "a numbered dual-stack fabric needs an IPv6 links pool for its /127s");
  const pools: Array<[string, string]> = [
    ["fabric.pools.ipv6.loopbacks", v6.loopbacks],
    ...(v6.links === undefined ? [] : [["fabric.pools.ipv6.links", v6.links] as [string, string]]),
    ["fabric.pools.ipv6.racks", v6.racks],
  ];
  for (const [path, text] of pools) {
    const cidr = parseCidr6(text);
    if (cidr && networkOf6(cidr) !== text) add(path, `${text} is not a network address (did you mean ${networkOf6(cidr)}?)`);
  }
  const loopbacks = cidr6Of(v6.loopbacks);
  if (BigInt(switches) > size6(loopbacks) - 1n) add("fabric.pools.ipv6.loopbacks", `${v6.loopbacks} holds ${size6(loopbacks) - 1n} loopbacks; the fabric has ${switches} switches`);
  if (v6.links !== undefined && BigInt(2 * linkCount) > size6(cidr6Of(v6.links))) add("fabric.pools.ipv6.links", `${v6.links} holds ${size6(cidr6Of(v6.links)) / 2n} /127 links; the fabric has ${linkCount}`);
  const racks = cidr6Of(v6.racks);
  if (racks.prefixLength > 64) add("fabric.pools.ipv6.racks", `${v6.racks} is narrower than one /64 rack`);
  else if (BigInt(leafCount) > 1n << BigInt(64 - racks.prefixLength)) add("fabric.pools.ipv6.racks", `${v6.racks} holds ${1n << BigInt(64 - racks.prefixLength)} /64 racks; the fabric has ${leafCount} leaves`);
  for (let i = 0; i < pools.length; i++) for (let j = 0; j < i; j++) {
    const [pathI, textI] = pools[i] ?? ["", ""];
    const [pathJ, textJ] = pools[j] ?? ["", ""];
    const x = cidr6Of(textI);
    const y = cidr6Of(textJ);
    const [wider, narrower] = x.prefixLength <= y.prefixLength ? [x, y] : [y, x];
    if (contains6(wider, narrower.address)) add(pathI, `${textI} overlaps ${textJ} (${pathJ})`);
  }
}

function overlap(x: Cidr, y: Cidr): boolean {
  const [wider, narrower] = x.prefixLength <= y.prefixLength ? [x, y] : [y, x];
  return contains(wider, narrower.address);
}

/** Each tier's ASNs, from its base by the plan: in range, clear of the reserved ones, apart from the other tiers'. */
function checkAsnRanges(file: CompactFile, add: (path: string, message: string) => void): void {
  const f = file.fabric;
  const ranges: Array<{ path: string; tier: string; first: number; last: number }> = [];
  const range = (path: string, tier: string, first: number, n: number) => ranges.push({ path, tier, first, last: first + n - 1 });
  if (f.superSpines) range("fabric.superSpines.asn", "super-spines'", f.superSpines.asn, file.asPlan.superSpine === "shared" ? 1 : f.superSpines.count);
  range("fabric.spines.asn", "spines'", f.spines.asn, { shared: 1, "per-pod": f.pods, "per-switch": f.pods * f.spines.perPod }[file.asPlan.spine]);
  range("fabric.leaves.asn", "leaves'", f.leaves.asn, file.asPlan.leaf === "reused" ? f.leaves.perPod : f.pods * f.leaves.perPod);
  const text = (r: (typeof ranges)[number]) => (r.first === r.last ? `${r.first}` : `${r.first}-${r.last}`);
  for (const r of ranges) {
    if (r.last > 4294967294) add(r.path, `the ${r.tier} ASNs ${text(r)} run past 4294967294, the last AS`);
    const reserved = RESERVED_ASNS.find((a) => a >= r.first && a <= r.last);
    if (reserved !== undefined) add(r.path, `the ${r.tier} ASNs ${text(r)} include the reserved AS ${reserved}; start elsewhere (private: 64512-65534, 4200000000-4294967294)`);
  }
  for (let i = 0; i < ranges.length; i++) for (let j = 0; j < i; j++) {
    const [x, y] = [ranges[i], ranges[j]];
    if (x && y && x.first <= y.last && y.first <= x.last) add(x.path, `the ${x.tier} ASNs ${text(x)} overlap the ${y.tier} ${text(y)} (${y.path}); tiers never share an AS`);
  }
}
