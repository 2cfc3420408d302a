import { test } from "node:test";
import assert from "node:assert/strict";
import { loadTopology } from "../topology/load.js";
import { findSwitch, withoutSwitch } from "../topology/model.js";
import { convergenceFindings, oneSpineFewerFindings } from "./failover.js";
import type { ConvergenceFigures } from "./measure.js";

const t = loadTopology();
const reduced = withoutSwitch(t, "spine1");
const leaf1 = findSwitch(reduced, "leaf1");

test("oneSpineFewerFindings: with spine1 gone, leaf1 routes rack 2 over spine2 alone", () => {
  assert.ok(leaf1);
  assert.deepEqual(oneSpineFewerFindings(t, reduced, leaf1, [{ dst: "10.0.102.0/24", nexthops: [{ gateway: "172.16.0.4" }] }]), []);
  assert.deepEqual(oneSpineFewerFindings(t, reduced, leaf1, [{ dst: "10.0.102.0/24", nexthops: [{ gateway: "172.16.0.4" }, { gateway: "172.16.0.0" }] }]), [
    "leaf1 routes 10.0.102.0/24 over 2 next hops (expected 1: one spine fewer than the 2 of the baseline)",
  ]);
  assert.deepEqual(oneSpineFewerFindings(t, reduced, leaf1, []), ["leaf1 routes 10.0.102.0/24 over 0 next hops (expected 1: one spine fewer than the 2 of the baseline)"]);
});

test("convergenceFindings: nothing when converged; else the budget, what, and the last findings", () => {
  const budget = { name: "failover", ms: 3000, reason: "fast external failover", intervalMs: 100 };
  const figures: ConvergenceFigures = { detectMs: 10, firstPassMs: 900, stableMs: 1900, settleMs: 1000, attempts: 20, budget, converged: true, findings: [] };
  assert.deepEqual(convergenceFindings("after spine1 failed", budget, figures), []);
  assert.deepEqual(convergenceFindings("after spine1 failed", budget, { ...figures, converged: false, findings: ["leaf1 routes 10.0.102.0/24 via spine1 172.16.0.0, spine2 172.16.0.4 (expected via spine2 172.16.0.4)"] }), [
    "the fabric did not converge within 3000 ms (fast external failover) after spine1 failed:",
    "leaf1 routes 10.0.102.0/24 via spine1 172.16.0.0, spine2 172.16.0.4 (expected via spine2 172.16.0.4)",
  ]);
});
