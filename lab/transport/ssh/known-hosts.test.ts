import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { fingerprint, keyTypeOf, knownKeyTypes, lookupName, parseKnownHosts, readKnownHosts, verifyHostKey } from "./known-hosts.js";

const fixture = (name: string) => fileURLToPath(new URL(`fixtures/${name}`, import.meta.url));
const blob = (name: string) => Buffer.from(readFileSync(fixture(`${name}.pub`), "utf8").split(" ")[1] ?? "", "base64");

// What `ssh-keygen -lf KEY.pub` printed for each fixture key.
const FINGERPRINTS = {
  leaf1: "SHA256:xKETWz6wIVHDRriGdYzENiWCu0b0StH0nd0i0uRpZ1M",
  spine1: "SHA256:YFPef7QeRpg8KSdYVFIi6VUVovrBj++TfhDqZyjhHLo",
  other: "SHA256:/0IgcinRudKQq0vVmw2GqbHrXy31ZNdNTMh+Xv53714",
  rsa: "SHA256:mYALNXMXc3E21gdyUfXMXwxycHxx5teZrxHJBHoLrcM",
};

test("fingerprints and key types are OpenSSH's", () => {
  for (const [name, expected] of Object.entries(FINGERPRINTS)) assert.equal(fingerprint(blob(name)), expected);
  assert.equal(keyTypeOf(blob("leaf1")), "ssh-ed25519");
  assert.equal(keyTypeOf(blob("spine1")), "ecdsa-sha2-nistp256");
  assert.equal(keyTypeOf(blob("rsa")), "ssh-rsa");
  assert.equal(keyTypeOf(Buffer.from("no")), "");
});

test("lookup names: the host on port 22, [host]:port otherwise", () => {
  assert.equal(lookupName("leaf1", 22), "leaf1");
  assert.equal(lookupName("10.0.0.1", 2222), "[10.0.0.1]:2222");
});

test("comments, blank lines and lines that are not keys are skipped; the rest is read with line numbers", () => {
  const entries = readKnownHosts(fixture("known_hosts"));
  assert.equal(entries.length, 6);
  assert.deepEqual(entries.map((e) => e.line), [2, 3, 4, 5, 6, 7]);
  assert.equal(entries.find((e) => e.marker === "revoked")?.line, 6);
});

test("a plain entry verifies the key it lists, and rejects another with both fingerprints", () => {
  const entries = readKnownHosts(fixture("known_hosts"));
  assert.deepEqual(verifyHostKey(entries, "leaf1", 22, blob("leaf1")), { ok: true });
  assert.deepEqual(verifyHostKey(entries, "leaf1", 22, blob("other")), {
    ok: false,
    reason: "mismatch",
    presented: `ssh-ed25519 ${FINGERPRINTS.other}`,
    expected: [`ssh-ed25519 ${FINGERPRINTS.leaf1}`],
  });
});

test("[host]:port entries apply to that port only", () => {
  const entries = readKnownHosts(fixture("known_hosts"));
  assert.deepEqual(verifyHostKey(entries, "leaf1", 2222, blob("other")), { ok: true });
  assert.equal(verifyHostKey(entries, "leaf1", 2222, blob("leaf1")).ok, false);
  const unknown = verifyHostKey(entries, "leaf1", 2200, blob("leaf1"));
  assert.equal(!unknown.ok && unknown.reason, "unknown");
});

test("comma lists, wildcards and negations match as in OpenSSH", () => {
  const entries = readKnownHosts(fixture("known_hosts"));
  assert.equal(verifyHostKey(entries, "172.16.255.1", 22, blob("spine1")).ok, true);
  assert.equal(verifyHostKey(entries, "SPINE1", 22, blob("spine1")).ok, true, "host names are case-insensitive");
  assert.equal(verifyHostKey(entries, "sw1.lab.example", 22, blob("rsa")).ok, true);
  const negated = verifyHostKey(entries, "bad.lab.example", 22, blob("rsa"));
  assert.equal(!negated.ok && negated.reason, "unknown");
  assert.deepEqual(knownKeyTypes(entries, "sw9.lab.example", 22), ["ssh-rsa"]);
});

test("a revoked key is refused even where another line lists it", () => {
  const entries = readKnownHosts(fixture("known_hosts"));
  const verdict = verifyHostKey(entries, "old.lab.example", 22, blob("other"));
  assert.equal(!verdict.ok && verdict.reason, "revoked");
});

test("hashed entries (ssh-keygen -H) match their host, with or without a port", () => {
  const entries = readKnownHosts(fixture("known_hosts_hashed"));
  assert.equal(entries.every((e) => e.hosts.kind === "hashed"), true);
  assert.equal(verifyHostKey(entries, "hashed1", 22, blob("leaf1")).ok, true);
  assert.equal(verifyHostKey(entries, "hashed2", 2200, blob("spine1")).ok, true);
  const wrongPort = verifyHostKey(entries, "hashed2", 22, blob("spine1"));
  assert.equal(!wrongPort.ok && wrongPort.reason, "unknown");
  const mismatch = verifyHostKey(entries, "hashed1", 22, blob("other"));
  assert.equal(!mismatch.ok && mismatch.reason, "mismatch");
});

test("a key whose type does not match its blob is not trusted", () => {
  const text = `leaf1 ssh-rsa ${readFileSync(fixture("leaf1.pub"), "utf8").split(" ")[1]}`;
  assert.deepEqual(parseKnownHosts(text), []);
});
