import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { calicoPlan } from "../calico/resources.js";
import { BIRD } from "../kinds/calico-node.js";
import { loadTopology } from "../topology/load.js";
import { renderBirdConfig } from "./bird.js";

const t = loadTopology();

test("BIRD 1.6 takes every node's configuration, in peering and in the VXLAN overlay (bird -p, the real BIRD 1.6.8)", () => {
  const dir = mkdtempSync(join(tmpdir(), "fabricspec-bird-"));
  try {
    for (const plan of [calicoPlan(t, "peering"), calicoPlan(t, "overlay", "vxlan")]) {
      for (const node of plan.nodes) {
        const file = join(dir, `${plan.mode}-${node.node}.conf`);
        writeFileSync(file, renderBirdConfig(t, plan, node));
        const parsed = spawnSync(BIRD, ["-p", "-c", file], { encoding: "utf8" });
        assert.equal(parsed.status, 0, `${BIRD} -p -c ${file}: ${parsed.stderr}${parsed.error?.message ?? ""}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("peering: one Node_ protocol with the leaf, in the leaf's AS; the pool's routes programmed natively", () => {
  const plan = calicoPlan(t, "peering");
  const node = plan.nodes.find((n) => n.node === "k8s-node-l2-1");
  assert.ok(node);
  const config = renderBirdConfig(t, plan, node);
  assert.match(config, /^router id 10\.0\.102\.101;$/m);
  assert.match(config, /^ {2}local as 65102;$/m);
  assert.match(config, /^protocol bgp Node_10_0_102_1 from bgp_template \{\n {2}description "leaf2";\n {2}neighbor 10\.0\.102\.1 as 65102;\n {2}source address 10\.0\.102\.101;/m);
  assert.doesNotMatch(config, /Mesh_/);
  // The session with the leaf runs the fabric's timers (blog: hold 9, keepalive 3).
  assert.match(config, /^protocol bgp Node_10_0_102_1 from bgp_template \{\n(?:.*\n){4} {2}hold time 9; .*\n {2}keepalive time 3;\n\}/m);
  assert.match(config, /^ {3}route 192\.168\.0\.192\/26 blackhole;$/m);
  assert.match(config, /^ {2}if \( net ~ 192\.168\.0\.0\/16 \) then \{\n {4}accept; /m);
  assert.match(config, /^ {2}persist; /m);
});

test("VXLAN overlay: a mesh protocol per other node, passive towards higher addresses; pool routes left to Felix", () => {
  const plan = calicoPlan(t, "overlay", "vxlan");
  const node = plan.nodes.find((n) => n.node === "k8s-node-l1-1");
  assert.ok(node);
  const config = renderBirdConfig(t, plan, node);
  const meshes = [...config.matchAll(/^protocol bgp (Mesh_\S+) from bgp_template \{\n {2}neighbor (\S+) as 64512;\n(?:.*\n){2}(.*)\n/gm)].map((m) => [m[1], m[3]?.includes("passive on") ?? false]);
  assert.deepEqual(meshes, [
    ["Mesh_10_0_101_10", false],
    ["Mesh_10_0_101_102", true],
    ["Mesh_10_0_102_101", true],
    ["Mesh_10_0_102_102", true],
  ]);
  // The mesh keeps BIRD's own timers, as calico-node's does: neither the template nor a Mesh_ protocol sets them.
  assert.doesNotMatch(config, /hold time|keepalive time/);
  assert.match(config, /# Don't program VXLAN routes into the kernel - these are handled by Felix\.\n {4}reject;/);
  assert.match(config, /ifname ~ "\*\.calico"/);
});
