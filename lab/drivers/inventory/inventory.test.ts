import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { loadTopology } from "../../topology/load.js";
import { InventoryError, loadInventory, parseInventory } from "./inventory.js";

const blog = loadTopology();
const EXAMPLE = fileURLToPath(new URL("../../inventory.example.yaml", import.meta.url));
const ALL_NODES = ["spine1", "spine2", "leaf1", "leaf2", "k8s-master-l1-1", "k8s-node-l1-1", "k8s-node-l1-2", "k8s-node-l2-1", "k8s-node-l2-2"];

function inventory(nodes: string, defaults = "  identityFile: ~/.ssh/lab\n"): string {
  return `defaults:\n${defaults}nodes:\n${nodes}`;
}
const every = (extra: Record<string, string> = {}) => ALL_NODES.map((n) => `  ${n}: ${extra[n] ?? "{}"}\n`).join("");

function issues(text: string): string[] {
  try {
    parseInventory(text, "lab.yaml", blog);
  } catch (error) {
    assert.ok(error instanceof InventoryError, String(error));
    return error.issues.map((i) => `${i.path}: ${i.message}`);
  }
  assert.fail("expected the inventory to be rejected");
}

test("the example inventory maps every node of the blog lab to the lab's sshd, through its namespace", () => {
  const inv = loadInventory(EXAMPLE, blog);
  assert.deepEqual([...inv.nodes.keys()].sort(), [...ALL_NODES].sort());
  const leaf1 = inv.nodes.get("leaf1");
  assert.deepEqual(leaf1?.endpoint, {
    node: "leaf1",
    host: "leaf1",
    port: 22,
    user: "root",
    identityFile: "/run/fabricspec/ssh/id_ed25519",
    knownHostsFile: "/run/fabricspec/ssh/known_hosts",
    proxyCommand: ["ip", "netns", "exec", "fs-%n", "nc", "127.0.0.1", "%p"],
  });
  assert.deepEqual(leaf1?.vtysh, ["vtysh", "--vty_socket", "/run/fabricspec/%n"]);
  assert.equal(leaf1?.frr.control, "pidfile");
});

test("defaults apply to every node; a node's own settings win; host defaults to the node's name", () => {
  const inv = parseInventory(
    inventory(every({ spine1: "{ host: 192.0.2.11, user: admin, sudo: false }" }), "  user: cumulus\n  identityFile: ~/.ssh/lab\n  sudo: true\n"),
    "lab.yaml",
    blog,
  );
  assert.deepEqual(inv.nodes.get("spine1")?.endpoint, { node: "spine1", host: "192.0.2.11", port: 22, user: "admin", identityFile: "~/.ssh/lab", sudo: false });
  assert.deepEqual(inv.nodes.get("leaf2")?.endpoint, { node: "leaf2", host: "leaf2", port: 22, user: "cumulus", identityFile: "~/.ssh/lab", sudo: true });
  assert.deepEqual(inv.nodes.get("leaf2")?.frr, { control: "systemd", service: "frr" });
  assert.deepEqual(inv.nodes.get("leaf2")?.vtysh, ["vtysh"]);
});

test("a jump host inherits the node's credentials and known_hosts unless it has its own", () => {
  const inv = parseInventory(
    inventory(every(), "  user: cumulus\n  identityFile: ~/.ssh/lab\n  knownHostsFile: ~/lab_known_hosts\n  jump: { host: bastion.example.net, user: ops }\n"),
    "lab.yaml",
    blog,
  );
  assert.deepEqual(inv.nodes.get("leaf1")?.endpoint.jump, {
    node: "bastion.example.net (jump host)",
    host: "bastion.example.net",
    port: 22,
    user: "ops",
    identityFile: "~/.ssh/lab",
    knownHostsFile: "~/lab_known_hosts",
  });
});

test("every problem is reported with its path, before anything connects", () => {
  const text = [
    "topology: wide",
    "defaults:",
    "  user: cumulus",
    "  port: 70000",
    "  password: hunter2",
    "  passwordEnv: not a name",
    "nodes:",
    "  spine1: { identityfile: ~/.ssh/lab }",
    "",
  ].join("\n");
  assert.deepEqual(issues(text), [
    "defaults.port: Too big: expected number to be <=65535",
    "defaults.passwordEnv: must be the name of an environment variable, like FABRIC_LAB_PASSWORD",
    "defaults.password: inline secrets are not allowed: put the password in an environment variable and name it with passwordEnv",
    'nodes.spine1: Unrecognized key: "identityfile"',
  ]);
});

test("cross-checks: the topology, unknown and missing nodes, a way to log in", () => {
  const text = `topology: wide\nnodes:\n  spine1: { agent: true }\n  leaf9: { agent: true }\n  leaf1: { proxyCommand: [nc, "%h", "%p"], jump: { host: b } }\n`;
  assert.deepEqual(issues(text), [
    'topology: this inventory describes topology "wide", but the topology under test is "blog" (FABRICSPEC_TOPOLOGY)',
    `nodes.leaf9: unknown node "leaf9". Nodes in topology "blog": ${ALL_NODES.join(", ")}`,
    'nodes: no entry for spine2, leaf2, k8s-master-l1-1, k8s-node-l1-1, k8s-node-l1-2, k8s-node-l2-1, k8s-node-l2-2 (every node of topology "blog" needs one; `NODE: {}` takes the defaults)',
    "nodes.leaf1: no way to log in: set identityFile (a key path), agent: true or passwordEnv (a variable name), here or in defaults",
    "nodes.leaf1: both proxyCommand and jump: use one (a jump host is a proxy)",
    "nodes.leaf1.jump: no way to log in to the jump host",
  ]);
});

test("YAML syntax errors name their line; an unreadable file says why", () => {
  assert.match(issues("nodes:\n  leaf1: {\n")[0] ?? "", /^line \d+: /);
  assert.throws(() => loadInventory("/nonexistent/inventory.yaml", blog), /Inventory \/nonexistent\/inventory.yaml is invalid:\n {2}cannot read the file \(ENOENT: no such file or directory, open '\/nonexistent\/inventory.yaml'\)$/);
});

test("provision: true (switches provisioned at bring-up) is off by default, and needs packaged FRR on the switches", () => {
  assert.equal(parseInventory(inventory(every()), "lab.yaml", blog).provision, false);
  assert.equal(parseInventory(`provision: true\n${inventory(every())}`, "lab.yaml", blog).provision, true);
  assert.deepEqual(issues(`provision: true\n${inventory(every({ leaf1: "{ frr: { control: pidfile } }" }))}`), [
    "nodes.leaf1.frr: provision: true provisions packaged FRR (control: systemd); this switch's FRR is controlled by pidfile",
  ]);
});
