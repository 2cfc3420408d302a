/** The topology file's schema: shape only. Cross-references are checked in load.ts. */
import { z } from "zod";
import { isIpv4, parseCidr } from "./ip.js";
import { canonical6, isIpv6, parseCidr6 } from "./ip6.js";

const name = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,30}$/, "must be lower-case letters, digits and '-', starting with a letter, at most 31 characters");
const ipv4 = z.string().refine(isIpv4, "must be an IPv4 address like 10.0.101.1");
const cidr = z.string().refine((s) => parseCidr(s) !== undefined, "must be an IPv4 prefix like 172.16.0.0/31");
const loopback = z.string().refine((s) => parseCidr(s)?.prefixLength === 32, "must be a /32 like 172.16.255.1/32");
// IPv6 in RFC 5952's compressed form, the form FRR and iproute2 print, so the model compares equal to what probes read.
const compressed = (text: string) => canonical6(text.split("/")[0] ?? "") === text.split("/")[0];
const ipv6 = z
  .string()
  .refine(isIpv6, "must be an IPv6 address like 2001:db8:0:101::1")
  .refine((s) => !isIpv6(s) || compressed(s), { message: "must be written compressed (RFC 5952), as FRR prints it" });
const cidr6 = z
  .string()
  .refine((s) => parseCidr6(s) !== undefined, "must be an IPv6 prefix like 2001:db8:ff::/127")
  .refine((s) => parseCidr6(s) === undefined || compressed(s), { message: "must be written compressed (RFC 5952), as FRR prints it" });
const loopback6 = cidr6.refine((s) => parseCidr6(s)?.prefixLength === 128, "must be a /128 like 2001:db8:ffff::1/128");
const asn = z.number().int().min(1).max(4294967294);
const interfaceName = z
  .string()
  .regex(/^[a-z][a-z0-9]{0,14}$/, "must be an interface name like swp51 (letters and digits, at most 15)");

export const rackSchema = z.strictObject({
  subnet: cidr.describe("the rack's subnet, routed by its leaf"),
  gateway: ipv4.describe("the leaf's address in the rack, the hosts' default gateway"),
  subnet6: cidr6.optional().describe("dual stack: the rack's IPv6 subnet, a /64 or wider (SLAAC and RFC 7421 want 64 bits of interface ID); with gateway6"),
  gateway6: ipv6.optional().describe("dual stack: the leaf's IPv6 address in the rack, the hosts' IPv6 default gateway"),
});

/** The tiers of a Clos fabric, top down: super-spines (RFC 7938's Tier 1 of a 5-stage Clos) above the spines of the pods, leaves (ToRs) below. */
export const ROLES = ["super-spine", "spine", "leaf"] as const;

export const switchSchema = z.strictObject({
  role: z.enum(ROLES).describe("super-spine (a 5-stage Clos's top tier, linked to spines), spine (linked to leaves, and to super-spines above the pods) or leaf (the rack's switch)"),
  asn: asn.describe("the switch's AS: its own, or the one its role shares (see asPlan); 2-byte or 4-byte, private ranges 64512-65534 and 4200000000-4294967294"),
  loopback: loopback.describe("the loopback /32, also the BGP router-id"),
  loopback6: loopback6.optional().describe("dual stack: the loopback's IPv6 /128, originated into BGP's IPv6 unicast family"),
  rack: rackSchema.optional().describe("leaves only: the rack of hosts behind this leaf"),
  pod: name
    .optional()
    .describe("spines and leaves: the pod (RFC 7938's cluster) the switch is in; a leaf links to its pod's spines only, and pods reach each other through the super-spines. Required when the fabric has super-spines"),
});

export const linkEndSchema = z.strictObject({
  node: name,
  interface: interfaceName,
  address: cidr
    .optional()
    .describe("this end's address on the point-to-point subnet, e.g. 172.16.0.0/31; none on an unnumbered link"),
  address6: cidr6
    .optional()
    .describe("dual stack: this end's IPv6 address on the link, a /127 (RFC 6164), /126 or /64, e.g. 2001:db8:ff::/127; the IPv6 unicast session runs over it. None on an unnumbered link"),
});

export const linkSchema = z.strictObject({
  a: linkEndSchema,
  b: linkEndSchema,
  unnumbered: z
    .boolean()
    .optional()
    .describe("BGP unnumbered on this link: the session runs on the interfaces over IPv6 link-local, IPv4 routes over IPv6 next hops (RFC 8950); the ends have no addresses. Default: the topology's unnumbered"),
});

export const hostSchema = z.strictObject({
  leaf: name.describe("the leaf whose rack the host sits in"),
  address: ipv4.describe("the host's address in its rack subnet"),
  address6: ipv6.optional().describe("dual stack: the host's IPv6 address in its rack's subnet6"),
  role: z.enum(["control-plane", "worker"]).default("worker"),
});

/** Calico's default pool, which its kubeadm quickstart gives as --pod-network-cidr. */
export const DEFAULT_POD_NETWORK = "192.168.0.0/16";

/** How a role's switches are numbered: the AS plans of RFC 7938 section 5.2. */
export const asPlanSchema = z.strictObject({
  superSpine: z
    .enum(["per-switch", "shared"])
    .default("per-switch")
    .describe("per-switch: each super-spine its own AS; shared: all super-spines in one AS (RFC 7938 5.2.1: a single ASN for Tier 1)"),
  spine: z
    .enum(["per-switch", "shared", "per-pod"])
    .default("per-switch")
    .describe("per-switch: each spine its own AS; shared: all spines in one AS (RFC 7938 5.2.1, two tiers), so no path between leaves crosses two spines; per-pod: the spines of a pod share one AS, each pod its own (RFC 7938 5.2.1, a 5-stage Clos)"),
  leaf: z
    .enum(["per-switch", "reused"])
    .default("per-switch")
    .describe("per-switch: each leaf its own AS; reused: leaves may share an AS (a pair, ASNs reused across pods), and those that do accept their own AS once (allowas-in 1)"),
});

export const topologySchema = z.strictObject({
  $schema: z.string().optional(),
  name,
  bgp: z
    .strictObject({
      keepalive: z.number().int().min(1).max(60).default(3).describe("BGP keepalive, seconds"),
      hold: z.number().int().min(3).max(180).default(9).describe("BGP hold time, seconds"),
    })
    .default({ keepalive: 3, hold: 9 }),
  asPlan: asPlanSchema.default({ superSpine: "per-switch", spine: "per-switch", leaf: "per-switch" }).describe("the AS plan, per role; every switch its own AS when not written"),
  podNetwork: cidr
    .default(DEFAULT_POD_NETWORK)
    .describe("the pods' addresses: kubeadm's --pod-network-cidr and Calico's IPPool; must not overlap the fabric's addresses"),
  origination: z
    .enum(["redistribute", "network"])
    .default("redistribute")
    .describe("how switches originate their prefixes: redistribute (connected routes through a route-map, origin incomplete, as the blog) or network (network statements, origin IGP)"),
  unnumbered: z
    .boolean()
    .default(false)
    .describe("BGP unnumbered on every link (FRR's `neighbor swp51 interface`); a link's own unnumbered overrides it"),
  switches: z.record(name, switchSchema),
  links: z.array(linkSchema),
  hosts: z.record(name, hostSchema).default({}),
});

/** The topology file as written, after validation of its shape. */
export type TopologyFile = z.infer<typeof topologySchema>;

/** The JSON schema editors use (referenced from the YAML's yaml-language-server header). */
export function topologyJsonSchema(): unknown {
  return z.toJSONSchema(topologySchema, { io: "input" });
}
