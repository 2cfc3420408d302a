/**
 * Calico's resources for a topology, read from `lab/calico/<topology>/<mode>.yaml` (the files the
 * Vagrant lab gives to `calicoctl apply -f`), or rendered from the topology when a topology has no
 * files of its own. Validated completely, then turned into a plan: per Kubernetes node its AS, its
 * BGP peers, its pod block and its test pod, as calico-node and Calico's IPAM would decide them.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { UsageError } from "../errors.js";
import { formatPath, parseYamlDocuments } from "../yaml-file.js";
import { contains, ipToNumber, networkOf, numberToIp, parseCidr } from "../topology/ip.js";
import { findSwitch, leaves, type Host, type Topology } from "../topology/model.js";
import { CALICO_DEFAULT_AS, renderCalicoResources } from "./defaults.js";
import type { CalicoMode, OverlayEncapsulation } from "./modes.js";
import { calicoResourceSchema, type BgpConfiguration, type CalicoNode, type CalicoResource, type IpPool } from "./schema.js";
import { parseSelector } from "./selector.js";

export type { CalicoMode };

export const CALICO_DIR = fileURLToPath(new URL(".", import.meta.url));

export interface CalicoIssue {
  /** Where: `document 3 (Node k8s-node-l1-1): spec.bgp.asNumber`. */
  readonly path: string;
  readonly message: string;
}

/** The resources are invalid, or do not fit the topology; every problem is listed with its path. */
export class CalicoResourceError extends UsageError {
  constructor(
    readonly source: string,
    readonly issues: readonly CalicoIssue[],
  ) {
    super(`Calico resources ${source} are invalid:\n${issues.map((i) => `  ${i.path ? `${i.path}: ` : ""}${i.message}`).join("\n")}`);
  }
}

/** One BGP session a node's BIRD opens. */
export interface CalicoPeer {
  readonly address: string;
  readonly asNumber: number;
  /** The topology node at that address (a leaf, or another Kubernetes node in a mesh). */
  readonly node: string;
  /** Why the node has this peer: a BGPPeer resource (its name), or the node-to-node mesh. */
  readonly source: string;
}

/** A pod the lab runs on a node to test the pod network: one per node, like a DaemonSet's. */
export interface TestPod {
  /** Its name, which is also its node in the lab's records (`pod-<node>`). */
  readonly name: string;
  readonly node: string;
  readonly address: string;
  /** The node's end of the pod's veth, named as Calico names them (cali + 11 hex digits). */
  readonly hostInterface: string;
}

export interface CalicoNodePlan {
  readonly node: string;
  /** Its fabric address, the BGP router id and session source. */
  readonly address: string;
  readonly prefixLength: number;
  readonly leaf: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly asNumber: number;
  readonly peers: readonly CalicoPeer[];
  /** The IPAM block affine to this node, e.g. 192.168.0.0/26. */
  readonly block: string;
  readonly pool: string;
  readonly encapsulation: "none" | "ipip" | "vxlan";
  readonly pod: TestPod;
}

export interface CalicoPlan {
  readonly mode: CalicoMode;
  /** The overlay's encapsulation these resources were asked for (peering mode: none). */
  readonly encapsulation: "none" | OverlayEncapsulation;
  /** The file the resources came from, or "rendered from topology NAME". */
  readonly source: string;
  readonly resources: readonly CalicoResource[];
  readonly mesh: boolean;
  readonly pools: readonly string[];
  readonly nodes: readonly CalicoNodePlan[];
}

/** The resources file of a topology and mode (overlay-vxlan.yaml for the VXLAN overlay), when the topology has one. */
export function calicoResourcesFile(t: Topology, mode: CalicoMode, overlay: OverlayEncapsulation = "ipip"): string {
  return `${CALICO_DIR}${t.name}/${mode === "overlay" && overlay === "vxlan" ? "overlay-vxlan" : mode}.yaml`;
}

/** The resources of a mode as `calicoctl apply -f` takes them: the topology's file, or rendered from the topology. */
export function calicoResourcesText(t: Topology, mode: CalicoMode, overlay: OverlayEncapsulation = "ipip"): { readonly text: string; readonly source: string } {
  const file = calicoResourcesFile(t, mode, overlay);
  if (existsSync(file)) return { text: readFileSync(file, "utf8"), source: file };
  return { text: renderCalicoResources(t, mode, overlay), source: `rendered from topology "${t.name}"` };
}

