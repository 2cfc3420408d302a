import assert from "node:assert/strict";
import { test } from "node:test";
import { parseSections } from "./routes.js";

// The script's output shape: a mark per namespace, then what `ip -n NS -j route show` printed
// (iproute2 6.1: one JSON line; nothing at all for an empty table), or `!EXIT` after its error.
const output = [
  "",
  "@@fabricspec-netns fs-leaf1",
  '[{"dst":"10.0.0.1","nexthops":[{"gateway":"10.1.0.0","dev":"swp51","weight":1},{"gateway":"10.1.0.2","dev":"swp52","weight":1}],"protocol":"bgp","metric":20,"flags":[]}]',
  "",
  "@@fabricspec-netns fs-leaf2",
  "",
  "@@fabricspec-netns fs-spine1",
  'Cannot open network namespace "fs-spine1": No such file or directory',
  "",
  "!1",
  "",
].join("\n");

test("one process's routes split by namespace: ECMP legs, an empty table, a namespace ip could not enter", () => {
  assert.throws(() => parseSections(output, ["leaf1", "leaf2", "spine1"]), /Cannot open network namespace/);
  const routes = parseSections(output, ["leaf1", "leaf2"]);
  assert.deepEqual(routes.get("leaf1")?.[0]?.nexthops, [
    { gateway: "10.1.0.0", dev: "swp51" },
    { gateway: "10.1.0.2", dev: "swp52" },
  ]);
  assert.equal(routes.get("leaf1")?.[0]?.dst, "10.0.0.1/32");
  assert.deepEqual(routes.get("leaf2"), []);
});
