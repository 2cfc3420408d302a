/**
 * A connection's lifetime against the scripted test server: drops are a clear broken result naming
 * the node, the next command reconnects, and close() is idempotent.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SshConnection } from "./connection.js";
import { failure, useTestServer } from "./fixtures/test-server.js";

const server = useTestServer();
const endpoint = server.endpoint;

test("a connection dropped mid-command is a clear broken result naming the node; the next command reconnects", async () => {
  const connection = new SshConnection(endpoint());
  try {
    const { error, ms } = await failure(() => connection.run(["drop"], { timeoutMs: 10_000 }));
    assert.equal(error.message, "leaf1: the SSH connection dropped while `drop` ran");
    assert.equal(error.failure, "dropped");
    assert.ok(ms < 2000);
    assert.equal((await connection.run(["exit", "0"])).exitCode, 0);
    assert.equal(connection.connections, 2);
  } finally {
    await connection.close();
  }
});

test("a connection dropped between commands is reopened once, transparently", async () => {
  const connection = new SshConnection(endpoint());
  try {
    assert.equal((await connection.run(["drop-after"])).stdout, "ok\n");
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.equal((await connection.run(["exit", "5"])).exitCode, 5);
    assert.equal(connection.connections, 2);
  } finally {
    await connection.close();
  }
});

test("close() is idempotent; a closed connection refuses commands", async () => {
  const connection = new SshConnection(endpoint());
  await connection.run(["exit", "0"]);
  await connection.close();
  await connection.close();
  const { error } = await failure(() => connection.run(["exit", "0"]));
  assert.equal(error.message, "leaf1: the SSH connection was closed");
});