/** Loads (or renders) and validates the resources of a mode, and plans the nodes from them. */
export function calicoPlan(t: Topology, mode: CalicoMode, overlay: OverlayEncapsulation = "ipip"): CalicoPlan {
  const { text, source } = calicoResourcesText(t, mode, overlay);
  return parseCalicoResources(t, mode, text, source, overlay);
}

/** Validates multi-document YAML against the schema and the topology; `source` names it in messages. */
export function parseCalicoResources(t: Topology, mode: CalicoMode, text: string, source: string, overlay: OverlayEncapsulation = "ipip"): CalicoPlan {
  const yaml = parseYamlDocuments(text);
  if ("issues" in yaml) throw new CalicoResourceError(source, yaml.issues);

  const issues: CalicoIssue[] = [];
  const resources: CalicoResource[] = [];
  yaml.values.forEach((data, index) => {
    if (data === null || data === undefined) return; // an empty document (a trailing ---)
    const parsed = calicoResourceSchema.safeParse(data);
    const where = describeDocument(index, data);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) issues.push({ path: `${where}${issue.path.length ? `: ${formatPath(issue.path)}` : ""}`, message: issue.message });
    } else {
      resources.push(parsed.data);
    }
  });
  if (issues.length > 0) throw new CalicoResourceError(source, issues);
  const plan = planFrom(t, mode, overlay, resources, source, issues);
  if (issues.length > 0 || !plan) throw new CalicoResourceError(source, issues);
  return plan;
}

function describeDocument(index: number, data: unknown): string {
  const record = (typeof data === "object" && data !== null ? data : {}) as { kind?: unknown; metadata?: { name?: unknown } };
  const kind = typeof record.kind === "string" ? record.kind : "?";
  const name = typeof record.metadata?.name === "string" ? ` ${record.metadata.name}` : "";
  return `document ${index + 1} (${kind}${name})`;
}


