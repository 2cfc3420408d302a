/** Reads a topology file, validates it completely, and builds the derived model. */
import { fileURLToPath } from "node:url";
import { TopologyError, type TopologyIssue } from "../errors.js";
import { formatPath, parseYaml, readText } from "../yaml-file.js";
import { contains, isNetworkOrBroadcast, networkOf, parseCidr } from "./ip.js";
import { parseCidr6 } from "./ip6.js";
import { allowasIn, checkAsPlan } from "./as-plan.js";
import { checkIpv6 } from "./dual-stack.js";
import { overlapIssues } from "./overlaps.js";
import { compactTopologySchema, expandCompact, isCompact } from "./compact.js";
import type { Host, Interface, Switch, Topology } from "./model.js";
import { topologySchema, type TopologyFile } from "./schema.js";

/** The seed lab's file. */
export const BLOG_TOPOLOGY = fileURLToPath(new URL("../topologies/blog.yaml", import.meta.url));

/** Loads and validates a topology file; throws TopologyError listing every problem. */
export function loadTopology(path: string = BLOG_TOPOLOGY): Topology {
  const read = readText(path);
  if ("issues" in read) throw new TopologyError(path, read.issues);
  return parseTopology(read.text, path);
}

/** Validates topology YAML text, in the full or the compact form; `source` names it in messages. */
export function parseTopology(text: string, source: string): Topology {
  const parsed = topologySchema.safeParse(fullForm(text, source));
  if (!parsed.success) throw new TopologyError(source, parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })));
  const issues = crossCheck(parsed.data);
  if (issues.length > 0) throw new TopologyError(source, issues);
  return build(parsed.data, source);
}

/**
 * The file's value in the full form: as written, or expanded from the compact form (compact.ts),
 * whose own problems are thrown with their paths before anything is expanded.
 */
export function fullForm(text: string, source: string): unknown {
  const yaml = parseYaml(text);
  if ("issues" in yaml) throw new TopologyError(source, yaml.issues);
  if (!isCompact(yaml.value)) return yaml.value;
  const compact = compactTopologySchema.safeParse(yaml.value);
  if (!compact.success) throw new TopologyError(source, compact.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })));
  const expanded = expandCompact(compact.data);
  if ("issues" in expanded) throw new TopologyError(source, expanded.issues);
  return expanded.value;
}

/** A topology file in its full form, validated: what `fabricspec topology expand` prints. */
export function expandTopologyFile(path: string): Record<string, unknown> {
  const read = readText(path);
  if ("issues" in read) throw new TopologyError(path, read.issues);
  const value = fullForm(read.text, path);
  parseTopology(read.text, path);
  return value as Record<string, unknown>;
}

const HOST_INTERFACE = "eth1";
const RACK_BRIDGE = "bridge";

