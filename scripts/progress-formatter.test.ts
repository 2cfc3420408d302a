import { test } from "node:test";
import assert from "node:assert/strict";
import { scenarioLine } from "./progress-formatter.js";

test("scenarioLine: status, name, location and duration on one line", () => {
  assert.equal(
    scenarioLine("FAILED", "leaf2 peers with both spines", "features/blog/bgp-sessions.feature:17", 312.4),
    "FAILED   leaf2 peers with both spines  features/blog/bgp-sessions.feature:17  0.31 s",
  );
  assert.equal(scenarioLine("passed", "x", "f:1", 0), "PASSED   x  f:1  0.00 s");
});
