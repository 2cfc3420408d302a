import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { TopologyError, type TopologyIssue } from "../errors.js";
import { BLOG_TOPOLOGY, loadTopology, parseTopology } from "./load.js";

/** The blog topology as plain data, loose enough to break on purpose. */
interface Draft {
  [key: string]: unknown;
  switches: Record<string, Record<string, unknown>>;
  links: Array<Record<string, Record<string, unknown>>>;
  hosts: Record<string, Record<string, unknown>>;
}

const BLOG_TEXT = readFileSync(BLOG_TOPOLOGY, "utf8");
const SOURCE = "edited-blog.yaml";
const SWITCHES = "Switches: spine1, spine2, leaf1, leaf2";

/** The blog YAML after one edit, as text again. */
function edited(edit: (draft: Draft) => void): string {
  const draft = parse(BLOG_TEXT) as Draft;
  edit(draft);
  return stringify(draft);
}

/** The issues of the TopologyError that parsing `text` throws (fails when it does not throw). */
function issuesOf(text: string): TopologyIssue[] {
  try {
    parseTopology(text, SOURCE);
  } catch (error) {
    assert.ok(error instanceof TopologyError, `expected a TopologyError, got ${String(error)}`);
    assert.equal(error.source, SOURCE);
    return [...error.issues];
  }
  return assert.fail("expected a TopologyError, but the topology loaded");
}

const rejects = (edit: (draft: Draft) => void, issues: TopologyIssue[]) => assert.deepEqual(issuesOf(edited(edit)), issues);

test("the blog YAML survives the parse/stringify round trip the other tests edit it through", () => {
  assert.deepEqual(parseTopology(edited(() => {}), SOURCE), parseTopology(BLOG_TEXT, SOURCE));
});

test("a link to a node that does not exist names the switches there are", () => {
  rejects((d) => void ((d.links[2] as Draft["links"][number]).b = { node: "leaf3", interface: "swp52", address: "172.16.0.5/31" }), [
    { path: "links[2].b", message: `unknown node "leaf3". ${SWITCHES}` },
  ]);
});

test("a link to a host says that hosts attach through hosts.*.leaf", () => {
  rejects((d) => void ((d.links[0]?.b ?? {}).node = "k8s-node-l1-1"), [
    { path: "links[0].b", message: `unknown node "k8s-node-l1-1" (k8s-node-l1-1 is a host; hosts attach to a leaf with hosts.*.leaf). ${SWITCHES}` },
  ]);
});

test("an address used twice names its first owner", () => {
  rejects((d) => void ((d.hosts["k8s-node-l1-2"] ?? {}).address = "10.0.101.101"), [
    { path: "hosts.k8s-node-l1-2.address", message: "address 10.0.101.101 is already used by k8s-node-l1-1" },
  ]);
  rejects((d) => void ((d.switches.spine2 ?? {}).loopback = "172.16.255.1/32"), [
    { path: "switches.spine2.loopback", message: "address 172.16.255.1 is already used by spine1 loopback" },
  ]);
});

test("an AS used twice: each switch has its own", () => {
  rejects((d) => void ((d.switches.spine2 ?? {}).asn = 65001), [
    { path: "switches.spine2.asn", message: "AS 65001 is already used by spine1; each switch has its own AS" },
  ]);
});

test("the two ends of a /31 on different subnets", () => {
  // 172.16.0.9 is free: only the subnet mismatch is wrong.
  rejects((d) => void ((d.links[0]?.b ?? {}).address = "172.16.0.9/31"), [
    { path: "links[0]", message: "the ends 172.16.0.0/31 and 172.16.0.9/31 are not on the same subnet" },
  ]);
});

test("a host outside its leaf's rack subnet", () => {
  rejects((d) => void ((d.hosts["k8s-node-l2-1"] ?? {}).address = "10.0.101.201"), [
    { path: "hosts.k8s-node-l2-1.address", message: "10.0.101.201 is outside leaf2's rack subnet 10.0.102.0/24" },
  ]);
});

