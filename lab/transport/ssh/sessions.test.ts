/** The session bound of a connection, against the scripted test server. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SshConnection } from "./connection.js";
import { useTestServer } from "./fixtures/test-server.js";

const server = useTestServer();
const endpoint = server.endpoint;

test("at most maxSessions commands run at once on a connection; the rest wait their turn", async () => {
  const connection = new SshConnection(endpoint(), { maxSessions: 3 });
  try {
    const results = await Promise.all(Array.from({ length: 10 }, () => connection.run(["hold", "50"])));
    assert.equal(Math.max(...results.map((r) => Number(r.stdout))), 3);
  } finally {
    await connection.close();
  }
});