/** Cross-checks the resources with the topology and with the mode's design; adds to `issues`. */
function planFrom(t: Topology, mode: CalicoMode, overlay: OverlayEncapsulation, resources: readonly CalicoResource[], source: string, issues: CalicoIssue[]): CalicoPlan | undefined {
  const add = (path: string, message: string) => issues.push({ path, message });
  const of = <K extends CalicoResource["kind"]>(kind: K) => resources.filter((r): r is Extract<CalicoResource, { kind: K }> => r.kind === kind);
  const hostNames = t.hosts.map((h) => h.name).join(", ");

  const configs = of("BGPConfiguration");
  const config: BgpConfiguration["spec"] = configs.find((c) => c.metadata.name === "default")?.spec ?? { nodeToNodeMeshEnabled: true, asNumber: CALICO_DEFAULT_AS };
  for (const c of configs.filter((c) => c.metadata.name !== "default")) {
    add(`BGPConfiguration ${c.metadata.name}`, 'only the BGPConfiguration named "default" applies to every node; per-node ones are not supported here');
  }
  const mesh = config.nodeToNodeMeshEnabled;
  if (mode === "peering" && mesh) add("BGPConfiguration default: spec.nodeToNodeMeshEnabled", "must be false in peering mode: every node peers with its leaf instead");
  if (mode === "overlay" && !mesh) add("BGPConfiguration default: spec.nodeToNodeMeshEnabled", "must be true in overlay mode: the nodes peer with each other");

  const pools = of("IPPool").filter((p) => !p.spec.disabled);
  if (pools.length === 0) add("IPPool", "no enabled IPPool: pods would get no addresses");
  const poolSelectors = new Map<IpPool, (labels: Readonly<Record<string, string>>) => boolean>();
  for (const pool of pools) {
    const parsed = parseSelector(pool.spec.nodeSelector);
    if (typeof parsed === "string") add(`IPPool ${pool.metadata.name}: spec.nodeSelector`, parsed);
    else poolSelectors.set(pool, parsed);
    const poolCidr = parseCidr(pool.spec.cidr);
    if (poolCidr && poolCidr.prefixLength > pool.spec.blockSize) {
      add(`IPPool ${pool.metadata.name}: spec.blockSize`, `/${pool.spec.blockSize} blocks do not fit in ${pool.spec.cidr}`);
    }
    for (const subnet of [...leaves(t).flatMap((l) => (l.rack ? [l.rack.subnet] : [])), ...t.switches.map((s) => `${s.loopback}/32`)]) {
      if (poolCidr && overlaps(pool.spec.cidr, subnet)) add(`IPPool ${pool.metadata.name}: spec.cidr`, `${pool.spec.cidr} overlaps the fabric's ${subnet}`);
    }
    if (mode === "overlay" && pool.spec.ipipMode === "Never" && pool.spec.vxlanMode === "Never") {
      add(`IPPool ${pool.metadata.name}`, "overlay mode needs ipipMode or vxlanMode: the fabric does not carry pod routes");
    } else if (mode === "overlay" && overlay === "vxlan" && (pool.spec.vxlanMode === "Never" || pool.spec.ipipMode !== "Never")) {
      add(`IPPool ${pool.metadata.name}`, "the VXLAN overlay needs vxlanMode Always (or CrossSubnet) and ipipMode Never");
    } else if (mode === "overlay" && overlay === "ipip" && pool.spec.ipipMode === "Never") {
      add(`IPPool ${pool.metadata.name}`, "the IPIP overlay needs ipipMode Always (or CrossSubnet)");
    }
    if (mode === "peering" && (pool.spec.ipipMode !== "Never" || pool.spec.vxlanMode !== "Never")) {
      add(`IPPool ${pool.metadata.name}`, "peering mode routes pods natively: ipipMode and vxlanMode must be Never");
    }
  }

  const nodes = new Map<string, CalicoNode>();
  for (const node of of("Node")) {
    const host = t.hosts.find((h) => h.name === node.metadata.name);
    if (!host) {
      add(`Node ${node.metadata.name}`, `no Kubernetes node "${node.metadata.name}" in topology "${t.name}"; nodes: ${hostNames}`);
      continue;
    }
    if (nodes.has(host.name)) add(`Node ${node.metadata.name}`, "defined twice");
    nodes.set(host.name, node);
    const want = `${host.address}/${host.prefixLength}`;
    if (node.spec.bgp && node.spec.bgp.ipv4Address !== want) {
      add(`Node ${host.name}: spec.bgp.ipv4Address`, `${node.spec.bgp.ipv4Address} is not its fabric address ${want}`);
    }
  }

  const peerSelectors = of("BGPPeer").map((peer) => {
    const where = `BGPPeer ${peer.metadata.name}`;
    if (peer.spec.node !== undefined && peer.spec.nodeSelector !== undefined) add(where, "set node or nodeSelector, not both");
    if (peer.spec.node !== undefined && !t.hosts.some((h) => h.name === peer.spec.node)) {
      add(`${where}: spec.node`, `no Kubernetes node "${peer.spec.node}" in topology "${t.name}"; nodes: ${hostNames}`);
    }
    const parsed = peer.spec.nodeSelector === undefined ? () => true : parseSelector(peer.spec.nodeSelector);
    if (typeof parsed === "string") add(`${where}: spec.nodeSelector`, parsed);
    const owner = addressOwner(t, peer.spec.peerIP);
    if (!owner) add(`${where}: spec.peerIP`, `${peer.spec.peerIP} is neither a leaf's gateway nor a node of topology "${t.name}": the session could never come up`);
    return { peer, matches: typeof parsed === "string" ? () => false : parsed, owner };
  });

  // IPAM: blocks are handed out in order, each node's first block from the first pool that selects it.
  const nextBlock = new Map<IpPool, number>();
  const planned = t.hosts.map((host): CalicoNodePlan | undefined => {
    const resource = nodes.get(host.name);
    const labels = resource?.metadata.labels ?? {};
    const asNumber = resource?.spec.bgp?.asNumber ?? config.asNumber;
    const leaf = findSwitch(t, host.leaf);
    if (mode === "peering" && leaf && asNumber !== leaf.asn) {
      add(`Node ${host.name}: spec.bgp.asNumber`, `AS ${asNumber} is not its leaf's AS ${leaf.asn} (${leaf.name}); peering mode uses one AS per rack`);
    }
    const peers: CalicoPeer[] = [];
    for (const { peer, matches, owner } of peerSelectors) {
      const applies = peer.spec.node !== undefined ? peer.spec.node === host.name : matches(labels);
      if (applies && owner && peer.spec.peerIP !== host.address) {
        peers.push({ address: peer.spec.peerIP, asNumber: peer.spec.asNumber, node: owner, source: `BGPPeer ${peer.metadata.name}` });
      }
    }
    if (mesh) {
      for (const other of t.hosts.filter((o) => o !== host)) {
        const otherAs = nodes.get(other.name)?.spec.bgp?.asNumber ?? config.asNumber;
        peers.push({ address: other.address, asNumber: otherAs, node: other.name, source: "node-to-node mesh" });
      }
    }
    if (mode === "peering" && leaf?.rack && !peers.some((p) => p.address === leaf.rack?.gateway)) {
      add(`Node ${host.name}`, `no BGPPeer selects it for its leaf ${leaf.name} (${leaf.rack.gateway}); labels: ${JSON.stringify(labels)}`);
    }
    const pool = pools.find((p) => poolSelectors.get(p)?.(labels));
    if (!pool) {
      if (pools.length > 0) add(`Node ${host.name}`, `no IPPool selects it; labels: ${JSON.stringify(labels)}`);
      return undefined;
    }
    const index = nextBlock.get(pool) ?? 0;
    nextBlock.set(pool, index + 1);
    const block = blockOf(pool, index);
    if (!block) {
      add(`IPPool ${pool.metadata.name}`, `${pool.spec.cidr} has no block left for ${host.name} (/${pool.spec.blockSize} blocks)`);
      return undefined;
    }
    return {
      node: host.name,
      address: host.address,
      prefixLength: host.prefixLength,
      leaf: host.leaf,
      labels,
      asNumber,
      peers,
      block,
      pool: pool.spec.cidr,
      encapsulation: pool.spec.ipipMode !== "Never" ? "ipip" : pool.spec.vxlanMode !== "Never" ? "vxlan" : "none",
      pod: testPod(host, block),
    };
  });
  if (issues.length > 0) return undefined;
  return { mode, encapsulation: mode === "overlay" ? overlay : "none", source, resources, mesh, pools: pools.map((p) => p.spec.cidr), nodes: planned.filter((n): n is CalicoNodePlan => n !== undefined) };
}