test("a leaf without a rack", () => {
  rejects((d) => void delete d.switches.leaf2?.rack, [{ path: "switches.leaf2", message: "a leaf needs a rack (subnet and gateway)" }]);
});

test("a spine with a rack", () => {
  rejects((d) => void ((d.switches.spine1 ?? {}).rack = { subnet: "10.0.100.0/24", gateway: "10.0.100.1" }), [
    { path: "switches.spine1.rack", message: "a spine has no rack; only leaves do" },
  ]);
});

test("a spine-spine link", () => {
  rejects(
    (d) =>
      void d.links.push({
        a: { node: "spine1", interface: "swp3", address: "172.16.0.8/31" },
        b: { node: "spine2", interface: "swp3", address: "172.16.0.9/31" },
      }),
    [{ path: "links[4]", message: "links spine1 to spine2, two spines; a leaf-spine fabric links leaves to spines only" }],
  );
});

test("a leaf with no link to any spine", () => {
  rejects((d) => void (d.links = d.links.filter((l) => l.b?.node !== "leaf2")), [
    { path: "switches.leaf2", message: "this leaf has no link to a spine" },
  ]);
});

test("an unknown key (the schema is strict)", () => {
  rejects((d) => void ((d.switches.leaf1 ?? {}).vlan = 10), [{ path: "switches.leaf1", message: 'Unrecognized key: "vlan"' }]);
});

test("every shape problem at once, each with its path", () => {
  rejects(
    (d) => {
      (d.switches.leaf1 ?? {}).vlan = 10;
      (d.switches.spine1 ?? {}).loopback = "172.16.255.1/24";
      (d.links[1]?.a ?? {}).interface = "Ethernet1/1";
    },
    [
      { path: "switches.spine1.loopback", message: "must be a /32 like 172.16.255.1/32" },
      { path: "switches.leaf1", message: 'Unrecognized key: "vlan"' },
      { path: "links[1].a.interface", message: "must be an interface name like swp51 (letters and digits, at most 15)" },
    ],
  );
});

test("every cross-reference problem at once, not just the first", () => {
  rejects(
    (d) => {
      (d.links[2] as Draft["links"][number]).b = { node: "leaf3", interface: "swp52", address: "172.16.0.5/31" };
      (d.switches.spine2 ?? {}).asn = 65001;
      (d.hosts["k8s-node-l2-1"] ?? {}).address = "10.0.101.201";
    },
    [
      { path: "switches.spine2.asn", message: "AS 65001 is already used by spine1; each switch has its own AS" },
      { path: "links[2].b", message: `unknown node "leaf3". ${SWITCHES}` },
      { path: "hosts.k8s-node-l2-1.address", message: "10.0.101.201 is outside leaf2's rack subnet 10.0.102.0/24" },
    ],
  );
});

test("a YAML syntax error names its line", () => {
  assert.equal(BLOG_TEXT.split("\n")[5], "name: blog"); // line 6
  // A key given twice: reported where the second one is.
  assert.deepEqual(issuesOf(BLOG_TEXT.replace("name: blog\n", "name: blog\nname: wide\n")), [
    { path: "line 7", message: "Map keys must be unique" },
  ]);
  // An unclosed flow sequence: reported where its `]` was due, the start of the next line.
  assert.deepEqual(issuesOf(BLOG_TEXT.replace("name: blog", "name: [blog")), [
    { path: "line 7", message: "Flow sequence in block collection must be sufficiently indented and end with a ]" },
  ]);
});

