import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { parseInventory } from "../drivers/inventory/inventory.js";
import { fabricYaml } from "../bench/fabric.js";
import { renderFrrConfig } from "../render/frr.js";
import { loadTopology, parseTopology } from "../topology/load.js";
import type { Topology } from "../topology/model.js";
import { FRR_SWITCH } from "../kinds/frr.js";
import { HOST } from "../kinds/host.js";
import { clabYaml, containerlabExport, DEFAULTS, inventoryYaml, managementAddresses, renderDaemons, SSH_FILES, toolsFor, type ContainerlabOptions } from "./containerlab.js";
import { JsonSchema } from "./json-schema.js";

const SCHEMA = new JsonSchema(JSON.parse(readFileSync(new URL("./fixtures/containerlab-clab.schema.json", import.meta.url), "utf8")));
const blog = loadTopology();
const wide = loadTopology(new URL("../topologies/wide.yaml", import.meta.url).pathname);
const switchOf = (t: Topology, name: string) => {
  const sw = t.switches.find((s) => s.name === name);
  assert.ok(sw, name);
  return sw;
};
const clos = parseTopology(fabricYaml({ spines: 4, leaves: 16, hostsPerLeaf: 2 }), "clos-4x16-h2");

const OPTIONS: ContainerlabOptions = {
  ...DEFAULTS,
  dir: "lab",
  ssh: { identityFile: "/keys/id_ed25519", knownHostsFile: "/keys/known_hosts", hostPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostKey fabricspec\n" },
};

type Node = { group: string; "mgmt-ipv4": string; binds: string[]; exec: string[] };
const nodesOf = (clab: Record<string, unknown>) => (clab.topology as { nodes: Record<string, Node> }).nodes;
const linksOf = (clab: Record<string, unknown>) => (clab.topology as { links: { endpoints: [string, string] }[] }).links;

test("the schema fixture is read whole: no keyword the validator does not know", () => {
  assert.deepEqual(SCHEMA.unknownKeywords, []);
});

test("the export of every topology is valid against containerlab's published schema, as written to the file", () => {
  for (const t of [blog, wide, clos]) {
    const result = containerlabExport(t, { ...OPTIONS, mgmtSubnet: "172.20.0.0/22" });
    assert.deepEqual(SCHEMA.validate(result.clab), [], t.name);
    assert.deepEqual(SCHEMA.validate(parse(clabYaml(result, "topology.yaml"))), [], `${t.name}: the YAML text`);
  }
});

test("the schema check can fail: an FRR kind (containerlab has none), a misspelt field, a one-ended link", () => {
  const clab = structuredClone(containerlabExport(blog, OPTIONS).clab) as { topology: { groups: { switches: Record<string, unknown> }; nodes: Record<string, Record<string, unknown>>; links: unknown[] } };
  clab.topology.groups.switches.kind = "frr";
  (clab.topology.nodes.spine1 as Record<string, unknown>).mgmt_ipv4 = "172.20.20.99";
  const last = clab.topology.links.push({ endpoints: ["spine1"] }) - 1;
  const errors = SCHEMA.validate(clab).map((e) => `${e.path}: ${e.message}`);
  assert.ok(errors.includes('/topology/groups/switches/kind: "frr" is not one of 63 allowed values'), errors.join("\n"));
  assert.ok(errors.includes("/topology/nodes/spine1/mgmt_ipv4: is not a property this schema allows"), errors.join("\n"));
  assert.ok(errors.includes(`/topology/links/${last}/endpoints/0: "spine1" does not match ^\\S+:\\S+$`), errors.join("\n"));
});

/** Every interface of the topology, as containerlab names it (node:interface). */
function interfaces(t: Topology): string[] {
  return [...t.switches.flatMap((s) => s.interfaces.map((i) => `${s.name}:${i.name}`)), ...t.hosts.flatMap((h) => [`${h.name}:${h.interface}`, `${h.leaf}:${h.leafPort}`])];
}

test("links: every interface of the topology in exactly one link, with its own name", () => {
  for (const t of [blog, wide, clos]) {
    const ends = linksOf(containerlabExport(t, { ...OPTIONS, mgmtSubnet: "172.20.0.0/22" }).clab).flatMap((l) => l.endpoints);
    assert.deepEqual([...ends].sort(), interfaces(t).sort(), t.name);
  }
  assert.deepEqual(linksOf(containerlabExport(blog, OPTIONS).clab)[0]?.endpoints, ["spine1:swp1", "leaf1:swp51"]);
  assert.ok(linksOf(containerlabExport(blog, OPTIONS).clab).some((l) => l.endpoints.join(" ") === "k8s-master-l1-1:eth1 leaf1:swp1"));
});

test("switches: FRR's config and daemons bound in, addresses and the rack bridge set, daemons started one by one", () => {
  const result = containerlabExport(blog, OPTIONS);
  const leaf1 = nodesOf(result.clab).leaf1 as Node;
  assert.equal(leaf1.group, "switches");
  assert.deepEqual(leaf1.binds.slice(0, 2), ["lab/leaf1/frr.conf:/etc/frr/frr.conf", "lab/leaf1/daemons:/etc/frr/daemons"]);
  assert.equal(result.files.get("lab/leaf1/frr.conf"), renderFrrConfig(blog, switchOf(blog, "leaf1")));
  for (const command of ["ip addr add 172.16.255.101/32 dev lo", "ip addr add 172.16.0.1/31 dev swp51", "ip addr add 172.16.0.5/31 dev swp52", "ip link add bridge type bridge", "ip link set swp3 master bridge", "ip addr add 10.0.101.1/24 dev bridge"]) {
    assert.ok(leaf1.exec.includes(command), command);
  }
  // Addresses before the daemons, zebra first; the tools and sshd before all (they need the management route).
  const order = ["apk add", "/usr/sbin/sshd", "ip addr add 172.16.255.101/32", "watchfrr.sh start zebra", "watchfrr.sh start bgpd"].map((c) => leaf1.exec.findIndex((e) => e.includes(c)));
  assert.deepEqual([...order].sort((a, b) => a - b), order);
  assert.ok(order.every((i) => i >= 0));
  const groups = (result.clab.topology as { groups: Record<string, Record<string, unknown>> }).groups;
  assert.deepEqual(groups.switches, { kind: "linux", image: DEFAULTS.switchImage, entrypoint: "/sbin/tini -- sleep infinity", sysctls: { "net.ipv4.ip_forward": 1 } });
});

test("every bind's source is a file of the export, or one of the SSH keys lab/cli/export.ts makes", () => {
  const result = containerlabExport(wide, OPTIONS);
  const made = new Set([...result.files.keys(), `lab/${SSH_FILES.hostKey}`, `lab/${SSH_FILES.authorizedKeys}`]);
  for (const [name, node] of Object.entries(nodesOf(result.clab))) {
    for (const bind of node.binds) assert.ok(made.has(bind.split(":")[0] ?? ""), `${name}: ${bind}`);
  }
});

test("hosts: address on eth1, default route through the leaf, after the tools are installed", () => {
  const host = nodesOf(containerlabExport(blog, OPTIONS).clab)["k8s-node-l2-2"] as Node;
  assert.equal(host.group, "hosts");
  assert.deepEqual(host.exec.slice(-3), ["ip addr add 10.0.102.102/24 dev eth1", "ip link set eth1 up", "ip route replace default via 10.0.102.1 dev eth1"]);
});

test("the daemons file names the daemons the lab runs, with FRR's default options", () => {
  assert.equal(renderDaemons(switchOf(blog, "spine1")), '# spine1: rendered by fabricspec; zebra and staticd always run\nbgpd=yes\nvtysh_enable=yes\nfrr_profile="datacenter"\nzebra_options="-A 127.0.0.1 -s 90000000"\nbgpd_options="-A 127.0.0.1"\nstaticd_options="-A 127.0.0.1"\n');
});

test("the inventory is one the inventory driver accepts for the topology: management addresses, the lab's keys, FRR by pidfile", () => {
  const result = containerlabExport(blog, OPTIONS);
  const inventory = parseInventory(inventoryYaml(result, "blog.yaml", "blog.inventory.yaml"), "blog.inventory.yaml", blog);
  const spine1 = inventory.nodes.get("spine1");
  assert.equal(spine1?.endpoint.host, "172.20.20.11");
  assert.equal(inventory.nodes.get("k8s-node-l2-2")?.endpoint.host, "172.20.20.19");
  assert.equal(spine1?.endpoint.identityFile, "/keys/id_ed25519");
  assert.equal(spine1?.endpoint.knownHostsFile, "/keys/known_hosts");
  assert.deepEqual(spine1?.frr, { control: "pidfile", pidDir: "/var/run/frr", start: ["/usr/lib/frr/watchfrr.sh", "start", "%d"] });
  // known_hosts: the lab's one host key for every management address, as the transport looks hosts up.
  assert.equal(result.files.get("lab/ssh/known_hosts"), `${[...managementAddresses(blog, DEFAULTS.mgmtSubnet).values()].join(",")} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostKey fabricspec\n`);
});

test("management addresses: from the 11th of the subnet, and a subnet too small says which would do", () => {
  assert.deepEqual([...managementAddresses(blog, "172.20.20.0/24").entries()].slice(0, 2), [["spine1", "172.20.20.11"], ["spine2", "172.20.20.12"]]);
  assert.equal(managementAddresses(clos, "172.20.20.0/26").get("host-l16-2"), "172.20.20.62"); // 52 nodes: .11 to .62
  assert.throws(() => managementAddresses(clos, "172.20.20.0/27"), (e: Error & { hint?: string }) => {
    assert.equal(e.message, 'the management subnet 172.20.20.0/27 holds 20 nodes; topology "clos-4x16-h2" has 52');
    assert.equal(e.hint, "give a wider one, e.g. --mgmt-subnet 172.20.0.0/26");
    return true;
  });
  assert.throws(() => managementAddresses(blog, "mgmt"), /is not an IPv4 prefix/);
});

test("the tools each kind's probes need, installed only where the image lacks them (busybox's ping and ip do not count)", () => {
  assert.equal(toolsFor(HOST), "ping -V >/dev/null 2>&1 && command -v fping >/dev/null && command -v traceroute >/dev/null && command -v sshd >/dev/null && command -v bash >/dev/null || apk add --no-cache iputils fping traceroute openssh-server bash");
  // vtysh comes with the FRR image: checked by nobody here, installed by nobody.
  assert.match(toolsFor(FRR_SWITCH), /^ip -j link >\/dev\/null 2>&1 && ping -V .* \|\| apk add --no-cache iproute2 iputils fping traceroute openssh-server bash$/);
  const spine1 = nodesOf(containerlabExport(blog, OPTIONS).clab).spine1 as Node;
  assert.equal(spine1.exec[0], `sh -c '${toolsFor(FRR_SWITCH)}'`);
});
