/** The pool's connections: one per jump host, shared by the nodes behind it. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SshPool } from "./pool.js";
import { failure, useTestServer } from "./fixtures/test-server.js";

const server = useTestServer();
const endpoint = server.endpoint;

test("through a jump host: one connection to it, shared by the nodes behind it", async () => {
  const pool = new SshPool();
  try {
    const jump = endpoint({ node: "bastion", host: "bastion" });
    const behind = (node: string) => endpoint({ node, host: node, proxyCommand: undefined, jump });
    assert.equal((await pool.runner(behind("leaf1")).run(["exit", "7"])).exitCode, 7);
    assert.equal((await pool.runner(behind("spine1")).run(["exit", "8"])).exitCode, 8);
    const unknown = await failure(() => pool.runner(behind("leaf2")).run(["exit", "0"]));
    assert.match(unknown.error.message, /^leaf2: host key unknown/);
  } finally {
    await pool.close();
  }
});