test("an unreadable file is a TopologyError naming the file, with the system's reason", () => {
  const dir = mkdtempSync(join(tmpdir(), "fabricspec-topology-"));
  try {
    const missing = join(dir, "missing.yaml");
    assert.throws(
      () => loadTopology(missing),
      (error: unknown) => {
        assert.ok(error instanceof TopologyError);
        assert.equal(error.source, missing);
        assert.deepEqual(error.issues, [
          { path: "", message: `cannot read the file (ENOENT: no such file or directory, open '${missing}')` },
        ]);
        assert.equal(error.message, `Topology ${missing} is invalid:\n  cannot read the file (ENOENT: no such file or directory, open '${missing}')`);
        return true;
      },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("loadTopology reads a file from disk and records where it came from", () => {
  const dir = mkdtempSync(join(tmpdir(), "fabricspec-topology-"));
  try {
    const file = join(dir, "copy.yaml");
    writeFileSync(file, BLOG_TEXT);
    const t = loadTopology(file);
    assert.equal(t.source, file);
    assert.equal(t.name, "blog");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the message lists every issue, one per line, with its path", () => {
  const error = new TopologyError("x.yaml", [
    { path: "links[2].b", message: "unknown node" },
    { path: "", message: "no path" },
  ]);
  assert.equal(error.message, "Topology x.yaml is invalid:\n  links[2].b: unknown node\n  no path");
});

test("defaults: BGP timers 3/9 and role worker when not written", () => {
  const t = parseTopology(
    edited((d) => {
      delete d.bgp;
      delete d.hosts["k8s-node-l1-1"]?.role;
    }),
    SOURCE,
  );
  assert.deepEqual(t.bgp, { keepalive: 3, hold: 9 });
  assert.equal(t.hosts.find((h) => h.name === "k8s-node-l1-1")?.role, "worker");
});

test("a host's leaf port skips the names the leaf's uplinks already use", () => {
  const t = parseTopology(edited((d) => void ((d.links[0]?.b ?? {}).interface = "swp1")), SOURCE);
  assert.deepEqual(
    t.hosts.filter((h) => h.leaf === "leaf1").map((h) => [h.name, h.leafPort]),
    [
      ["k8s-master-l1-1", "swp2"],
      ["k8s-node-l1-1", "swp3"],
      ["k8s-node-l1-2", "swp4"],
    ],
  );
});

test("the pod network: Calico's 192.168.0.0/16 unless written, and any range clear of the fabric", () => {
  assert.equal(parseTopology(BLOG_TEXT, SOURCE).podNetwork, "192.168.0.0/16");
  assert.equal(parseTopology(edited((d) => void (d.podNetwork = "100.64.0.0/16")), SOURCE).podNetwork, "100.64.0.0/16");
});

test("a pod network that overlaps the fabric's addresses names each overlap with its path", () => {
  rejects((d) => void (d.podNetwork = "10.0.0.0/16"), [
    { path: "podNetwork", message: "10.0.0.0/16 overlaps 10.0.101.0/24 (switches.leaf1.rack.subnet): the pods' addresses would collide with the fabric's" },
    { path: "podNetwork", message: "10.0.0.0/16 overlaps 10.0.102.0/24 (switches.leaf2.rack.subnet): the pods' addresses would collide with the fabric's" },
  ]);
  rejects((d) => void (d.podNetwork = "172.16.255.0/31"), [
    { path: "podNetwork", message: "172.16.255.0/31 overlaps 172.16.255.1/32 (switches.spine1.loopback): the pods' addresses would collide with the fabric's" },
  ]);
  rejects((d) => void (d.podNetwork = "192.168.1.0/16"), [
    { path: "podNetwork", message: "192.168.1.0/16 is not a network address (did you mean 192.168.0.0/16?)" },
  ]);
  rejects((d) => void (d.podNetwork = "pods"), [{ path: "podNetwork", message: "must be an IPv4 prefix like 172.16.0.0/31" }]);
});

test("origination: redistribute (the blog's, origin incomplete) unless network is written", () => {
  assert.equal(parseTopology(BLOG_TEXT, SOURCE).origination, "redistribute");
  assert.equal(parseTopology(edited((d) => void (d.origination = "network")), SOURCE).origination, "network");
  rejects((d) => void (d.origination = "static"), [{ path: "origination", message: 'Invalid option: expected one of "redistribute"|"network"' }]);
});
