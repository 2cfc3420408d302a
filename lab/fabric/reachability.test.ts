import { test } from "node:test";
import assert from "node:assert/strict";
import { fixture } from "../probes/fake-runner.js";
import { parsePing } from "../probes/ping.js";
import { parseTraceroute } from "../probes/traceroute.js";
import { loadTopology } from "../topology/load.js";
import type { Host } from "../topology/model.js";
import { crossRackPairs, gatewayPathFindings, onePerOtherRack, ttlFindings, unansweredFindings, type PingOutcome } from "./reachability.js";

const t = loadTopology();
const output = (file: string, exitCode = 0) => ({ command: ["ping"], exitCode, stdout: fixture(file), stderr: "", durationMs: 1 });
const host = (name: string): Host => {
  const found = t.hosts.find((h) => h.name === name);
  assert.ok(found, name);
  return found;
};
const outcome = (from: string, to: string, toName: string, file: string, exitCode = 0): PingOutcome => ({ from, to, toName, result: parsePing(to, output(file, exitCode)) });

test("crossRackPairs and onePerOtherRack: every pair across racks; one destination per other rack", () => {
  const names = (pairs: Array<{ from: Host; to: Host }>) => pairs.map((p) => `${p.from.name}>${p.to.name}`);
  assert.equal(crossRackPairs(t.hosts).length, 3 * 2 + 2 * 3);
  assert.deepEqual(names(onePerOtherRack(t.hosts)), [
    "k8s-master-l1-1>k8s-node-l2-1",
    "k8s-node-l1-1>k8s-node-l2-1",
    "k8s-node-l1-2>k8s-node-l2-1",
    "k8s-node-l2-1>k8s-master-l1-1",
    "k8s-node-l2-2>k8s-master-l1-1",
  ]);
});

test("unansweredFindings: a ping without reply, with how many and why", () => {
  const answered = outcome("k8s-node-l1-1", "10.0.102.101", "k8s-node-l2-1", "iputils-ping-host-l1-1-to-host-l2-1.txt");
  const lost = outcome("k8s-node-l1-1", "10.0.102.101", "k8s-node-l2-1", "iputils-ping-host-l1-1-to-host-l2-1-total-loss.txt", 1);
  assert.deepEqual(unansweredFindings([answered, lost]), ["k8s-node-l1-1 got no answer from 10.0.102.101 (k8s-node-l2-1): 0 of 2 replies, no reply (expected a reply)"]);
});

test("ttlFindings: each loopback's TTL as stated; a loopback not pinged, and one the table leaves out", () => {
  const spine1 = outcome("leaf1", "172.16.255.1", "spine1", "iputils-ping-leaf1-to-spine1-from-loopback-ttl64.txt");
  const leaf2 = outcome("leaf1", "172.16.255.102", "leaf2", "iputils-ping-leaf1-to-leaf2-from-loopback-ttl63.txt");
  assert.deepEqual(ttlFindings([{ loopback: "172.16.255.1", switch: "spine1", ttl: "64" }, { loopback: "172.16.255.102", switch: "leaf2", ttl: "63" }], [spine1, leaf2]), []);
  assert.deepEqual(ttlFindings([{ loopback: "172.16.255.1", switch: "spine1", ttl: "62" }, { loopback: "172.16.255.2", switch: "spine2", ttl: "64" }], [spine1, leaf2]), [
    "172.16.255.1 (spine1) answered leaf1 with TTL 64 (expected 62)",
    "no ping went to 172.16.255.2 (spine2); pinged: 172.16.255.1, 172.16.255.102",
    "172.16.255.102 (leaf2) was pinged but the table does not say what TTL it answers with",
  ]);
});

test("gatewayPathFindings: the path starts at the host's gateway (its first hop only)", () => {
  const trace = parseTraceroute("10.0.102.101", { command: ["traceroute"], exitCode: 0, stdout: fixture("traceroute-host-l1-1-to-host-l2-1.txt"), stderr: "", durationMs: 1 });
  assert.deepEqual(gatewayPathFindings(host("k8s-node-l1-1"), host("k8s-node-l2-1"), trace), []);
  assert.deepEqual(gatewayPathFindings(host("k8s-node-l1-1"), host("k8s-node-l2-1"), { ...trace, hops: trace.hops.slice(0, 1), reached: false }), []);
  assert.deepEqual(gatewayPathFindings(host("k8s-node-l1-1"), host("k8s-node-l2-1"), { ...trace, hops: trace.hops.slice(1, 3), reached: false }), [
    "k8s-node-l1-1's path to 10.0.102.101 (k8s-node-l2-1) starts at 172.16.0.0 (expected its gateway 10.0.101.1 on leaf1)",
  ]);
  assert.deepEqual(gatewayPathFindings(host("k8s-node-l1-1"), host("k8s-node-l2-1"), { ...trace, hops: [], reached: false, sendError: "connect: Network is unreachable" }), [
    "k8s-node-l1-1's path to 10.0.102.101 (k8s-node-l2-1) starts at connect: Network is unreachable (expected its gateway 10.0.101.1 on leaf1)",
  ]);
});
