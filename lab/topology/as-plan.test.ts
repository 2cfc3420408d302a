import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parse, stringify } from "yaml";
import { TopologyError, type TopologyIssue } from "../errors.js";
import { BLOG_TOPOLOGY, parseTopology } from "./load.js";
import type { Topology } from "./model.js";

interface Draft {
  [key: string]: unknown;
  switches: Record<string, Record<string, unknown>>;
}

const BLOG_TEXT = readFileSync(BLOG_TOPOLOGY, "utf8");

/** The blog with an AS plan and these ASNs. */
function design(asPlan: Record<string, string> | undefined, asns: Record<string, number>): string {
  const draft = parse(BLOG_TEXT) as Draft;
  if (asPlan) draft.asPlan = asPlan;
  for (const [name, asn] of Object.entries(asns)) (draft.switches[name] ?? {}).asn = asn;
  return stringify(draft);
}

function loads(text: string): Topology {
  return parseTopology(text, "design.yaml");
}

function issuesOf(text: string): TopologyIssue[] {
  try {
    loads(text);
  } catch (error) {
    assert.ok(error instanceof TopologyError, `expected a TopologyError, got ${String(error)}`);
    return [...error.issues];
  }
  return assert.fail("expected a TopologyError, but the topology loaded");
}

const asnsOf = (t: Topology) => t.switches.map((s) => [s.name, s.asn, s.allowasIn]);

test("no plan written: every switch its own AS, nobody accepts its own AS", () => {
  const t = loads(BLOG_TEXT);
  assert.deepEqual(t.asPlan, { superSpine: "per-switch", spine: "per-switch", leaf: "per-switch" });
  assert.deepEqual(asnsOf(t), [
    ["spine1", 65001, 0],
    ["spine2", 65002, 0],
    ["leaf1", 65101, 0],
    ["leaf2", 65102, 0],
  ]);
});

test("spines sharing one AS (RFC 7938 5.2.1) load; the leaves keep their own", () => {
  const t = loads(design({ spine: "shared" }, { spine1: 65199, spine2: 65199 }));
  assert.deepEqual(t.asPlan, { superSpine: "per-switch", spine: "shared", leaf: "per-switch" });
  assert.deepEqual(asnsOf(t), [
    ["spine1", 65199, 0],
    ["spine2", 65199, 0],
    ["leaf1", 65101, 0],
    ["leaf2", 65102, 0],
  ]);
});

test("shared spines with one spine in another AS", () => {
  assert.deepEqual(issuesOf(design({ spine: "shared" }, { spine1: 65199, spine2: 65198 })), [
    { path: "switches.spine2.asn", message: "AS 65198 differs from spine1's AS 65199; asPlan.spine is shared: every spine is in one AS" },
  ]);
});

test("a leaf in the spines' AS: tiers never share an AS, their sessions are eBGP", () => {
  assert.deepEqual(issuesOf(design({ spine: "shared" }, { spine1: 65199, spine2: 65199, leaf2: 65199 })), [
    { path: "switches.leaf2.asn", message: "AS 65199 is already used by spine1, a spine; a leaf and a spine never share an AS (their sessions are eBGP)" },
  ]);
});

test("with a plan written, per-switch leaves still may not share an AS", () => {
  assert.deepEqual(issuesOf(design({ spine: "shared" }, { spine1: 65199, spine2: 65199, leaf2: 65101 })), [
    { path: "switches.leaf2.asn", message: "AS 65101 is already used by leaf1; asPlan.leaf is per-switch: each leaf has its own AS" },
  ]);
});

test("reused leaf ASNs: the leaves that share one accept it once (allowas-in 1)", () => {
  const text = design({ leaf: "reused" }, {});
  const draft = parse(text) as Draft;
  draft.switches.leaf3 = { role: "leaf", asn: 65101, loopback: "172.16.255.103/32", rack: { subnet: "10.0.103.0/24", gateway: "10.0.103.1" } };
  draft.links = [
    ...(draft.links as unknown[]),
    { a: { node: "spine1", interface: "swp3", address: "172.16.0.8/31" }, b: { node: "leaf3", interface: "swp51", address: "172.16.0.9/31" } },
    { a: { node: "spine2", interface: "swp3", address: "172.16.0.10/31" }, b: { node: "leaf3", interface: "swp52", address: "172.16.0.11/31" } },
  ];
  assert.deepEqual(asnsOf(loads(stringify(draft))), [
    ["spine1", 65001, 0],
    ["spine2", 65002, 0],
    ["leaf1", 65101, 1],
    ["leaf2", 65102, 0],
    ["leaf3", 65101, 1],
  ]);
});

test("reused leaf ASNs where no two leaves share one: allowas-in would serve nothing", () => {
  assert.deepEqual(issuesOf(design({ leaf: "reused" }, {})), [
    { path: "asPlan.leaf", message: "reused, but no two leaves share an AS: allowas-in is for a reused AS only (write per-switch)" },
  ]);
});

test("4-byte private ASNs load; AS_TRANS and 65535 do not", () => {
  const t = loads(design(undefined, { leaf1: 4200000101, leaf2: 4294967294 }));
  assert.deepEqual(t.switches.map((s) => s.asn), [65001, 65002, 4200000101, 4294967294]);
  assert.deepEqual(issuesOf(design(undefined, { leaf1: 23456, leaf2: 65535 })), [
    {
      path: "switches.leaf1.asn",
      message: "AS 23456 is AS_TRANS (RFC 6793), the placeholder 2-byte speakers see for a 4-byte AS; use a private AS: 64512-65534 (2-byte) or 4200000000-4294967294 (4-byte)",
    },
    { path: "switches.leaf2.asn", message: "AS 65535 is reserved (RFC 7300); use a private AS: 64512-65534 (2-byte) or 4200000000-4294967294 (4-byte)" },
  ]);
});

test("an AS plan the schema does not know, with its path", () => {
  assert.deepEqual(issuesOf(design({ spine: "pooled" }, {})), [
    { path: "asPlan.spine", message: 'Invalid option: expected one of "per-switch"|"shared"|"per-pod"' },
  ]);
});
