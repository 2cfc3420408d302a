/** Host keys checked against known_hosts on a real handshake (the scripted test server). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { SshConnection } from "./connection.js";
import { failure, useTestServer } from "./fixtures/test-server.js";

const server = useTestServer();
const endpoint = server.endpoint;

test("a changed host key is refused, with both fingerprints", async () => {
  const connection = new SshConnection(endpoint({ knownHostsFile: join(server.dir, "known_hosts_changed") }));
  const { error } = await failure(() => connection.run(["exit", "0"]));
  assert.equal(error.failure, "host-key");
  assert.equal(
    error.message,
    `leaf1: host key mismatch: it presented ssh-ed25519 ${server.hostKeyFingerprint}, ${join(server.dir, "known_hosts_changed")} expects ssh-ed25519 ${server.otherFingerprint} for leaf1`,
  );
  assert.match(error.hint ?? "", /ssh-keygen -R leaf1/);
  await connection.close();
});

test("a host the known_hosts file does not list is refused, with the key it presented", async () => {
  const connection = new SshConnection(endpoint({ node: "leaf2", host: "leaf2" }));
  const { error } = await failure(() => connection.connect());
  assert.equal(error.message, `leaf2: host key unknown: ${join(server.dir, "known_hosts")} lists no key for leaf2 (it presented ssh-ed25519 ${server.hostKeyFingerprint})`);
});

test("insecureIgnoreHostKey connects, and says so once per node", async () => {
  const warnings: string[] = [];
  const options = { warn: (m: string) => warnings.push(m) };
  const first = new SshConnection(endpoint({ node: "insecure1", host: "nowhere", insecureIgnoreHostKey: true }), options);
  const second = new SshConnection(endpoint({ node: "insecure1", host: "nowhere", insecureIgnoreHostKey: true }), options);
  try {
    await first.connect();
    await second.connect();
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? "", /^insecure1: host key NOT verified \(insecureIgnoreHostKey\): it presented ssh-ed25519 SHA256:/);
  } finally {
    await first.close();
    await second.close();
  }
});
