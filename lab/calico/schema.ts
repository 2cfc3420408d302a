/**
 * The Calico resources fabricspec reads (projectcalico.org/v3, as `calicoctl apply` takes them):
 * BGPConfiguration, IPPool, BGPPeer and Node. Shape only; cross-references with the topology are
 * checked in resources.ts. Strict: a misspelt field (`nodeToNodeMeshEnable`) would otherwise be
 * ignored and change the routing silently. The fields are the documented ones of Calico 3.x that a
 * lab of this kind uses; a resource using others is reported with its path, not half-read.
 */
import { z } from "zod";
import { isIpv4, parseCidr } from "../topology/ip.js";

const API_VERSION = "projectcalico.org/v3";

const asNumber = z.number().int().min(1).max(4294967294);
const ipv4 = z.string().refine(isIpv4, "must be an IPv4 address like 10.0.101.1");
const cidr = z.string().refine((s) => parseCidr(s) !== undefined, "must be an IPv4 prefix like 192.168.0.0/16");
const name = z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "must be a DNS-1123 name (lower-case letters, digits, '-' and '.')");
const labels = z.record(z.string(), z.string());
const metadata = z.strictObject({ name, labels: labels.optional(), annotations: labels.optional() });
/** A Calico selector; resources.ts parses the subset the lab supports. */
const selector = z.string().min(1);
const encapsulation = z.enum(["Never", "Always", "CrossSubnet"]);

export const bgpConfigurationSchema = z.strictObject({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal("BGPConfiguration"),
  metadata,
  spec: z.strictObject({
    logSeverityScreen: z.enum(["Debug", "Info", "Warning", "Error", "Fatal"]).optional(),
    nodeToNodeMeshEnabled: z.boolean().default(true),
    asNumber: asNumber.default(64512).describe("the AS of nodes that do not set their own"),
    serviceClusterIPs: z.array(z.strictObject({ cidr })).optional(),
  }),
});

export const ipPoolSchema = z.strictObject({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal("IPPool"),
  metadata,
  spec: z.strictObject({
    cidr,
    blockSize: z.number().int().min(20).max(32).default(26),
    ipipMode: encapsulation.default("Never"),
    vxlanMode: encapsulation.default("Never"),
    natOutgoing: z.boolean().default(false),
    disabled: z.boolean().default(false),
    nodeSelector: selector.default("all()"),
  }),
});

export const bgpPeerSchema = z.strictObject({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal("BGPPeer"),
  metadata,
  spec: z.strictObject({
    peerIP: ipv4,
    asNumber,
    /** One node by name; or nodeSelector; neither: every node (a global peer). */
    node: name.optional(),
    nodeSelector: selector.optional(),
  }),
});

export const calicoNodeSchema = z.strictObject({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal("Node"),
  metadata,
  spec: z.strictObject({
    bgp: z
      .strictObject({
        ipv4Address: cidr.describe("the node's fabric address with its prefix, e.g. 10.0.101.101/24"),
        asNumber: asNumber.optional(),
      })
      .optional(),
  }),
});

export const calicoResourceSchema = z.discriminatedUnion("kind", [bgpConfigurationSchema, ipPoolSchema, bgpPeerSchema, calicoNodeSchema]);

export type BgpConfiguration = z.infer<typeof bgpConfigurationSchema>;
export type IpPool = z.infer<typeof ipPoolSchema>;
export type BgpPeerResource = z.infer<typeof bgpPeerSchema>;
export type CalicoNode = z.infer<typeof calicoNodeSchema>;
export type CalicoResource = z.infer<typeof calicoResourceSchema>;
export const CALICO_API_VERSION = API_VERSION;
