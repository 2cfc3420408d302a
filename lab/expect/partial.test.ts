import { test } from "node:test";
import assert from "node:assert/strict";
import { ABSENT, describeDifference, differences, formatPath, matches } from "./partial.js";

const summary = {
  routerId: "172.16.255.101",
  as: 65101,
  peers: {
    "172.16.0.0": { remoteAs: 65001, state: "Established", hostname: "spine1", pfxRcd: 4 },
    "172.16.0.4": { remoteAs: 65002, state: "Active", pfxRcd: 0 },
  },
};

test("differences: the expected value is a subset of the actual one; keys it does not name are not read", () => {
  assert.deepEqual(differences(summary, { as: 65101, peers: { "172.16.0.0": { state: "Established" } } }), []);
  assert.equal(matches(summary, {}), true);
});

test("differences: every difference, each with its path, in the expected value's order", () => {
  const found = differences(summary, { routerId: "172.16.255.1", peers: { "172.16.0.0": { remoteAs: 65009 }, "172.16.0.4": { state: "Established" } } });
  assert.deepEqual(found.map(describeDifference), [
    'routerId: expected "172.16.255.1", found "172.16.255.101"',
    'peers["172.16.0.0"].remoteAs: expected 65009, found 65001',
    'peers["172.16.0.4"].state: expected "Established", found "Active"',
  ]);
});

test("differences: a missing key is found as nothing; null expects the key absent", () => {
  assert.deepEqual(differences(summary, { peers: { "172.16.0.2": { state: "Established" } } }), [
    { path: ["peers", "172.16.0.2"], expected: { state: "Established" }, found: ABSENT },
  ]);
  assert.deepEqual(differences(summary, { peers: { "172.16.0.2": null } }), []);
  assert.deepEqual(differences(summary, { peers: { "172.16.0.4": { hostname: null } } }), []);
  const present = differences(summary, { peers: { "172.16.0.0": { hostname: null } } });
  assert.deepEqual(present.map(describeDifference), ['peers["172.16.0.0"].hostname: expected nothing, found "spine1"']);
  // An undefined field (an optional one a parser left out) is as absent as a missing key.
  assert.deepEqual(differences({ hostname: undefined }, { hostname: "spine1" }), [{ path: ["hostname"], expected: "spine1", found: ABSENT }]);
});

test("differences: a value of another kind than expected is one difference, not a crash", () => {
  assert.deepEqual(differences({ peers: "none" }, { peers: { a: 1 } }).map(describeDifference), ['peers: expected {"a":1}, found "none"']);
  assert.deepEqual(differences({ hops: {} }, { hops: [1] }).map(describeDifference), ["hops: expected [1], found {}"]);
  assert.deepEqual(differences(2, 1).map(describeDifference), ["(top level): expected 1, found 2"]);
});

test("differences: array elements match in any order, each actual element once", () => {
  const hops = [{ ip: "172.16.0.4" }, { ip: "172.16.0.0" }];
  assert.deepEqual(differences(hops, [{ ip: "172.16.0.0" }, { ip: "172.16.0.4" }]), []);
  assert.deepEqual(differences(hops, [{ ip: "172.16.0.0" }, { ip: "172.16.0.0" }]).map(describeDifference), ['[1]: expected {"ip":"172.16.0.0"}, found nothing']);
  assert.deepEqual(differences(["zebra", "staticd"], ["zebra", "bgpd"]), [{ path: [1], expected: "bgpd", found: ABSENT }]);
});

test("differences: ordered arrays compare position by position", () => {
  const path = ["k8s-node-l1-1", "leaf1", "spine1"];
  assert.deepEqual(differences(path, ["k8s-node-l1-1", "leaf1"], { ordered: true }), []);
  assert.deepEqual(differences(path, ["k8s-node-l1-1", "spine1", "leaf1", "leaf2"], { ordered: true }).map(describeDifference), [
    '[1]: expected "spine1", found "leaf1"',
    '[2]: expected "leaf1", found "spine1"',
    '[3]: expected "leaf2", found nothing',
  ]);
});

test("differences: exact rejects keys and elements the expected value does not name", () => {
  const ips = { "k8s-master-l1-1": "10.0.101.10", "k8s-node-l1-1": "10.0.2.15", extra: "10.0.9.9" };
  assert.deepEqual(differences(ips, { "k8s-master-l1-1": "10.0.101.10", "k8s-node-l1-1": "10.0.101.101" }, { exact: true }).map(describeDifference), [
    '["k8s-node-l1-1"]: expected "10.0.101.101", found "10.0.2.15"',
    'extra: expected nothing, found "10.0.9.9"',
  ]);
  assert.deepEqual(differences([64, 63], [64], { exact: true }), [{ path: [1], expected: ABSENT, found: 63 }]);
  assert.deepEqual(differences([64, 63], [64, 62], { exact: true, ordered: true }).map(describeDifference), ["[1]: expected 62, found 63"]);
});

test("formatPath: identifiers bare, other keys quoted, indexes in brackets", () => {
  assert.equal(formatPath([]), "(top level)");
  assert.equal(formatPath(["peers", "172.16.0.0", "state"]), 'peers["172.16.0.0"].state');
  assert.equal(formatPath([3, "dst"]), "[3].dst");
  assert.equal(formatPath(["10.0.101.0/24", 0, "nextHops"]), '["10.0.101.0/24"][0].nextHops');
});
