/** A server that never answers fails within the connect timeout, never a hang. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SshConnection } from "./connection.js";
import { failure, useTestServer } from "./fixtures/test-server.js";

const server = useTestServer();
const endpoint = server.endpoint;

test("a server that never answers: connection timed out, within the connect timeout", async () => {
  const { error, ms } = await failure(() => new SshConnection(endpoint({}, "silent"), { connectTimeoutMs: 500 }).connect());
  assert.equal(error.failure, "timeout");
  assert.equal(error.message, "leaf1: connection timed out after 0.5 s (root@leaf1:22 through its proxy command)");
  assert.ok(ms < 2000, `took ${Math.round(ms)} ms`);
});