/** Checks that the schema cannot express: references, uniqueness, address plan. */
function crossCheck(file: TopologyFile): TopologyIssue[] {
  const issues: TopologyIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });
  const switchNames = Object.keys(file.switches);
  const known = (list: string[]) => list.join(", ") || "(none)";

  const addressOwner = new Map<string, string>();
  const claim = (ip: string, owner: string, path: string) => {
    const previous = addressOwner.get(ip);
    if (previous) add(path, `address ${ip} is already used by ${previous}`);
    else addressOwner.set(ip, owner);
  };

  for (const [name, sw] of Object.entries(file.switches)) {
    const path = `switches.${name}`;
    claim(sw.loopback.split("/")[0] ?? "", `${name} loopback`, `${path}.loopback`);
    if (sw.role === "leaf" && !sw.rack) add(path, "a leaf needs a rack (subnet and gateway)");
    if (sw.role !== "leaf" && sw.rack) add(`${path}.rack`, `a ${sw.role} has no rack; only leaves do`);
    if (sw.rack) {
      const subnet = parseCidr(sw.rack.subnet);
      if (subnet && networkOf(subnet) !== sw.rack.subnet) {
        add(`${path}.rack.subnet`, `${sw.rack.subnet} is not a network address (did you mean ${networkOf(subnet)}?)`);
      }
      if (subnet && !contains(subnet, sw.rack.gateway)) {
        add(`${path}.rack.gateway`, `${sw.rack.gateway} is outside the rack subnet ${sw.rack.subnet}`);
      }
      claim(sw.rack.gateway, `${name} rack gateway`, `${path}.rack.gateway`);
    }
  }

  checkPods(file, add);
  checkAsPlan(file, add);

  const interfacesOf = new Map<string, Set<string>>();
  const linked = new Map<string, Set<string>>();
  file.links.forEach((link, i) => {
    const ends = [
      ["a", link.a],
      ["b", link.b],
    ] as const;
    let endsValid = true;
    for (const [side, end] of ends) {
      const path = `links[${i}].${side}`;
      if (!file.switches[end.node]) {
        const host = file.hosts[end.node] ? ` (${end.node} is a host; hosts attach to a leaf with hosts.*.leaf)` : "";
        add(path, `unknown node "${end.node}"${host}. Switches: ${known(switchNames)}`);
        endsValid = false;
        continue;
      }
      const used = interfacesOf.get(end.node) ?? new Set<string>();
      if (used.has(end.interface)) add(`${path}.interface`, `${end.node} already has an interface ${end.interface}`);
      used.add(end.interface);
      interfacesOf.set(end.node, used);
      if (unnumbered(file, link)) {
        if (end.address !== undefined) {
          add(`${path}.address`, `${end.address} on an unnumbered link: its session runs over IPv6 link-local, the ends have no addresses (remove it, or set unnumbered: false)`);
        }
      } else if (end.address === undefined) {
        add(`${path}`, `a numbered link needs an address on each end (or unnumbered: true on the link or the topology)`);
      } else {
        claim(end.address.split("/")[0] ?? "", `${end.node} ${end.interface}`, `${path}.address`);
      }
    }
    if (!endsValid) return;
    const a = link.a.address === undefined ? undefined : parseCidr(link.a.address);
    const b = link.b.address === undefined ? undefined : parseCidr(link.b.address);
    if (a && b) {
      if (a.prefixLength !== b.prefixLength || networkOf(a) !== networkOf(b)) {
        add(`links[${i}]`, `the ends ${link.a.address} and ${link.b.address} are not on the same subnet`);
      } else if (a.prefixLength < 30) {
        add(`links[${i}]`, `${networkOf(a)} is wider than a point-to-point link needs (use a /31 or /30)`);
      }
      for (const [side, cidr] of [["a", a], ["b", b]] as const) {
        if (isNetworkOrBroadcast(cidr, cidr.address)) {
          add(`links[${i}].${side}.address`, `${cidr.address} is the network or broadcast address of ${networkOf(cidr)}`);
        }
      }
    }
    const tierProblem = linkTierProblem(file, link.a.node, link.b.node);
    if (tierProblem) add(`links[${i}]`, tierProblem);
    if (link.a.node === link.b.node) add(`links[${i}]`, `links ${link.a.node} to itself`);
    for (const [x, y] of [[link.a.node, link.b.node], [link.b.node, link.a.node]] as const) {
      const set = linked.get(x) ?? new Set<string>();
      if (set.has(y) && x < y) add(`links[${i}]`, `${x} and ${y} are already linked; one link per pair`);
      set.add(y);
      linked.set(x, set);
    }
  });

  const hasSuperSpines = Object.values(file.switches).some((sw) => sw.role === "super-spine");
  for (const [name, sw] of Object.entries(file.switches)) {
    const above = (role: string) => [...(linked.get(name) ?? [])].some((n) => file.switches[n]?.role === role);
    if (sw.role === "leaf" && !above("spine")) add(`switches.${name}`, "this leaf has no link to a spine");
    if (sw.role === "spine" && hasSuperSpines && !above("super-spine")) add(`switches.${name}`, "this spine has no link to a super-spine: its pod would reach no other pod");
    if (sw.role === "super-spine" && !above("spine")) add(`switches.${name}`, "this super-spine has no link to a spine");
  }

  for (const [name, host] of Object.entries(file.hosts)) {
    const path = `hosts.${name}`;
    if (file.switches[name]) add(path, `the name ${name} is already a switch's`);
    const leaf = file.switches[host.leaf];
    if (!leaf || leaf.role !== "leaf") {
      const leafNames = switchNames.filter((n) => file.switches[n]?.role === "leaf");
      add(`${path}.leaf`, `unknown leaf "${host.leaf}". Leaves: ${known(leafNames)}`);
      continue;
    }
    const subnet = leaf.rack ? parseCidr(leaf.rack.subnet) : undefined;
    if (subnet && !contains(subnet, host.address)) {
      add(`${path}.address`, `${host.address} is outside ${host.leaf}'s rack subnet ${leaf.rack?.subnet}`);
    } else if (subnet && isNetworkOrBroadcast(subnet, host.address)) {
      add(`${path}.address`, `${host.address} is the network or broadcast address of ${leaf.rack?.subnet}`);
    }
    claim(host.address, name, `${path}.address`);
  }

  const subnets: Array<[string, string]> = [];
  for (const [name, sw] of Object.entries(file.switches)) {
    if (sw.rack) subnets.push([`switches.${name}.rack.subnet`, sw.rack.subnet]);
  }
  file.links.forEach((l, i) => {
    if (l.a.address !== undefined) subnets.push([`links[${i}]`, l.a.address]);
  });
  issues.push(...overlapIssues(subnets, { parse: parseCidr, contains, networkOf }));
  checkPodNetwork(file, add);
  issues.push(...checkIpv6(file, (link) => unnumbered(file, link)));
  return issues;
}

