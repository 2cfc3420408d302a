import { test } from "node:test";
import assert from "node:assert/strict";
import { parseTopology } from "../topology/load.js";
import { bgpPeers, leaves, spines } from "../topology/model.js";
import { fabricName, fabricYaml, generateFabric, parseFabricSize } from "./fabric.js";

test("a generated fabric is a valid topology: every leaf linked to every spine, its hosts in its rack", () => {
  for (const size of [{ spines: 2, leaves: 4, hostsPerLeaf: 1 }, { spines: 8, leaves: 32, hostsPerLeaf: 1 }, { spines: 12, leaves: 192, hostsPerLeaf: 2 }]) {
    const t = parseTopology(fabricYaml(size), fabricName(size));
    assert.equal(spines(t).length, size.spines);
    assert.equal(leaves(t).length, size.leaves);
    assert.equal(t.hosts.length, size.leaves * size.hostsPerLeaf);
    for (const leaf of leaves(t)) assert.equal(bgpPeers(t, leaf).length, size.spines);
    for (const spine of spines(t)) assert.equal(bgpPeers(t, spine).length, size.leaves);
  }
});

test("the plan: AS, loopbacks, /31s and racks by index, the spine on the even address", () => {
  const t = parseTopology(fabricYaml({ spines: 2, leaves: 3, hostsPerLeaf: 2 }), "clos-2x3-h2");
  assert.equal(t.name, "clos-2x3-h2");
  const leaf3 = t.switches.find((s) => s.name === "leaf3");
  assert.deepEqual([leaf3?.asn, leaf3?.loopback, leaf3?.rack?.subnet, leaf3?.rack?.gateway], [65003, "10.255.16.3", "10.128.3.0/24", "10.128.3.1"]);
  const spine2 = t.switches.find((s) => s.name === "spine2");
  assert.deepEqual([spine2?.asn, spine2?.loopback], [64602, "10.255.0.2"]);
  // spine2's link to leaf3 is link k = 1 * 3 + 2 = 5 (spine index x leaves + leaf index): 10.254.0.10/31.
  const uplink = leaf3?.interfaces.find((i) => i.name === "swp52");
  assert.deepEqual([uplink?.ip, uplink?.peer.node, uplink?.peer.interface, uplink?.peer.ip], ["10.254.0.11", "spine2", "swp3", "10.254.0.10"]);
  assert.deepEqual(t.hosts.filter((h) => h.leaf === "leaf3").map((h) => h.address), ["10.128.3.11", "10.128.3.12"]);
});

test("deterministic to the byte", () => {
  const size = { spines: 4, leaves: 16, hostsPerLeaf: 1 };
  assert.equal(fabricYaml(size), fabricYaml(size));
  assert.deepEqual(generateFabric(size), generateFabric(size));
});

test("sizes: SxL or SxLxH, bounded", () => {
  assert.deepEqual(parseFabricSize("4x16"), { spines: 4, leaves: 16, hostsPerLeaf: 1 });
  assert.deepEqual(parseFabricSize("8x32x2"), { spines: 8, leaves: 32, hostsPerLeaf: 2 });
  assert.throws(() => parseFabricSize("4 by 16"), /is not a fabric size/);
  assert.throws(() => parseFabricSize("0x4"), /1 to 200 spines, not 0/);
  assert.throws(() => parseFabricSize("2x501"), /1 to 500 leaves, not 501/);
  assert.throws(() => parseFabricSize("200x200"), /at most 32768 links/);
});
