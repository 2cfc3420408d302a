import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { renderCalicoResources } from "./defaults.js";
import { loadTopology } from "../topology/load.js";
import { calicoPlan, calicoResourcesFile, CalicoResourceError, parseCalicoResources } from "./resources.js";

const blog = loadTopology();
const documents = (text: string) => parseAllDocuments(text).map((d) => d.toJS()).filter((d) => d !== null);

test("lab/calico/blog/*.yaml say what the renderer derives from the topology", () => {
  for (const mode of ["peering", "overlay"] as const) {
    assert.deepEqual(documents(readFileSync(calicoResourcesFile(blog, mode), "utf8")), documents(renderCalicoResources(blog, mode)), mode);
  }
});

test("calicoPlan (peering, blog): every node in its leaf's AS, peering with its leaf's gateway, with its own /26", () => {
  const plan = calicoPlan(blog, "peering");
  assert.equal(plan.mesh, false);
  assert.deepEqual(plan.pools, ["192.168.0.0/16"]);
  assert.deepEqual(
    plan.nodes.map((n) => [n.node, n.asNumber, n.peers.map((p) => `${p.node} ${p.address} AS ${p.asNumber}`).join(), n.block, n.pod.address]),
    [
      ["k8s-master-l1-1", 65101, "leaf1 10.0.101.1 AS 65101", "192.168.0.0/26", "192.168.0.1"],
      ["k8s-node-l1-1", 65101, "leaf1 10.0.101.1 AS 65101", "192.168.0.64/26", "192.168.0.65"],
      ["k8s-node-l1-2", 65101, "leaf1 10.0.101.1 AS 65101", "192.168.0.128/26", "192.168.0.129"],
      ["k8s-node-l2-1", 65102, "leaf2 10.0.102.1 AS 65102", "192.168.0.192/26", "192.168.0.193"],
      ["k8s-node-l2-2", 65102, "leaf2 10.0.102.1 AS 65102", "192.168.1.0/26", "192.168.1.1"],
    ],
  );
  for (const n of plan.nodes) assert.match(n.pod.hostInterface, /^cali[0-9a-f]{11}$/);
});

test("calicoPlan (overlay, blog): a full mesh in AS 64512, IPIP", () => {
  const plan = calicoPlan(blog, "overlay");
  assert.equal(plan.mesh, true);
  const master = plan.nodes[0];
  assert.equal(master?.encapsulation, "ipip");
  assert.deepEqual(master?.peers.map((p) => `${p.node} AS ${p.asNumber}`), ["k8s-node-l1-1 AS 64512", "k8s-node-l1-2 AS 64512", "k8s-node-l2-1 AS 64512", "k8s-node-l2-2 AS 64512"]);
});

test("calicoPlan renders resources for a topology without files of its own", () => {
  const wide = loadTopology("lab/topologies/wide.yaml");
  const plan = calicoPlan(wide, "peering");
  assert.match(plan.source, /rendered from topology "wide"/);
  assert.equal(plan.nodes.length, wide.hosts.length);
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test edits arbitrary resource fields
type Doc = Record<string, any>;

/** The blog's peering resources with one change, as text. */
function variant(change: (docs: Doc[]) => void): string {
  const docs = documents(readFileSync(calicoResourcesFile(blog, "peering"), "utf8")) as Doc[];
  change(docs);
  return docs.map((d) => `---\n${JSON.stringify(d)}\n`).join("");
}

function problems(text: string): string[] {
  try {
    parseCalicoResources(blog, "peering", text, "test.yaml");
  } catch (error) {
    assert.ok(error instanceof CalicoResourceError, String(error));
    return error.issues.map((i) => `${i.path}: ${i.message}`);
  }
  return [];
}

test("parseCalicoResources: every problem is reported with where it is", () => {
  assert.deepEqual(
    problems(variant((docs) => {
      docs[0]!.spec.nodeToNodeMeshEnable = false; // a typo
    })),
    ['document 1 (BGPConfiguration default): spec: Unrecognized key: "nodeToNodeMeshEnable"'],
  );
  assert.deepEqual(
    problems(variant((docs) => {
      docs[0]!.spec.nodeToNodeMeshEnabled = true;
      docs[5]!.spec.bgp.asNumber = 64512;
      docs[7]!.spec.nodeSelector = "rack in {'leaf1'}";
      docs.push({ apiVersion: "projectcalico.org/v3", kind: "Node", metadata: { name: "k8s-node-l3-1" }, spec: {} });
    })),
    [
      "BGPConfiguration default: spec.nodeToNodeMeshEnabled: must be false in peering mode: every node peers with its leaf instead",
      'Node k8s-node-l3-1: no Kubernetes node "k8s-node-l3-1" in topology "blog"; nodes: k8s-master-l1-1, k8s-node-l1-1, k8s-node-l1-2, k8s-node-l2-1, k8s-node-l2-2',
      `BGPPeer rack-leaf1: spec.nodeSelector: selector term "rack in {'leaf1'}" is not supported here; use all(), has(key), key == 'value' or key != 'value', joined by &&`,
      "Node k8s-master-l1-1: no BGPPeer selects it for its leaf leaf1 (10.0.101.1); labels: {\"rack\":\"leaf1\"}",
      "Node k8s-node-l1-1: no BGPPeer selects it for its leaf leaf1 (10.0.101.1); labels: {\"rack\":\"leaf1\"}",
      "Node k8s-node-l1-2: no BGPPeer selects it for its leaf leaf1 (10.0.101.1); labels: {\"rack\":\"leaf1\"}",
      "Node k8s-node-l2-1: spec.bgp.asNumber: AS 64512 is not its leaf's AS 65102 (leaf2); peering mode uses one AS per rack",
    ],
  );
  assert.deepEqual(
    problems(variant((docs) => {
      docs[1]!.spec.cidr = "10.0.0.0/8";
    })),
    ["IPPool default-ipv4-ippool: spec.cidr: 10.0.0.0/8 overlaps the fabric's 10.0.101.0/24", "IPPool default-ipv4-ippool: spec.cidr: 10.0.0.0/8 overlaps the fabric's 10.0.102.0/24"],
  );
  assert.deepEqual(problems("kind: IPPool\nmetadata: {name: x}\n"), ['document 1 (IPPool x): apiVersion: Invalid input: expected "projectcalico.org/v3"', "document 1 (IPPool x): spec: Invalid input: expected object, received undefined"]);
});
