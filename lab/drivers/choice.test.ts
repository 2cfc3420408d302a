import { test } from "node:test";
import assert from "node:assert/strict";
import { UsageError } from "../errors.js";
import { driverChoice } from "./choice.js";

test("FABRICSPEC_PROVISION=ssh: the netns lab over SSH, switches provisioned; off by default", () => {
  assert.deepEqual(driverChoice({}), { driver: "netns", transport: "local", provision: false });
  assert.deepEqual(driverChoice({ FABRICSPEC_PROVISION: "ssh" }), { driver: "netns", transport: "ssh", provision: true });
  assert.deepEqual(driverChoice({ FABRICSPEC_PROVISION: "ssh", FABRICSPEC_TRANSPORT: "ssh" }), { driver: "netns", transport: "ssh", provision: true });
  assert.throws(() => driverChoice({ FABRICSPEC_PROVISION: "ssh", FABRICSPEC_TRANSPORT: "local" }), UsageError);
  assert.throws(() => driverChoice({ FABRICSPEC_PROVISION: "ansible" }), /provisioning "ansible" is not supported/);
});
