import { test } from "node:test";
import assert from "node:assert/strict";
import { loadTopology } from "../topology/load.js";
import { cniNetworkName, podRange, renderCniConfig } from "./cni.js";
import { calicoPlan } from "./resources.js";

test("a node's pods get its block less the tunnel's and the lab pod's addresses, the gateway and the broadcast address", () => {
  assert.deepEqual(podRange("192.168.0.64/26"), { subnet: "192.168.0.64/26", rangeStart: "192.168.0.66", rangeEnd: "192.168.0.125", gateway: "192.168.0.126" });
  assert.deepEqual(podRange("10.244.3.0/24"), { subnet: "10.244.3.0/24", rangeStart: "10.244.3.2", rangeEnd: "10.244.3.253", gateway: "10.244.3.254" });
  assert.throws(() => podRange("192.168.0.0/30"), /too small/);
});

test("the conflist: ptp over host-local in the node's own block and directory, the overlay's MTU under VXLAN", () => {
  const plan = calicoPlan(loadTopology(), "overlay", "vxlan");
  const node = plan.nodes.find((n) => n.node === "k8s-node-l2-2") ?? assert.fail();
  const config = JSON.parse(renderCniConfig(node, "vxlan", "/run/x/ipam")) as {
    name: string;
    plugins: { type: string; mtu: number; ipam: { type: string; dataDir: string; ranges: { subnet: string }[][] } }[];
  };
  assert.equal(config.name, cniNetworkName("k8s-node-l2-2"));
  const [ptp] = config.plugins;
  assert.equal(ptp?.type, "ptp");
  assert.equal(ptp?.mtu, 1450);
  assert.equal(ptp?.ipam.type, "host-local");
  assert.equal(ptp?.ipam.dataDir, "/run/x/ipam");
  assert.equal(ptp?.ipam.ranges[0]?.[0]?.subnet, node.block);
  const peering = JSON.parse(renderCniConfig(node, "none", "/run/x/ipam")) as { plugins: { mtu: number }[] };
  assert.equal(peering.plugins[0]?.mtu, 1500);
});
