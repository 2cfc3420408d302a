/**
 * One command over a real SSH session (the scripted test server as the endpoint's proxy command):
 * what the remote shell is sent, what comes back, and a timeout that is exit 124, never a hang.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SshConnection } from "./connection.js";
import { SshPool } from "./pool.js";
import { useTestServer } from "./fixtures/test-server.js";

const server = useTestServer();
const endpoint = server.endpoint;

test("argument arrays arrive quoted for the remote shell; results carry exit code, stdout and stderr", async () => {
  const pool = new SshPool();
  try {
    const runner = pool.runner(endpoint());
    const result = await runner.run(["vtysh", "-c", "show bgp summary json", "it's $HOME;"]);
    assert.equal(result.stdout, `vtysh -c 'show bgp summary json' 'it'\\''s $HOME;'\n`);
    assert.equal(result.stderr, "stderr\n");
    assert.equal(result.exitCode, 0);
    assert.deepEqual(result.command, ["vtysh", "-c", "show bgp summary json", "it's $HOME;"]);
    assert.equal((await runner.run(["exit", "3"])).exitCode, 3);
    assert.deepEqual(pool.stats(), [{ node: "leaf1", connections: 1, sessions: 2 }], "one connection, reused");
  } finally {
    await pool.close();
  }
});

test("sudo: true runs commands as `sudo -n -- ARGV`", async () => {
  const connection = new SshConnection(endpoint({ sudo: true }));
  try {
    assert.equal((await connection.run(["vtysh", "-c", "show version"])).stdout, "sudo -n -- vtysh -c 'show version'\n");
  } finally {
    await connection.close();
  }
});

test("a command that outlives its timeout is killed and gives exit 124, not a hang", async () => {
  const connection = new SshConnection(endpoint());
  try {
    await connection.connect();
    const started = performance.now();
    const result = await connection.run(["sleep"], { timeoutMs: 300 });
    assert.equal(result.exitCode, 124);
    assert.ok(performance.now() - started < 1500, `took ${Math.round(performance.now() - started)} ms`);
    assert.equal((await connection.run(["exit", "0"])).exitCode, 0, "the connection is still usable");
  } finally {
    await connection.close();
  }
});
