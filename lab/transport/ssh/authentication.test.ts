/** Logins against the scripted test server: what is refused and why, never a secret in a message. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { SshConnection } from "./connection.js";
import { failure, useTestServer } from "./fixtures/test-server.js";

const server = useTestServer();
const endpoint = server.endpoint;

test("a key the server does not accept: authentication refused, naming the key file, not its content", async () => {
  const connection = new SshConnection(endpoint({ identityFile: join(server.dir, "stranger") }));
  const { error } = await failure(() => connection.connect());
  assert.equal(error.failure, "auth");
  assert.equal(error.message, `leaf1: authentication refused for root (tried key ${join(server.dir, "stranger")}) at root@leaf1:22 through its proxy command`);
});

test("passwords come from the variable the endpoint names; never in a message", async () => {
  process.env.FABRICSPEC_TEST_PASSWORD = "letmein";
  const good = new SshConnection(endpoint({ identityFile: undefined, passwordEnv: "FABRICSPEC_TEST_PASSWORD" }));
  try {
    assert.equal((await good.run(["exit", "0"])).exitCode, 0);
  } finally {
    await good.close();
  }
  process.env.FABRICSPEC_TEST_PASSWORD = "wrong-secret-42";
  const bad = new SshConnection(endpoint({ identityFile: undefined, passwordEnv: "FABRICSPEC_TEST_PASSWORD" }));
  const refused = await failure(() => bad.connect());
  assert.equal(refused.error.message, "leaf1: authentication refused for root (tried password from FABRICSPEC_TEST_PASSWORD) at root@leaf1:22 through its proxy command");
  assert.doesNotMatch(JSON.stringify({ m: refused.error.message, h: refused.error.hint }), /wrong-secret-42/);
  delete process.env.FABRICSPEC_TEST_PASSWORD;
  const unset = await failure(() => new SshConnection(endpoint({ identityFile: undefined, passwordEnv: "FABRICSPEC_TEST_PASSWORD" })).connect());
  assert.equal(unset.error.message, "leaf1: the password variable FABRICSPEC_TEST_PASSWORD is not set");
});

test("unusable credentials fail before anything is started", async () => {
  const missing = await failure(() => new SshConnection(endpoint({ identityFile: join(server.dir, "absent") })).connect());
  assert.equal(missing.error.message, `leaf1: cannot read the identity file ${join(server.dir, "absent")} (ENOENT)`);
  const encrypted = await failure(() => new SshConnection(endpoint({ identityFile: join(server.dir, "encrypted") })).connect());
  assert.equal(encrypted.error.message, `leaf1: the identity file ${join(server.dir, "encrypted")} is encrypted`);
  const none = await failure(() => new SshConnection(endpoint({ identityFile: undefined })).connect());
  assert.match(none.error.message, /^leaf1: no way to log in/);
});
