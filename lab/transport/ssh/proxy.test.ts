/** A proxy command that fails says why, in one line. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SshConnection } from "./connection.js";
import { failure, useTestServer } from "./fixtures/test-server.js";

const server = useTestServer();
const endpoint = server.endpoint;

test("a proxy command that fails says why, in one line", async () => {
  const { error } = await failure(() => new SshConnection(endpoint({}, "crash")).connect());
  assert.equal(error.failure, "proxy");
  assert.match(error.message, /^leaf1: proxy command failed \(exit 1\): test-server: cannot reach the node \(`.*\/fixtures\/test-server\.mjs .* crash`\)$/);
  const absent = await failure(() => new SshConnection(endpoint({ proxyCommand: ["/nonexistent/proxy", "%h"] })).connect());
  assert.match(absent.error.message, /^leaf1: proxy command failed: spawn \/nonexistent\/proxy ENOENT \(`\/nonexistent\/proxy leaf1`\)$/);
});