/**
 * Pods (RFC 7938's clusters): with super-spines, every spine and leaf is in one, the super-spines
 * in none; without them, at most one pod, since nothing would join two.
 */
function checkPods(file: TopologyFile, add: (path: string, message: string) => void): void {
  const superSpines = Object.keys(file.switches).filter((n) => file.switches[n]?.role === "super-spine");
  const pods = new Set<string>();
  for (const [name, sw] of Object.entries(file.switches)) {
    if (sw.role === "super-spine") {
      if (sw.pod !== undefined) add(`switches.${name}.pod`, "a super-spine is above the pods, in none of them");
    } else if (sw.pod === undefined) {
      if (superSpines.length > 0) add(`switches.${name}`, `a ${sw.role} of a fabric with super-spines is in a pod (write pod: NAME)`);
    } else {
      pods.add(sw.pod);
    }
  }
  if (superSpines.length === 0 && pods.size > 1) {
    const [first, second] = [...pods];
    const where = Object.keys(file.switches).find((n) => file.switches[n]?.pod === second) ?? "";
    add(`switches.${where}.pod`, `${second} and ${first} are separate pods, but the fabric has no super-spine to join them`);
  }
}

/** Why two switches may not be linked, or undefined: leaves to their pod's spines, spines to super-spines. */
function linkTierProblem(file: TopologyFile, a: string, b: string): string | undefined {
  const x = file.switches[a];
  const y = file.switches[b];
  if (!x || !y) return undefined;
  const tiers = Object.values(file.switches).some((sw) => sw.role === "super-spine") ? "leaves to spines and spines to super-spines" : "leaves to spines";
  if (x.role === y.role) return `links ${a} to ${b}, two ${x.role}s; a leaf-spine fabric links ${tiers} only`;
  const roles = new Set([x.role, y.role]);
  if (roles.has("leaf") && roles.has("super-spine")) return `links ${a} to ${b}, a ${x.role} and a ${y.role}; a leaf links to spines, a super-spine to spines`;
  if (roles.has("leaf") && x.pod !== y.pod) {
    const [leaf, spine] = x.role === "leaf" ? [[a, x.pod], [b, y.pod]] : [[b, y.pod], [a, x.pod]];
    return `links ${leaf[0]} (${leaf[1] ?? "no pod"}) to ${spine[0]} (${spine[1] ?? "no pod"}); a leaf links to the spines of its own pod`;
  }
  return undefined;
}