/** The `index`-th block of a pool, or undefined when the pool is exhausted. */
function blockOf(pool: IpPool, index: number): string | undefined {
  const cidr = parseCidr(pool.spec.cidr);
  if (!cidr) return undefined;
  const size = 2 ** (32 - pool.spec.blockSize);
  const base = ipToNumber(networkOf(cidr).split("/")[0] ?? "");
  if ((index + 1) * size > 2 ** (32 - cidr.prefixLength)) return undefined;
  return `${numberToIp(base + index * size)}/${pool.spec.blockSize}`;
}

/** The node's test pod: the block's first host address, a veth named as Calico's CNI plugin names them. */
function testPod(host: Host, block: string): TestPod {
  const base = ipToNumber(block.split("/")[0] ?? "");
  const name = `pod-${host.name}`;
  return { name, node: host.name, address: numberToIp(base + 1), hostInterface: `cali${hex8(name)}${hex8(`${name}#`)}`.slice(0, 15) };
}

/** 32-bit FNV-1a: a stable, short, dependency-free hash for interface names and MACs. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const char of text) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

function hex8(text: string): string {
  return fnv1a32(text).toString(16).padStart(8, "0");
}

/** The topology node that owns an address: a leaf (its rack gateway) or a Kubernetes node. */
function addressOwner(t: Topology, ip: string): string | undefined {
  return leaves(t).find((l) => l.rack?.gateway === ip)?.name ?? t.hosts.find((h) => h.address === ip)?.name;
}

function overlaps(a: string, b: string): boolean {
  const ca = parseCidr(a);
  const cb = parseCidr(b);
  if (!ca || !cb) return false;
  return contains(ca, cb.address) || contains(cb, ca.address);
}
