/**
 * The SSH transport against a real SSH server (ssh2's, scripted: ssh-test-server.mjs) that the
 * endpoint reaches as its proxy command: no TCP port, no lab. Each failure must be an SshError
 * naming the node with its cause in one line, within a bounded time, never a hang.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ssh2 from "ssh2";
import type { SshEndpoint } from "./ssh-endpoint.js";
import { SshConnection, SshError, SshPool, expandTokens } from "./ssh.js";
import { fingerprint } from "./ssh-known-hosts.js";

const SERVER = fileURLToPath(new URL("ssh-test-server.mjs", import.meta.url));
let dir: string;
let hostKeyFingerprint: string;
let otherFingerprint: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), "fabricspec-ssh-test-"));
  const keys = {
    host: ssh2.utils.generateKeyPairSync("ed25519"),
    other: ssh2.utils.generateKeyPairSync("ed25519"),
    client: ssh2.utils.generateKeyPairSync("ed25519"),
    stranger: ssh2.utils.generateKeyPairSync("ed25519"),
  };
  for (const [name, pair] of Object.entries(keys)) {
    writeFileSync(join(dir, name), pair.private, { mode: 0o600 });
    writeFileSync(join(dir, `${name}.pub`), `${pair.public}\n`);
  }
  writeFileSync(join(dir, "encrypted"), ssh2.utils.generateKeyPairSync("ed25519", { passphrase: "secret", cipher: "aes256-cbc", rounds: 16 }).private);
  const blob = (pub: string) => Buffer.from(pub.split(" ")[1] ?? "", "base64");
  hostKeyFingerprint = fingerprint(blob(keys.host.public));
  otherFingerprint = fingerprint(blob(keys.other.public));
  const line = (host: string, pub: string) => `${host} ${pub.split(" ").slice(0, 2).join(" ")}\n`;
  writeFileSync(join(dir, "known_hosts"), line("leaf1", keys.host.public) + line("spine1", keys.host.public) + line("bastion", keys.host.public));
  writeFileSync(join(dir, "known_hosts_changed"), line("leaf1", keys.other.public));
});

after(() => rmSync(dir, { recursive: true, force: true }));

/** An endpoint whose proxy command is the test server, in `mode`. */
function endpoint(overrides: Partial<SshEndpoint> = {}, mode = "normal"): SshEndpoint {
  return {
    node: "leaf1",
    host: "leaf1",
    port: 22,
    user: "root",
    identityFile: join(dir, "client"),
    knownHostsFile: join(dir, "known_hosts"),
    proxyCommand: [process.execPath, SERVER, join(dir, "host"), join(dir, "client.pub"), mode],
    ...overrides,
  };
}

/** The SshError `work` rejects with, and how long it took. */
async function failure(work: () => Promise<unknown>): Promise<{ error: SshError; ms: number }> {
  const started = performance.now();
  try {
    await work();
  } catch (error) {
    assert.ok(error instanceof SshError, `expected an SshError, got ${String(error)}`);
    return { error, ms: performance.now() - started };
  }
  assert.fail("expected it to fail");
}

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

test("at most maxSessions commands run at once on a connection; the rest wait their turn", async () => {
  const connection = new SshConnection(endpoint(), { maxSessions: 3 });
  try {
    const results = await Promise.all(Array.from({ length: 10 }, () => connection.run(["hold", "50"])));
    assert.equal(Math.max(...results.map((r) => Number(r.stdout))), 3);
  } finally {
    await connection.close();
  }
});

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

test("a changed host key is refused, with both fingerprints", async () => {
  const connection = new SshConnection(endpoint({ knownHostsFile: join(dir, "known_hosts_changed") }));
  const { error } = await failure(() => connection.run(["exit", "0"]));
  assert.equal(error.failure, "host-key");
  assert.equal(
    error.message,
    `leaf1: host key mismatch: it presented ssh-ed25519 ${hostKeyFingerprint}, ${join(dir, "known_hosts_changed")} expects ssh-ed25519 ${otherFingerprint} for leaf1`,
  );
  assert.match(error.hint ?? "", /ssh-keygen -R leaf1/);
  await connection.close();
});

test("a host the known_hosts file does not list is refused, with the key it presented", async () => {
  const connection = new SshConnection(endpoint({ node: "leaf2", host: "leaf2" }));
  const { error } = await failure(() => connection.connect());
  assert.equal(error.message, `leaf2: host key unknown: ${join(dir, "known_hosts")} lists no key for leaf2 (it presented ssh-ed25519 ${hostKeyFingerprint})`);
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

test("a key the server does not accept: authentication refused, naming the key file, not its content", async () => {
  const connection = new SshConnection(endpoint({ identityFile: join(dir, "stranger") }));
  const { error } = await failure(() => connection.connect());
  assert.equal(error.failure, "auth");
  assert.equal(error.message, `leaf1: authentication refused for root (tried key ${join(dir, "stranger")}) at root@leaf1:22 through its proxy command`);
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
  const missing = await failure(() => new SshConnection(endpoint({ identityFile: join(dir, "absent") })).connect());
  assert.equal(missing.error.message, `leaf1: cannot read the identity file ${join(dir, "absent")} (ENOENT)`);
  const encrypted = await failure(() => new SshConnection(endpoint({ identityFile: join(dir, "encrypted") })).connect());
  assert.equal(encrypted.error.message, `leaf1: the identity file ${join(dir, "encrypted")} is encrypted`);
  const none = await failure(() => new SshConnection(endpoint({ identityFile: undefined })).connect());
  assert.match(none.error.message, /^leaf1: no way to log in/);
});

test("a proxy command that fails says why, in one line", async () => {
  const { error } = await failure(() => new SshConnection(endpoint({}, "crash")).connect());
  assert.equal(error.failure, "proxy");
  assert.match(error.message, /^leaf1: proxy command failed \(exit 1\): test-server: cannot reach the node \(`.*ssh-test-server\.mjs .* crash`\)$/);
  const absent = await failure(() => new SshConnection(endpoint({ proxyCommand: ["/nonexistent/proxy", "%h"] })).connect());
  assert.match(absent.error.message, /^leaf1: proxy command failed: spawn \/nonexistent\/proxy ENOENT \(`\/nonexistent\/proxy leaf1`\)$/);
});

test("a server that never answers: connection timed out, within the connect timeout", async () => {
  const { error, ms } = await failure(() => new SshConnection(endpoint({}, "silent"), { connectTimeoutMs: 500 }).connect());
  assert.equal(error.failure, "timeout");
  assert.equal(error.message, "leaf1: connection timed out after 0.5 s (root@leaf1:22 through its proxy command)");
  assert.ok(ms < 2000, `took ${Math.round(ms)} ms`);
});

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

test("close() is idempotent; a closed connection refuses commands", async () => {
  const connection = new SshConnection(endpoint());
  await connection.run(["exit", "0"]);
  await connection.close();
  await connection.close();
  const { error } = await failure(() => connection.run(["exit", "0"]));
  assert.equal(error.message, "leaf1: the SSH connection was closed");
});

test("proxy command tokens: %h host, %p port, %r user, %n node, %% percent", () => {
  assert.equal(expandTokens("fs-%n %h:%p %r 100%%", { node: "leaf1", host: "10.0.0.1", port: 2222, user: "cumulus" }), "fs-leaf1 10.0.0.1:2222 cumulus 100%");
});