/** The pods' addresses are their own: no loopback, link or rack of the fabric inside the pod network, nor around it. */
function checkPodNetwork(file: TopologyFile, add: (path: string, message: string) => void): void {
  const pods = parseCidr(file.podNetwork);
  if (!pods) return;
  if (networkOf(pods) !== file.podNetwork) {
    add("podNetwork", `${file.podNetwork} is not a network address (did you mean ${networkOf(pods)}?)`);
    return;
  }
  const fabric: Array<[string, string]> = [];
  for (const [name, sw] of Object.entries(file.switches)) {
    fabric.push([`switches.${name}.loopback`, sw.loopback]);
    if (sw.rack) fabric.push([`switches.${name}.rack.subnet`, sw.rack.subnet]);
  }
  file.links.forEach((l, i) => {
    if (l.a.address !== undefined) fabric.push([`links[${i}]`, l.a.address]);
  });
  for (const [path, text] of fabric) {
    const cidr = parseCidr(text);
    if (!cidr) continue;
    const [wider, narrower] = cidr.prefixLength <= pods.prefixLength ? [cidr, pods] : [pods, cidr];
    if (contains(wider, narrower.address)) {
      add("podNetwork", `${file.podNetwork} overlaps ${networkOf(cidr)} (${path}): the pods' addresses would collide with the fabric's`);
    }
  }
}

/** Whether the link runs BGP unnumbered: its own setting, else the topology's. */
function unnumbered(file: TopologyFile, link: TopologyFile["links"][number]): boolean {
  return link.unnumbered ?? file.unnumbered;
}

function build(file: TopologyFile, source: string): Topology {
  const interfaces = new Map<string, Interface[]>();
  for (const link of file.links) {
    for (const [near, far] of [[link.a, link.b], [link.b, link.a]] as const) {
      const list = interfaces.get(near.node) ?? [];
      const bare = unnumbered(file, link);
      const ip = (address: string | undefined) => (bare ? "" : (address ?? "").split("/")[0] ?? "");
      const v6 = !bare && near.address6 !== undefined && far.address6 !== undefined;
      list.push({
        name: near.interface,
        cidr: bare ? "" : (near.address ?? ""),
        ip: ip(near.address),
        peer: { node: far.node, interface: far.interface, ip: ip(far.address), ...(v6 ? { ip6: ip(far.address6) } : {}) },
        ...(v6 ? { cidr6: near.address6, ip6: ip(near.address6) } : {}),
        ...(bare ? { unnumbered: true } : {}),
      });
      interfaces.set(near.node, list);
    }
  }
  const switches: Switch[] = Object.entries(file.switches).map(([name, sw]) => ({
    kind: "switch",
    name,
    role: sw.role,
    pod: sw.pod,
    asn: sw.asn,
    allowasIn: allowasIn(file, name),
    loopback: sw.loopback.split("/")[0] ?? "",
    ...(sw.loopback6 !== undefined ? { loopback6: sw.loopback6.split("/")[0] ?? "" } : {}),
    interfaces: interfaces.get(name) ?? [],
    rack: sw.rack
      ? { ...sw.rack, prefixLength: parseCidr(sw.rack.subnet)?.prefixLength ?? 24, bridge: RACK_BRIDGE }
      : undefined,
  }));
  const hosts: Host[] = [];
  const nextPort = new Map<string, number>();
  for (const [name, host] of Object.entries(file.hosts)) {
    const leaf = switches.find((s) => s.name === host.leaf);
    if (!leaf?.rack) continue; // unreachable after crossCheck
    const taken = new Set(leaf.interfaces.map((i) => i.name));
    let port = nextPort.get(leaf.name) ?? 1;
    while (taken.has(`swp${port}`)) port++;
    nextPort.set(leaf.name, port + 1);
    hosts.push({
      kind: "host",
      name,
      role: host.role,
      leaf: leaf.name,
      address: host.address,
      prefixLength: leaf.rack.prefixLength,
      gateway: leaf.rack.gateway,
      ...(host.address6 !== undefined && leaf.rack.subnet6 !== undefined && leaf.rack.gateway6 !== undefined
        ? { address6: host.address6, prefixLength6: parseCidr6(leaf.rack.subnet6)?.prefixLength ?? 64, gateway6: leaf.rack.gateway6 }
        : {}),
      interface: HOST_INTERFACE,
      leafPort: `swp${port}`,
    });
  }
  return { name: file.name, source, bgp: file.bgp, asPlan: file.asPlan, origination: file.origination, podNetwork: file.podNetwork, switches, hosts };
}
